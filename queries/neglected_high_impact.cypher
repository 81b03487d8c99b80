// name: neglected_high_impact
// purpose: Seldom-heard or highly impacted stakeholders of a project (current quadrant Q3 or Q4
//   on or before $at, or flagged seldom heard) who have never been involved beyond one-way
//   engagement: the deepest spectrum level of the project activities they took part in is at
//   most $up_to (by the spectrum_level vocabulary's order), or they took part in none.
// param: project id — id of the project
// param: at date = today — read each stakeholder's latest assessment on or before this date
// param: up_to string = engagement one of engagement|participation|involvement|coproduction as SpectrumLevel — the deepest level that still counts as neglected
// returns: id id — the stakeholder's id
// returns: name string — the stakeholder's name
// returns: seldom_heard bool — flagged as seldom heard
// returns: quadrant string? — the current quadrant (null when the assessment has none)
// returns: impact int — impact (1..10) in the current assessment
// returns: deepest_level string? — the deepest spectrum level reached with them (null: took part
//   in nothing)
// returns: activities int — how many of the project's activities they took part in
// example:
// :param project => 'demo-project'
// :param at => date('2025-06-30')
// :param up_to => 'engagement'

MATCH (p:Project {id: $project})<-[a:ASSESSED]-(s:Stakeholder)
WHERE a.date <= $at
WITH p, s, a ORDER BY a.date DESC, a.id DESC
WITH p, s, head(collect(a)) AS current
WHERE current.quadrant IN ['q3', 'q4'] OR s.seldom_heard = true
MATCH (ceiling:Concept {scheme: 'spectrum_level', code: $up_to})
OPTIONAL MATCH (s)-[:PARTICIPATED_IN]->(act:EngagementActivity)-[:FOR_PROJECT]->(p)
WHERE act.date <= $at
OPTIONAL MATCH (level:Concept {scheme: 'spectrum_level', code: act.level})
WITH s, current, ceiling, count(DISTINCT act) AS activities, max(level.order) AS deepest
WHERE deepest IS NULL OR deepest <= ceiling.order
OPTIONAL MATCH (reached:Concept {scheme: 'spectrum_level', order: deepest})
RETURN s.id AS id,
       s.name AS name,
       coalesce(s.seldom_heard, false) AS seldom_heard,
       current.quadrant AS quadrant,
       current.impact AS impact,
       reached.code AS deepest_level,
       activities
ORDER BY current.impact DESC, name, id
