// name: analytics_gds_project_projection
// purpose: Projects the stakeholder tie network of a project (stakeholders assessed in it or taking part in its activities) into a Graph Data Science in-memory graph with the igraph engine's semantics: an undirected tie type gives arcs both ways, parallel ties between an ordered pair merge into one arc whose weight is their summed weight (1 when unweighted), self-ties are dropped, stakeholders without ties are kept; every arc also gets length = 1 / weight. With pairs = true it projects one undirected edge per tied pair weighing both arcs together (community detection).
// param: graph string — the name of the in-memory graph to create
// param: project string — the project id
// param: tie_types list<string> = ["INFLUENCES", "TRUSTS", "COLLABORATES_WITH", "REFERRED"] — tie types to keep
// param: undirected_types list<string> = ["COLLABORATES_WITH"] — tie types that hold both ways
// param: weighted bool = true — false: every arc (or pair) weighs 1
// param: pairs bool = false — true: one undirected edge per tied pair instead of arcs
// returns: nodes int — stakeholders projected
// returns: arcs int — relationships projected (an undirected edge counts twice)
// example: the network of the demo project
// :param graph => 'demo-icbt-ties';
// :param project => 'demo-icbt';
// :param tie_types => ['INFLUENCES', 'TRUSTS', 'COLLABORATES_WITH', 'REFERRED'];
// :param undirected_types => ['COLLABORATES_WITH'];
// :param weighted => true;
// :param pairs => false;
MATCH (p:Project {id: $project})
CALL (p) {
  MATCH (s:Stakeholder)-[:ASSESSED]->(p)
  RETURN s
  UNION
  MATCH (s:Stakeholder)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p)
  RETURN s
}
WITH DISTINCT p, s
OPTIONAL CALL (p, s) {
  CALL (p, s) {
    MATCH (s)-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]->(o:Stakeholder)
    WHERE type(t) IN $tie_types AND o <> s
    RETURN o, coalesce(t.weight, 1.0) AS w, type(t) IN $undirected_types AS both, true AS out
    UNION ALL
    MATCH (s)<-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-(o:Stakeholder)
    WHERE type(t) IN $tie_types AND o <> s
    RETURN o, coalesce(t.weight, 1.0) AS w, type(t) IN $undirected_types AS both, false AS out
  }
  WITH o, w, both, out
  WHERE (EXISTS { (o)-[:ASSESSED]->(p) }
         OR EXISTS { (o)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p) })
    AND CASE WHEN $pairs THEN elementId(s) < elementId(o) ELSE out OR both END
  RETURN o, sum(CASE WHEN $pairs AND both THEN 2.0 * w ELSE w END) AS summed
}
WITH s, o, CASE WHEN $weighted THEN coalesce(summed, 1.0) ELSE 1.0 END AS weight
WITH gds.graph.project($graph, s, o,
       {relationshipProperties: {weight: weight, length: 1.0 / weight}},
       {undirectedRelationshipTypes: CASE WHEN $pairs THEN ['*'] ELSE [] END}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS arcs
