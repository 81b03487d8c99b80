"""Streams a scoped network out of Neo4j in one query and builds the igraph ``Network``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from stakegraph.queries.analytics.errors import AnalyticsError
from stakegraph.queries.analytics.network import Network, build_network
from stakegraph.queries.library import query_text
from stakegraph.schema.errors import ErrorCode
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, UNDIRECTED_TIES, Label, Rel


class Mode(StrEnum):
    """Which network to project."""

    TIES = "ties"  # stakeholders and their INFLUENCES/TRUSTS/COLLABORATES_WITH/REFERRED ties
    COPARTICIPATION = "co-participation"  # stakeholders tied by the project activities they shared
    ACTIVITIES = "activities"  # a project's activities tied by the participants they shared


@dataclass(frozen=True)
class Scope:
    """What to project: a project, else an id prefix ("" = the whole graph)."""

    project: str | None = None
    prefix: str = ""

    def key(self) -> str:
        """Returns a short label of the scope, used to start analytics run ids."""
        if self.project is not None:
            return self.project
        return self.prefix or "graph"

    def as_params(self) -> dict[str, Any]:
        """Returns the scope as JSON-ready provenance."""
        return {"project": self.project, "prefix": self.prefix}


def parse_tie_types(names: Iterable[str] | None) -> tuple[Rel, ...]:
    """Returns the tie types named (case-insensitive, `trusts` or `TRUSTS`); all when none given."""
    chosen: list[Rel] = []
    for name in names or ():
        rel = next((t for t in TIE_TYPES if t.value == name.strip().upper()), None)
        if rel is None:
            valid = ", ".join(t.value.lower() for t in TIE_TYPES)
            raise AnalyticsError(f"unknown tie type {name!r}; expected one of: {valid}")
        if rel not in chosen:
            chosen.append(rel)
    return tuple(chosen) or TIE_TYPES


def project_network(
    db: GraphDB,
    scope: Scope,
    tie_types: Sequence[Rel] = TIE_TYPES,
    weighted: bool = True,
    mode: Mode = Mode.TIES,
    until: date | None = None,
) -> Network:
    """Returns the scope's network, read with one streamed query (see the README for how ties
    combine). A missing tie weight counts as 1. With ``until``, only ties dated on or before
    that day (and undated ties) are kept (the tie network only)."""
    if mode is not Mode.TIES and scope.project is None:
        raise AnalyticsError(f"the {mode.value} network needs --project")
    if scope.project is not None:
        require_project(db, scope.project)
        name = {
            Mode.TIES: "analytics_project_projection",
            Mode.COPARTICIPATION: "analytics_coparticipation",
            Mode.ACTIVITIES: "analytics_activity_projection",
        }[mode]
        params: dict[str, Any] = {"project": scope.project}
    else:
        name, params = "analytics_projection", {"prefix": scope.prefix}
    params["tie_types"] = [t.value for t in tie_types]
    if mode is Mode.TIES:
        params["until"] = until
    elif until is not None:
        raise AnalyticsError(f"the {mode.value} network has no tie dates")
    with db.session(default_access_mode="READ") as session:
        result = session.run(query_text(name), params)
        return network_from_rows(((r["id"], r["name"], r["ties"]) for r in result), weighted)


def network_from_rows(
    rows: Iterable[tuple[str, str | None, list[list[Any]]]], weighted: bool
) -> Network:
    """Returns the network of projection rows (id, name, [[target id, tie type, weight], ...]).
    Ties to ids that are not rows themselves (outside the scope) are dropped."""
    ids: list[str] = []
    names: list[str] = []
    raw: list[list[list[Any]]] = []
    for node_id, name, ties in rows:
        ids.append(node_id)
        names.append(name if name is not None else node_id)
        raw.append(ties)
    index = {v: i for i, v in enumerate(ids)}
    undirected = {t.value for t in UNDIRECTED_TIES}
    sources: list[int] = []
    targets: list[int] = []
    weights: list[float] = []
    both: list[bool] = []
    for i, ties in enumerate(raw):
        for target, tie_type, weight in ties:
            j = index.get(target)
            if j is None:
                continue
            sources.append(i)
            targets.append(j)
            weights.append(1.0 if weight is None else float(weight))
            both.append(tie_type in undirected)
    return build_network(ids, names, sources, targets, weights, both, weighted)


def require_project(db: GraphDB, project: str) -> None:
    """Raises a NOT_FOUND AnalyticsError when no project has this id (returns nothing)."""
    records = db.read(f"MATCH (p:{Label.PROJECT} {{id: $id}}) RETURN count(p) AS n",
                      {"id": project})
    if records[0]["n"] == 0:
        raise AnalyticsError(f"no project with id {project!r}", code=ErrorCode.NOT_FOUND)


def read_groups(
    db: GraphDB, ids: Sequence[str], group_by: str, project: str | None
) -> list[str | None]:
    """Returns each stakeholder's group (organisation or 9 C category), None where it has none."""
    if group_by not in ("organisation", "category"):
        raise AnalyticsError(f"unknown grouping {group_by!r}; expected organisation or category")
    records = db.read(query_text("analytics_groups"),
                      {"ids": list(ids), "group_by": group_by, "project": project})
    found = {r["id"]: r["group"] for r in records}
    return [found.get(v) for v in ids]


def read_q3(db: GraphDB, project: str) -> list[str]:
    """Returns the ids of the project's Q3 stakeholders by their latest assessment, in id order.

    It reads the library's `quadrants` question, so the matrix and the analytics agree."""
    require_project(db, project)
    records = db.read(query_text("quadrants"), {"project": project, "at": date.today()})
    return sorted(r["id"] for r in records if r["quadrant"] == "q3")
