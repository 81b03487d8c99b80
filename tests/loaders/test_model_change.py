"""Changing the declared extensions safely, on the real Neo4j: adding is free and idempotent;
removing what values use, changing a type or making a property required is checked first, and a
refused change writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from stakegraph.loaders import load_paths
from stakegraph.loaders.model_change import ModelChangeRefused, apply_declaration
from stakegraph.schema.declared import read_model, versions
from stakegraph.schema.extensions import Extension, parse_declaration
from stakegraph.schema.graphdb import GraphDB

pytestmark = pytest.mark.usefixtures("restore_model")


def declaration(**changes: Any) -> Extension:
    """The base declaration of these tests, with entries replaced or added."""
    document: dict[str, Any] = {
        "properties": {
            "stakeholder": {"ward": {"type": "term", "scheme": "ward"},
                            "code": {"type": "text"}},
            "project": {"budget": {"type": "text"}},
        },
        "schemes": {"ward": {"title": "Wards", "terms": [
            {"code": "castle", "label": "Castle"}, {"code": "abbey", "label": "Abbey"}]}},
        "terms": {"sector": [{"code": "housing", "label": "Housing association"}]},
    }
    for key, value in changes.items():
        document[key] = value
    return parse_declaration(document)


def load(db: GraphDB, folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    load_paths(db, [folder])


def state(db: GraphDB, prefix: str) -> list[dict[str, Any]]:
    rows = db.read("MATCH (n) WHERE n.id STARTS WITH $p RETURN n.id AS id, properties(n) AS p "
                   "ORDER BY id", p=prefix)
    return [r.data() for r in rows]


def test_adding_is_free_and_applying_twice_changes_nothing(db: GraphDB) -> None:
    first = apply_declaration(db, declaration(), actor="tester")
    assert first.to_version == first.from_version + 1
    assert "add property stakeholder.ward (term)" in first.changes
    assert "add term sector:housing" in first.changes
    again = apply_declaration(db, declaration())
    assert again.changes == [] and again.to_version == first.to_version
    model = read_model(db)
    assert model.version == first.to_version
    assert model.scheme("sector").resolve("Housing association") == "housing"
    assert [v.version for v in versions(db)][-1] == first.to_version
    assert versions(db)[-1].applied_by == "tester"
    terms = db.read("MATCH (c:Concept {origin: 'declared'}) RETURN c.id AS id ORDER BY id")
    assert [t["id"] for t in terms] == ["sector:housing", "ward:abbey", "ward:castle"]
    declared = db.read("MATCH (d:DeclaredProperty) RETURN d.id AS id ORDER BY id")
    assert [d["id"] for d in declared] == ["Project.budget", "Stakeholder.code",
                                           "Stakeholder.ward"]


def test_removing_what_values_use_is_refused_then_done_with_drop_data(
    db: GraphDB, scratch: str, tmp_path: Path
) -> None:
    apply_declaration(db, declaration())
    load(db, tmp_path / "in", {"stakeholders": (
        "id,name,kind,sector,ward,code\n"
        f"{scratch}a,Ann,person,housing,castle,A1\n"
        f"{scratch}b,Bob,person,charity,abbey,\n")})
    before = state(db, scratch)
    smaller = declaration(
        properties={"stakeholder": {"ward": {"type": "term", "scheme": "ward"}}},
        schemes={"ward": {"title": "Wards", "terms": [{"code": "castle", "label": "Castle"}]}},
        terms={},
    )
    with pytest.raises(ModelChangeRefused) as refused:
        apply_declaration(db, smaller)
    reasons = refused.value.reasons
    assert any(r.startswith("1 stakeholders have a value of stakeholder.code") for r in reasons)
    assert any("1 stakeholders have ward:abbey in ward" in r for r in reasons)
    assert any("1 stakeholders have sector:housing in sector" in r for r in reasons)
    assert any("1 projects" in r for r in reasons) is False  # no project has a budget
    assert state(db, scratch) == before and read_model(db).extension == declaration()
    done = apply_declaration(db, smaller, drop_data=True, actor="tester")
    assert done.values_removed == 3  # a's code and sector, b's ward
    after = {r["id"]: r["p"] for r in state(db, scratch)}
    assert "code" not in after[f"{scratch}a"] and "sector" not in after[f"{scratch}a"]
    assert after[f"{scratch}a"]["ward"] == "castle" and "ward" not in after[f"{scratch}b"]
    assert after[f"{scratch}b"]["sector"] == "charity"
    gone = db.read("MATCH (c:Concept) WHERE c.id IN ['ward:abbey', 'sector:housing'] "
                   "RETURN count(c) AS n")
    assert gone[0]["n"] == 0
    audit = db.read("MATCH (a:AuditEvent {action: 'model-change', subject: $s}) "
                    "RETURN a.actor AS actor, a.summary AS summary",
                    s=f"model v{done.to_version}")[0]
    assert audit["actor"] == "tester"
    assert "remove property stakeholder.code" in audit["summary"]
    assert "3 values removed" in audit["summary"]


def test_a_term_a_required_property_uses_cannot_be_removed(
    db: GraphDB, scratch: str, tmp_path: Path
) -> None:
    walk = {"activity_type": [{"code": "walkabout", "label": "Walkabout"}]}
    apply_declaration(db, declaration(terms=walk))
    load(db, tmp_path / "in", {
        "projects": f"id,name\n{scratch}p,P\n",
        "activities": "id,project_id,name,type,date,stage,level\n"
                      f"{scratch}w,{scratch}p,Walk,walkabout,2026-03-01,planning,engagement\n",
    })
    with pytest.raises(ModelChangeRefused, match="which is required: change them first"):
        apply_declaration(db, declaration(terms={}), drop_data=True)
    assert state(db, scratch)[1]["p"]["type"] == "walkabout"


def test_a_type_change_converts_every_value_or_none(
    db: GraphDB, scratch: str, tmp_path: Path
) -> None:
    apply_declaration(db, declaration())
    load(db, tmp_path / "in", {"projects": f"id,name,budget\n{scratch}p,P,1200\n"
                                           f"{scratch}q,Q,about 3k\n"})
    as_number = declaration(properties={
        "stakeholder": {"ward": {"type": "term", "scheme": "ward"}, "code": {"type": "text"}},
        "project": {"budget": {"type": "number"}}})
    with pytest.raises(ModelChangeRefused, match=r"1 of the projects' budget values do not "
                       r"convert to number, e.g. 'about 3k'"):
        apply_declaration(db, as_number)
    assert {r["p"]["budget"] for r in state(db, scratch)} == {"1200", "about 3k"}
    db.write("MATCH (p:Project {id: $id}) SET p.budget = '3000'", id=f"{scratch}q")
    report = apply_declaration(db, as_number)
    assert report.values_converted == 2
    assert {r["p"]["budget"] for r in state(db, scratch)} == {1200.0, 3000.0}


def test_a_property_becomes_required_only_when_every_node_has_it(
    db: GraphDB, scratch: str, tmp_path: Path
) -> None:
    apply_declaration(db, declaration())
    load(db, tmp_path / "in", {"projects": f"id,name,budget\n{scratch}p,P,10\n{scratch}q,Q,\n"})
    required = declaration(properties={
        "stakeholder": {"ward": {"type": "term", "scheme": "ward"}, "code": {"type": "text"}},
        "project": {"budget": {"type": "text", "required": True}}})
    # Every project in the graph counts (this one and any other test's).
    with pytest.raises(ModelChangeRefused, match=r"[1-9]\d* projects have no budget: give them "
                       "one before declaring project.budget required"):
        apply_declaration(db, required)
    assert read_model(db).extension == declaration()


def test_a_dry_run_writes_nothing(db: GraphDB) -> None:
    before = read_model(db).version
    report = apply_declaration(db, declaration(), dry_run=True)
    assert report.dry_run and report.to_version == before + 1 and report.changes
    assert read_model(db).version == before
    assert db.read("MATCH (c:Concept {origin: 'declared'}) RETURN count(c) AS n")[0]["n"] == 0
