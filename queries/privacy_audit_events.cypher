// name: privacy_audit_events
// purpose: The audit trail of personal-data exports and erasures, newest first, one page at a
//   time, with the total; optionally only the events about one id.
// param: subject string = null — only the events about this stakeholder id (null = all)
// param: skip int = 0 in 0..100000000 — events to skip (the page's offset)
// param: limit int = 20 in 0..1000 — events per page
// example:
// :param subject => null
// :param skip => 0
// :param limit => 20

MATCH (e:AuditEvent)
WHERE $subject IS NULL OR e.subject = $subject
WITH e ORDER BY e.at DESC, e.id DESC
WITH collect(properties(e)) AS events
RETURN size(events) AS total, events[$skip..$skip + $limit] AS page
