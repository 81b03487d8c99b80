// name: report_headline
// purpose: The headline counts of a project report: the project's stakeholders (assessed for it
//   or taking part in its activities, as deepest_level and degree count them), how many are
//   flagged seldom heard and how many are patients, public or carers (societal), and how many
//   of its activities took place on or before $at.
// param: project id — id of the project
// param: at date = today — count activities on or before this date
// returns: stakeholders int — the project's stakeholders
// returns: seldom_heard int — how many of them are flagged seldom heard
// returns: societal int — how many of them are patients, public or carers
// returns: activities int — the project's activities on or before $at
// example:
// :param project => 'demo-icbt'
// :param at => date('2026-11-23')

MATCH (p:Project {id: $project})
CALL (p) {
  MATCH (s:Stakeholder)-[:ASSESSED]->(p) RETURN s
  UNION
  MATCH (s:Stakeholder)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p) RETURN s
}
WITH p, collect(s) AS members
RETURN size(members) AS stakeholders,
       size([s IN members WHERE s.seldom_heard = true]) AS seldom_heard,
       size([s IN members WHERE s.societal = true]) AS societal,
       COUNT { (p)<-[:FOR_PROJECT]-(a:EngagementActivity) WHERE a.date <= $at } AS activities
