// name: analytics_gds_celf
// purpose: CELF influence maximisation on a projected GDS graph (see analytics_gds_projection): k seed stakeholders chosen greedily (lazily) for the largest expected spread under the independent cascade model. With probability 1 and one simulation the spread is everyone reachable along arcs, without a hop limit: the key-player problem of `stakegraph analyse key-players` with unbounded hops.
// param: graph string — the in-memory graph
// param: k int = 5 in 1..1000 — seeds to choose
// param: probability float = 1.0 in 0..1 — chance that an arc passes influence on
// param: simulations int = 1 — Monte Carlo simulations per estimate
// param: seed int = 0 — random seed of the simulations
// returns: id id — a chosen stakeholder's id
// returns: name string? — its name
// returns: spread float — what it adds to the set's spread, itself included
// example:
// :param graph => 'florentine-marriages';
// :param k => 3;
// :param probability => 1.0;
// :param simulations => 1;
// :param seed => 0;
CALL gds.influenceMaximization.celf.stream($graph, {logProgress: false, seedSetSize: $k,
                                                    // no log line per iteration: it cost more than small computations
                                                    propagationProbability: $probability,
                                                    monteCarloSimulations: $simulations,
                                                    randomSeed: $seed})
YIELD nodeId, spread
WITH gds.util.asNode(nodeId) AS s, spread
RETURN s.id AS id, s.name AS name, spread
