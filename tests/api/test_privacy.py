"""Personal-data rights over HTTP: only admins export, erase and read the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import Client, Graph, codes
from neo4j import Driver

EXPORT = "mutation($id: ID!) { exportPerson(id: $id) }"
ERASE = """mutation($id: ID!) { erasePerson(id: $id) { id pseudonym removed renamed ties
  tiesCleared assessments assessmentsCleared participations memberships scores
  auditEvent { id action subject actor via at summary } } }"""
AUDIT = """query($s: ID, $first: Int, $after: String) { auditEvents(subject: $s, first: $first,
  after: $after) { totalCount pageInfo { hasNextPage endCursor }
  nodes { id action subject actor via at summary } } }"""


def _props(driver: Driver, database: str, ident: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(
        "MATCH (s:Stakeholder {id: $id}) RETURN properties(s) AS p", id=ident, database_=database
    )
    props: dict[str, Any] = records[0]["p"]
    return props


@pytest.mark.parametrize("role", ["reader", "editor", "anonymous"])
def test_only_admins_may(
    role: str, clients: dict[str, Client], graph: Graph, driver: Driver, database: str
) -> None:
    c = clients[role]
    ann = graph.id("ann")
    for query in (EXPORT, ERASE):
        assert codes(c.post(query, {"id": ann})) == ["FORBIDDEN"]
    assert codes(c.post(AUDIT, {"s": ann})) == ["FORBIDDEN"]
    # The library's privacy queries are not questions anyone can ask.
    asked = c.post('query($id: JSON) { question(name: "privacy_person_export", params: $id) '
                   "{ rows } }", {"id": {"id": ann}})
    assert codes(asked) in (["NOT_FOUND"], ["FORBIDDEN"])
    assert _props(driver, database, ann)["email"] == "ann@example.org"


def test_admin_exports_erases_and_reads_the_audit_trail(
    clients: dict[str, Client], graph: Graph, driver: Driver, database: str
) -> None:
    admin = clients["admin"]
    ann = graph.id("ann")
    doc = admin.data(EXPORT, {"id": ann})["exportPerson"]
    assert doc["subject"] == ann
    assert doc["person"]["properties"]["email"] == "ann@example.org"
    assert [(t["type"], t["direction"], t["other"]) for t in doc["ties"]] == [
        ("INFLUENCES", "out", graph.id("bob"))
    ]
    assert len(doc["assessments"]) == 2 and len(doc["participations"]) == 1
    assert doc["memberships"][0]["id"] == graph.id("grp")

    erased = admin.data(ERASE, {"id": ann})["erasePerson"]
    assert erased["removed"] == ["email", "phone", "notes"] and erased["renamed"]
    assert (erased["ties"], erased["tiesCleared"], erased["assessments"],
            erased["participations"], erased["memberships"]) == (1, 1, 2, 1, 1)
    event = erased["auditEvent"]
    assert (event["action"], event["subject"], event["via"]) == ("erase", ann, "api")
    assert event["actor"].startswith("key:")
    props = _props(driver, database, ann)
    assert props["name"] == erased["pseudonym"]
    assert not {"email", "phone", "notes"} & set(props)
    again = admin.data(ERASE, {"id": ann})["erasePerson"]
    assert again["removed"] == [] and not again["renamed"]

    page = admin.data(AUDIT, {"s": ann, "first": 2})["auditEvents"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    assert [e["action"] for e in page["nodes"]] == ["erase", "erase"]
    rest = admin.data(AUDIT, {"s": ann, "first": 2, "after": page["pageInfo"]["endCursor"]})
    assert [e["action"] for e in rest["auditEvents"]["nodes"]] == ["export"]
    assert "personal: email, phone, notes" in rest["auditEvents"]["nodes"][0]["summary"]
    every = admin.data(AUDIT, {"first": 100})["auditEvents"]
    assert every["totalCount"] >= 3
    # Editors see personal data but not the audit trail.
    assert codes(clients["editor"].post(AUDIT, {"s": ann})) == ["FORBIDDEN"]


def test_unknown_ids_and_organisations(clients: dict[str, Client], graph: Graph) -> None:
    admin = clients["admin"]
    for query in (EXPORT, ERASE):
        missing = admin.post(query, {"id": graph.id("nobody")})
        assert codes(missing) == ["NOT_FOUND"]
        assert "no stakeholder with id" in missing["errors"][0]["message"]
        org = admin.post(query, {"id": graph.id("org")})
        assert codes(org) == ["VALIDATION"]
        assert "only persons have personal data" in org["errors"][0]["message"]
    assert admin.data(AUDIT, {"s": graph.id("org")})["auditEvents"]["totalCount"] == 0
    assert codes(admin.post(AUDIT, {"first": 1000})) == ["VALIDATION"]
