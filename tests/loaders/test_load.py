"""Loading for real: what lands in the graph, typed; reloads are no-ops; changes are updates;
dry runs write nothing; JSON documents and Excel workbooks load like CSV folders."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from loader_data import BASE, Snapshot, WriteFiles
from neo4j import Driver
from stakegraph.loaders import LOAD_ORDER, load_paths, tables, write_templates
from stakegraph.schema.combined import Model
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import quadrant


def _one(driver: Driver, database: str, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params, database_=database)
    assert len(records) == 1, records
    return records[0]


def test_a_load_writes_typed_properties_and_derived_values(db: GraphDB,
    write_files: WriteFiles, driver: Driver, database: str, scratch: str,
) -> None:
    report = load_paths(db, [write_files()], batch_size=2)
    assert report.nodes.created == 1 + 1 + 1 + 5 + 1 + 1
    assert report.relationships.created == 3 + 3 + 3 + 1 + 2 + 4 + 2
    assert report.rows_read == sum(BASE[n].count("\n") - 1 for n in BASE)
    bob = _one(driver, database, "MATCH (s:Stakeholder {id: $id}) RETURN s, labels(s) AS l",
               id=f"{scratch}bob")
    assert sorted(bob["l"]) == ["Person", "Stakeholder"]
    assert bob["s"]["sector"] == "carers" and bob["s"]["societal"] is True
    assert bob["s"]["notes"] == "carer, two kids" and "email" not in bob["s"]
    ann = _one(driver, database, "MATCH (s:Stakeholder {id: $id}) RETURN s", id=f"{scratch}ann")
    assert ann["s"]["role"] == "opinion_leader" and ann["s"]["seldom_heard"] is False
    project = _one(driver, database, "MATCH (p:Project {id: $id}) RETURN p", id=f"{scratch}icbt")
    assert project["p"]["start_date"].to_native() == date(2025, 1, 1)
    assert project["p"]["engagement_strategy"] is True
    assert "coproduction_strategy" not in project["p"]
    moved = _one(driver, database,
                 "MATCH (:Stakeholder {id: $s})-[r:ASSESSED]->(:Project) WHERE r.note = 'moved' "
                 "RETURN r", s=f"{scratch}ann")["r"]
    assert moved["id"] == f"{scratch}ann|{scratch}icbt|2025-06-01|team"
    assert moved["quadrant"] == quadrant(3, 7) and moved["interest"] == 3
    assert "influence" not in moved
    ties = driver.execute_query(
        "MATCH (a:Stakeholder)-[r:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]->(b) "
        "WHERE a.id STARTS WITH $p "
        "RETURN type(r) AS t, r.weight AS w ORDER BY t", p=scratch, database_=database)[0]
    assert [(r["t"], r["w"]) for r in ties] == [
        ("COLLABORATES_WITH", 1.0), ("INFLUENCES", 0.5), ("TRUSTS", 2.0)]
    links = driver.execute_query(
        "MATCH (:EngagementActivity {id: $a})-[r]->(t) RETURN type(r) AS t, t.id AS target, "
        "properties(r) AS props ORDER BY t, target", a=f"{scratch}kickoff",
        database_=database)[0]
    assert [(r["t"], r["target"].replace(scratch, ""), r["props"]) for r in links] == [
        ("APPLIED", "eric:develop_implementation_blueprint", {"note": "first draft"}),
        ("APPLIED", "peer-champions", {}),
        ("CONTRIBUTED_TO", "proctor_outcome:adoption", {"evidence": "minutes"}),
        ("FOR_PROJECT", "icbt", {}),
        ("PURSUED", "map-barriers", {}),
    ]
    kinds = driver.execute_query(
        "MATCH (m:Stakeholder)-[r:MEMBER_OF|PART_OF]->(o) WHERE m.id STARTS WITH $p "
        "RETURN m.id AS m, type(r) AS t, r.since AS since ORDER BY m", p=scratch,
        database_=database)[0]
    assert [(r["m"].replace(scratch, ""), r["t"]) for r in kinds] == [
        ("ann", "MEMBER_OF"), ("bob", "MEMBER_OF"), ("clinic", "PART_OF")]
    obs = _one(driver, database, "MATCH (:Project {id: $p})-[r:OBSERVED]->(:Outcome {id: $o}) "
               "RETURN r", p=f"{scratch}icbt", o=f"{scratch}uptake")["r"]
    assert obs["id"] == f"{scratch}icbt|{scratch}uptake|2025-06-30" and obs["value"] == 0.25


def test_reloading_the_same_files_changes_nothing(db: GraphDB,
    write_files: WriteFiles, scratch: str,
    take_snapshot: Snapshot,
) -> None:
    folder = write_files()
    first = load_paths(db, [folder])
    before = take_snapshot(scratch)
    again = load_paths(db, [folder], batch_size=3)
    assert take_snapshot(scratch) == before
    assert not again.changed
    assert again.nodes.unchanged == first.nodes.created
    assert again.relationships.unchanged == first.relationships.created


def test_changes_are_updates_and_a_changed_kind_swaps_the_label(db: GraphDB,
    write_files: WriteFiles, driver: Driver, database: str, scratch: str,
) -> None:
    load_paths(db, [write_files()])
    changed = write_files({
        "stakeholders.csv": BASE["stakeholders.csv"]
        .replace("{p}voices,Carers' Voices,group", "{p}voices,Carers' Voices,organisation")
        .replace("ann@example.org", ""),
        "activities.csv": "id,project_id,name,type,date,stage,level\n"
        "{p}kickoff,{p}pilot,Kick-off,workshop,2025-02-01,planning,coproduction\n",
        "projects.csv": BASE["projects.csv"] + "{p}pilot,Pilot,,,,,,,,,\n",
    })
    report = load_paths(db, [changed])
    assert report.tables["stakeholders"].nodes.updated == 2  # kind changed; email emptied
    assert report.tables["projects"].nodes.created == 1
    assert report.tables["activities"].nodes.updated == 0  # same values; absent columns kept
    assert report.tables["activities"].relationships.created == 1
    voices = _one(driver, database, "MATCH (s {id: $id}) RETURN labels(s) AS l, s.kind AS k",
                  id=f"{scratch}voices")
    assert sorted(voices["l"]) == ["Organisation", "Stakeholder"] and voices["k"] == "organisation"
    ann = _one(driver, database, "MATCH (s {id: $id}) RETURN s", id=f"{scratch}ann")["s"]
    assert "email" not in ann
    act = _one(driver, database,
               "MATCH (a {id: $id}) OPTIONAL MATCH (a)-[:FOR_PROJECT]->(p) "
               "RETURN a.mode AS mode, collect(p.id) AS projects", id=f"{scratch}kickoff")
    assert act["mode"] == "in_person" and act["projects"] == [f"{scratch}pilot"]


def test_one_batch_mixing_new_changed_and_unchanged_rows_counts_each(db: GraphDB,
    write_files: WriteFiles, driver: Driver, database: str, scratch: str,
) -> None:
    load_paths(db, [write_files()])
    # In one batch each: a tie and a stakeholder left as they are, one changed, one new.
    mixed = write_files({
        "ties.csv": BASE["ties.csv"].replace("trusts,2,2025-01-10", "trusts,4,2025-01-11")
        + "{p}bob,{p}clinic,referred,,2025-03-01,\n",
        "stakeholders.csv": BASE["stakeholders.csv"].replace("Hill Clinic", "Hill Surgery")
        + "{p}cat,Cat Reed,person,,,,,,,,\n",
    })
    report = load_paths(db, [mixed], batch_size=100)
    assert report.tables["ties"].relationships.as_dict() == {
        "created": 1, "updated": 1, "unchanged": 2}
    assert report.tables["stakeholders"].nodes.as_dict() == {
        "created": 1, "updated": 1, "unchanged": 4}
    trusts = _one(driver, database, "MATCH (:Stakeholder {id: $a})-[r:TRUSTS]->() RETURN r",
                  a=f"{scratch}ann")["r"]
    assert trusts["weight"] == 4.0 and trusts["date"].to_native() == date(2025, 1, 11)
    referred = _one(driver, database, "MATCH (:Stakeholder {id: $a})-[r:REFERRED]->(b) "
                    "RETURN r, b.id AS b", a=f"{scratch}bob")
    assert referred["b"] == f"{scratch}clinic" and referred["r"]["weight"] == 1.0
    assert referred["r"]["date"].to_native() == date(2025, 3, 1)
    cat = _one(driver, database, "MATCH (s:Stakeholder {id: $id}) RETURN labels(s) AS l",
               id=f"{scratch}cat")
    assert sorted(cat["l"]) == ["Person", "Stakeholder"]
    again = load_paths(db, [mixed], batch_size=100)
    assert not again.changed


def test_a_dry_run_reports_and_writes_nothing(db: GraphDB,
    write_files: WriteFiles, scratch: str,
    nodes_under: Callable[[str], int], take_snapshot: Snapshot,
) -> None:
    folder = write_files()
    dry = load_paths(db, [folder], dry_run=True)
    assert dry.dry_run and nodes_under(scratch) == 0
    real = load_paths(db, [folder])
    assert dry.as_dict()["totals"] == real.as_dict()["totals"]
    before = take_snapshot(scratch)
    edited = write_files(
        {"ties.csv": BASE["ties.csv"].replace("trusts,2,", "trusts,3,")})
    dry = load_paths(db, [edited], dry_run=True)
    assert dry.tables["ties"].relationships.as_dict() == {"created": 0, "updated": 1,
                                                         "unchanged": 2}
    assert take_snapshot(scratch) == before


def test_default_project_fills_missing_project_ids(db: GraphDB,
    write_files: WriteFiles, scratch: str,
) -> None:
    load_paths(db, [write_files()])
    extra = write_files({"observations.csv": "outcome_id,date,value\n{p}uptake,2025-12-31,0.4\n"},
                        base=False)
    report = load_paths(db, [extra], default_project=f"{scratch}icbt")
    assert report.tables["observations"].relationships.created == 1


def _base_as_json(scratch: str) -> dict[str, list[dict[str, Any]]]:
    import csv
    import io

    document: dict[str, list[dict[str, Any]]] = {}
    for name, text in BASE.items():
        rows = list(csv.DictReader(io.StringIO(text.replace("{p}", scratch))))
        document[name.removesuffix(".csv")] = [
            {k: v for k, v in row.items() if v != ""} for row in rows
        ]
    return document


def test_a_json_document_loads_like_the_csv_folder(db: GraphDB,
    write_files: WriteFiles, tmp_path: Path, scratch: str,
    take_snapshot: Snapshot,
) -> None:
    load_paths(db, [write_files()])
    from_csv = take_snapshot(scratch)
    document = _base_as_json(scratch)
    for row in document["assessments"]:
        row["interest"] = int(row["interest"])  # JSON numbers and booleans are taken as such
    document["stakeholders"][1]["societal"] = True
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = load_paths(db, [path])
    assert not report.changed
    assert take_snapshot(scratch) == from_csv


def test_xlsx_round_trip_template_then_fill_then_load(db: GraphDB,
    write_files: WriteFiles, tmp_path: Path, scratch: str,
    take_snapshot: Snapshot,
) -> None:
    load_paths(db, [write_files()])
    from_csv = take_snapshot(scratch)
    [path] = write_templates(tmp_path / "tpl", tables(Model.shipped()), xlsx=True)
    book = openpyxl.load_workbook(path)
    assert book["vocab"].sheet_state == "hidden"
    assert [s for s in book.sheetnames if s != "vocab"] == list(LOAD_ORDER)
    level = tables(Model.shipped()).spec("activities").column_names.index("level")
    validations = book["activities"].data_validations.dataValidation
    assert any(str(v.sqref).startswith(openpyxl.utils.get_column_letter(level + 1) + "2")
               and v.formula1.startswith("vocab!") for v in validations)
    for name, rows in _base_as_json(scratch).items():
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        for row in rows:
            sheet.append([_excel_value(row.get(h)) for h in header])
    book.save(path)
    report = load_paths(db, [path])
    assert not report.changed, report.as_dict()
    assert take_snapshot(scratch) == from_csv


def _excel_value(value: str | None) -> object:
    # A user types dates and numbers into Excel, which stores them typed.
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


@pytest.mark.parametrize("variant", ["bom", "semicolon", "crlf"])
def test_csv_variants_load_identically(db: GraphDB,
    variant: str, write_files: WriteFiles, scratch: str,
    take_snapshot: Snapshot,
) -> None:
    load_paths(db, [write_files()])
    before = take_snapshot(scratch)
    folder = write_files()
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        if variant == "semicolon":
            import csv
            import io

            out = io.StringIO()
            csv.writer(out, delimiter=";", lineterminator="\n").writerows(
                csv.reader(io.StringIO(text)))
            text = out.getvalue()
        if variant == "crlf":
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + data if variant == "bom" else data)
    report = load_paths(db, [folder])
    assert not report.changed
    assert take_snapshot(scratch) == before


def test_multiline_notes_and_formula_text_are_stored_as_given_but_stripped(db: GraphDB,
    write_files: WriteFiles, driver: Driver, database: str, scratch: str,
) -> None:
    folder = write_files({"stakeholders.csv": "id,name,kind,notes\n"
                          '{p}eve,  Eve  ,person,"first line\nsecond line  "\n'
                          "{p}mal,=HYPERLINK(\"x\"),person,@SUM(A1)\n"}, base=False)
    load_paths(db, [folder])
    eve = _one(driver, database, "MATCH (s {id: $id}) RETURN s", id=f"{scratch}eve")["s"]
    assert eve["name"] == "Eve" and eve["notes"] == "first line\nsecond line"
    mal = _one(driver, database, "MATCH (s {id: $id}) RETURN s", id=f"{scratch}mal")["s"]
    assert mal["name"] == '=HYPERLINK("x")' and mal["notes"] == "@SUM(A1)"
