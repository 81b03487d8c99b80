// name: strategies_before_outcome_change
// purpose: Which strategies preceded a change in an outcome of a project: for each observation
//   of an outcome whose value rose (or fell, with $change) against the previous observation of
//   the same outcome, the strategies applied by the project's activities dated before that
//   observation — only those since the previous observation (on or after its date) when
//   $since_previous is true. One row per (outcome change, strategy) with the activities.
// param: project id — id of the project
// param: outcome id = null — id of one outcome to look at (default: every outcome)
// param: change string = rose one of rose|fell as ChangeDirection — the direction of change to explain
// param: since_previous bool = true — only activities on or after the previous observation
// returns: outcome id — the outcome's id
// returns: outcome_name string — the outcome's name
// returns: from_date date — the date of the previous observation
// returns: to_date date — the date of the observation that changed
// returns: from_value float — the previous value
// returns: to_value float — the changed value
// returns: strategy id — the id of a strategy applied before the change
// returns: strategy_name string — the strategy's name
// returns: activities list<id> — the activities that applied it, by date
// example:
// :param project => 'demo-project'
// :param outcome => null
// :param change => 'rose'
// :param since_previous => true

MATCH (p:Project {id: $project})-[obs:OBSERVED]->(outcome:Outcome)
WHERE $outcome IS NULL OR outcome.id = $outcome
WITH p, outcome, obs ORDER BY obs.date
WITH p, outcome, collect(obs) AS series
UNWIND range(1, size(series) - 1) AS i
WITH p, outcome, series[i - 1] AS before, series[i] AS after
WHERE ($change = 'rose' AND after.value > before.value)
   OR ($change = 'fell' AND after.value < before.value)
MATCH (p)<-[:FOR_PROJECT]-(act:EngagementActivity)-[:APPLIED]->(strategy:Strategy)
WHERE act.date < after.date AND (NOT $since_previous OR act.date >= before.date)
WITH outcome, before, after, strategy, act ORDER BY act.date, act.id
RETURN outcome.id AS outcome,
       outcome.name AS outcome_name,
       before.date AS from_date,
       after.date AS to_date,
       before.value AS from_value,
       after.value AS to_value,
       strategy.id AS strategy,
       strategy.name AS strategy_name,
       collect(act.id) AS activities
ORDER BY outcome, to_date, strategy
