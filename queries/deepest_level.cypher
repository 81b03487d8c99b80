// name: deepest_level
// purpose: The deepest level of the engagement spectrum (engagement < participation <
//   involvement < co-production, by the spectrum_level vocabulary's order) that a project has
//   reached with each group of its stakeholders. Stakeholders are those assessed for the project
//   or taking part in its activities; they are grouped by $by: sector, 9 C category (latest
//   assessment on or before $at), kind, or organisation (the groups and organisations a person
//   is a member of; a group or organisation stands for itself). "(none)" collects the rest.
// param: project id — id of the project
// param: by string = sector one of sector|category|kind|organisation as LevelGrouping — how to group stakeholders
// param: at date = today — count activities and read assessments on or before this date
// returns: group string — the group: a sector, category or kind code, an organisation's id, or
//   (none)
// returns: stakeholders int — how many of the project's stakeholders are in the group
// returns: deepest_level string? — the deepest spectrum level reached with the group (null: none
//   yet)
// returns: deepest_level_name string? — that level's name in the spectrum_level vocabulary
// returns: reached_by list<id> — the group's stakeholders with whom it was reached
// example:
// :param project => 'demo-project'
// :param by => 'sector'
// :param at => date('2025-06-30')

MATCH (p:Project {id: $project})
CALL (p) {
  MATCH (s:Stakeholder)-[:ASSESSED]->(p) RETURN s
  UNION
  MATCH (s:Stakeholder)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p) RETURN s
}
WITH p, s,
     CASE $by
       WHEN 'sector' THEN [s.sector]
       WHEN 'kind' THEN [s.kind]
       WHEN 'category' THEN [COLLECT {
           MATCH (s)-[a:ASSESSED]->(p) WHERE a.date <= $at
           RETURN a.category ORDER BY a.date DESC, a.id DESC LIMIT 1
         }[0]]
       ELSE CASE WHEN s:Person
              THEN COLLECT { MATCH (s)-[:MEMBER_OF]->(g:Stakeholder) RETURN g.id }
              ELSE [s.id] END
     END AS keys
UNWIND CASE WHEN size([k IN keys WHERE k IS NOT NULL]) = 0 THEN ['(none)']
            ELSE [k IN keys WHERE k IS NOT NULL] END AS grp
OPTIONAL MATCH (s)-[:PARTICIPATED_IN]->(act:EngagementActivity)-[:FOR_PROJECT]->(p)
WHERE act.date <= $at
OPTIONAL MATCH (level:Concept {scheme: 'spectrum_level', code: act.level})
WITH grp, s, max(level.order) AS own_deepest ORDER BY s.id
WITH grp, collect(s.id) AS members, max(own_deepest) AS deepest,
     collect(CASE WHEN own_deepest IS NOT NULL THEN {id: s.id, order: own_deepest} END) AS reached
OPTIONAL MATCH (deepest_level:Concept {scheme: 'spectrum_level', order: deepest})
RETURN grp AS group,
       size(members) AS stakeholders,
       deepest_level.code AS deepest_level,
       deepest_level.name AS deepest_level_name,
       [r IN reached WHERE r.order = deepest | r.id] AS reached_by
ORDER BY deepest IS NULL, deepest DESC, group
