"""The analytics questions that are not Cypher alone: influence scores and key players.

The project's tie network is read through the request's gateway with the analytics' own
projection query (``queries/analytics_project_projection.cypher``, bound by the library's
``bind``), then computed by ``stakegraph.queries.analytics`` (igraph) in a worker thread, so the
event loop never waits on a computation. Definitions and normalisations are those of
``stakegraph analyse`` (``queries/analytics/README.md``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import strawberry
from stakegraph.api.auth import Role
from stakegraph.api.context import Context, require
from stakegraph.api.enums import TieType
from stakegraph.api.errors import ApiError, ErrorCode, invalid, not_found
from stakegraph.queries.library import bind, get_query
from stakegraph.schema.graphdb import RecordData
from stakegraph.schema.model import Label
from strawberry import Info

# Above this many stakeholders a request would hold a worker for seconds (exact betweenness is
# O(n·m)); analysis jobs (`startAnalysis`) and `stakegraph analyse` take networks that large.
MAX_STAKEHOLDERS = 5_000
# The whole-network summary is linear in the ties (paths sampled above 5,000): a larger cap.
MAX_SUMMARY_STAKEHOLDERS = 100_000
MAX_KEY_PLAYERS = 50
MAX_HOPS = 5
PROJECTION = "analytics_project_projection"
SCOPE_SIZE = "analytics_scope_size"



@strawberry.enum(description="The measures `influenceScores` can rank stakeholders by.")
class InfluenceMeasure(Enum):
    DEGREE = "degree"
    STRENGTH = "strength"
    PAGERANK = "pagerank"
    BETWEENNESS = "betweenness"
    EIGENVECTOR = "eigenvector"
    CLOSENESS = "closeness"
    CONSTRAINT = "constraint"


@strawberry.type(description="One stakeholder's influence scores in a project's tie network.")
class InfluenceScore:
    id: strawberry.ID
    name: str
    in_degree: int = strawberry.field(description="Arcs received (a COLLABORATES_WITH tie "
                                      "counts once in and once out).")
    out_degree: int = strawberry.field(description="Arcs sent.")
    degree: int = strawberry.field(description="inDegree + outDegree.")
    in_strength: float = strawberry.field(description="Summed weight of the arcs received "
                                          "(= inDegree when unweighted).")
    out_strength: float = strawberry.field(description="Summed weight of the arcs sent.")
    strength: float = strawberry.field(description="inStrength + outStrength.")
    pagerank: float = strawberry.field(description="PageRank (damping 0.85, weighted, sums to "
                                       "1 over the network).")
    betweenness: float = strawberry.field(description="Directed betweenness (exact), divided "
                                          "by (n-1)(n-2): how much the stakeholder brokers.")
    eigenvector: float = strawberry.field(description="Eigenvector centrality on incoming "
                                          "arcs, unit Euclidean norm.")
    closeness: float = strawberry.field(description="Closeness on incoming paths "
                                        "(Wasserman-Faust for disconnected networks).")
    constraint: float | None = strawberry.field(description="Burt's constraint (low = spans "
                                                "structural holes); null for an isolate.")


@strawberry.type(description="Influence scores of a project's stakeholders, best first.")
class InfluenceScores:
    project: strawberry.ID
    stakeholders: int = strawberry.field(description="Stakeholders in the network (assessed "
                                         "for the project or taking part in its activities).")
    arcs: int = strawberry.field(description="Arcs of the network (parallel ties merged).")
    weighted: bool
    tie_types: list[TieType]
    order_by: InfluenceMeasure
    scores: list[InfluenceScore]


@strawberry.type(description="A key player: picked in this order, reaching `gain` more.")
class KeyPlayer:
    rank: int
    id: strawberry.ID
    name: str
    gain: int = strawberry.field(description="Stakeholders this pick adds to those reached.")


@strawberry.type(description="A set of key players of a project's tie network (KPP-Pos).")
class KeyPlayers:
    project: strawberry.ID
    stakeholders: int
    arcs: int
    k: int
    hops: int
    reached: int = strawberry.field(description="Stakeholders outside the set it reaches "
                                    "within `hops` ties.")
    share: float = strawberry.field(description="reached / the stakeholders outside the set.")
    players: list[KeyPlayer]


@strawberry.type(description="A project's tie network as a whole, as `stakegraph analyse "
                 "summary` gives it (definitions in queries/analytics/README.md).")
class NetworkSummary:
    project: strawberry.ID
    at: date | None = strawberry.field(description="Ties dated on or before this day (undated "
                                       "ties always count); null: every tie.")
    stakeholders: int
    arcs: int = strawberry.field(description="Arcs of the directed network (parallel ties "
                                 "merged; an undirected tie is two arcs).")
    pairs: int = strawberry.field(description="Tied pairs, direction ignored.")
    density: float = strawberry.field(description="arcs / (n(n-1)).")
    reciprocity: float = strawberry.field(description="Share of arcs whose reverse is an arc.")
    transitivity: float = strawberry.field(description="3 x triangles / connected triples.")
    components: int = strawberry.field(description="Weakly connected components.")
    largest_component: int
    largest_share: float = strawberry.field(description="largestComponent / stakeholders.")
    diameter: int = strawberry.field(description="Longest shortest path in hops, direction "
                                     "ignored, in the largest component (sampled: a lower "
                                     "bound).")
    average_path_length: float
    paths_exact: bool = strawberry.field(description="False when diameter and average path "
                                         "length come from sampled sources (above 5,000).")
    path_sources: int
    degree_centralisation: float = strawberry.field(description="Freeman's, on tied pairs.")


# ---- computation (worker thread; igraph is imported there, on first use) ---------------------


@dataclass(frozen=True)
class Computed:
    """What a worker returns: the network's size, the rows and (key players) the set's reach."""

    stakeholders: int
    arcs: int
    rows: list[RecordData]
    reached: int = 0


def _network(rows: Sequence[RecordData], weighted: bool) -> Any:
    from stakegraph.queries.analytics.projection import network_from_rows

    return network_from_rows(((r["id"], r["name"], r["ties"]) for r in rows), weighted)


def compute_influence(rows: Sequence[RecordData], weighted: bool) -> Computed:
    """Returns every stakeholder's scores (unsorted) on the network of projection rows."""
    from stakegraph.queries.analytics import centrality as cen
    from stakegraph.queries.analytics.run import score_rows

    net = _network(rows, weighted)
    degree = cen.degree(net)
    columns: dict[str, list[Any]] = {
        "in_degree": [int(v) for v in degree["in_degree"]],
        "out_degree": [int(v) for v in degree["out_degree"]],
        "degree": [int(v) for v in degree["degree"]],
        # Unweighted, every arc weighs 1 and the strengths are the degrees.
        "in_strength": degree.get("in_strength", degree["in_degree"]),
        "out_strength": degree.get("out_strength", degree["out_degree"]),
        "strength": degree.get("strength", degree["degree"]),
        "pagerank": cen.pagerank(net),
        "betweenness": cen.betweenness(net),
        "eigenvector": cen.eigenvector(net),
        "closeness": cen.closeness(net),
        "constraint": cen.constraint(net),
    }
    return Computed(net.n, net.m, score_rows(net, columns))


def compute_key_players(rows: Sequence[RecordData], k: int, hops: int) -> Computed:
    """Returns the greedy key players in pick order and how many others the set reaches."""
    from stakegraph.queries.analytics.reach import key_players

    net = _network(rows, weighted=False)
    if net.n == 0:
        return Computed(0, 0, [])
    picked = key_players(net, k, hops)
    players = [
        {"rank": r + 1, "id": net.ids[v], "name": net.names[v], "gain": g}
        for r, (v, g) in enumerate(zip(picked.players, picked.gains, strict=True))
    ]
    return Computed(net.n, net.m, players, picked.reached)


def compute_summary(rows: Sequence[RecordData]) -> dict[str, Any]:
    """Returns the whole-network measures of the projection rows (`stakegraph analyse
    summary`)."""
    from stakegraph.queries.analytics.summary import summarise

    return summarise(_network(rows, weighted=False))


def rank(rows: list[RecordData], measure: InfluenceMeasure) -> list[RecordData]:
    """Returns the rows best first by ``measure``: highest first, except constraint, where the
    lowest (the broker) comes first; missing values last; ties by id (as `stakegraph analyse`
    ranks them)."""
    from stakegraph.queries.analytics.run import rank_rows

    return rank_rows(rows, measure.value, descending=measure is not InfluenceMeasure.CONSTRAINT)


# ---- reading the projection -----------------------------------------------------------------


async def read_network(
    context: Context, project: str, tie_types: list[TieType] | None,
    at: date | None = None, limit: int = MAX_STAKEHOLDERS,
) -> list[RecordData]:
    """Returns the project's projection rows; NOT_FOUND when the project is missing, VALIDATION
    when its network is larger than ``limit`` (counted first, so a large one costs a count, not
    a read of the whole network)."""
    size = get_query(SCOPE_SIZE)
    counted = await context.gateway.read(
        size.text, bind(size, {"project": project}), maps_only=True)
    stakeholders = counted[0]["stakeholders"] if counted else 0
    if stakeholders > limit:
        raise ApiError(
            ErrorCode.VALIDATION,
            f"project {project!r} has {stakeholders} stakeholders in its network; the API "
            f"analyses at most {limit} within a request: start an analysis job "
            "(startAnalysis) or run `stakegraph analyse`",
            field="project",
            stakeholders=stakeholders,
            limit=limit,
        )
    query = get_query(PROJECTION)
    raw: dict[str, object] = {"project": project}
    if tie_types:
        raw["tie_types"] = list(dict.fromkeys(t.value for t in tie_types))
    if at is not None:
        raw["until"] = at
    rows = await context.gateway.read(query.text, bind(query, raw), maps_only=True)
    if not rows and await context.loaders.node(Label.PROJECT).load(project) is None:
        raise not_found("project", project)
    return rows


def _check_range(field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise invalid(field, f"must be between {low} and {high}, got {value}")


def _used_ties(tie_types: list[TieType] | None) -> list[TieType]:
    chosen = list(dict.fromkeys(tie_types or ()))
    return chosen or list(TieType)


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="Influence scores of a project's stakeholders (those assessed for it or "
        "taking part in its activities) on their tie network: degree and strength, PageRank, "
        "betweenness, eigenvector, closeness and Burt's constraint, computed as `stakegraph "
        "analyse` does (igraph). Ranked by `orderBy` (constraint: lowest first). At most "
        f"{MAX_STAKEHOLDERS} stakeholders."
    )
    async def influence_scores(
        self,
        info: Info,
        project: strawberry.ID,
        tie_types: list[TieType] | None = None,
        weighted: bool = True,
        order_by: InfluenceMeasure = InfluenceMeasure.PAGERANK,
        first: int | None = None,
    ) -> InfluenceScores:
        context = require(info, Role.READER)
        if first is not None and first < 1:
            raise invalid("first", f"must be at least 1, got {first}")
        rows = await read_network(context, project, tie_types)
        computed = await asyncio.to_thread(compute_influence, rows, weighted)
        ranked = rank(computed.rows, order_by)
        scores = [InfluenceScore(**row) for row in ranked[:first]]
        return InfluenceScores(
            project=project,
            stakeholders=computed.stakeholders,
            arcs=computed.arcs,
            weighted=weighted,
            tie_types=_used_ties(tie_types),
            order_by=order_by,
            scores=scores,
        )

    @strawberry.field(
        description="Key players of a project's tie network: `k` stakeholders picked one by "
        "one, each adding the most stakeholders not yet reached within `hops` ties along their "
        "direction (greedy KPP-Pos, as `stakegraph analyse key-players`). At most "
        f"{MAX_STAKEHOLDERS} stakeholders."
    )
    async def key_players(
        self,
        info: Info,
        project: strawberry.ID,
        k: int = 5,
        hops: int = 2,
        tie_types: list[TieType] | None = None,
    ) -> KeyPlayers:
        context = require(info, Role.READER)
        _check_range("k", k, 1, MAX_KEY_PLAYERS)
        _check_range("hops", hops, 1, MAX_HOPS)
        rows = await read_network(context, project, tie_types)
        computed = await asyncio.to_thread(compute_key_players, rows, k, hops)
        outside = max(computed.stakeholders - len(computed.rows), 1)
        return KeyPlayers(
            project=project,
            stakeholders=computed.stakeholders,
            arcs=computed.arcs,
            k=k,
            hops=hops,
            reached=computed.reached,
            share=computed.reached / outside,
            players=[KeyPlayer(**p) for p in computed.rows],
        )

    @strawberry.field(
        description="A project's tie network as a whole (as `stakegraph analyse summary`): "
        "size, density, reciprocity, transitivity, components, diameter and average path "
        "length, degree centralisation; `at` reads it as of a day (ties dated on or before), so "
        "two aliased calls show how it changed. At most "
        f"{MAX_SUMMARY_STAKEHOLDERS} stakeholders."
    )
    async def network_summary(
        self,
        info: Info,
        project: strawberry.ID,
        at: date | None = None,
        tie_types: list[TieType] | None = None,
    ) -> NetworkSummary:
        context = require(info, Role.READER)
        rows = await read_network(context, project, tie_types, at=at,
                                  limit=MAX_SUMMARY_STAKEHOLDERS)
        found = await asyncio.to_thread(compute_summary, rows)
        return NetworkSummary(project=project, at=at, **found)
