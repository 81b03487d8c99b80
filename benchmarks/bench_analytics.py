"""Analytics benchmark: PageRank and betweenness end to end, ours (igraph) beside networkx.

For each size the generator writes a synthetic dataset (``ties_per_stakeholder`` ties each),
our loader loads it under a fresh id prefix, and each metric runs end to end twice on the same
projected network:

- **ours**: the one streamed projection query into igraph, the igraph computation, the batched
  write-back (an AnalyticsRun plus one SCORED per stakeholder, current value on the node);
- **networkx**: the same projection query, a ``networkx.DiGraph`` built from the same arcs and
  weights, networkx's computation, the same write-back.

Betweenness follows the documented rule (exact up to 5,000 stakeholders, else ``--samples``
sampled sources); networkx samples the same sources (same seed, same vertex order). Everything
written is deleted at the end.

    .venv/bin/python benchmarks/bench_analytics.py --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import networkx as nx
from bench_support import delete_prefix, server_version
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import generate
from stakegraph.queries.analytics import centrality as cen
from stakegraph.queries.analytics.network import Network
from stakegraph.queries.analytics.projection import Scope, project_network
from stakegraph.queries.analytics.writeback import drop_run, new_run, write_scores
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

from stakegraph.db import open_graph_db
from stakegraph.settings import get_settings

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    """One (size, metric) measurement, seconds per phase for both contenders."""

    stakeholders: int
    arcs: int
    metric: str
    method: str
    ours_projection: float
    ours_compute: float
    ours_write: float
    ours_total: float
    nx_projection: float
    nx_compute: float
    nx_write: float
    nx_total: float
    compute_ratio: float
    total_ratio: float
    max_abs_diff: float


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _nx_graph(net: Network) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(net.n))
    w = net.graph.es["weight"]
    g.add_weighted_edges_from(
        (u, v, w[i]) for i, (u, v) in enumerate(net.graph.get_edgelist())
    )
    return g


def _nx_betweenness(g: nx.DiGraph, method: cen.BetweennessMethod) -> dict[int, float]:
    # Our lengths are 1/weight; networkx gets the same lengths as an edge attribute.
    for _, _, d in g.edges(data=True):
        d["length"] = 1.0 / d["weight"]
    if method.exact:
        return nx.betweenness_centrality(g, weight="length")  # type: ignore[no-any-return]
    return nx.betweenness_centrality(  # type: ignore[no-any-return]
        g, k=method.samples, seed=method.seed, weight="length"
    )


def bench_metric(db: GraphDB, scope: Scope, metric: str,
                 samples: int | None) -> Row:
    """Returns the side-by-side measurement of one metric on the scope's network."""
    net, ours_proj = _timed(lambda: project_network(db, scope))
    method = cen.betweenness_method(net.n, samples)
    if metric == "pagerank":
        ours, ours_compute = _timed(lambda: cen.pagerank(net))
        how = "PRPACK, damping 0.85"
    else:
        ours, ours_compute = _timed(lambda: cen.betweenness(net, method))
        how = "exact" if method.exact else f"sampled k={method.samples}"

    def write(values: list[float], who: str) -> int:
        run = new_run(scope.key(), f"bench_{metric}_{who}", who, {"metric": metric}, net.n,
                      net.m)
        return write_scores(db, run, net.ids, {f"bench_{metric}": values})

    _, ours_write = _timed(lambda: write(ours, "igraph"))

    def nx_projection() -> nx.DiGraph:
        again = project_network(db, scope)
        return _nx_graph(again)

    g, nx_proj = _timed(nx_projection)
    if metric == "pagerank":
        ref, nx_compute = _timed(lambda: nx.pagerank(g, alpha=0.85, weight="weight"))
    else:
        ref, nx_compute = _timed(lambda: _nx_betweenness(g, method))
    theirs = [float(ref[i]) for i in range(net.n)]
    _, nx_write = _timed(lambda: write(theirs, "networkx"))
    ours_total = ours_proj + ours_compute + ours_write
    nx_total = nx_proj + nx_compute + nx_write
    return Row(
        stakeholders=net.n, arcs=net.m, metric=metric, method=how,
        ours_projection=ours_proj, ours_compute=ours_compute, ours_write=ours_write,
        ours_total=ours_total, nx_projection=nx_proj, nx_compute=nx_compute, nx_write=nx_write,
        nx_total=nx_total, compute_ratio=nx_compute / max(ours_compute, 1e-9),
        total_ratio=nx_total / ours_total,
        max_abs_diff=max((abs(a - b) for a, b in zip(ours, theirs, strict=True)), default=0.0),
    )


def warm_up() -> None:
    """Pays each library's one-time first-call costs (igraph's first PageRank takes about a
    second in a fresh process; scipy loads on networkx's first PageRank) before timing."""
    import igraph

    g = igraph.Graph.Ring(10, directed=True)
    g.pagerank(weights=[1.0] * 10)
    g.betweenness()
    nx.pagerank(nx.cycle_graph(10, create_using=nx.DiGraph))


def cleanup(db: GraphDB, prefix: str) -> int:
    """Returns how many nodes it deleted whose id starts with ``prefix`` (in batches)."""
    runs = db.write(
        f"MATCH (r:{Label.ANALYTICS_RUN}) WHERE r.id STARTS WITH $prefix RETURN r.id AS id",
        prefix=prefix)
    for run in runs:  # each with its SCORED relationships, as `stakegraph analyse` drops one
        drop_run(db, run["id"])
    return len(runs) + delete_prefix(db, prefix, (Label.STAKEHOLDER,
                                                                Label.PROJECT, Label.ACTIVITY))


def machine(db: GraphDB) -> dict[str, Any]:
    """Returns what the figures depend on: CPUs, Python, library and Neo4j versions."""
    import igraph

    name, server, edition = server_version(db)
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "igraph": igraph.__version__,
        "networkx": nx.__version__,
        "neo4j": f"{name} {server} {edition}",
    }


def print_table(rows: list[Row]) -> None:
    """Prints the measurements as a fixed-width table (seconds; ratio = networkx / ours)."""
    head = (f"{'stakeholders':>12} {'arcs':>8} {'metric':<11} {'method':<22} "
            f"{'ours proj':>9} {'compute':>8} {'write':>6} {'total':>7} | "
            f"{'nx proj':>8} {'compute':>8} {'write':>6} {'total':>7} | "
            f"{'compute x':>9} {'total x':>7} {'max diff':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r.stakeholders:>12,} {r.arcs:>8,} {r.metric:<11} {r.method:<22} "
              f"{r.ours_projection:>9.2f} {r.ours_compute:>8.3f} {r.ours_write:>6.2f} "
              f"{r.ours_total:>7.2f} | {r.nx_projection:>8.2f} {r.nx_compute:>8.2f} "
              f"{r.nx_write:>6.2f} {r.nx_total:>7.2f} | {r.compute_ratio:>9.1f} "
              f"{r.total_ratio:>7.1f} {r.max_abs_diff:>9.1e}")


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--ties", type=int, default=5, help="ties per stakeholder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=None,
                        help="betweenness sampled sources above 5,000 (default: the documented "
                        "100)")
    parser.add_argument("--metrics", default="pagerank,betweenness")
    parser.add_argument("--no-write", action="store_true", help="do not write the JSON result")
    args = parser.parse_args(argv)
    settings = get_settings()
    db = open_graph_db(settings)
    apply_schema(db)
    rows: list[Row] = []
    warm_up()
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            prefix = f"bench-analytics-{size}-{uuid.uuid4().hex[:8]}-"
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    generate(size, args.seed, Path(tmp), ties_per_stakeholder=args.ties,
                             id_prefix=prefix)
                    _, load_s = _timed(lambda tmp=tmp: load_paths(db, [Path(tmp)]))
                print(f"# {size:,} stakeholders generated and loaded in {load_s:.1f} s",
                      file=sys.stderr)
                for metric in args.metrics.split(","):
                    rows.append(bench_metric(db, Scope(prefix=prefix), metric,
                                             args.samples))
                    print_table(rows[-1:])
            finally:
                cleanup(db, prefix)
        print()
        print_table(rows)
        if not args.no_write:
            RESULTS.mkdir(parents=True, exist_ok=True)
            out = RESULTS / f"bench_analytics-{date.today().isoformat()}.json"
            out.write_text(json.dumps({
                "benchmark": "bench_analytics",
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(db),
                "args": vars(args),
                "rows": [asdict(r) for r in rows],
            }, indent=2) + "\n")
            print(f"wrote {out}")
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
