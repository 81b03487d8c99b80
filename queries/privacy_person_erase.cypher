// name: privacy_person_erase
// purpose: Erases one person's personal data and keeps their anonymised engagement history:
//   removes the personal properties, replaces the name with a pseudonym, removes free text from
//   their ties and assessments, and keeps every tie, participation, membership and assessment
//   (with its levels and scores) so counts and network statistics stay true. Returns what it
//   removed and what it kept. Run it through `stakegraph person erase`, which records the audit
//   event in the same transaction.
// param: id string — the person's stakeholder id
// param: pseudonym string — the name that replaces theirs
// param: personal list<string> — the personal properties to remove (from the model)
// param: tie_text list<string> — free-text properties to remove from their ties
// param: assessment_text list<string> — free-text properties to remove from their assessments
// example:
// :param id => 'demo-patient-forum'
// :param pseudonym => 'Erased person 0123456789'
// :param personal => ['email', 'phone', 'notes']
// :param tie_text => ['evidence']
// :param assessment_text => ['note']

MATCH (s:Stakeholder:Person {id: $id})
WITH s, [k IN $personal WHERE s[k] IS NOT NULL] AS removed, s.name <> $pseudonym AS renamed
FOREACH (k IN removed | REMOVE s[k])
SET s.name = $pseudonym
WITH s, removed, renamed
CALL (s) {
  MATCH (s)-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-(:Stakeholder)
  WITH t, [k IN $tie_text WHERE t[k] IS NOT NULL] AS keys
  FOREACH (k IN keys | REMOVE t[k])
  RETURN count(t) AS ties, sum(CASE WHEN size(keys) > 0 THEN 1 ELSE 0 END) AS ties_cleared
}
CALL (s) {
  MATCH (s)-[a:ASSESSED]->(:Project)
  WITH a, [k IN $assessment_text WHERE a[k] IS NOT NULL] AS keys
  FOREACH (k IN keys | REMOVE a[k])
  RETURN count(a) AS assessments,
         sum(CASE WHEN size(keys) > 0 THEN 1 ELSE 0 END) AS assessments_cleared
}
RETURN s.id AS id, removed, renamed, ties, ties_cleared, assessments, assessments_cleared,
       COUNT { (s)-[:PARTICIPATED_IN]->(:EngagementActivity) } AS participations,
       COUNT { (s)-[:MEMBER_OF]->(:Stakeholder) } AS memberships,
       COUNT { (:AnalyticsRun)-[:SCORED]->(s) } AS scores
