// name: shortest_paths
// purpose: All shortest paths between two stakeholders over the ties (INFLUENCES, TRUSTS,
//   COLLABORATES_WITH, REFERRED, in either direction), up to $max_hops long (at most 6: Cypher
//   needs a literal bound). With $trusted_only the paths use TRUSTS ties only.
// param: from id — id of the stakeholder to start from
// param: to id — id of the stakeholder to reach
// param: trusted_only bool = false — follow TRUSTS ties only
// param: max_hops int = 6 in 1..6 — longest path worth reporting
// returns: hops int — the path's length in ties
// returns: path list<id> — the stakeholder ids along the path, from $from to $to
// returns: names list<string> — their names, in the same order
// returns: ties list<string> — each tie as 'source -TYPE-> target' (ids)
// example:
// :param from => 'demo-patient-forum'
// :param to => 'demo-ccg'
// :param trusted_only => false
// :param max_hops => 6

MATCH (start:Stakeholder {id: $from}), (goal:Stakeholder {id: $to})
MATCH route = ALL SHORTEST (start)
      (()-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-()
        WHERE NOT $trusted_only OR type(tie) = 'TRUSTS'){1,6}
      (goal)
WHERE length(route) <= $max_hops
RETURN length(route) AS hops,
       [n IN nodes(route) | n.id] AS path,
       [n IN nodes(route) | n.name] AS names,
       [r IN relationships(route) |
         startNode(r).id + ' -' + type(r) + '-> ' + endNode(r).id] AS ties
ORDER BY path
