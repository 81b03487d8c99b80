// name: analytics_gds_eigenvector
// purpose: Eigenvector centrality of every stakeholder of a projected GDS graph (see analytics_gds_projection) by power iteration on incoming arcs, unit Euclidean norm. With a weight property GDS first divides each stakeholder's out-arc weights by their sum, a different measure from igraph's and networkx's weighted eigenvector; stakegraph runs it unweighted only.
// param: graph string — the in-memory graph
// param: tolerance float = 0.0000001 — stop when no score moves more than this
// param: max_iterations int = 20 — at most this many iterations
// param: weight_property string = null — "weight" (see purpose), or null for unweighted
// returns: id id — the stakeholder's id
// returns: name string? — the stakeholder's name
// returns: score float — the eigenvector score
// example:
// :param graph => 'florentine-marriages';
// :param tolerance => 0.0000001;
// :param max_iterations => 20;
// :param weight_property => null;
CALL gds.eigenvector.stream($graph, {logProgress: false, tolerance: $tolerance, maxIterations: $max_iterations,
                                     // no log line per iteration: it cost more than small computations
                                     relationshipWeightProperty: $weight_property})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS s, score
RETURN s.id AS id, s.name AS name, score
