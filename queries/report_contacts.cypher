// name: report_contacts
// purpose: The personal properties (the model's, passed in $properties) of the given
//   stakeholders, for a report shown to a role that may see personal data: whom to contact.
// param: ids list<id> — the stakeholders' ids
// param: properties list<string> — the personal property names to read (from the model)
// returns: id id — the stakeholder's id
// returns: personal list<list<string?>> — [property, value] pairs, value null when not set
// example:
// :param ids => ['demo-andrew-blake']
// :param properties => ['email', 'phone']

MATCH (s:Stakeholder)
WHERE s.id IN $ids
RETURN s.id AS id, [k IN $properties | [k, s[k]]] AS personal
ORDER BY id
