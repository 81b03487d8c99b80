// name: analytics_coparticipation
// purpose: The co-participation network of a project's stakeholders (one mode of the stakeholder x activity graph): one row per stakeholder taking part in the project's activities, listing each partner once per activity they shared.
// param: project string — the project id
// example: the women of Davis's Southern women study, tied by the events they attended together
// :param project => 'davis-project';
MATCH (p:Project {id: $project})<-[:FOR_PROJECT]-(:EngagementActivity)<-[:PARTICIPATED_IN]-(s:Stakeholder)
WITH DISTINCT p, s
RETURN s.id AS id, s.name AS name,
       [(s)-[:PARTICIPATED_IN]->(a:EngagementActivity)<-[:PARTICIPATED_IN]-(o:Stakeholder)
        WHERE o <> s AND (a)-[:FOR_PROJECT]->(p)
        | [o.id, 'PARTICIPATED_IN', 1.0]] AS ties
ORDER BY id
