// name: analytics_groups
// purpose: The group of each stakeholder for brokerage roles: its organisation (organisations and groups are their own; a person's is the organisation or group it is a member of, the smallest id if several) or its 9 C category (from the latest assessment, in the project if one is given).
// param: ids list<string> — the stakeholder ids
// param: group_by string = "organisation" — "organisation" or "category"
// param: project string = null — for "category": only assessments in this project
// example: the categories of two demo stakeholders
// :param ids => ['demo-nhs-trust', 'demo-patient-forum'];
// :param group_by => 'category';
// :param project => null;
UNWIND $ids AS sid
MATCH (s:Stakeholder {id: sid})
WITH s,
     CASE
       WHEN $group_by = 'category' THEN
         reduce(best = null, a IN [(s)-[a:ASSESSED]->(q:Project)
                                   WHERE ($project IS NULL OR q.id = $project)
                                     AND a.category IS NOT NULL | a] |
                CASE WHEN best IS NULL OR a.date > best.date
                          OR (a.date = best.date AND a.id > best.id)
                     THEN a ELSE best END).category
       WHEN s:Organisation OR s:Group THEN s.id
       ELSE reduce(m = null, o IN [(s)-[:MEMBER_OF]->(o:Stakeholder) | o.id] |
                   CASE WHEN m IS NULL OR o < m THEN o ELSE m END)
     END AS grp
RETURN s.id AS id, grp AS `group`
