// name: analytics_gds_project_projection
// purpose: Projects the stakeholder tie network of a project (stakeholders assessed in it or taking part in its activities) into a Graph Data Science in-memory graph with the igraph engine's semantics: an undirected tie type gives arcs both ways, parallel ties between an ordered pair merge into one arc whose weight is their summed weight (1 when unweighted), self-ties are dropped, stakeholders without ties are kept; every arc also gets length = 1 / weight. With pairs = true every arc is projected as an undirected edge instead, so a pair tied both ways holds two parallel edges whose weights add up to both arcs' (community detection; modularity reads parallel edges as their sum).
// param: graph string — the name of the in-memory graph to create
// param: project string — the project id
// param: tie_types list<string> = ["INFLUENCES", "TRUSTS", "COLLABORATES_WITH", "REFERRED"] — tie types to keep
// param: undirected_types list<string> = ["COLLABORATES_WITH"] — tie types that hold both ways
// param: weighted bool = true — false: every arc (or pair) weighs 1
// param: pairs bool = false — true: every arc as an undirected edge (community detection)
// returns: nodes int — stakeholders projected
// returns: arcs int — relationships projected (with pairs, every arc counts twice)
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
  // s -> o for every tie s sent, and for every undirected tie o sent to s.
  WHERE (out OR both)
    AND (EXISTS { (o)-[:ASSESSED]->(p) }
         OR EXISTS { (o)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p) })
  RETURN o, sum(w) AS summed
}
WITH s, o, CASE WHEN $weighted THEN coalesce(summed, 1.0) ELSE 1.0 END AS weight
WITH gds.graph.project($graph, s, o,
       {relationshipProperties: {weight: weight, length: 1.0 / weight}},
       {undirectedRelationshipTypes: CASE WHEN $pairs THEN ['*'] ELSE [] END}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS arcs
