// name: ego_network
// purpose: The ego network of a stakeholder: everyone reachable within $hops ties (any
//   direction), with their distance and one shortest route. Ties are INFLUENCES, TRUSTS,
//   COLLABORATES_WITH and REFERRED; $tie_types narrows them (empty = all). Capped at 5 hops
//   because Cypher needs a literal upper bound on path length.
// param: stakeholder id — id of the stakeholder at the centre
// param: hops int = 2 in 1..5 — how many ties away to look
// param: tie_types list<string> = [] one of INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED as TieType — tie types to follow (empty = all)
// returns: id id — the id of a stakeholder within reach
// returns: name string — their name
// returns: kind string — person, group or organisation
// returns: distance int — the number of ties between them and the centre
// returns: via list<id> — one shortest route, from the centre to them
// example:
// :param stakeholder => 'demo-patient-forum'
// :param hops => 2
// :param tie_types => []

MATCH (ego:Stakeholder {id: $stakeholder})
// A path bound must be a literal, and filtering on length(route) afterwards would first find
// the shortest route to everyone within 5 ties (tens of thousands in a large graph) to keep a
// few dozen. So there is one branch per number of hops, and only the one matching $hops runs.
CALL (ego) {
  WITH ego WHERE $hops = 1
  MATCH route = ANY SHORTEST (ego)
        (()-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-()
          WHERE size($tie_types) = 0 OR type(tie) IN $tie_types){1,1}
        (other:Stakeholder)
  WHERE other <> ego
  RETURN route, other
  UNION ALL
  WITH ego WHERE $hops = 2
  MATCH route = ANY SHORTEST (ego)
        (()-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-()
          WHERE size($tie_types) = 0 OR type(tie) IN $tie_types){1,2}
        (other:Stakeholder)
  WHERE other <> ego
  RETURN route, other
  UNION ALL
  WITH ego WHERE $hops = 3
  MATCH route = ANY SHORTEST (ego)
        (()-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-()
          WHERE size($tie_types) = 0 OR type(tie) IN $tie_types){1,3}
        (other:Stakeholder)
  WHERE other <> ego
  RETURN route, other
  UNION ALL
  WITH ego WHERE $hops = 4
  MATCH route = ANY SHORTEST (ego)
        (()-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-()
          WHERE size($tie_types) = 0 OR type(tie) IN $tie_types){1,4}
        (other:Stakeholder)
  WHERE other <> ego
  RETURN route, other
  UNION ALL
  WITH ego WHERE $hops = 5
  MATCH route = ANY SHORTEST (ego)
        (()-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-()
          WHERE size($tie_types) = 0 OR type(tie) IN $tie_types){1,5}
        (other:Stakeholder)
  WHERE other <> ego
  RETURN route, other
}
RETURN other.id AS id,
       other.name AS name,
       other.kind AS kind,
       length(route) AS distance,
       [n IN nodes(route) | n.id] AS via
ORDER BY distance, other.name, other.id
