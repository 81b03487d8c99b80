// name: analytics_q3_stakeholders
// purpose: The Q3 stakeholders of a project (impacted but disengaged: high impact, low interest) by their latest assessment; `stakegraph analyse reach-q3` asks who can reach them.
// param: project string — the project id
// example: the Q3 stakeholders of the demo project
// :param project => 'demo-pathway';
MATCH (p:Project {id: $project})<-[a:ASSESSED]-(s:Stakeholder)
WITH s, a ORDER BY a.date DESC, a.id DESC
WITH s, head(collect(a)) AS latest
WHERE latest.quadrant = 'q3'
RETURN s.id AS id, s.name AS name, latest.interest AS interest, latest.impact AS impact,
       latest.date AS assessed_on
ORDER BY id
