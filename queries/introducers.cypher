// name: introducers
// purpose: Who can introduce us to a stakeholder: the stakeholders we have engaged (took part in
//   at least one activity of the project) who have a tie to the target in either direction.
//   Ranked first by whether the target trusts them, then by the summed weight of their ties
//   with the target (a tie without a weight counts 1), then by how often we engaged them.
// param: project id — id of the project whose activities count as "engaged by us"
// param: target id — id of the stakeholder we want to reach
// returns: id id — the introducer's id
// returns: name string — the introducer's name
// returns: trusted_by_target bool — whether the target TRUSTS them
// returns: weight float — the summed weight of their ties with the target (1 per tie without one)
// returns: ties list<string> — their ties with the target as 'source -TYPE-> target' (ids)
// returns: activities int — how many of the project's activities they took part in
// returns: last_engaged date — the date of the latest of those activities
// example:
// :param project => 'demo-project'
// :param target => 'demo-ccg'

MATCH (target:Stakeholder {id: $target})
MATCH (target)-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-(introducer:Stakeholder)
WHERE introducer <> target
WITH target, introducer, collect(tie) AS ties
MATCH (introducer)-[:PARTICIPATED_IN]->(act:EngagementActivity)
      -[:FOR_PROJECT]->(:Project {id: $project})
WITH target, introducer, ties, count(DISTINCT act) AS activities, max(act.date) AS last_engaged
RETURN introducer.id AS id,
       introducer.name AS name,
       EXISTS { (target)-[:TRUSTS]->(introducer) } AS trusted_by_target,
       reduce(total = 0.0, t IN ties | total + coalesce(t.weight, 1.0)) AS weight,
       [t IN ties | startNode(t).id + ' -' + type(t) + '-> ' + endNode(t).id] AS ties,
       activities,
       last_engaged
ORDER BY trusted_by_target DESC, weight DESC, activities DESC, name, id
