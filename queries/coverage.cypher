// name: coverage
// purpose: Coverage of a project's engagement: for every life-cycle stage × 9 C category, how
//   many of the project's activities (on or before $at) held in that stage had at least one
//   participant of that category, and how many such participants there were. Every cell is listed, zeros included,
//   so the gaps show. A participant's category is the one of their latest assessment on or
//   before $at; participants without a category are not counted.
// param: project id — id of the project
// param: at date = today — read each participant's latest assessment on or before this date
// returns: stage string — the life-cycle stage code
// returns: category string — the 9 C category code
// returns: activities int — activities in that stage with a participant of that category
// returns: participants int — distinct participants of that category in those activities
// example:
// :param project => 'demo-project'
// :param at => date('2025-06-30')

MATCH (p:Project {id: $project})
MATCH (stage:Concept {scheme: 'lifecycle_stage'})
MATCH (category:Concept {scheme: 'nine_cs'})
CALL (p, stage, category) {
  OPTIONAL MATCH (p)<-[:FOR_PROJECT]-(act:EngagementActivity)<-[:PARTICIPATED_IN]-(s:Stakeholder)
  WHERE act.stage = stage.code
    AND act.date <= $at
    AND COLLECT {
          MATCH (s)-[a:ASSESSED]->(p) WHERE a.date <= $at
          RETURN a.category ORDER BY a.date DESC, a.id DESC LIMIT 1
        }[0] = category.code
  RETURN count(DISTINCT act) AS activities, count(DISTINCT s) AS participants
}
WITH stage, category, activities, participants ORDER BY stage.order, category.order
RETURN stage.code AS stage,
       category.code AS category,
       activities,
       participants
