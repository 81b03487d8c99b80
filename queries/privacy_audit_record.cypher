// name: privacy_audit_record
// purpose: Records one personal-data action (export or erase) as an AuditEvent: who, when, what
//   and about which id. It links to nothing, so erasing or deleting the person leaves it whole.
// param: audit_id string — the event id (the subject id, the action and a random suffix)
// param: action string one of export|erase — what was done
// param: subject string — the stakeholder id it was done to
// param: actor string — who did it (the --actor, the OS user or the API principal)
// param: via string one of cli|api — which door it came through
// param: at string — when, as an ISO 8601 date-time with its offset
// param: summary string — what was exported or erased (counts and property names, no values)
// example:
// :param audit_id => 'demo-patient-forum|export|example'
// :param action => 'export'
// :param subject => 'demo-patient-forum'
// :param actor => 'analyst'
// :param via => 'cli'
// :param at => '2025-06-30T12:00:00+00:00'
// :param summary => 'exported 9 properties'

CREATE (e:AuditEvent {id: $audit_id, action: $action, subject: $subject, actor: $actor,
                      via: $via, at: datetime($at), summary: $summary})
RETURN properties(e) AS event
