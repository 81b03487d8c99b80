// name: plot_network_ties
// purpose: The ties of the network view: every influence, trust, collaboration and referral tie between two stakeholders of the view (all stakeholders, or both ends in the project's scope as in plot_network_stakeholders).
// param: project string = null — the project id (null = the whole network)
// example:
// :param project => 'demo-icbt';
MATCH (s:Stakeholder)-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]->(o:Stakeholder)
WHERE $project IS NULL
   OR ((EXISTS { (s)-[:ASSESSED]->(:Project {id: $project}) }
        OR EXISTS { (s)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(:Project {id: $project}) })
       AND (EXISTS { (o)-[:ASSESSED]->(:Project {id: $project}) }
        OR EXISTS { (o)-[:PARTICIPATED_IN]->(:EngagementActivity)-[:FOR_PROJECT]->(:Project {id: $project}) }))
RETURN s.id AS source, o.id AS target, type(t) AS type, coalesce(t.weight, 1.0) AS weight
ORDER BY source, target, type
