// name: stakeholder_lookup
// purpose: One stakeholder by id: who they are (no contact details: those are personal data and
//   come only through the API's privileged roles), the groups and organisations they belong to,
//   their current assessment in each project (latest on or before $at) and their tie counts.
// param: id id — id of the stakeholder
// param: at date = today — read each project's latest assessment on or before this date
// returns: id id — the stakeholder's id
// returns: name string — the stakeholder's name
// returns: kind string — person, group or organisation
// returns: sector string? — the sector code
// returns: societal bool? — patients, public or carers
// returns: seldom_heard bool? — belongs to a seldom-heard group
// returns: country string? — the country
// returns: role string? — the role in the implementation (CFIR 2.0 code)
// returns: member_of list<id> — the groups and organisations it is a member or part of
// returns: assessments list<{project id, date date, category string?, interest int, impact int,
//   quadrant string?, attitude string?}> — the current assessment in each project, by project id
// returns: ties_out int — ties it sends
// returns: ties_in int — ties it receives
// returns: declared list<{name string, value string}> — the values of the properties this
//   organisation declared (DeclaredProperty nodes; personal ones left out), lists comma-joined
// example:
// :param id => 'demo-patient-forum'
// :param at => date('2025-06-30')

MATCH (s:Stakeholder {id: $id})
RETURN s.id AS id,
       s.name AS name,
       s.kind AS kind,
       s.sector AS sector,
       s.societal AS societal,
       s.seldom_heard AS seldom_heard,
       s.country AS country,
       s.role AS role,
       COLLECT { MATCH (s)-[:MEMBER_OF|PART_OF]->(g:Stakeholder) RETURN g.id ORDER BY g.id }
         AS member_of,
       COLLECT {
         MATCH (s)-[a:ASSESSED]->(p:Project) WHERE a.date <= $at
         WITH p, a ORDER BY a.date DESC, a.id DESC
         WITH p, head(collect(a)) AS current
         RETURN {project: p.id, date: current.date, category: current.category,
                 interest: current.interest, impact: current.impact,
                 quadrant: current.quadrant, attitude: current.attitude}
         ORDER BY p.id
       } AS assessments,
       COUNT { (s)-[:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]->(:Stakeholder) } AS ties_out,
       COUNT { (s)<-[:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-(:Stakeholder) } AS ties_in,
       COLLECT {
         MATCH (d:DeclaredProperty {owner: 'Stakeholder'})
         WHERE NOT d.personal AND s[d.name] IS NOT NULL AND (size(d.kinds) = 0 OR s.kind IN d.kinds)
         WITH d.name AS name, s[d.name] AS value
         RETURN {name: name, value: CASE WHEN valueType(value) STARTS WITH 'LIST'
                                         THEN reduce(text = '', t IN value |
                                                     text + CASE WHEN text = '' THEN '' ELSE ', ' END + toString(t))
                                         ELSE toString(value) END}
         ORDER BY name
       } AS declared
