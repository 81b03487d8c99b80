// name: report_observations
// purpose: The outcome observations of a project on or before $at, one row per observation in
//   date order per outcome: the series the report draws over time.
// param: project id — id of the project
// param: at date = today — leave out observations after this date
// returns: outcome id — the outcome's id
// returns: outcome_name string — the outcome's name
// returns: date date — when it was observed
// returns: value float — the observed value
// example:
// :param project => 'demo-icbt'
// :param at => date('2026-11-23')

MATCH (:Project {id: $project})-[o:OBSERVED]->(outcome:Outcome)
WHERE o.date <= $at
RETURN outcome.id AS outcome,
       outcome.name AS outcome_name,
       o.date AS date,
       o.value AS value
ORDER BY outcome, date
