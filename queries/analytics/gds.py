"""The analytics on Neo4j Graph Data Science (GDS), in the server, on the igraph engine's network.

The projection (``queries/analytics_gds_projection.cypher``, ``..._project_projection.cypher``)
is a Cypher aggregation (``gds.graph.project``) with the igraph engine's semantics: undirected tie
types give arcs both ways, parallel ties merge into one arc of summed weight (1 unweighted), self
ties drop, stakeholders without ties stay, and every arc carries ``length = 1 / weight``. A native
projection cannot narrow to a project or an id prefix and keeps parallel arcs apart (its SUM
aggregation would merge per relationship type only, not an undirected tie with a directed one), so
the Cypher projection is the one that gives the same graph. Each stakeholder gathers its own
out-arcs in a subquery, so no grouping spans the whole graph. For community detection the same
arcs are projected as undirected edges: a pair tied both ways holds two parallel edges whose
weights add up to igraph's collapsed undirected weight, which is what modularity reads.

Every function here returns values in the same normalisation as ``centrality`` (see README.md);
where GDS computes differently (dangling rank in PageRank, weighted eigenvector and closeness,
float ties in weighted betweenness, its own sample of sources, randomised communities) the README
says so and the tests pin it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from neo4j.exceptions import ClientError
from stakegraph.queries.analytics.centrality import DAMPING, BetweennessMethod
from stakegraph.queries.analytics.communities import Communities, renumber_by_size
from stakegraph.queries.analytics.errors import AnalyticsError
from stakegraph.queries.analytics.projection import Mode, Scope, require_project
from stakegraph.queries.library import query_text
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import UNDIRECTED_TIES, Rel

# The metrics GDS computes with our definitions (eigenvector and closeness unweighted only).
GDS_METRICS = (
    "degree", "pagerank", "betweenness", "eigenvector", "closeness", "communities",
    "key-players",
)
COMMUNITY_ALGORITHMS = ("leiden", "louvain")
# Power iteration runs until no score moves more than this. GDS's PageRank scores are of order 1
# before stakegraph divides them by their sum (about n), so GDS's default 1e-7 leaves the rescaled
# values within about 1e-7 / n of PRPACK's exact solution (karate: 1e-9); eigenvector scores are
# already of unit norm, so they get a tighter tolerance to stay within the tests' 1e-6.
TOLERANCE = 1e-7
EIGENVECTOR_TOLERANCE = 1e-10
MAX_ITERATIONS = 1000


@dataclass(frozen=True)
class Projected:
    """A GDS in-memory graph made for one computation: its name and size."""

    name: str
    nodes: int
    arcs: int
    pairs: bool


@dataclass(frozen=True)
class Scores:
    """Per-stakeholder values computed by GDS, in the order GDS streamed the stakeholders."""

    ids: list[str]
    names: list[str]
    columns: dict[str, list[Any]]


def gds_version(db: GraphDB) -> str | None:
    """Returns the server's Graph Data Science version, or None when it has no GDS."""
    try:
        records = db.read("RETURN gds.version() AS version")
    except ClientError:
        return None
    return str(records[0]["version"])


def require_gds(db: GraphDB) -> str:
    """Returns the GDS version; raises AnalyticsError when the server has none."""
    version = gds_version(db)
    if version is None:
        raise AnalyticsError(
            "--engine gds needs Neo4j Graph Data Science, which this server does not have "
            "(gds.version() is unknown); use --engine igraph"
        )
    return version


@contextmanager
def projected(
    db: GraphDB, scope: Scope, tie_types: Sequence[Rel], weighted: bool, pairs: bool = False,
    mode: Mode = Mode.TIES,
) -> Iterator[Projected]:
    """Yields a fresh GDS graph of the scope's tie network, or of a project's co-participation
    network (arcs, or with ``pairs`` the arcs as undirected edges for community detection), and
    drops it afterwards."""
    name = f"stakegraph-{uuid.uuid4().hex}"
    params: dict[str, Any] = {"graph": name, "weighted": weighted, "pairs": pairs}
    if mode is Mode.ACTIVITIES:
        raise AnalyticsError("GDS runs on stakeholder networks, not the activities network")
    if mode is Mode.COPARTICIPATION:
        if scope.project is None:
            raise AnalyticsError("the co-participation network needs --project")
        require_project(db, scope.project)
        query, params["project"] = "analytics_gds_coparticipation", scope.project
    elif scope.project is not None:
        require_project(db, scope.project)
        query, params["project"] = "analytics_gds_project_projection", scope.project
    else:
        query, params["prefix"] = "analytics_gds_projection", scope.prefix
    if mode is Mode.TIES:
        params["tie_types"] = [t.value for t in tie_types]
        params["undirected_types"] = [t.value for t in UNDIRECTED_TIES]
    # Write routing throughout: in a cluster the graph lives on the member that projected it.
    # No maintenance gate: projections and streams live in GDS's memory and leave the stored
    # graph as it was, so a backup has nothing to hold them back for.
    record = db.write(query_text(query), params)[0]
    try:
        yield Projected(name, int(record["nodes"]), int(record["arcs"]), pairs)
    finally:
        db.write(query_text("analytics_gds_drop"), {"graph": name})


def _stream(db: GraphDB, query: str, params: Mapping[str, Any]) -> list[Any]:
    try:
        return db.write(query_text(query), params)
    except ClientError as exc:
        # A GDS refusal (memory, bad configuration) is a one-line message for the analyst.
        raise AnalyticsError(f"GDS refused {query}: {exc.message}") from exc


def _scores(records: Sequence[Any], column: str, field: str = "score") -> Scores:
    return Scores(
        [r["id"] for r in records],
        [r["name"] if r["name"] is not None else r["id"] for r in records],
        {column: [float(r[field]) for r in records]},
    )


def pagerank(db: GraphDB, g: Projected, weighted: bool, damping: float = DAMPING) -> Scores:
    """Returns PageRank rescaled to sum to 1. GDS lets the rank of a stakeholder without
    out-arcs leak away instead of spreading it over everyone as igraph does; with uniform
    teleport the two solutions differ by a constant factor only, so rescaled they are equal."""
    records = _stream(db, "analytics_gds_pagerank", {
        "graph": g.name, "damping": damping, "tolerance": TOLERANCE,
        "max_iterations": MAX_ITERATIONS, "weight_property": "weight" if weighted else None,
    })
    out = _scores(records, "pagerank")
    total = sum(out.columns["pagerank"]) or 1.0
    out.columns["pagerank"] = [v / total for v in out.columns["pagerank"]]
    return out


def betweenness(db: GraphDB, g: Projected, weighted: bool, method: BetweennessMethod) -> Scores:
    """Returns directed betweenness divided by (n-1)(n-2), lengths 1/weight when weighted. A
    sampled run is scaled by n/samples, but GDS draws about ``method.samples`` sources with a
    probability rising with their degree and does not reweight them, so its estimate leans
    towards hubs' dependencies: another estimator than igraph's uniform sample (README.md)."""
    n = g.nodes
    records = _stream(db, "analytics_gds_betweenness", {
        "graph": g.name, "samples": n if method.exact else method.samples, "seed": method.seed,
        "length_property": "length" if weighted else None,
    })
    out = _scores(records, "betweenness")
    if n < 3:
        out.columns["betweenness"] = [0.0] * n
        return out
    scale = 1.0 / ((n - 1) * (n - 2))
    if not method.exact:
        scale *= n / method.samples
    out.columns["betweenness"] = [v * scale for v in out.columns["betweenness"]]
    return out


def eigenvector(db: GraphDB, g: Projected) -> Scores:
    """Returns eigenvector centrality on incoming arcs, unit Euclidean norm, unweighted (GDS's
    weighted variant divides each stakeholder's out-weights by their sum: another measure)."""
    records = _stream(db, "analytics_gds_eigenvector", {
        "graph": g.name, "tolerance": EIGENVECTOR_TOLERANCE, "max_iterations": MAX_ITERATIONS,
        "weight_property": None,
    })
    out = _scores(records, "eigenvector")
    values = out.columns["eigenvector"]
    norm = math.sqrt(sum(v * v for v in values))
    if g.arcs == 0:
        out.columns["eigenvector"] = [0.0] * len(values)
    elif norm > 0:
        out.columns["eigenvector"] = [v / norm for v in values]
    return out


def closeness(db: GraphDB, g: Projected) -> Scores:
    """Returns closeness on incoming paths in hops, Wasserman-Faust (GDS's closeness takes no
    weights: equal to igraph's unweighted closeness)."""
    return _scores(_stream(db, "analytics_gds_closeness", {"graph": g.name}), "closeness")


def degree(db: GraphDB, g: Projected, weighted: bool) -> Scores:
    """Returns in-, out- and total degree (arc counts) and, weighted, the matching strengths, as
    ``centrality.degree`` names them."""
    calls: list[tuple[str, str, str | None]] = [
        ("out_degree", "NATURAL", None), ("in_degree", "REVERSE", None)]
    if weighted:
        calls += [("out_strength", "NATURAL", "weight"), ("in_strength", "REVERSE", "weight")]
    first: Scores | None = None
    columns: dict[str, list[Any]] = {}
    for column, orientation, prop in calls:
        part = _scores(_stream(db, "analytics_gds_degree", {
            "graph": g.name, "orientation": orientation, "weight_property": prop,
        }), column)
        if first is None:
            first = part
            columns[column] = part.columns[column]
            continue
        # Each call streams in GDS's node order; align by id all the same.
        at = dict(zip(part.ids, part.columns[column], strict=True))
        columns[column] = [at[i] for i in first.ids]
    assert first is not None
    cols: dict[str, list[Any]] = {
        "in_degree": columns["in_degree"],
        "out_degree": columns["out_degree"],
        "degree": [a + b for a, b in zip(columns["in_degree"], columns["out_degree"],
                                         strict=True)],
    }
    if weighted:
        cols["in_strength"] = columns["in_strength"]
        cols["out_strength"] = columns["out_strength"]
        cols["strength"] = [a + b for a, b in zip(columns["in_strength"],
                                                  columns["out_strength"], strict=True)]
    return Scores(first.ids, first.names, cols)


def communities(
    db: GraphDB, g: Projected, algorithm: str = "leiden", seed: int = 0, resolution: float = 1.0
) -> tuple[Scores, Communities]:
    """Returns Leiden (seeded) or Louvain communities of an undirected-pairs projection,
    numbered by size (largest first), with GDS's modularity of the partition."""
    if not g.pairs:
        raise ValueError("community detection needs the undirected-pairs projection")
    if algorithm == "leiden":
        params: dict[str, Any] = {"graph": g.name, "seed": seed, "resolution": resolution}
    elif algorithm == "louvain":
        if resolution != 1.0:
            raise AnalyticsError("GDS's Louvain has no resolution; use --engine igraph")
        params = {"graph": g.name}
    else:
        raise AnalyticsError(f"unknown community algorithm {algorithm!r}; expected "
                             f"{' or '.join(COMMUNITY_ALGORITHMS)}")
    records = _stream(db, f"analytics_gds_{algorithm}", params)
    ids = [r["id"] for r in records]
    names = [r["name"] if r["name"] is not None else r["id"] for r in records]
    membership = renumber_by_size([int(r["community"]) for r in records])
    modularity = float(records[0]["modularity"]) if records else 0.0
    if g.arcs == 0:
        modularity = 0.0
    return Scores(ids, names, {"community": membership}), Communities(membership, modularity)


@dataclass(frozen=True)
class Celf:
    """CELF's picks in pick order, each with the stakeholders it adds (itself not counted)."""

    ids: list[str]
    names: list[str]
    gains: list[int]


def celf(db: GraphDB, g: Projected, k: int, seed: int = 0) -> Celf:
    """Returns k key players chosen by GDS's CELF with propagation probability 1 and one
    simulation: each pick adds the most stakeholders reachable along arcs (no hop limit)."""
    records = _stream(db, "analytics_gds_celf", {
        "graph": g.name, "k": min(k, max(g.nodes, 1)), "probability": 1.0, "simulations": 1,
        "seed": seed,
    })
    # GDS streams the set in node order; marginal spreads fall with each pick (submodular).
    ordered = sorted(records, key=lambda r: -float(r["spread"]))
    return Celf(
        [r["id"] for r in ordered],
        [r["name"] if r["name"] is not None else r["id"] for r in ordered],
        [round(float(r["spread"])) - 1 for r in ordered],
    )
