// name: report_activities
// purpose: A project's activities (on or before $at) counted by life-cycle stage × the spectrum
//   level they reached, every cell listed (zeros included) in the vocabularies' order, for the
//   report's headline table.
// param: project id — id of the project
// param: at date = today — count activities on or before this date
// returns: stage string — the life-cycle stage code
// returns: level string — the spectrum level code
// returns: activities int — activities held in that stage that reached that level
// example:
// :param project => 'demo-icbt'
// :param at => date('2026-11-23')

MATCH (p:Project {id: $project})
MATCH (stage:Concept {scheme: 'lifecycle_stage'})
MATCH (level:Concept {scheme: 'spectrum_level'})
WITH p, stage, level ORDER BY stage.order, level.order
RETURN stage.code AS stage,
       level.code AS level,
       COUNT { (p)<-[:FOR_PROJECT]-(a:EngagementActivity)
               WHERE a.stage = stage.code AND a.level = level.code AND a.date <= $at }
         AS activities
