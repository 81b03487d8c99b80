// name: privacy_subject
// purpose: Whether an id names a stakeholder and whether it is a person: personal-data export
//   and erasure accept persons only (groups and organisations hold no personal data in the model).
// param: id string — the stakeholder id
// example:
// :param id => 'demo-patient-forum'

MATCH (s:Stakeholder {id: $id})
RETURN s.id AS id, s.kind AS kind, s:Person AS person
