// name: analytics_gds_closeness
// purpose: Closeness of every stakeholder of a projected GDS graph (see analytics_gds_projection) on incoming paths, counted in hops (GDS's closeness takes no weights), in Wasserman and Faust's form for disconnected networks.
// param: graph string — the in-memory graph
// returns: id id — the stakeholder's id
// returns: name string? — the stakeholder's name
// returns: score float — closeness
// example:
// :param graph => 'florentine-marriages';
CALL gds.closeness.stream($graph, {logProgress: false, useWassermanFaust: true})
                                   // no log line per iteration: it cost more than small computations
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS s, score
RETURN s.id AS id, s.name AS name, score
