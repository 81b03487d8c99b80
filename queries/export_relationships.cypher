// name: export_relationships
// purpose: The relationships an export writes: every relationship leaving one of the given nodes (vocabulary BROADER links excluded), personal properties left out per type; the caller keeps those whose end is exported too.
// param: keys list<string> — element ids of the exported nodes (the key column of export_nodes)
// param: leave_out list<string> = [] — properties to leave out, as TYPE.property (e.g. TRUSTS.private_note)
// example:
// :param keys => [];
// :param leave_out => [];
UNWIND $keys AS key
MATCH (a) WHERE elementId(a) = key
MATCH (a)-[r]->(b)
WHERE NOT r:BROADER
RETURN elementId(r) AS key, type(r) AS type, elementId(a) AS start, elementId(b) AS end,
       [k IN keys(r) WHERE NOT type(r) + '.' + k IN $leave_out | [k, r[k]]] AS properties
ORDER BY key
