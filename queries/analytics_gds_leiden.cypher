// name: analytics_gds_leiden
// purpose: Leiden communities maximising modularity on a GDS graph projected as undirected pairs (analytics_gds_projection with pairs = true), seeded; GDS's own random choices, so the partition can differ from igraph's Leiden while reaching a similar modularity. The modularity is GDS's, of the partition returned.
// param: graph string — the in-memory graph (undirected pairs)
// param: seed int = 0 — random seed
// param: resolution float = 1.0 — the resolution (gamma)
// returns: id id — the stakeholder's id
// returns: name string? — the stakeholder's name
// returns: community int — its community
// returns: modularity float — the partition's modularity
// example:
// :param graph => 'florentine-pairs';
// :param seed => 0;
// :param resolution => 1.0;
CALL gds.leiden.mutate($graph, {logProgress: false, mutateProperty: 'community', randomSeed: $seed,
                                // no log line per iteration: it cost more than small computations
                                gamma: $resolution, relationshipWeightProperty: 'weight'})
YIELD modularity
CALL gds.graph.nodeProperty.stream($graph, 'community') YIELD nodeId, propertyValue
WITH modularity, gds.util.asNode(nodeId) AS s, propertyValue
RETURN s.id AS id, s.name AS name, toInteger(propertyValue) AS community, modularity
