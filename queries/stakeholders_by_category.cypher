// name: stakeholders_by_category
// purpose: The stakeholder register of a project by 9 C category: how many stakeholders fall in
//   each category (from their latest assessment on or before $at), with their ids. Stakeholders
//   whose current assessment has no category are counted under an empty category.
// param: project id — id of the project
// param: at date = today — read each stakeholder's latest assessment on or before this date
// returns: category string? — the 9 C category code (null: assessed without a category)
// returns: category_name string? — the category's name in the nine_cs vocabulary
// returns: stakeholders int — how many stakeholders are in the category
// returns: ids list<id> — their ids, in id order
// example:
// :param project => 'demo-project'
// :param at => date('2025-06-30')

MATCH (:Project {id: $project})<-[a:ASSESSED]-(s:Stakeholder)
WHERE a.date <= $at
// The latest assessment is the current one, and two on the same day are settled by the larger id.
WITH s, a ORDER BY a.date DESC, a.id DESC
WITH s, head(collect(a)) AS current
OPTIONAL MATCH (c:Concept {scheme: 'nine_cs', code: current.category})
WITH current.category AS category, c.name AS category_name, c.order AS rank, s ORDER BY s.id
WITH category, category_name, rank, count(s) AS stakeholders, collect(s.id) AS ids
RETURN category, category_name, stakeholders, ids
ORDER BY coalesce(rank, 999), category
