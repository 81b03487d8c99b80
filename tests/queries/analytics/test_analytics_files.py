"""The shipped reference CSVs encode exactly networkx's graphs; the projection Cypher's tie types
are the model's."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import networkx as nx
from analytics_reference import REFERENCE, davis, florentine, karate
from stakegraph.queries.library import query_text as cypher
from stakegraph.schema.model import TIE_TYPES


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _tie_graph(folder: Path) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(r["id"] for r in _rows(folder / "stakeholders.csv") if r["kind"] != "group"
                     or not r["id"].startswith("faction-"))
    for r in _rows(folder / "ties.csv"):
        assert r["type"] == "collaborates_with"
        g.add_edge(r["source_id"], r["target_id"], weight=float(r.get("weight") or 1))
    return g


def test_karate_and_florentine_files_are_networkx_graphs() -> None:
    for folder, ref in ((REFERENCE / "karate", karate()), (REFERENCE / "florentine",
                                                              florentine())):
        ours = _tie_graph(folder)
        assert set(ours) == set(ref)
        assert {frozenset(e) for e in ours.edges()} == {frozenset(e) for e in ref.edges()}
        for u, v, d in ref.edges(data=True):
            assert ours[u][v]["weight"] == d.get("weight", 1)


def test_karate_factions_match_networkx_clubs() -> None:
    clubs = {karate_id: club for karate_id, club in nx.get_node_attributes(karate(), "club")
             .items()}
    rows = _rows(REFERENCE / "karate" / "memberships.csv")
    assert len(rows) == 34
    for r in rows:
        expected = "faction-mr-hi" if clubs[r["member_id"]] == "Mr. Hi" else "faction-officer"
        assert r["organisation_id"] == expected


def test_davis_files_are_networkx_two_mode_graph() -> None:
    g, women, events = davis()
    folder = REFERENCE / "davis"
    assert [r["id"] for r in _rows(folder / "stakeholders.csv")] == women
    assert [r["id"] for r in _rows(folder / "activities.csv")] == events
    pairs = {(r["stakeholder_id"], r["activity_id"]) for r in _rows(folder / "participation.csv")}
    assert pairs == {(w, e) if w in women else (e, w) for w, e in g.edges()}


def test_projection_queries_name_exactly_the_models_tie_types() -> None:
    for name in ("analytics_projection", "analytics_project_projection"):
        text = cypher(name)
        pattern = re.search(r"\[t:([A-Z_|]+)\]", text)
        assert pattern is not None
        assert set(pattern.group(1).split("|")) == {t.value for t in TIE_TYPES}
        assert text.startswith(f"// name: {name}\n// purpose: ")
        assert "// example:" in text and "// :param" in text
