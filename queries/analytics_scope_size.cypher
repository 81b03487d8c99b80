// name: analytics_scope_size
// purpose: How many stakeholders an analytics scope holds (a project's, assessed in it or taking part in its activities, else those whose id starts with a prefix); `stakegraph analyse --engine auto` picks its engine by this count before projecting anything.
// param: project string = null — the project id; null: use the prefix
// param: prefix string = "" — only stakeholders whose id starts with this, when no project is given
// returns: stakeholders int — the stakeholders in scope
// example: the demo project
// :param project => 'demo-icbt';
// :param prefix => '';
CALL () {
  MATCH (s:Stakeholder)
  WHERE $project IS NULL AND s.id STARTS WITH $prefix
  RETURN s
  UNION
  MATCH (s:Stakeholder)-[:ASSESSED]->(:Project {id: $project})
  RETURN s
  UNION
  MATCH (s:Stakeholder)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(:Project {id: $project})
  RETURN s
}
RETURN count(s) AS stakeholders
