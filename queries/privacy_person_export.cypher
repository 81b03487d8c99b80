// name: privacy_person_export
// purpose: Everything held on one person, for a subject access request: the node's properties
//   (personal data included) and labels, memberships, ties in both directions with their
//   properties, every stake assessment (history), participations with the activity, network
//   scores of analytics runs, and the audit events about them. Other persons appear by id only.
// param: id string — the person's stakeholder id
// example:
// :param id => 'demo-patient-forum'

MATCH (s:Stakeholder:Person {id: $id})
RETURN properties(s) AS properties,
       labels(s) AS labels,
       COLLECT {
         MATCH (s)-[m:MEMBER_OF]->(g:Stakeholder)
         RETURN {id: g.id, name: CASE WHEN g:Person THEN null ELSE g.name END, kind: g.kind,
                 properties: properties(m)}
         ORDER BY g.id
       } AS memberships,
       COLLECT {
         MATCH (s)-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]-(o:Stakeholder)
         RETURN {type: type(t), direction: CASE WHEN startNode(t) = s THEN 'out' ELSE 'in' END,
                 other: o.id, other_kind: o.kind,
                 other_name: CASE WHEN o:Person THEN null ELSE o.name END,
                 properties: properties(t)}
         ORDER BY type(t), o.id, startNode(t) = s DESC
       } AS ties,
       COLLECT {
         MATCH (s)-[a:ASSESSED]->(p:Project)
         RETURN {project: p.id, project_name: p.name, properties: properties(a)}
         ORDER BY p.id, a.date, a.id
       } AS assessments,
       COLLECT {
         MATCH (s)-[r:PARTICIPATED_IN]->(a:EngagementActivity)
         OPTIONAL MATCH (a)-[:FOR_PROJECT]->(p:Project)
         RETURN {activity: a.id, name: a.name, date: a.date, type: a.type, level: a.level,
                 project: p.id, role: r.role}
         ORDER BY a.date, a.id
       } AS participations,
       COLLECT {
         MATCH (run:AnalyticsRun)-[sc:SCORED]->(s)
         RETURN {run: run.id, metric: run.metric, computed_at: run.computed_at,
                 method: run.method, complete: run.complete, scores: properties(sc)}
         ORDER BY run.computed_at, run.id
       } AS scores,
       COLLECT {
         MATCH (e:AuditEvent) WHERE e.subject = s.id
         RETURN properties(e)
         ORDER BY e.at, e.id
       } AS audit_events
