// name: reach
// purpose: Who a set of stakeholders reaches within $hops ties: every other stakeholder with
//   the distance from the nearest of the set and which of the set are that near. Ties are
//   followed in either direction unless $directed (then only from source to target, with
//   COLLABORATES_WITH still both ways). Capped at 5 hops (Cypher needs a literal bound).
// param: stakeholders list<id> — ids of the starting set
// param: hops int = 2 in 1..5 — how many ties away to look
// param: tie_types list<string> = [] one of INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED as TieType — tie types to follow (empty = all)
// param: directed bool = false — follow ties from source to target only
// returns: id id — the id of a stakeholder reached
// returns: name string — their name
// returns: distance int — ties from the nearest member of the set
// returns: nearest_from list<id> — the members of the set at that distance
// example:
// :param stakeholders => ['demo-patient-forum', 'demo-gp-network']
// :param hops => 2
// :param tie_types => []
// :param directed => false

MATCH (seed:Stakeholder) WHERE seed.id IN $stakeholders
MATCH route = ANY SHORTEST (seed)
      ((from)-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-()
        WHERE (size($tie_types) = 0 OR type(tie) IN $tie_types)
          AND (NOT $directed OR type(tie) = 'COLLABORATES_WITH' OR startNode(tie) = from)){1,5}
      (other:Stakeholder)
WHERE NOT other.id IN $stakeholders AND length(route) <= $hops
WITH other, length(route) AS distance, seed ORDER BY distance, seed.id
WITH other, collect({distance: distance, seed: seed.id}) AS found
WITH other, found[0].distance AS distance, found
RETURN other.id AS id,
       other.name AS name,
       distance,
       [f IN found WHERE f.distance = distance | f.seed] AS nearest_from
ORDER BY distance, name, id
