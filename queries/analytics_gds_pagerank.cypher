// name: analytics_gds_pagerank
// purpose: PageRank of every stakeholder of a projected GDS graph (see analytics_gds_projection), rank flowing along arcs in proportion to their weight. GDS lets the rank of a stakeholder without out-arcs leak away (igraph and networkx spread it over everyone), so its scores sum to less than the stakeholder count; with uniform teleport the two solutions differ by a factor only, and stakegraph rescales GDS's to sum to 1.
// param: graph string — the in-memory graph
// param: damping float = 0.85 in 0..1 — the damping factor
// param: tolerance float = 0.0000001 — stop when no score moves more than this
// param: max_iterations int = 20 — at most this many iterations
// param: weight_property string = null — "weight", or null for unweighted
// returns: id id — the stakeholder's id
// returns: name string? — the stakeholder's name
// returns: score float — GDS's PageRank (not rescaled)
// example:
// :param graph => 'florentine-marriages';
// :param damping => 0.85;
// :param tolerance => 0.0000001;
// :param max_iterations => 20;
// :param weight_property => 'weight';
CALL gds.pageRank.stream($graph, {logProgress: false, dampingFactor: $damping, tolerance: $tolerance,
                                  // no log line per iteration: it cost more than small computations
                                  maxIterations: $max_iterations,
                                  relationshipWeightProperty: $weight_property})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS s, score
RETURN s.id AS id, s.name AS name, score
