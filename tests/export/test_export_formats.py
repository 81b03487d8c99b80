"""Exports: GraphML/GEXF read back by networkx, CSV/JSON read back by our loaders, privacy."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import networkx as nx
from export_graph import ERIC, build_export_graph
from neo4j import Driver
from stakegraph.loaders import load_paths, tables
from stakegraph.schema.combined import Model
from stakegraph.schema.graphdb import GraphDB

from stakegraph.export.loader_tables import loader_tables
from stakegraph.export.subgraph import read_subgraph

SHIPPED = tables(Model.shipped())


def _export(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["stakegraph", "export", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_graphml_and_gexf_of_a_project_read_back_in_networkx(
    db: GraphDB, scratch: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    build_export_graph(db, scratch, tmp_path / "in")
    p = scratch
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"main.{fmt}"
        run = _export(cli_env, "--format", fmt, "--project", f"{p}main", str(out))
        assert run.returncode == 0, run.stderr
        g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        # main's scope: the project, ana and ben (assessed), org (ana's organisation), the
        # activity, the custom outcome and the ERIC strategy it links to; zed and other stay out.
        assert set(g.nodes) == {f"{p}main", f"{p}ana", f"{p}ben", f"{p}org", f"{p}act",
                                f"{p}out", ERIC}
        types = sorted(d["type"] for _, _, d in g.edges(data=True))
        assert types == sorted(["ASSESSED", "ASSESSED", "ASSESSED", "INFLUENCES",
                                "COLLABORATES_WITH", "MEMBER_OF", "PARTICIPATED_IN",
                                "FOR_PROJECT", "APPLIED", "CONTRIBUTED_TO", "OBSERVED"])
        ana = g.nodes[f"{p}ana"]
        assert ana["name"] == "Ana Lopez" and ana["labels"] == "Person:Stakeholder"
        assert "email" not in ana and "phone" not in ana and "notes" not in ana
        assert ana["societal"] is False
        influence = next(d for a, b, d in g.edges(data=True) if d["type"] == "INFLUENCES")
        assert influence["weight"] == 2.5 and influence["date"] == "2025-01-12"
        assessed = [d for _, _, d in g.edges(data=True) if d["type"] == "ASSESSED"]
        assert sorted(d["interest"] for d in assessed) == [3, 8, 9]


def test_personal_data_only_when_asked(
    db: GraphDB, scratch: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    build_export_graph(db, scratch, tmp_path / "in")
    hidden = read_subgraph(db, f"{scratch}main", include_personal=False)
    ana = next(n for n in hidden.nodes if n.id == f"{scratch}ana")
    assert {"email", "phone", "notes"}.isdisjoint(ana.properties)
    shown = read_subgraph(db, f"{scratch}main", include_personal=True)
    ana = next(n for n in shown.nodes if n.id == f"{scratch}ana")
    assert ana.properties["email"] == "ana@example.org" and ana.properties["notes"] == "met twice"
    # The activity's notes are not personal data: kept either way.
    act = next(n for n in hidden.nodes if n.id == f"{scratch}act")
    assert act.properties["notes"] == "ok"
    out = tmp_path / "with.json"
    run = _export(cli_env, "--format", "json", "--project", f"{scratch}main",
                  "--include-personal", str(out))
    assert run.returncode == 0, run.stderr
    people = {r["id"]: r for r in json.loads(out.read_text())["stakeholders"]}
    assert people[f"{scratch}ana"]["email"] == "ana@example.org"
    out = tmp_path / "without.json"
    assert _export(cli_env, "-f", "json", "-p", f"{scratch}main", str(out)).returncode == 0
    assert "email" not in json.loads(out.read_text())["stakeholders"][0]
    assert "ana@example.org" not in out.read_text()


def test_csv_round_trip_through_the_loaders(db: GraphDB,
    driver: Driver, database: str, scratch: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    build_export_graph(db, scratch, tmp_path / "in")
    before = loader_tables(read_subgraph(db, None, True, prefix=scratch), SHIPPED, True)
    out = tmp_path / "csv"
    run = _export(cli_env, "--format", "csv", "--include-personal", "--id-prefix", scratch,
                  str(out))
    assert run.returncode == 0, run.stderr
    with (out / "stakeholders.csv").open(encoding="utf-8") as handle:
        names = {r["id"]: r["name"] for r in csv.DictReader(handle)}
    assert names[f"{scratch}ben"] == "'=HYPERLINK(\"http://x\")"  # neutralised for spreadsheets
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{stem}.csv" for stem, rows in before.items() if rows)
    # Delete the graph, load the export back, compare.
    driver.execute_query("MATCH (n) WHERE n.id STARTS WITH $p DETACH DELETE n", p=scratch,
                         database_=database)
    load_paths(db, [out])
    after = loader_tables(read_subgraph(db, None, True, prefix=scratch), SHIPPED, True)
    # The loaders keep the apostrophe that kept a spreadsheet from running ben's name: the one
    # value that comes back changed, on purpose.
    ben = next(r for r in after["stakeholders"] if r["id"] == f"{scratch}ben")
    assert ben["name"] == "'=HYPERLINK(\"http://x\")"
    ben["name"] = ben["name"][1:]
    assert after == before
    assert len(after["assessments"]) == 4 and len(after["ties"]) == 3
    assert {r["id"] for r in after["stakeholders"]} == {
        f"{scratch}{k}" for k in ("ana", "ben", "org", "zed")}


def test_json_round_trip_of_a_project(db: GraphDB,
    driver: Driver, database: str, scratch: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    build_export_graph(db, scratch, tmp_path / "in")
    project = f"{scratch}main"
    before = loader_tables(read_subgraph(db, project, True), SHIPPED, True)
    out = tmp_path / "main.json"
    assert _export(cli_env, "-f", "json", "-p", project, "--include-personal",
                   str(out)).returncode == 0
    driver.execute_query("MATCH (n) WHERE n.id STARTS WITH $p DETACH DELETE n", p=scratch,
                         database_=database)
    load_paths(db, [out])
    after = loader_tables(read_subgraph(db, project, True), SHIPPED, True)
    assert after == before
    assert {r["id"] for r in after["stakeholders"]} == {f"{scratch}ana", f"{scratch}ben",
                                                         f"{scratch}org"}


def test_export_errors(cli_env: dict[str, str], tmp_path: Path) -> None:
    run = _export(cli_env, "--format", "graphml", "--project", "no-such-project",
                  str(tmp_path / "x.graphml"))
    assert run.returncode == 1 and "no project" in run.stderr and "Traceback" not in run.stderr
    run = _export(cli_env, "--format", "dot", str(tmp_path / "x.dot"))
    assert run.returncode == 2 and "dot" in run.stderr
    (tmp_path / "exists.gexf").write_text("keep me")
    run = _export(cli_env, "--format", "gexf", str(tmp_path / "exists.gexf"))
    assert run.returncode == 1 and "--force" in run.stderr
    assert (tmp_path / "exists.gexf").read_text() == "keep me"
