// name: pathways
// purpose: Activity → strategy → outcome chains of a project: for each of its activities (on or
//   before $at), the implementation strategies it applied and the outcomes it contributed to,
//   one row per (activity, strategy, outcome). With $complete_only false, activities missing a
//   strategy or an outcome are listed too, with an empty cell.
// param: project id — id of the project
// param: at date = today — leave out activities after this date
// param: complete_only bool = true — list only activities with both a strategy and an outcome
// returns: activity id — the activity's id
// returns: activity_name string — the activity's name
// returns: date date — the activity's date
// returns: strategy id? — the id of a strategy it applied (null: none)
// returns: strategy_name string? — that strategy's name
// returns: outcome id? — the id of an outcome it contributed to (null: none)
// returns: outcome_name string? — that outcome's name
// example:
// :param project => 'demo-project'
// :param at => date('2025-06-30')
// :param complete_only => true

MATCH (:Project {id: $project})<-[:FOR_PROJECT]-(act:EngagementActivity)
WHERE act.date <= $at
OPTIONAL MATCH (act)-[:APPLIED]->(strategy:Strategy)
OPTIONAL MATCH (act)-[:CONTRIBUTED_TO]->(outcome:Outcome)
WITH act, strategy, outcome
WHERE NOT $complete_only OR (strategy IS NOT NULL AND outcome IS NOT NULL)
RETURN act.id AS activity,
       act.name AS activity_name,
       act.date AS date,
       strategy.id AS strategy,
       strategy.name AS strategy_name,
       outcome.id AS outcome,
       outcome.name AS outcome_name
ORDER BY date, activity, strategy, outcome
