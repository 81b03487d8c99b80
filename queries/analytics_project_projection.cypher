// name: analytics_project_projection
// purpose: The stakeholder tie network of a project (stakeholders assessed in it or taking part in its activities): one row per stakeholder with its ties to other stakeholders of the project ([target id, tie type, weight]).
// param: project string — the project id
// param: tie_types list<string> = ["INFLUENCES", "TRUSTS", "COLLABORATES_WITH", "REFERRED"] — tie types to keep
// param: until date = null — only ties dated on or before this day (undated ties always count); null: every tie
// example: the network of the demo project
// :param project => 'demo-pathway';
// :param until => null;
// :param tie_types => ['INFLUENCES', 'TRUSTS', 'COLLABORATES_WITH', 'REFERRED'];
MATCH (p:Project {id: $project})
CALL (p) {
  MATCH (s:Stakeholder)-[:ASSESSED]->(p)
  RETURN s
  UNION
  MATCH (s:Stakeholder)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p)
  RETURN s
}
WITH DISTINCT p, s
RETURN s.id AS id, s.name AS name,
       [(s)-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]->(o:Stakeholder)
        WHERE type(t) IN $tie_types
          AND ($until IS NULL OR t.date IS NULL OR t.date <= $until)
          AND (EXISTS { (o)-[:ASSESSED]->(p) }
               OR EXISTS { (o)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(p) })
        | [o.id, type(t), t.weight]] AS ties
ORDER BY id
