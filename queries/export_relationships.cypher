// name: export_relationships
// purpose: The relationships an export writes: every relationship leaving one of the given nodes (vocabulary BROADER links excluded); the caller keeps those whose end is exported too.
// param: keys list<string> — element ids of the exported nodes (the key column of export_nodes)
// example:
// :param keys => [];
UNWIND $keys AS key
MATCH (a) WHERE elementId(a) = key
MATCH (a)-[r]->(b)
WHERE NOT r:BROADER
RETURN elementId(r) AS key, type(r) AS type, elementId(a) AS start, elementId(b) AS end,
       properties(r) AS properties
ORDER BY key
