// name: readiness_checklist
// purpose: The workbook's readiness checklist for a project, one row per item: a stakeholder
//   list has been made (someone assessed), patients and the public are identified (an assessed
//   stakeholder is societal or in the patients/public or carers sector), written engagement,
//   inclusion and co-production strategies exist, and a next review date is set and not past $at.
// param: project id — id of the project
// param: at date = today — the date the review date must not be before
// returns: item string — the checklist item
// returns: ok bool — whether the item is met
// returns: detail string — what was found (may be empty)
// example:
// :param project => 'demo-project'
// :param at => date('2025-06-30')

MATCH (p:Project {id: $project})
WITH p,
     COLLECT { MATCH (s:Stakeholder)-[a:ASSESSED]->(p) WHERE a.date <= $at RETURN DISTINCT s }
       AS listed
WITH p, size(listed) AS listed,
     size([s IN listed WHERE s.societal = true
                          OR s.sector IN ['patients_public', 'carers']]) AS public
UNWIND [
  {item: 'stakeholder_list', ok: listed > 0,
   detail: toString(listed) + ' stakeholders assessed'},
  {item: 'patients_public_identified', ok: public > 0,
   detail: toString(public) + ' patients, public or carers among them'},
  {item: 'engagement_strategy', ok: coalesce(p.engagement_strategy, false),
   detail: CASE WHEN p.engagement_strategy IS NULL THEN 'not recorded' ELSE '' END},
  {item: 'inclusion_strategy', ok: coalesce(p.inclusion_strategy, false),
   detail: CASE WHEN p.inclusion_strategy IS NULL THEN 'not recorded' ELSE '' END},
  {item: 'coproduction_strategy', ok: coalesce(p.coproduction_strategy, false),
   detail: CASE WHEN p.coproduction_strategy IS NULL THEN 'not recorded' ELSE '' END},
  {item: 'next_review_set', ok: p.next_review IS NOT NULL AND p.next_review >= $at,
   detail: CASE WHEN p.next_review IS NULL THEN 'no review date'
                WHEN p.next_review < $at THEN 'review was due ' + toString(p.next_review)
                ELSE 'next review ' + toString(p.next_review) END}
] AS check
RETURN check.item AS item, check.ok AS ok, check.detail AS detail
