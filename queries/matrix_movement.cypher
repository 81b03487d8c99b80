// name: matrix_movement
// purpose: How the interest/impact matrix of a project moved between two dates: the stakeholders
//   whose quadrant as of $to differs from their quadrant as of $from (each read from the latest
//   assessment on or before that date). Stakeholders first assessed after $from have no earlier
//   place and are left out.
// param: project id — id of the project
// param: from date — the earlier date
// param: to date = today — the later date
// returns: id id — the stakeholder's id
// returns: name string — the stakeholder's name
// returns: from_quadrant string — the quadrant as of $from
// returns: to_quadrant string — the quadrant as of $to
// returns: from_interest int — interest as of $from
// returns: to_interest int — interest as of $to
// returns: from_impact int — impact as of $from
// returns: to_impact int — impact as of $to
// returns: from_assessed_on date — the date of the assessment in force on $from
// returns: to_assessed_on date — the date of the assessment in force on $to
// example:
// :param project => 'demo-project'
// :param from => date('2025-01-01')
// :param to => date('2025-06-30')

MATCH (:Project {id: $project})<-[a:ASSESSED]-(s:Stakeholder)
WHERE a.date <= $to
WITH s, a ORDER BY a.date DESC, a.id DESC
// Newest first, so the head is the place at $to and the first one dated by $from the place then.
WITH s, collect(a) AS history
WITH s, head(history) AS now, head([h IN history WHERE h.date <= $from]) AS before
WHERE before IS NOT NULL AND before.quadrant <> now.quadrant
RETURN s.id AS id,
       s.name AS name,
       before.quadrant AS from_quadrant,
       now.quadrant AS to_quadrant,
       before.interest AS from_interest,
       now.interest AS to_interest,
       before.impact AS from_impact,
       now.impact AS to_impact,
       before.date AS from_assessed_on,
       now.date AS to_assessed_on
ORDER BY s.name, s.id
