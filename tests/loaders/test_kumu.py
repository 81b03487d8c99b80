"""Kumu maps in and out: a project exported as a blueprint loads back under a fresh prefix with
the same stakeholders, ties, directions and weights; a hand-written workbook with custom fields
loads through a mapping, and one with every kind of problem is refused whole, each problem named
with file, row and field."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
from loader_data import WriteFiles
from neo4j import Driver
from stakegraph.queries.analytics import Request, Scope, analyse, write_result
from stakegraph.schema.graphdb import GraphDB


def _by_prefix(db: GraphDB, prefix: str, exclude: str | None) -> dict[str, Any]:
    people = db.read(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $prefix "
        "AND ($exclude IS NULL OR NOT s.id STARTS WITH $exclude) "
        "RETURN s.name AS name, s.kind AS kind, s.sector AS sector, s.societal AS societal, "
        "s.seldom_heard AS seldom, s.country AS country, s.role AS role, s.email AS email",
        prefix=prefix, exclude=exclude)
    ties = db.read(
        "MATCH (a:Stakeholder)-[t:INFLUENCES|TRUSTS|COLLABORATES_WITH|REFERRED]->(b:Stakeholder) "
        "WHERE a.id STARTS WITH $prefix AND ($exclude IS NULL OR NOT a.id STARTS WITH $exclude) "
        "RETURN a.name AS a, type(t) AS type, b.name AS b, t.weight AS weight, "
        "t.evidence AS evidence, t.date AS date",
        prefix=prefix, exclude=exclude)
    stakes = db.read(
        "MATCH (s:Stakeholder)-[x:ASSESSED]->() WHERE s.id STARTS WITH $prefix "
        "AND ($exclude IS NULL OR NOT s.id STARTS WITH $exclude) "
        "WITH s, x ORDER BY x.date DESC WITH s, head(collect(x)) AS x "
        "RETURN s.name AS name, x.interest AS interest, x.impact AS impact, "
        "x.category AS category, x.date AS date, x.assessor AS assessor",
        prefix=prefix, exclude=exclude)
    return {
        "people": sorted(tuple(map(str, r.values())) for r in people),
        "ties": sorted(tuple(map(str, r.values())) for r in ties),
        "stakes": sorted(tuple(map(str, r.values())) for r in stakes),
    }


def _run(cli_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["stakegraph", *args], env=cli_env, capture_output=True, text=True,
                          timeout=300)


def test_a_project_goes_out_as_a_blueprint_and_comes_back_the_same(
    db: GraphDB, cli_env: dict[str, str], write_files: WriteFiles, scratch: str, tmp_path: Path
) -> None:
    folder = write_files()
    loaded = _run(cli_env, "load", str(folder))
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    project = f"{scratch}icbt"
    req = Request("pagerank", scope=Scope(project=project))
    write_result(db, req, analyse(db, req))
    out = tmp_path / "icbt.json"
    done = _run(cli_env, "export", "--format", "kumu", "--project", project, str(out))
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert set(document) == {"elements", "connections"}
    ann = next(e for e in document["elements"] if e["label"] == "Ann Lee")
    assert ann["type"] == "Person" and ann["Sector"] == "Care provider"
    assert ann["Quadrant"] == "Q3" and ann["Interest"] == 3 and ann["Category"] == "Collaborators"
    assert "score: pagerank" in ann and "Email" not in ann
    directions = {(c["type"], c["direction"]) for c in document["connections"]}
    assert directions == {("trusts", "directed"), ("influences", "directed"),
                          ("collaborates_with", "undirected")}
    # Back in under a fresh prefix (inside the scratch one, so the fixture deletes it too).
    fresh = f"{scratch}k-"
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(f'id_prefix = "{fresh}"\n', encoding="utf-8")
    again = _run(cli_env, "load", str(out), "--kumu-mapping", str(mapping), "--project", project)
    assert again.returncode == 0, again.stdout + again.stderr
    before, after = _by_prefix(db, scratch, fresh), _by_prefix(db, fresh, None)
    assert after["ties"] == before["ties"] and len(after["ties"]) == 3
    assert after["stakes"] == before["stakes"]
    # The project's stakeholders (its members' organisations included); email is personal
    # data: out of the blueprint, so not back in.
    exported = {e["label"] for e in document["elements"]}
    assert {p[0] for p in after["people"]} == exported
    assert [p[:-1] for p in after["people"]] == [
        p[:-1] for p in before["people"] if p[0] in exported]
    assert {p[-1] for p in after["people"]} == {"None"}
    # A second load changes nothing.
    twice = _run(cli_env, "load", str(out), "--kumu-mapping", str(mapping), "--project",
                 project, "--json")
    totals = json.loads(twice.stdout)["report"]["totals"]
    assert totals["nodes"]["created"] == totals["relationships"]["created"] == 0
    assert totals["nodes"]["updated"] == totals["relationships"]["updated"] == 0
    # With --include-personal the email and notes travel too.
    personal = tmp_path / "personal.json"
    done = _run(cli_env, "export", "--format", "kumu", "-p", project, "--include-personal",
                str(personal))
    assert done.returncode == 0, done.stderr
    bob = next(e for e in json.loads(personal.read_text())["elements"] if e["label"] == "Bob Stone")
    assert bob["description"] == "carer, two kids"


def _workbook(path: Path, elements: list[list[Any]], connections: list[list[Any]],
              extra_sheets: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Elements"
    for row in elements:
        sheet.append(row)
    links = book.create_sheet("Connections")
    for row in connections:
        links.append(row)
    for name in extra_sheets:
        book.create_sheet(name).append(["whatever"])
    book.save(path)
    return path


ELEMENT_HEADER = ["Label", "Type", "Description", "Tags", "Country", "Interest", "Impact",
                  "Trust code", "ID"]
CONNECTION_HEADER = ["From", "To", "Type", "Direction", "Strength", "Description"]


def test_a_workbook_with_custom_fields_loads_through_a_mapping(
    db: GraphDB, driver: Driver, database: str, cli_env: dict[str, str], write_files: WriteFiles,
    scratch: str, tmp_path: Path
) -> None:
    assert _run(cli_env, "load", str(write_files())).returncode == 0
    book = _workbook(tmp_path / "map.xlsx", [
        ELEMENT_HEADER,
        ["Dr Ann Lee", "Clinician", "Leads the GP practice", "Seldom heard", "GB", 8, 7, "", ""],
        ["Riverside Voices", "Patient group", "", "", "GB", 3, 9, "", ""],
        ["Hill Trust", "NHS trust", "", "", "GB", None, None, "RX1", "trust-1"],
    ], [
        CONNECTION_HEADER,
        ["Dr Ann Lee", "Riverside Voices", "Influence", "mutual", "strong", "meets monthly"],
        ["trust-1", "Dr Ann Lee", "Partnership", "undirected", 2.5, ""],
        ["Riverside Voices", "Hill Trust", "", "", "", ""],
    ], extra_sheets=("Scratch (ignore)",))
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        f'id_prefix = "{scratch}kumu-"\n'
        '[element_types]\n"NHS trust" = { kind = "organisation", sector = "care_provider" }\n'
        '[element_fields]\n"Trust code" = ""\n'
        '[assessment]\ndate = "2026-01-31"\nassessor = "kumu test"\n', encoding="utf-8")
    done = _run(cli_env, "load", str(book), "--kumu-mapping", str(mapping), "--project",
                f"{scratch}icbt", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    k = f"{scratch}kumu-"
    people = {r["id"]: r for r in db.read(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $k RETURN s.id AS id, s.kind AS kind, "
        "s.sector AS sector, s.seldom_heard AS seldom, s.notes AS notes, s.country AS country",
        k=k)}
    assert set(people) == {f"{k}dr-ann-lee", f"{k}riverside-voices", f"{k}trust-1"}
    ann = people[f"{k}dr-ann-lee"]
    assert (ann["kind"], ann["sector"], ann["seldom"], ann["notes"]) == (
        "person", "care_provider", True, "Leads the GP practice")
    assert people[f"{k}riverside-voices"]["kind"] == "group"
    assert people[f"{k}trust-1"]["sector"] == "care_provider"
    ties = {(r["a"], r["t"], r["b"], r["w"], r["e"]) for r in db.read(
        "MATCH (a:Stakeholder)-[t]->(b:Stakeholder) WHERE a.id STARTS WITH $k "
        "RETURN a.id AS a, type(t) AS t, b.id AS b, t.weight AS w, t.evidence AS e", k=k)}
    assert ties == {
        (f"{k}dr-ann-lee", "INFLUENCES", f"{k}riverside-voices", 3.0, "meets monthly"),
        (f"{k}riverside-voices", "INFLUENCES", f"{k}dr-ann-lee", 3.0, "meets monthly"),
        (f"{k}trust-1", "COLLABORATES_WITH", f"{k}dr-ann-lee", 2.5, None),
        (f"{k}riverside-voices", "INFLUENCES", f"{k}trust-1", 1.0, None),
    }
    stakes = db.read(
        "MATCH (s:Stakeholder)-[x:ASSESSED]->(:Project {id: $p}) WHERE s.id STARTS WITH $k "
        "RETURN s.id AS id, x.interest AS i, x.impact AS m, x.quadrant AS q, "
        "toString(x.date) AS d, x.assessor AS by ORDER BY id", k=k, p=f"{scratch}icbt")
    assert [(r["id"], r["i"], r["m"], r["q"], r["d"], r["by"]) for r in stakes] == [
        (f"{k}dr-ann-lee", 8, 7, "q4", "2026-01-31", "kumu test"),
        (f"{k}riverside-voices", 3, 9, "q3", "2026-01-31", "kumu test"),
    ]


def test_every_problem_of_a_workbook_is_reported_at_once_and_nothing_is_written(
    db: GraphDB, cli_env: dict[str, str], scratch: str, tmp_path: Path
) -> None:
    book = _workbook(tmp_path / "bad.xlsx", [
        [*ELEMENT_HEADER, "Favourite colour"],
        ["Ann", "Person", "", "VIP", "GB", 5, 5, "", "", "green"],  # row 2: tag, field
        ["Bob", "Alien", "", "", "GB", "", "", "", "", ""],  # row 3: unmapped type
        ["Ann", "Person", "", "", "GB", "", "", "", "", ""],  # row 4: duplicate label
        ["", "Person", "", "", "GB", "", "", "", "", ""],  # row 5: no label
        ["Cat", "Organisation", "", "", "GB", 11, 5, "", "", ""],  # row 6: interest 11
    ], [
        CONNECTION_HEADER,
        ["Bob", "Nobody", "Influence", "", "", ""],  # row 2: unknown To
        ["Bob", "Cat", "Enemy", "", "", ""],  # row 3: unmapped type
        ["Cat", "Bob", "Trust", "sideways", "", ""],  # row 4: bad direction
        ["Cat", "Bob", "Influence", "", "huge", ""],  # row 5: strength word
        ["Bob", "Cat", "Trust", "", -2, ""],  # row 6: strength below zero
        ["Ann", "Bob", "Trust", "", "", ""],  # row 7: a label two elements share
    ], extra_sheets=("Notes",))
    done = _run(cli_env, "load", str(book), "--json", "--project", f"{scratch}nope")
    assert done.returncode == 1, done.stdout + done.stderr
    problems = json.loads(done.stdout)["problems"]
    found = {(p["file"], p["row"], p["column"]) for p in problems}
    elements, connections = "bad.xlsx[Elements]", "bad.xlsx[Connections]"
    assert {
        (elements, 2, "tags"), (elements, 2, "favourite colour"), (elements, 3, "type"),
        (elements, 4, "label"), (elements, 5, "label"), (elements, 6, "interest"),
        (connections, 2, "to"), (connections, 3, "type"), (connections, 4, "direction"),
        (connections, 5, "strength"), (connections, 6, "strength"), (connections, 7, "from"),
        ("bad.xlsx[Notes]", None, None),
    } <= found
    # The assessment's project does not exist: named too.
    assert any(p["column"] == "project_id" for p in problems)
    by_place = {(p["row"], p["column"]): p for p in problems if p["file"] == connections}
    assert by_place[(2, "to")]["value"] == "Nobody"
    assert "[connection_types]" in by_place[(3, "type")]["expected"]
    assert "label of one element only" in by_place[(7, "from")]["expected"]
    assert db.read("MATCH (s:Stakeholder) WHERE s.id STARTS WITH 'kumu-' AND s.name IN "
                   "['Ann', 'Bob', 'Cat'] RETURN count(s) AS n")[0]["n"] == 0


def test_the_mapping_template_is_the_default_and_bad_mappings_are_named(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    from stakegraph.loaders.kumu import TEMPLATE, default_mapping, read_mapping

    done = _run(cli_env, "template", "--kumu", str(tmp_path))
    assert done.returncode == 0, done.stderr
    written = tmp_path / "kumu-mapping.toml"
    assert written.read_text(encoding="utf-8") == TEMPLATE
    assert read_mapping(written) == default_mapping()
    assert default_mapping().element_types["patient group"] == ("group", "patients_public")
    assert default_mapping().connection_types[""] == "influences"
    bad = tmp_path / "bad.toml"
    bad.write_text('[element_types]\n"x" = { kind = "robot" }\n[connection_types]\n'
                   '"y" = "hates"\n[strength]\n"z" = -1\n[colours]\n', encoding="utf-8")
    out = _run(cli_env, "load", str(tmp_path), "--kumu-mapping", str(bad), "--json")
    assert out.returncode == 1
    where = {p["column"] for p in json.loads(out.stdout)["problems"]}
    assert {"element_types.x", "connection_types.y", "strength.z", "colours"} <= where
