"""Reading what the pictures draw: the library's ``plot_*`` queries, turned into plain records."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from stakegraph.queries.analytics import centrality
from stakegraph.queries.analytics.communities import communities
from stakegraph.queries.analytics.projection import Scope, project_network
from stakegraph.queries.library import run_query
from stakegraph.queries.plots.errors import PlotError
from stakegraph.queries.plots.matrix import MatrixPoint, QuadrantText
from stakegraph.queries.plots.network import NetEdge, NetNode
from stakegraph.schema.errors import ErrorCode
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Rel
from stakegraph.schema.vocabulary import scheme


def _rows(db: GraphDB, name: str, **params: Any) -> list[dict[str, Any]]:
    return run_query(db, name, params)


def project_title(db: GraphDB, project: str) -> str:
    """Returns the project's name; PlotError when there is no such project."""
    rows = _rows(db, "plot_project", project=project)
    if not rows:
        raise PlotError(f"no project with id {project!r}", code=ErrorCode.NOT_FOUND)
    return str(rows[0]["name"] or project)


def matrix_points(db: GraphDB, project: str, at: date) -> list[MatrixPoint]:
    """Returns each stakeholder's latest interest and impact in the project on or before ``at``
    (the library's ``quadrants`` query), in id order."""
    return points_from_rows(_rows(db, "quadrants", project=project, at=at))


def points_from_rows(rows: list[dict[str, Any]]) -> list[MatrixPoint]:
    """Returns the matrix points of rows of the ``quadrants`` question, in id order."""
    points = [
        MatrixPoint(str(r["id"]), str(r["name"] or r["id"]), int(r["interest"]), int(r["impact"]))
        for r in rows
    ]
    return sorted(points, key=lambda p: p.id)


def quadrant_texts() -> dict[str, QuadrantText]:
    """Returns the quadrants' names and engagement advice from the ``quadrant`` vocabulary."""
    return {
        t.code: QuadrantText(t.code, t.label, str(t.extra.get("advice", "")))
        for t in scheme("quadrant").terms
    }


def network_records(
    db: GraphDB, project: str | None, at: date
) -> tuple[list[NetNode], list[NetEdge]]:
    """Returns the stakeholders and ties of the network view (one project, or everyone)."""
    return network_from_rows(
        _rows(db, "plot_network_stakeholders", project=project, at=at),
        _rows(db, "plot_network_ties", project=project),
    )


def network_from_rows(
    stakeholders: list[dict[str, Any]], ties: list[dict[str, Any]]
) -> tuple[list[NetNode], list[NetEdge]]:
    """Returns the nodes and edges of rows of ``plot_network_stakeholders`` and
    ``plot_network_ties``."""
    nodes = [
        NetNode(
            id=str(r["id"]),
            name=str(r["name"] or r["id"]),
            kind=str(r["kind"] or ""),
            sector=r["sector"],
            quadrant=r["quadrant"],
        )
        for r in stakeholders
    ]
    edges = [
        NetEdge(str(r["source"]), str(r["target"]), Rel(r["type"]), float(r["weight"]))
        for r in ties
    ]
    return nodes, edges


def with_scores(
    db: GraphDB,
    project: str | None,
    nodes: list[NetNode],
    pagerank: bool,
    community: bool,
) -> list[NetNode]:
    """Returns the nodes with weighted PageRank and/or Leiden community filled in, computed by
    the analytics on the same scope (the project's tie network, or the whole graph's)."""
    if not (pagerank or community):
        return nodes
    net = project_network(db, Scope(project=project))
    ranks = dict(zip(net.ids, centrality.pagerank(net), strict=True)) if pagerank else {}
    groups = (
        dict(zip(net.ids, communities(net).membership, strict=True)) if community else {}
    )
    return [
        replace(n, pagerank=ranks.get(n.id, n.pagerank), community=groups.get(n.id, n.community))
        for n in nodes
    ]
