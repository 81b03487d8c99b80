"""The three reference networks as networkx ships them, and the loader CSVs that encode them.

networkx's copies are the source of truth: ``python tests/queries/analytics/analytics_reference.py``
rewrites ``loaders/reference/`` from them once, and the tests check the shipped files still encode
exactly networkx's graphs. Ids are plain (``karate-1``); tests prepend their scratch prefix.
"""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parents[3]
REFERENCE = REPO / "loaders" / "reference"

KARATE_FACTIONS = {"Mr. Hi": "faction-mr-hi", "Officer": "faction-officer"}


def slug(name: str) -> str:
    """Returns a lower-case, hyphenated id fragment of a name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def karate_id(node: int) -> str:
    """Returns our id of a karate-club member (networkx numbers them from 0, Zachary from 1)."""
    return f"karate-{node + 1}"


def florentine_id(node: str) -> str:
    """Returns our id of a Florentine family."""
    return f"florentine-{slug(node)}"


def davis_id(node: str, women: set[str]) -> str:
    """Returns our id of a Southern women node: a woman (stakeholder) or an event (activity)."""
    return f"davis-{slug(node)}" if node in women else f"davis-event-{slug(node)}"


def karate() -> nx.Graph:
    """Returns Zachary's karate club with our ids as nodes and networkx's interaction weights."""
    g = nx.karate_club_graph()
    return nx.relabel_nodes(g, {v: karate_id(v) for v in g})


def florentine() -> nx.Graph:
    """Returns Padgett's Florentine families (marriage ties) with our ids as nodes."""
    g = nx.florentine_families_graph()
    return nx.relabel_nodes(g, {v: florentine_id(v) for v in g})


def davis() -> tuple[nx.Graph, list[str], list[str]]:
    """Returns Davis's Southern women (two-mode, our ids), the women's ids and the events' ids."""
    g = nx.davis_southern_women_graph()
    women = {v for v, d in g.nodes(data=True) if d["bipartite"] == 0}
    mapping = {v: davis_id(v, women) for v in g}
    h = nx.relabel_nodes(g, mapping)
    return h, [mapping[v] for v in g if v in women], [mapping[v] for v in g if v not in women]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_reference(root: Path = REFERENCE) -> None:
    """Writes the three reference networks as loader CSV folders under ``root``."""
    raw = nx.karate_club_graph()
    _write(
        root / "karate" / "stakeholders.csv",
        ["id", "name", "kind"],
        [[karate_id(v), f"Karate club member {v + 1}", "person"] for v in raw]
        + [[fid, f"Karate club faction: {club}", "group"] for club, fid in
           KARATE_FACTIONS.items()],
    )
    _write(
        root / "karate" / "memberships.csv",
        ["member_id", "organisation_id", "role"],
        [[karate_id(v), KARATE_FACTIONS[d["club"]], "member after the split"]
         for v, d in raw.nodes(data=True)],
    )
    _write(
        root / "karate" / "ties.csv",
        ["source_id", "target_id", "type", "weight", "evidence"],
        [[karate_id(u), karate_id(v), "collaborates_with", d["weight"],
          "Zachary (1977): contexts of interaction outside the club"]
         for u, v, d in raw.edges(data=True)],
    )

    fl = nx.florentine_families_graph()
    _write(
        root / "florentine" / "stakeholders.csv",
        ["id", "name", "kind", "country"],
        [[florentine_id(v), v, "group", "Italy"] for v in fl],
    )
    _write(
        root / "florentine" / "ties.csv",
        ["source_id", "target_id", "type", "evidence"],
        [[florentine_id(u), florentine_id(v), "collaborates_with",
          "Padgett: marriage tie, 15th-century Florence"] for u, v in fl.edges()],
    )

    dv, women, events = davis()
    raw_dv = nx.davis_southern_women_graph()
    names = {davis_id(v, {w for w, d in raw_dv.nodes(data=True) if d["bipartite"] == 0}): v
             for v in raw_dv}
    _write(
        root / "davis" / "stakeholders.csv",
        ["id", "name", "kind", "sector"],
        [[w, names[w], "person", "patients_public"] for w in women],
    )
    _write(
        root / "davis" / "projects.csv",
        ["id", "name", "description"],
        [["davis-project", "Deep South social events (Davis, Gardner and Gardner)",
          "Eighteen women and the fourteen social events they attended"]],
    )
    # The events' calendar dates are not part of networkx's copy; the dates here are nominal
    # (one week apart, in event order) so the loader's required date column is filled.
    start = date(1935, 1, 7)
    _write(
        root / "davis" / "activities.csv",
        ["id", "project_id", "name", "type", "date", "stage", "level"],
        [[e, "davis-project", f"Social event {names[e]}", "meeting",
          (start + timedelta(weeks=i)).isoformat(), "execution", "participation"]
         for i, e in enumerate(events)],
    )
    _write(
        root / "davis" / "participation.csv",
        ["activity_id", "stakeholder_id", "role"],
        [[e, w, "attendee"] for w in women for e in sorted(dv[w], key=events.index)],
    )


def _with_lengths(g: nx.Graph, weighted: bool) -> nx.Graph:
    # Exact fractions, so networkx sees equal-length paths as equal (igraph compares with a
    # tolerance); floats would split ties between paths differently in the two libraries.
    h = g.copy()
    for _, _, d in h.edges(data=True):
        d["length"] = Fraction(1, int(d.get("weight", 1))) if weighted else 1
    return h


def reference_scores(g: nx.Graph, weighted: bool) -> dict[str, dict[str, float]]:
    """Returns networkx's scores of an undirected graph, keyed by metric then node."""
    w = "weight" if weighted else None
    h = _with_lengths(g, weighted)
    length = "length" if weighted else None
    return {
        "in_degree": {v: float(d) for v, d in g.degree()},
        "degree": {v: 2.0 * d for v, d in g.degree()},
        "pagerank": nx.pagerank(g, alpha=0.85, weight=w, tol=1e-13, max_iter=100_000),
        "betweenness": nx.betweenness_centrality(h, weight=length),
        "eigenvector": nx.eigenvector_centrality(g, weight=w, tol=1e-13, max_iter=100_000),
        "closeness": {v: float(c) for v, c in nx.closeness_centrality(h, distance=length).items()},
        "constraint": nx.constraint(g, weight=w),
        **({"strength": {v: 2.0 * d for v, d in g.degree(weight="weight")}} if weighted else {}),
    }


if __name__ == "__main__":
    write_reference()
