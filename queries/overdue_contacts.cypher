// name: overdue_contacts
// purpose: Overdue contacts of a project against the planned frequency: stakeholders whose
//   latest assessment (on or before $at) plans contact every N days and whose last
//   participation in one of the project's activities (on or before $at) is more than N days
//   before $at, or who have never taken part. Due on $at itself is not yet overdue.
// param: project id — id of the project
// param: at date = today — the date to check against
// returns: id id — the stakeholder's id
// returns: name string — the stakeholder's name
// returns: contact_every_days int — the planned contact frequency in days
// returns: last_contact date? — the latest project activity they took part in (null: never)
// returns: due date? — when the next contact was due (null: never contacted)
// returns: days_overdue int? — days between the due date and $at (null: never contacted)
// example:
// :param project => 'demo-project'
// :param at => date('2025-06-30')

MATCH (p:Project {id: $project})<-[a:ASSESSED]-(s:Stakeholder)
WHERE a.date <= $at
WITH p, s, a ORDER BY a.date DESC, a.id DESC
WITH p, s, head(collect(a)) AS current
WHERE current.contact_every_days IS NOT NULL
OPTIONAL MATCH (s)-[:PARTICIPATED_IN]->(act:EngagementActivity)-[:FOR_PROJECT]->(p)
WHERE act.date <= $at
WITH s, current.contact_every_days AS every_days, max(act.date) AS last_contact
WITH s, every_days, last_contact, last_contact + duration({days: every_days}) AS due
WHERE last_contact IS NULL OR due < $at
RETURN s.id AS id,
       s.name AS name,
       every_days AS contact_every_days,
       last_contact,
       due,
       CASE WHEN due IS NULL THEN null ELSE duration.inDays(due, $at).days END AS days_overdue
ORDER BY last_contact IS NOT NULL, days_overdue DESC, name, id
