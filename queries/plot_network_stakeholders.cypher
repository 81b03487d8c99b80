// name: plot_network_stakeholders
// purpose: The stakeholders of the network view: everyone (no project) or those assessed for a project or taking part in its activities, with kind, sector and their current quadrant in the project.
// param: project string = null — the project id (null = every stakeholder; quadrant is then null)
// param: at date = today — the quadrant as of this date
// example:
// :param project => 'demo-icbt';
// :param at => date('2026-06-30');
MATCH (s:Stakeholder)
WHERE $project IS NULL
   OR EXISTS { (s)-[:ASSESSED]->(:Project {id: $project}) }
   OR EXISTS { (s)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(:Project {id: $project}) }
OPTIONAL MATCH (s)-[a:ASSESSED]->(:Project {id: $project})
WHERE a.date <= $at
WITH s, a
ORDER BY a.date DESC, a.id DESC
WITH s, head(collect(a)) AS latest
RETURN s.id AS id, s.name AS name, s.kind AS kind, s.sector AS sector,
       latest.quadrant AS quadrant
ORDER BY id
