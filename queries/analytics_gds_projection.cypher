// name: analytics_gds_projection
// purpose: Projects the stakeholder tie network of the whole graph or of an id prefix into a Graph Data Science in-memory graph with the igraph engine's semantics: an undirected tie type gives arcs both ways, parallel ties between an ordered pair merge into one arc whose weight is their summed weight (1 when unweighted), self-ties are dropped, stakeholders without ties are kept; every arc also gets length = 1 / weight for path metrics. With pairs = true every arc is projected as an undirected edge instead, so a pair tied both ways holds two parallel edges whose weights add up to both arcs' (what community detection uses; modularity reads parallel edges as their sum). Each stakeholder gathers its own out-arcs in a subquery, so nothing is grouped over the whole graph.
// param: graph string — the name of the in-memory graph to create
// param: prefix string = "" — only stakeholders whose id starts with this ("" = the whole graph)
// param: tie_types list<string> = ["INFLUENCES", "TRUSTS", "COLLABORATES_WITH", "REFERRED"] — tie types to keep
// param: undirected_types list<string> = ["COLLABORATES_WITH"] — tie types that hold both ways
// param: weighted bool = true — false: every arc (or pair) weighs 1
// param: pairs bool = false — true: every arc as an undirected edge (community detection)
// returns: nodes int — stakeholders projected
// returns: arcs int — relationships projected (with pairs, every arc counts twice)
// example: the Florentine families' marriage ties as arcs both ways
// :param graph => 'florentine-marriages';
// :param prefix => 'florentine-';
// :param tie_types => ['COLLABORATES_WITH'];
// :param undirected_types => ['COLLABORATES_WITH'];
// :param weighted => false;
// :param pairs => false;
MATCH (s:Stakeholder)
WHERE s.id STARTS WITH $prefix
// The far end's prefix test is written so no index can serve it: a plan cached while the
// prefix matched few stakeholders otherwise seeks every o per s (10k: 160 s instead of 1 s).
OPTIONAL CALL (s) {
  CALL (s) {
    MATCH (s)-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]->(o:Stakeholder)
    WHERE type(t) IN $tie_types AND substring(o.id, 0, size($prefix)) = $prefix AND o <> s
    RETURN o, coalesce(t.weight, 1.0) AS w, type(t) IN $undirected_types AS both, true AS out
    UNION ALL
    MATCH (s)<-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-(o:Stakeholder)
    WHERE type(t) IN $tie_types AND substring(o.id, 0, size($prefix)) = $prefix AND o <> s
    RETURN o, coalesce(t.weight, 1.0) AS w, type(t) IN $undirected_types AS both, false AS out
  }
  WITH o, w, both, out
  // s -> o for every tie s sent, and for every undirected tie o sent to s.
  WHERE out OR both
  RETURN o, sum(w) AS summed
}
WITH s, o, CASE WHEN $weighted THEN coalesce(summed, 1.0) ELSE 1.0 END AS weight
WITH gds.graph.project($graph, s, o,
       {relationshipProperties: {weight: weight, length: 1.0 / weight}},
       {undirectedRelationshipTypes: CASE WHEN $pairs THEN ['*'] ELSE [] END}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS arcs
