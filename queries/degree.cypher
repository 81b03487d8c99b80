// name: degree
// purpose: Simple degree of a project's stakeholders (those assessed for it or taking part in its
//   activities), counting only ties between two of them, of the chosen types (empty = all of
//   INFLUENCES, TRUSTS, COLLABORATES_WITH, REFERRED). out_degree counts ties a stakeholder sends,
//   in_degree ties it receives, degree every tie it has; a COLLABORATES_WITH tie has no
//   direction, so it counts as both sent and received. Weighted and global measures are in
//   `stakegraph analyse`.
// param: project id — id of the project whose stakeholders form the network
// param: tie_types list<string> = [] one of INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED as TieType — tie types to count (empty = all)
// returns: id id — the stakeholder's id
// returns: name string — the stakeholder's name
// returns: out_degree int — ties it sends (a COLLABORATES_WITH tie counts both ways)
// returns: in_degree int — ties it receives (a COLLABORATES_WITH tie counts both ways)
// returns: degree int — every tie it has with the project's stakeholders
// example:
// :param project => 'demo-project'
// :param tie_types => []

MATCH (p:Project {id: $project})
CALL (p) {
  MATCH (s:Stakeholder)-[:ASSESSED]->(p) RETURN s
  UNION
  MATCH (s:Stakeholder)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p) RETURN s
}
WITH collect(s) AS members
UNWIND members AS s
OPTIONAL MATCH (s)-[tie:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-(other:Stakeholder)
WHERE other IN members AND (size($tie_types) = 0 OR type(tie) IN $tie_types)
WITH s, tie, other
RETURN s.id AS id,
       s.name AS name,
       count(CASE WHEN startNode(tie) = s OR type(tie) = 'COLLABORATES_WITH' THEN tie END)
         AS out_degree,
       count(CASE WHEN endNode(tie) = s OR type(tie) = 'COLLABORATES_WITH' THEN tie END)
         AS in_degree,
       count(tie) AS degree
ORDER BY degree DESC, name, id
