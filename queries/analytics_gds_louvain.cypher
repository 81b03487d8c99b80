// name: analytics_gds_louvain
// purpose: Louvain communities maximising modularity on a GDS graph projected as undirected pairs (analytics_gds_projection with pairs = true); GDS's Louvain takes no random seed and no resolution (always 1). The modularity is GDS's, of the partition returned.
// param: graph string — the in-memory graph (undirected pairs)
// returns: id id — the stakeholder's id
// returns: name string? — the stakeholder's name
// returns: community int — its community
// returns: modularity float — the partition's modularity
// example:
// :param graph => 'florentine-pairs';
CALL gds.louvain.mutate($graph, {logProgress: false, mutateProperty: 'community',
                                 // no log line per iteration: it cost more than small computations
                                 relationshipWeightProperty: 'weight'})
YIELD modularity
CALL gds.graph.nodeProperty.stream($graph, 'community') YIELD nodeId, propertyValue
WITH modularity, gds.util.asNode(nodeId) AS s, propertyValue
RETURN s.id AS id, s.name AS name, toInteger(propertyValue) AS community, modularity
