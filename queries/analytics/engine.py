"""Which engine computes a request: igraph (the network streamed into Python) or Neo4j GDS.

``--engine auto`` (the default) asks GDS only where GDS computes the same measure (see
``gds_refusal``) and only from the network size at which GDS was measured to be faster end to end
(projection, computation and write-back; ``benchmarks/bench_analytics.py``, table in
``benchmarks/README.md``). The scope's stakeholders are counted first (one index seek), so the
choice costs no projection.
"""

from __future__ import annotations

from stakegraph.queries.analytics.errors import AnalyticsError
from stakegraph.queries.analytics.gds import GDS_METRICS, gds_version
from stakegraph.queries.analytics.projection import Mode, Scope
from stakegraph.queries.library import query_text
from stakegraph.schema.graphdb import GraphDB

ENGINES = ("auto", "igraph", "gds")

# From this many stakeholders in scope, `auto` picks GDS: the smallest size at which GDS was
# faster end to end than igraph in benchmarks/results/bench_analytics-2026-12-06-*.json (2 shared
# cores, 5 ties per stakeholder, 10k / 100k / 1M): Leiden took 13.4 s on GDS against 14.0 s on
# igraph at 100k and 317 s against 602 s at 1M (igraph iterates Leiden until stable); at 10k
# igraph took less than half GDS's time. PageRank was faster on igraph at every size (1M: 189 s
# against 267 s: projection and write-back cost about the same, and streaming a million scores
# back from GDS costs more than PRPACK's whole computation), so it is not listed, nor are the
# metrics GDS computes otherwise (see gds_refusal) or was not measured on.
AUTO_GDS_FROM: dict[str, int] = {
    "communities": 100_000,
}
# Not betweenness: igraph was faster exact (up to 5,000) and GDS's sampled estimator is another
# one (sources drawn by degree, not reweighted; README.md).


def gds_refusal(metric: str, weighted: bool, mode: Mode) -> str | None:
    """Returns why GDS cannot compute this request with our definitions, or None when it can."""
    if mode is Mode.ACTIVITIES:
        return "GDS runs on stakeholder networks, not the activities network"
    if metric not in GDS_METRICS:
        return f"GDS has no {metric} with our definition"
    if metric == "eigenvector" and weighted:
        return ("GDS's weighted eigenvector divides each stakeholder's out-weights by their sum, "
                "another measure; use --unweighted or --engine igraph")
    if metric == "closeness" and weighted:
        return "GDS's closeness counts hops only; use --unweighted or --engine igraph"
    return None


def scope_size(db: GraphDB, scope: Scope) -> int:
    """Returns how many stakeholders the scope holds."""
    records = db.read(query_text("analytics_scope_size"),
                      {"project": scope.project, "prefix": scope.prefix})
    return int(records[0]["stakeholders"])


def choose_engine(
    db: GraphDB, metric: str, engine: str, scope: Scope, weighted: bool, mode: Mode
) -> tuple[str, str]:
    """Returns the engine to use (igraph or gds) and why; raises AnalyticsError when GDS was
    asked for and cannot compute the request."""
    if engine == "igraph":
        return "igraph", "asked for"
    refusal = gds_refusal(metric, weighted, mode)
    if engine == "gds":
        if refusal is not None:
            raise AnalyticsError(f"--engine gds: {refusal}")
        return "gds", "asked for"
    if engine != "auto":
        raise AnalyticsError(f"unknown engine {engine!r}; expected {', '.join(ENGINES)}")
    threshold = AUTO_GDS_FROM.get(metric)
    if refusal is not None or threshold is None:
        why = refusal or f"igraph was faster for {metric} at every size measured"
        return "igraph", f"auto: {why}"
    n = scope_size(db, scope)
    if n < threshold:
        return "igraph", (f"auto: {n:,} stakeholders, below the {threshold:,} from which GDS "
                          f"measured faster for {metric}")
    version = gds_version(db)
    if version is None:
        return "igraph", f"auto: {n:,} stakeholders, but the server has no GDS"
    return "gds", (f"auto: {n:,} stakeholders, at least the {threshold:,} from which GDS "
                   f"{version} measured faster for {metric}")
