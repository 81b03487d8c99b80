// name: q3_reach
// purpose: Who can reach the Q3 stakeholders of a project (high impact, low interest: impacted
//   but disengaged, from their latest assessment on or before $at) within $hops ties. One row per
//   stakeholder outside Q3 with the Q3 stakeholders they reach, nearest distance, and whether we
//   have engaged them in the project (took part in one of its activities). With $directed the
//   ties must lead from them towards the Q3 stakeholder (COLLABORATES_WITH counts both ways).
//   Capped at 5 hops (Cypher needs a literal bound).
// param: project id — id of the project
// param: at date = today — read each stakeholder's latest assessment on or before this date
// param: hops int = 2 in 1..5 — how many ties away to look
// param: tie_types list<string> = [] one of INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED as TieType — tie types to follow (empty = all)
// param: directed bool = false — ties must point from the reacher towards the Q3 stakeholder
// returns: id id — the id of a stakeholder outside Q3 who reaches Q3 stakeholders
// returns: name string — their name
// returns: q3_reached int — how many Q3 stakeholders they reach
// returns: reaches list<id> — the ids of those Q3 stakeholders
// returns: nearest int — ties to the nearest of them
// returns: engaged bool — whether they took part in one of the project's activities
// example:
// :param project => 'demo-project'
// :param at => date('2025-06-30')
// :param hops => 2
// :param tie_types => []
// :param directed => false

MATCH (p:Project {id: $project})<-[a:ASSESSED]-(s:Stakeholder)
WHERE a.date <= $at
WITH p, s, a ORDER BY a.date DESC, a.id DESC
WITH p, s, head(collect(a)) AS current
WITH p, collect(CASE WHEN current.quadrant = 'q3' THEN s END) AS q3
UNWIND q3 AS target
// Walk outwards from each Q3 stakeholder. `near` is the end of each tie nearer to the target.
MATCH route = ANY SHORTEST (target)
      ((near)-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-()
        WHERE (size($tie_types) = 0 OR type(tie) IN $tie_types)
          AND (NOT $directed OR type(tie) = 'COLLABORATES_WITH' OR endNode(tie) = near)){1,5}
      (reacher:Stakeholder)
WHERE NOT reacher IN q3 AND length(route) <= $hops
WITH p, reacher, target, length(route) AS distance ORDER BY target.id
WITH p, reacher, collect(target.id) AS reaches, min(distance) AS nearest
RETURN reacher.id AS id,
       reacher.name AS name,
       size(reaches) AS q3_reached,
       reaches,
       nearest,
       EXISTS { (reacher)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p) }
         AS engaged
ORDER BY q3_reached DESC, engaged DESC, nearest, name, id
