// name: analytics_gds_betweenness
// purpose: Betweenness of every stakeholder of a projected GDS graph (see analytics_gds_projection): the shortest paths between ordered pairs a stakeholder lies on (Brandes), path length = 1 / weight when weighted; from every stakeholder (exact) or from samples seeded sources, not normalised (stakegraph divides by (n-1)(n-2), and a sample by samples/n).
// param: graph string — the in-memory graph
// param: samples int — sources to start from (the stakeholder count = exact)
// param: seed int = 0 — seed of GDS's draw of sources
// param: length_property string = null — "length", or null to count hops
// returns: id id — the stakeholder's id
// returns: name string? — the stakeholder's name
// returns: score float — raw betweenness
// example:
// :param graph => 'florentine-marriages';
// :param samples => 15;
// :param seed => 0;
// :param length_property => null;
CALL gds.betweenness.stream($graph, {logProgress: false, samplingSize: $samples, samplingSeed: $seed,
                                     // no log line per iteration: it cost more than small computations
                                     relationshipWeightProperty: $length_property})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS s, score
RETURN s.id AS id, s.name AS name, score
