// name: analytics_gds_coparticipation
// purpose: Projects the co-participation network of a project's stakeholders (tied by the project's activities they both took part in) into a Graph Data Science in-memory graph with the igraph engine's semantics: arcs both ways weighing the number of activities shared (1 when unweighted), every arc with length = 1 / weight; with pairs = true every arc as an undirected edge, a pair's two parallel edges adding up to both arcs' weight (community detection; modularity reads parallel edges as their sum).
// param: graph string — the name of the in-memory graph to create
// param: project string — the project id
// param: weighted bool = true — false: every arc (or pair) weighs 1
// param: pairs bool = false — true: every arc as an undirected edge (community detection)
// returns: nodes int — stakeholders projected
// returns: arcs int — relationships projected (with pairs, every arc counts twice)
// example: the women of Davis's Southern women study, tied by the events they attended together
// :param graph => 'davis-women';
// :param project => 'davis-project';
// :param weighted => true;
// :param pairs => false;
MATCH (p:Project {id: $project})<-[:FOR_PROJECT]-(:EngagementActivity)<-[:PARTICIPATED_IN]-(s:Stakeholder)
WITH DISTINCT p, s
OPTIONAL CALL (p, s) {
  MATCH (s)-[:PARTICIPATED_IN]->(a:EngagementActivity)<-[:PARTICIPATED_IN]-(o:Stakeholder)
  WHERE o <> s AND (a)-[:FOR_PROJECT]->(p)
  RETURN o, toFloat(count(*)) AS summed
}
WITH s, o, CASE WHEN $weighted THEN coalesce(summed, 1.0) ELSE 1.0 END AS weight
WITH gds.graph.project($graph, s, o,
       {relationshipProperties: {weight: weight, length: 1.0 / weight}},
       {undirectedRelationshipTypes: CASE WHEN $pairs THEN ['*'] ELSE [] END}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS arcs
