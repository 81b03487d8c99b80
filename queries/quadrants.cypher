// name: quadrants
// purpose: The interest/impact matrix of a project as of a date: each stakeholder's quadrant
//   (Q1 low interest/low impact, Q2 high interest/low impact, Q3 low interest/high impact =
//   impacted but disengaged, Q4 high/high) from their latest assessment, with the engagement
//   advice that goes with the quadrant.
// param: project id — id of the project
// param: at date = today — read each stakeholder's latest assessment on or before this date
// returns: id id — the stakeholder's id
// returns: name string — the stakeholder's name
// returns: interest int — interest (1..10) in the current assessment
// returns: impact int — impact (1..10) in the current assessment
// returns: quadrant string? — q1..q4, derived from interest and impact when the assessment was
//   written
// returns: quadrant_name string? — the quadrant's name in the quadrant vocabulary
// returns: advice string? — the engagement advice for the quadrant
// returns: assessed_on date — the date of the current assessment
// returns: assessor string — who or which method made it
// example:
// :param project => 'demo-project'
// :param at => date('2025-06-30')

MATCH (:Project {id: $project})<-[a:ASSESSED]-(s:Stakeholder)
WHERE a.date <= $at
WITH s, a ORDER BY a.date DESC, a.id DESC
WITH s, head(collect(a)) AS current
OPTIONAL MATCH (q:Concept {scheme: 'quadrant', code: current.quadrant})
RETURN s.id AS id,
       s.name AS name,
       current.interest AS interest,
       current.impact AS impact,
       current.quadrant AS quadrant,
       q.name AS quadrant_name,
       q.advice AS advice,
       current.date AS assessed_on,
       current.assessor AS assessor
ORDER BY q.order DESC, s.name, s.id
