// name: analytics_gds_degree
// purpose: Out-degree (NATURAL) or in-degree (REVERSE) of every stakeholder of a projected GDS graph (see analytics_gds_projection), counting arcs, or summing their weights with a weight property (strength).
// param: graph string — the in-memory graph
// param: orientation string = "NATURAL" one of NATURAL|REVERSE — NATURAL counts out-arcs, REVERSE in-arcs
// param: weight_property string = null — "weight" for strength, null to count arcs
// returns: id id — the stakeholder's id
// returns: name string? — the stakeholder's name
// returns: score float — the degree or strength
// example:
// :param graph => 'florentine-marriages';
// :param orientation => 'NATURAL';
// :param weight_property => null;
CALL gds.degree.stream($graph, {logProgress: false, orientation: $orientation,
                                // no log line per iteration: it cost more than small computations
                                relationshipWeightProperty: $weight_property})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS s, score
RETURN s.id AS id, s.name AS name, score
