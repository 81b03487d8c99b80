// name: analytics_gds_drop
// purpose: Drops a GDS in-memory graph (no error when it is already gone); stakegraph drops each projection after its computation.
// param: graph string — the in-memory graph
// returns: graph string — the graph dropped
// example:
// :param graph => 'florentine-marriages';
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName AS graph
