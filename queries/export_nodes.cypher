// name: export_nodes
// purpose: The nodes an export writes: the whole graph's stakeholders, projects, activities and custom strategies, outcomes and objectives (no project) or one project with its stakeholders (assessed or taking part), the groups and organisations they belong to, its activities, and the strategies, objectives and outcomes those link to; vocabulary terms only where something links to them; personal properties left out per label.
// param: project string = null — the project id (null = the whole graph)
// param: prefix string = "" — whole-graph export only: just the nodes whose id starts with this
// param: leave_out list<string> = [] — properties to leave out, as Label.property (e.g. Stakeholder.email)
// example:
// :param project => 'demo-icbt';
// :param prefix => '';
// :param leave_out => ['Stakeholder.email', 'Stakeholder.phone', 'Stakeholder.notes'];
CALL () {
  MATCH (n:Stakeholder|Project|EngagementActivity|Strategy|Outcome|Objective)
  WHERE $project IS NULL AND n.id STARTS WITH $prefix AND NOT n:Concept
  RETURN n
  UNION
  MATCH (a:EngagementActivity)-[:APPLIED|PURSUED|CONTRIBUTED_TO]->(n:Concept)
  WHERE $project IS NULL AND a.id STARTS WITH $prefix
  RETURN n
  UNION
  MATCH (p:Project)-[:OBSERVED]->(n:Concept) WHERE $project IS NULL AND p.id STARTS WITH $prefix
  RETURN n
  UNION
  MATCH (n:Project {id: $project}) RETURN n
  UNION
  MATCH (n:Stakeholder)-[:ASSESSED]->(:Project {id: $project}) RETURN n
  UNION
  MATCH (n:Stakeholder)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(:Project {id: $project}) RETURN n
  UNION
  MATCH (s:Stakeholder)-[:MEMBER_OF]->(n:Stakeholder)
  WHERE EXISTS { (s)-[:ASSESSED]->(:Project {id: $project}) }
     OR EXISTS { (s)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(:Project {id: $project}) }
  RETURN n
  UNION
  MATCH (n:EngagementActivity)-[:FOR_PROJECT]->(:Project {id: $project}) RETURN n
  UNION
  MATCH (:Project {id: $project})<-[:FOR_PROJECT]-(:EngagementActivity)-[:APPLIED|PURSUED|CONTRIBUTED_TO]->(n) RETURN n
  UNION
  MATCH (:Project {id: $project})-[:OBSERVED]->(n) RETURN n
}
RETURN elementId(n) AS key, labels(n) AS labels,
       [k IN keys(n) WHERE none(label IN labels(n) WHERE label + '.' + k IN $leave_out)
        | [k, n[k]]] AS properties
ORDER BY key
