"""One `analyse` request end to end: project, compute, rank, and (optionally) write back.

The CLI and the API call ``analyse`` and ``write_result``; the metrics themselves are the pure
functions of ``centrality``, ``communities``, ``reach`` and ``brokerage``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stakegraph.queries.analytics import brokerage as gf
from stakegraph.queries.analytics import centrality as cen
from stakegraph.queries.analytics import gds
from stakegraph.queries.analytics.communities import ALGORITHMS, communities
from stakegraph.queries.analytics.engine import ENGINES, choose_engine
from stakegraph.queries.analytics.errors import AnalyticsError
from stakegraph.queries.analytics.metrics import METRICS
from stakegraph.queries.analytics.network import Network, vertices_only
from stakegraph.queries.analytics.projection import (
    Mode,
    Scope,
    project_network,
    read_groups,
    read_q3,
)
from stakegraph.queries.analytics.reach import key_players, reach, who_reaches
from stakegraph.queries.analytics.summary import changes, summarise
from stakegraph.queries.analytics.writeback import Run, new_run, write_scores
from stakegraph.schema.errors import ErrorCode
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, Rel

# Metrics that give every stakeholder a score, and so can be written back.
PER_VERTEX = frozenset(
    {"degree", "pagerank", "betweenness", "eigenvector", "closeness", "constraint",
     "communities", "brokerage"}
)
DIRECTED_TIES = tuple(t for t in TIE_TYPES if t.value != "COLLABORATES_WITH")


@dataclass(frozen=True)
class Request:
    """What to compute and on which network."""

    metric: str
    scope: Scope = field(default_factory=Scope)
    tie_types: tuple[Rel, ...] = ()
    weighted: bool = True
    mode: Mode = Mode.TIES
    k: int = 5
    hops: int = 2
    seeds: tuple[str, ...] = ()
    group_by: str = "organisation"
    engine: str = "auto"
    samples: int | None = None
    seed: int = 0
    algorithm: str = "leiden"
    dates: tuple[date, ...] = ()

    def ties(self) -> tuple[Rel, ...]:
        """Returns the tie types to project (brokerage defaults to the directed ones)."""
        if self.tie_types:
            return self.tie_types
        return DIRECTED_TIES if self.metric == "brokerage" else TIE_TYPES


@dataclass
class Result:
    """A computed metric: ranked rows for display, per-vertex columns for write-back."""

    metric: str
    method: str
    params: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]
    network: Network
    scores: dict[str, list[Any]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


def analyse(db: GraphDB, req: Request) -> Result:
    """Returns the metric computed on the request's projected network, by the engine the
    request names (``auto``: the faster one for the network's size; params say which and why)."""
    if req.metric not in METRICS:
        expected = ", ".join(METRICS)
        raise AnalyticsError(f"unknown metric {req.metric!r}; expected one of: {expected}")
    if req.engine not in ENGINES:
        raise AnalyticsError(f"unknown engine {req.engine!r}; expected {', '.join(ENGINES)}")
    if req.algorithm not in ALGORITHMS:
        raise AnalyticsError(f"unknown community algorithm {req.algorithm!r}; expected "
                             f"{' or '.join(ALGORITHMS)}")
    if req.dates and (req.metric != "summary" or req.mode is not Mode.TIES):
        raise AnalyticsError("dates (--at) apply to the summary of the tie network only")
    engine, why = choose_engine(db, req.metric, req.engine, req.scope, req.weighted, req.mode)
    params: dict[str, Any] = {
        **req.scope.as_params(),
        "network": req.mode.value,
        "tie_types": [t.value for t in req.ties()],
        "weighted": req.weighted,
        "engine": engine,
        "engine_reason": why,
    }
    if engine == "gds":
        return _gds(db, req, params)
    if req.metric == "summary":
        return _summary(db, req, params)
    net = project_network(db, req.scope, req.ties(), req.weighted, req.mode)
    return _COMPUTE[req.metric](db, req, net, params)


def write_result(
    db: GraphDB, req: Request, result: Result,
    on_batch: Callable[[int, int], None] | None = None,
) -> Run:
    """Returns the run record after storing the result's per-stakeholder scores with provenance
    (``on_batch`` hears the stakeholders written so far and the total after each batch)."""
    if req.metric not in PER_VERTEX or not result.scores:
        raise AnalyticsError(f"{req.metric} gives no per-stakeholder score to --write")
    if req.mode is Mode.ACTIVITIES:
        raise AnalyticsError("--write stores scores on stakeholders, not on activities")
    run = new_run(
        req.scope.key(), req.metric, result.method, result.params,
        result.network.n, result.network.m,
    )
    write_scores(db, run, result.network.ids, result.scores, on_batch=on_batch)
    return run


def score_rows(net: Network, columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Returns one row per stakeholder of ``net``: id, name and its value of every column."""
    return [
        {"id": net.ids[i], "name": net.names[i], **{c: v[i] for c, v in columns.items()}}
        for i in range(net.n)
    ]


def rank_rows(
    rows: list[dict[str, Any]], key: str, descending: bool = True
) -> list[dict[str, Any]]:
    """Returns ``rows`` best first by ``key`` (highest first unless not ``descending``),
    missing values last, ties by id."""

    def order(row: dict[str, Any]) -> tuple[int, float, str]:
        v = row[key]
        missing = v is None or (isinstance(v, float) and math.isnan(v))
        value = 0.0 if missing else float(v)
        return (1 if missing else 0, -value if descending else value, row["id"])

    return sorted(rows, key=order)


def _ranked(
    metric: str, method: str, params: dict[str, Any], net: Network,
    columns: dict[str, list[Any]], key: str, descending: bool = True,
) -> Result:
    rows = rank_rows(score_rows(net, columns), key, descending)
    return Result(metric, method, params, list(columns), rows, net, scores=columns)


def _degree(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    cols = cen.degree(net)
    return _ranked("degree", "igraph degree", p, net, dict(cols), "degree")


def _pagerank(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    p = {**p, "damping": cen.DAMPING}
    return _ranked("pagerank", "igraph PageRank (PRPACK), sums to 1", p, net,
                   {"pagerank": cen.pagerank(net)}, "pagerank")


def _betweenness(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    m = cen.betweenness_method(net.n, req.samples, req.seed)
    how = "exact (Brandes)" if m.exact else f"sampled, {m.samples} sources, seed {m.seed}"
    p = {**p, "exact": m.exact, "samples": m.samples, "seed": m.seed}
    return _ranked("betweenness", f"igraph betweenness, {how}, normalised by (n-1)(n-2)", p,
                   net, {"betweenness": cen.betweenness(net, m)}, "betweenness")


def _eigenvector(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    return _ranked("eigenvector", "igraph eigenvector (ARPACK), unit Euclidean norm", p, net,
                   {"eigenvector": cen.eigenvector(net)}, "eigenvector")


def _closeness(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    return _ranked("closeness", "igraph closeness on incoming paths, Wasserman-Faust", p, net,
                   {"closeness": cen.closeness(net)}, "closeness")


def _constraint(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    # Low constraint = many structural holes, so the brokers come first.
    return _ranked("constraint", "igraph Burt constraint", p, net,
                   {"constraint": cen.constraint(net)}, "constraint", descending=False)


def _communities(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    part = communities(net, seed=req.seed, algorithm=req.algorithm)
    p = {**p, "algorithm": req.algorithm, "seed": req.seed, "resolution": 1.0}
    cols: dict[str, list[Any]] = {"community": list(part.membership)}
    name = "Leiden" if req.algorithm == "leiden" else "Louvain (multilevel)"
    res = _ranked("communities", f"igraph {name} (modularity) on the undirected projection", p,
                  net, cols, "community", descending=False)
    res.summary = {
        "communities": len(set(part.membership)),
        "modularity": part.modularity,
    }
    return res


def _indices(net: Network, ids: Sequence[str]) -> list[int]:
    out = []
    for sid in ids:
        try:
            out.append(net.index(sid))
        except KeyError:
            raise AnalyticsError(
                f"stakeholder {sid!r} is not in the projected network", code=ErrorCode.NOT_FOUND
            ) from None
    return out


def _key_players(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    kp = key_players(net, req.k, req.hops)
    p = {**p, "k": req.k, "hops": req.hops}
    rows = [
        {"rank": r + 1, "id": net.ids[v], "name": net.names[v], "gain": g}
        for r, (v, g) in enumerate(zip(kp.players, kp.gains, strict=True))
    ]
    others = max(net.n - len(kp.players), 1)
    return Result("key-players", "greedy KPP-Pos (lazy)", p, ["rank", "gain"], rows, net,
                  summary={"reached": kp.reached, "share": kp.reached / others})


def _reach(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    if not req.seeds:
        raise AnalyticsError("reach needs --seeds id,id,...")
    r = reach(net, _indices(net, req.seeds), req.hops)
    p = {**p, "seeds": list(req.seeds), "hops": req.hops}
    rows = sorted(
        ({"id": net.ids[v], "name": net.names[v], "distance": dist}
         for v, dist in r.distance.items()),
        key=lambda row: (row["distance"], row["id"]),
    )
    others = max(net.n - len(r.seeds), 1)
    return Result("reach", "breadth-first search along ties", p, ["distance"], rows, net,
                  summary={"reached": r.count, "share": r.count / others})


def _reach_q3(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    if req.scope.project is None:
        raise AnalyticsError("reach-q3 needs --project")
    q3 = [sid for sid in read_q3(db, req.scope.project) if sid in set(net.ids)]
    r = who_reaches(net, _indices(net, q3), req.hops)
    p = {**p, "hops": req.hops}
    order = sorted(
        (i for i in range(net.n) if r.reached[i] > 0),
        key=lambda i: (-r.reached[i], r.nearest[i] or 0, net.ids[i]),
    )
    rows: list[dict[str, Any]] = [
        {"id": net.ids[i], "name": net.names[i], "q3_reached": r.reached[i],
         "nearest": r.nearest[i]}
        for i in order
    ]
    return Result("reach-q3", "reverse breadth-first search from each Q3 stakeholder", p,
                  ["q3_reached", "nearest"], rows, net,
                  summary={"q3": len(q3), "q3_ids": q3})


def _brokerage(db: GraphDB, req: Request, net: Network, p: dict[str, Any]) -> Result:
    groups = read_groups(db, net.ids, req.group_by, req.scope.project)
    counts = gf.brokerage(net, groups)
    p = {**p, "group_by": req.group_by}
    cols: dict[str, list[Any]] = {"group": list(groups)}
    cols.update({role: counts[role] for role in (*gf.ROLES, "total")})
    res = _ranked("brokerage", "Gould-Fernandez roles on open two-paths", p, net, cols, "total")
    res.scores = {f"brokerage_{r}": counts[r] for r in (*gf.ROLES, "total")}
    return res


def _summary(db: GraphDB, req: Request, p: dict[str, Any]) -> Result:
    dates: tuple[date | None, ...] = req.dates or (None,)
    found: list[dict[str, Any]] = []
    net: Network | None = None
    for when in dates:
        net = project_network(db, req.scope, req.ties(), req.weighted, req.mode, until=when)
        found.append(summarise(net, req.samples, req.seed))
    assert net is not None
    labels = [f"at {d.isoformat()}" if d else "value" for d in dates]
    columns = dict(zip(labels, found, strict=True))
    if len(found) == 2:
        columns["change"] = changes(found[0], found[1])
    rows = [
        {"id": key, "name": key.replace("_", " "), **{c: v[key] for c, v in columns.items()}}
        for key in found[0]
    ]
    p = {**p, "dates": [d.isoformat() for d in req.dates], "samples": req.samples,
         "seed": req.seed}
    how = "igraph whole-network summary" + (
        f" at {', '.join(d.isoformat() for d in req.dates)} (ties dated on or before; undated "
        "ties always count)" if req.dates else "")
    res = Result("summary", how, p, list(columns), rows, net)
    res.summary = {"at": {label: values for label, values in columns.items()}}
    return res


def _gds(db: GraphDB, req: Request, p: dict[str, Any]) -> Result:
    version = gds.require_gds(db)
    p = {**p, "gds": version}
    pairs = req.metric == "communities"
    with gds.projected(db, req.scope, req.ties(), req.weighted, pairs=pairs,
                      mode=req.mode) as g:
        return _GDS_COMPUTE[req.metric](db, req, g, p)


def _gds_ranked(req: Request, method: str, p: dict[str, Any], g: gds.Projected,
                scores: gds.Scores, key: str, descending: bool = True) -> Result:
    # With pairs every arc is held twice (as an undirected edge); report the arcs.
    net = vertices_only(scores.ids, scores.names, g.arcs // 2 if g.pairs else g.arcs,
                        req.weighted)
    return _ranked(req.metric, method, p, net, scores.columns, key, descending)


def _gds_degree(db: GraphDB, req: Request, g: gds.Projected, p: dict[str, Any]) -> Result:
    return _gds_ranked(req, "Neo4j GDS degree", p, g, gds.degree(db, g, req.weighted),
                       "degree")


def _gds_pagerank(db: GraphDB, req: Request, g: gds.Projected, p: dict[str, Any]) -> Result:
    p = {**p, "damping": cen.DAMPING, "tolerance": gds.TOLERANCE}
    return _gds_ranked(req, "Neo4j GDS PageRank (power iteration), rescaled to sum to 1", p, g,
                       gds.pagerank(db, g, req.weighted), "pagerank")


def _gds_betweenness(db: GraphDB, req: Request, g: gds.Projected, p: dict[str, Any]) -> Result:
    m = cen.betweenness_method(g.nodes, req.samples, req.seed)
    how = ("exact (Brandes)" if m.exact
           else f"sampled, about {m.samples} sources drawn by GDS with probability rising with "
           f"degree (seed {m.seed}), scaled by n/k")
    p = {**p, "exact": m.exact, "samples": m.samples, "seed": m.seed}
    return _gds_ranked(req, f"Neo4j GDS betweenness, {how}, normalised by (n-1)(n-2)", p, g,
                       gds.betweenness(db, g, req.weighted, m), "betweenness")


def _gds_eigenvector(db: GraphDB, req: Request, g: gds.Projected, p: dict[str, Any]) -> Result:
    p = {**p, "tolerance": gds.EIGENVECTOR_TOLERANCE}
    return _gds_ranked(req, "Neo4j GDS eigenvector (power iteration), unit Euclidean norm", p,
                       g, gds.eigenvector(db, g), "eigenvector")


def _gds_closeness(db: GraphDB, req: Request, g: gds.Projected, p: dict[str, Any]) -> Result:
    return _gds_ranked(req, "Neo4j GDS closeness on incoming paths, Wasserman-Faust", p, g,
                       gds.closeness(db, g), "closeness")


def _gds_communities(db: GraphDB, req: Request, g: gds.Projected, p: dict[str, Any]) -> Result:
    scores, part = gds.communities(db, g, req.algorithm, req.seed)
    p = {**p, "algorithm": req.algorithm, "resolution": 1.0,
         **({"seed": req.seed} if req.algorithm == "leiden" else {})}
    name = "Leiden" if req.algorithm == "leiden" else "Louvain"
    res = _gds_ranked(req, f"Neo4j GDS {name} (modularity) on the undirected projection", p, g,
                      scores, "community", descending=False)
    res.summary = {"communities": len(set(part.membership)), "modularity": part.modularity}
    return res


def _gds_key_players(db: GraphDB, req: Request, g: gds.Projected, p: dict[str, Any]) -> Result:
    picks = gds.celf(db, g, req.k, req.seed)
    p = {**p, "k": req.k, "hops": None, "propagation_probability": 1.0}
    rows = [
        {"rank": r + 1, "id": sid, "name": name, "gain": gain}
        for r, (sid, name, gain) in enumerate(zip(picks.ids, picks.names, picks.gains,
                                                   strict=True))
    ]
    reached = sum(picks.gains)
    others = max(g.nodes - len(picks.ids), 1)
    net = vertices_only(picks.ids, picks.names, g.arcs, req.weighted)
    return Result("key-players", "Neo4j GDS CELF (independent cascade, probability 1: reach "
                  "without a hop limit; --hops does not apply)", p, ["rank", "gain"], rows, net,
                  summary={"reached": reached, "share": reached / others,
                           "stakeholders": g.nodes})


_GDS_COMPUTE = {
    "degree": _gds_degree,
    "pagerank": _gds_pagerank,
    "betweenness": _gds_betweenness,
    "eigenvector": _gds_eigenvector,
    "closeness": _gds_closeness,
    "communities": _gds_communities,
    "key-players": _gds_key_players,
}


_COMPUTE = {
    "degree": _degree,
    "pagerank": _pagerank,
    "betweenness": _betweenness,
    "eigenvector": _eigenvector,
    "closeness": _closeness,
    "constraint": _constraint,
    "communities": _communities,
    "key-players": _key_players,
    "reach": _reach,
    "reach-q3": _reach_q3,
    "brokerage": _brokerage,
}
