// name: analytics_activity_projection
// purpose: The activity network of a project (the other mode of the stakeholder x activity graph): one row per activity, listing each other activity once per participant they shared.
// param: project string — the project id
// example: the events of Davis's Southern women study, tied by the women who attended both
// :param project => 'davis-project';
MATCH (p:Project {id: $project})<-[:FOR_PROJECT]-(a:EngagementActivity)
RETURN a.id AS id, a.name AS name,
       [(a)<-[:PARTICIPATED_IN]-(:Stakeholder)-[:PARTICIPATED_IN]->(b:EngagementActivity)
        WHERE b <> a AND (b)-[:FOR_PROJECT]->(p)
        | [b.id, 'PARTICIPATED_IN', 1.0]] AS ties
ORDER BY id
