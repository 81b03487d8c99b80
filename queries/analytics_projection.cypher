// name: analytics_projection
// purpose: The stakeholder tie network of the whole graph or of an id prefix: one row per stakeholder with its ties to other stakeholders in scope ([target id, tie type, weight]); `stakegraph analyse` streams it into igraph.
// param: prefix string = "" — only stakeholders whose id starts with this ("" = the whole graph)
// param: tie_types list<string> = ["INFLUENCES", "TRUSTS", "COLLABORATES_WITH", "REFERRED"] — tie types to keep
// param: until date = null — only ties dated on or before this day (undated ties always count); null: every tie
// example: the Florentine families' marriage ties
// :param prefix => 'florentine-';
// :param until => null;
// :param tie_types => ['COLLABORATES_WITH'];
MATCH (s:Stakeholder)
WHERE s.id STARTS WITH $prefix
// The far end's prefix test is written so no index can serve it: a plan cached while the
// prefix matched few stakeholders otherwise seeks every o per s (10k: 160 s instead of 1 s).
RETURN s.id AS id, s.name AS name,
       [(s)-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]->(o:Stakeholder)
        WHERE type(t) IN $tie_types AND substring(o.id, 0, size($prefix)) = $prefix
          AND ($until IS NULL OR t.date IS NULL OR t.date <= $until)
        | [o.id, type(t), t.weight]] AS ties
ORDER BY id
