"""Export and erasure of a person's data through `stakegraph.queries.privacy`, on the real
Neo4j: what an export holds, what an erasure removes and keeps, and the audit trail of both."""

from __future__ import annotations

import json

import pytest
from neo4j import Driver
from privacy_seed import PERSONAL_STRINGS, audit_rows, state
from stakegraph.queries.library import get_query
from stakegraph.queries.privacy import (
    NotAPersonError,
    UnknownPersonError,
    audit_events,
    erase_person,
    export_person,
)
from stakegraph.queries.privacy.rules import FREE_TEXT, pseudonym
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, Label, personal_properties, rel_spec


def test_free_text_and_personal_properties_follow_the_model() -> None:
    assert personal_properties()[Label.STAKEHOLDER] == ("email", "phone", "notes")
    for rel, names in FREE_TEXT.items():
        props = {p.name for p in rel_spec(rel).props}
        assert set(names) <= props, rel
    # The export and the erasure walk every tie type of the model.
    ties = ":" + "|".join(TIE_TYPES) + "]"
    for name in ("privacy_person_export", "privacy_person_erase"):
        assert ties in get_query(name).statement, name


def test_export_holds_everything_about_the_person(db: GraphDB,
    driver: Driver, database: str, people: str
) -> None:
    me = people + "me"
    doc = export_person(db, me, actor="dpo")
    json.dumps(doc)  # JSON-ready throughout (dates as ISO strings)
    assert doc["format"] == "stakegraph-person-export/1" and doc["subject"] == me
    assert doc["person"]["labels"] == ["Person", "Stakeholder"]
    props = doc["person"]["properties"]
    assert props == {
        "id": me, "name": "Mina Example", "kind": "person", "sector": "patients_public",
        "seldom_heard": True, "country": "GB", "email": "mina@example.org",
        "phone": "+44 7000 000000", "notes": "prefers mornings",
    }
    assert doc["memberships"] == [{
        "id": people + "grp", "name": "Carers Circle", "kind": "group",
        "properties": {"role": "member", "since": "2024-01-01"},
    }]
    ties = {(t["type"], t["direction"], t["other"]): t for t in doc["ties"]}
    assert set(ties) == {
        ("INFLUENCES", "out", people + "other"),
        ("TRUSTS", "in", people + "other"),
        ("COLLABORATES_WITH", "out", people + "org"),
    }
    assert ties["INFLUENCES", "out", people + "other"]["properties"] == {
        "weight": 2.0, "date": "2025-01-05", "evidence": "Mina said so at lunch",
    }
    # Another person's name is their personal data: shown by id only. Organisations by name.
    assert ties["TRUSTS", "in", people + "other"]["other_name"] is None
    assert ties["COLLABORATES_WITH", "out", people + "org"]["other_name"] == "Valley Trust"
    assert [(a["properties"]["date"], a["properties"]["quadrant"], a["properties"].get("note"))
            for a in doc["assessments"]] == [
        ("2025-01-10", "q3", "Mina worries about travel"), ("2025-06-10", "q4", None),
    ]
    assert doc["participations"] == [{
        "activity": people + "w", "name": "Design workshop", "date": "2025-04-01",
        "type": "workshop", "level": "coproduction", "project": people + "p",
        "role": "co-designer",
    }]
    assert [(s["run"], s["metric"], s["scores"]) for s in doc["scores"]] == [
        (people + "run", "pagerank", {"pagerank": 0.25}),
    ]
    assert doc["audit_events"] == []

    events = audit_rows(driver, database, me)
    assert len(events) == 1
    event = events[0]
    assert (event["action"], event["actor"], event["via"]) == ("export", "dpo", "cli")
    assert event["id"].startswith(me + "|export|")
    assert "personal: email, phone, notes" in event["summary"]
    assert "3 ties" in event["summary"] and "2 assessments" in event["summary"]
    assert "mina@example.org" not in event["summary"]
    # The next export lists the earlier one.
    again = export_person(db, me, actor="dpo")
    assert [e["action"] for e in again["audit_events"]] == ["export"]
    assert len(audit_rows(driver, database, me)) == 2


def test_erase_removes_personal_data_and_keeps_the_history(db: GraphDB,
    driver: Driver, database: str, people: str
) -> None:
    me = people + "me"
    before = state(driver, database, me)
    other_before = state(driver, database, people + "other")
    done = erase_person(db, me, actor="dpo")
    after = state(driver, database, me)

    assert done.changed and done.renamed
    assert done.removed == ["email", "phone", "notes"]
    assert done.pseudonym == pseudonym(me) and after["props"]["name"] == done.pseudonym
    assert not {"email", "phone", "notes"} & set(after["props"])
    assert after["props"] == {
        "id": me, "name": done.pseudonym, "kind": "person", "sector": "patients_public",
        "seldom_heard": True, "country": "GB",
    }
    text = json.dumps([after["props"], after["rels"]], default=str)
    for value in PERSONAL_STRINGS:
        assert value not in text
    assert not any("evidence" in r or "note" in r for r in after["rels"])
    # Engagement history stays: counts, levels, quadrants and weights are unchanged.
    for key in ("ties", "participations", "assessments", "memberships", "scores", "levels",
                "weights"):
        assert after[key] == before[key], key
    cleared = (done.ties, done.ties_cleared, done.assessments, done.assessments_cleared)
    assert cleared == (3, 2, 2, 1)
    assert (done.participations, done.memberships, done.scores) == (1, 1, 1)
    # Nobody else's data is touched, not even the free text of their ties with others.
    other_after = state(driver, database, people + "other")
    assert other_after["props"] == other_before["props"]
    assert any(r.get("evidence") == "Otto knows the trust" for r in other_after["rels"])

    events = audit_rows(driver, database, me)
    assert [(e["action"], e["actor"], e["via"]) for e in events] == [("erase", "dpo", "cli")]
    assert events[0]["id"] == done.audit_event["id"]
    assert "removed personal properties: email, phone, notes" in events[0]["summary"]


def test_erasing_twice_is_harmless(db: GraphDB, driver: Driver, database: str, people: str) -> None:
    me = people + "me"
    erase_person(db, me, actor="dpo")
    first = state(driver, database, me)
    again = erase_person(db, me, actor="dpo")
    assert not again.changed and again.removed == [] and not again.renamed
    assert state(driver, database, me) == first
    assert [e["action"] for e in audit_rows(driver, database, me)] == ["erase", "erase"]
    assert "name already pseudonymised" in again.audit_event["summary"]
    # An export after the erasure holds nothing personal.
    doc = export_person(db, me, actor="dpo")
    for value in PERSONAL_STRINGS:
        assert value not in json.dumps(doc["person"]) + json.dumps(doc["ties"])


@pytest.mark.parametrize("action", [export_person, erase_person])
def test_unknown_ids_and_organisations_are_refused(
    db: GraphDB, driver: Driver, database: str, people: str, action: object
) -> None:
    assert callable(action)
    with pytest.raises(UnknownPersonError, match=f"no stakeholder with id '{people}nobody'"):
        action(db, people + "nobody", actor="dpo")
    for other, kind in (("org", "organisation"), ("grp", "group")):
        with pytest.raises(NotAPersonError, match=f"of kind {kind}: only persons"):
            action(db, people + other, actor="dpo")
        assert audit_rows(driver, database, people + other) == []
    assert audit_rows(driver, database, people + "nobody") == []
    assert state(driver, database, people + "org")["props"]["name"] == "Valley Trust"


def test_audit_events_page_newest_first(db: GraphDB, people: str) -> None:
    me = people + "me"
    export_person(db, me, actor="ann")
    erase_person(db, me, actor="bob")
    page = audit_events(db, subject=me)
    assert page.total == 2
    assert [(e["action"], e["actor"]) for e in page.events] == [("erase", "bob"), ("export", "ann")]
    second = audit_events(db, subject=me, skip=1, limit=1)
    assert second.total == 2 and [e["action"] for e in second.events] == ["export"]
    assert isinstance(page.events[0]["at"], str) and page.events[0]["at"] >= page.events[1]["at"]
