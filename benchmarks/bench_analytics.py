"""Analytics benchmark: igraph, Neo4j GDS and networkx side by side, end to end, in one run.

For each size the generator writes a synthetic dataset (``--ties`` ties per stakeholder), our
loader loads it under a fresh id prefix (both timed, reported apart), and each metric runs end
to end once per contender on the same scope, each phase timed apart:

- **igraph**: the one streamed projection query into python-igraph; the igraph computation;
  the batched write-back (an ``AnalyticsRun`` and one ``SCORED`` per stakeholder, current value
  on the node);
- **gds**: the Cypher-aggregation projection into a GDS in-memory graph (``analytics_gds_*``);
  the GDS computation, its scores streamed back to Python; the same write-back; the graph is
  dropped (not timed);
- **networkx**: the same projection query and a ``networkx.DiGraph`` of the same arcs; networkx's
  computation; the same write-back. Only up to ``--networkx-max`` stakeholders (it would take
  hours above).

Metrics: ``pagerank`` (damping 0.85), ``betweenness`` (exact up to 5,000 stakeholders, else
``--samples`` sources: igraph and networkx draw the same sources, GDS its own), ``communities``
(Leiden for igraph and GDS; networkx has no Leiden, its Louvain stands in). While a contender
runs, a thread samples the resident memory of this process and of the Neo4j server (the local
instance's process) every 50 ms; the peaks are reported. The load average is recorded with every
row. Everything written is deleted at the end.

    .venv/bin/python benchmarks/bench_analytics.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import networkx as nx
from bench_support import delete_prefix, server_version
from neo4j.exceptions import Neo4jError
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import generate
from stakegraph.loaders.kinds import LOAD_ORDER
from stakegraph.queries.analytics import centrality as cen
from stakegraph.queries.analytics import gds
from stakegraph.queries.analytics.communities import communities
from stakegraph.queries.analytics.engine import AUTO_GDS_FROM
from stakegraph.queries.analytics.network import Network
from stakegraph.queries.analytics.projection import Scope, project_network
from stakegraph.queries.analytics.writeback import drop_run, new_run, write_scores
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, Label

from stakegraph.db import open_graph_db
from stakegraph.localdb import instance
from stakegraph.settings import Settings, get_settings

RESULTS = Path(__file__).resolve().parent / "results"
CONTENDERS = ("igraph", "gds", "networkx")


@dataclass
class Row:
    """One (size, metric, contender) measurement: seconds per phase and peak memory."""

    stakeholders: int
    arcs: int
    metric: str
    contender: str
    method: str
    projection: float
    compute: float
    write: float
    total: float
    python_peak_mb: float
    python_start_mb: float
    neo4j_peak_mb: float | None
    load_average_1m: float
    quality: dict[str, float] = field(default_factory=dict)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Peaks:
    """Samples the resident memory of this process and of Neo4j while a contender runs."""

    def __init__(self, neo4j_pid: int | None) -> None:
        self.neo4j_pid = neo4j_pid
        self.python = 0.0
        self.neo4j: float | None = None
        self.start = _rss_mb(os.getpid()) or 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        self.python = max(self.python, _rss_mb(os.getpid()) or 0.0)
        if self.neo4j_pid is not None:
            value = _rss_mb(self.neo4j_pid)
            if value is not None:
                self.neo4j = max(self.neo4j or 0.0, value)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self._sample()

    @contextmanager
    def watching(self) -> Iterator[Peaks]:
        """Yields itself while sampling in a thread; samples once more at the end."""
        self._sample()
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()
            self._sample()


def _nx_graph(net: Network) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(net.n))
    w = net.graph.es["weight"]
    g.add_weighted_edges_from((u, v, w[i]) for i, (u, v) in enumerate(net.graph.get_edgelist()))
    return g


def _modularity_nx(g: nx.DiGraph, membership: list[int]) -> float:
    und = nx.Graph()
    und.add_nodes_from(g)
    for u, v, d in g.edges(data=True):
        if und.has_edge(u, v):
            und[u][v]["weight"] += d["weight"]
        else:
            und.add_edge(u, v, weight=d["weight"])
    parts: dict[int, set[int]] = {}
    for v, c in enumerate(membership):
        parts.setdefault(c, set()).add(v)
    return float(nx.community.modularity(und, parts.values(), weight="weight"))


@dataclass
class Outcome:
    """What one contender computed: ids in its order, the values, and the phase times."""

    ids: list[str]
    values: list[float]
    method: str
    projection: float
    compute: float
    arcs: int
    extra: dict[str, float] = field(default_factory=dict)


def run_igraph(db: GraphDB, scope: Scope, metric: str, samples: int | None) -> Outcome:
    """Returns igraph's outcome of one metric (projection and computation timed apart)."""
    net, projection = _timed(lambda: project_network(db, scope))
    if metric == "pagerank":
        values, compute = _timed(lambda: cen.pagerank(net))
        method = "PRPACK"
        extra: dict[str, float] = {}
    elif metric == "betweenness":
        m = cen.betweenness_method(net.n, samples)
        values, compute = _timed(lambda: cen.betweenness(net, m))
        method = "exact" if m.exact else f"sampled k={m.samples}"
        extra = {}
    else:
        part, compute = _timed(lambda: communities(net, seed=0))
        values = [float(c) for c in part.membership]
        method = "Leiden"
        extra = {"modularity": part.modularity, "communities": len(set(part.membership))}
    return Outcome(net.ids, values, method, projection, compute, net.m, extra)


def run_gds(db: GraphDB, scope: Scope, metric: str, samples: int | None) -> Outcome:
    """Returns GDS's outcome of one metric (projection and computation timed apart; dropping the
    in-memory graph is not timed)."""
    pairs = metric == "communities"
    start = time.perf_counter()
    with gds.projected(db, scope, TIE_TYPES, True, pairs=pairs) as g:
        projection = time.perf_counter() - start
        extra: dict[str, float] = {}
        if metric == "pagerank":
            scores, compute = _timed(lambda: gds.pagerank(db, g, True))
            method = f"power iteration, tol {gds.TOLERANCE:g}"
        elif metric == "betweenness":
            m = cen.betweenness_method(g.nodes, samples)
            scores, compute = _timed(lambda: gds.betweenness(db, g, True, m))
            method = "exact" if m.exact else f"sampled k={m.samples} (own draw)"
        else:
            (scores, part), compute = _timed(lambda: gds.communities(db, g, "leiden", 0))
            method = "Leiden (arcs as undirected)"
            extra = {"modularity": part.modularity, "communities": len(set(part.membership))}
    values = [float(v) for v in next(iter(scores.columns.values()))]
    # The pairs projection holds every arc twice (as an undirected edge); report the arcs.
    arcs = g.arcs // 2 if g.pairs else g.arcs
    return Outcome(scores.ids, values, method, projection, compute, arcs, extra)


def run_networkx(db: GraphDB, scope: Scope, metric: str, samples: int | None) -> Outcome:
    """Returns networkx's outcome of one metric on the same projected arcs."""

    def projection() -> tuple[Network, nx.DiGraph]:
        net = project_network(db, scope)
        return net, _nx_graph(net)

    (net, g), projection_s = _timed(projection)
    extra: dict[str, float] = {}
    if metric == "pagerank":
        ref, compute = _timed(lambda: nx.pagerank(g, alpha=0.85, weight="weight"))
        values = [float(ref[i]) for i in range(net.n)]
        method = "scipy power iteration"
    elif metric == "betweenness":
        m = cen.betweenness_method(net.n, samples)
        for _, _, d in g.edges(data=True):
            d["length"] = 1.0 / d["weight"]
        if m.exact:
            ref, compute = _timed(lambda: nx.betweenness_centrality(g, weight="length"))
        else:
            ref, compute = _timed(lambda: nx.betweenness_centrality(
                g, k=m.samples, seed=m.seed, weight="length"))
        values = [float(ref[i]) for i in range(net.n)]
        method = "exact" if m.exact else f"sampled k={m.samples} (igraph's sources)"
    else:
        def louvain() -> list[int]:
            found = nx.community.louvain_communities(g.to_undirected(), weight="weight", seed=0)
            member = [0] * net.n
            for c, part in enumerate(found):
                for v in part:
                    member[v] = c
            return member

        membership, compute = _timed(louvain)
        values = [float(c) for c in membership]
        method = "Louvain (no Leiden in networkx)"
        extra = {"modularity": _modularity_nx(g, membership),
                 "communities": len(set(membership))}
    return Outcome(net.ids, values, method, projection_s, compute, net.m, extra)


RUNNERS: dict[str, Callable[[GraphDB, Scope, str, int | None], Outcome]] = {
    "igraph": run_igraph, "gds": run_gds, "networkx": run_networkx,
}


def bench_size(db: GraphDB, scope: Scope, metrics: list[str], contenders: list[str],
               samples: int | None, neo4j_pid: int | None, networkx_max: int,
               size: int) -> list[Row]:
    """Returns one row per metric and contender on the scope's network."""
    rows: list[Row] = []
    for metric in metrics:
        reference: dict[str, float] | None = None
        for who in contenders:
            if who == "networkx" and size > networkx_max:
                continue
            load = os.getloadavg()[0]
            with Peaks(neo4j_pid).watching() as peaks:
                out = RUNNERS[who](db, scope, metric, samples)
                # Every contender writes the same property names, and its run is dropped again
                # before the next one, so each writes into the same graph.
                run = new_run(scope.key(), f"bench_{metric}", who, {"metric": metric},
                              len(out.ids), out.arcs)
                start = time.perf_counter()
                write_scores(db, run, out.ids, {f"bench_{metric}": out.values})
                write_s = time.perf_counter() - start
            drop_run(db, run.id)
            quality = dict(out.extra)
            if metric != "communities":
                at = dict(zip(out.ids, out.values, strict=True))
                if reference is None:
                    reference = at
                else:
                    quality["max_abs_diff_vs_igraph"] = max(
                        abs(at[k] - v) for k, v in reference.items())
                    quality["igraph_max"] = max(reference.values())
            rows.append(Row(
                stakeholders=len(out.ids), arcs=out.arcs, metric=metric, contender=who,
                method=out.method, projection=out.projection, compute=out.compute,
                write=write_s, total=out.projection + out.compute + write_s,
                python_peak_mb=peaks.python, python_start_mb=peaks.start,
                neo4j_peak_mb=peaks.neo4j, load_average_1m=load, quality=quality,
            ))
            print_table(rows[-1:], header=False)
    return rows


def load_in_chunks(db: GraphDB, folder: Path, chunks: int) -> None:
    """Loads a generated folder with our loader, each file in ``chunks`` parts of rows, kind by
    kind in the loader's dependency order (a reference to a row of an earlier part is found in
    the graph): the loader validates a whole load in memory first, about 1.2 GB per 100k
    stakeholders, so a million in one load would need more memory than a shared 24 GB machine
    has free."""
    if chunks <= 1:
        load_paths(db, [folder])
        return
    for kind in LOAD_ORDER:
        path = folder / f"{kind}.csv"
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            head = next(reader)
            rows = list(reader)
        size = -(-len(rows) // chunks)
        for start in range(0, len(rows), max(size, 1)):
            with tempfile.TemporaryDirectory() as part:
                with (Path(part) / path.name).open("w", newline="", encoding="utf-8") as out:
                    writer = csv.writer(out, lineterminator="\n")
                    writer.writerow(head)
                    writer.writerows(rows[start:start + size])
                load_paths(db, [Path(part)])


def warm_up() -> None:
    """Pays each library's one-time first-call costs before timing."""
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
    for run in runs:
        drop_run(db, run["id"])
    return len(runs) + delete_prefix(db, prefix, (Label.STAKEHOLDER, Label.PROJECT,
                                                  Label.ACTIVITY))


def machine(db: GraphDB, settings: Settings) -> dict[str, Any]:
    """Returns what the figures depend on: CPUs, memory settings, library and server versions."""
    import igraph

    name, server, edition = server_version(db)
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "igraph": igraph.__version__,
        "networkx": nx.__version__,
        "neo4j": f"{name} {server} {edition}",
        "gds": gds.gds_version(db),
        "neo4j_heap": settings.heap if settings.uses_local_neo4j else None,
        "neo4j_pagecache": settings.pagecache if settings.uses_local_neo4j else None,
    }


def table_header() -> str:
    """Returns the table's column titles."""
    return (f"{'stakeholders':>12} {'arcs':>9} {'metric':<11} {'engine':<8} {'method':<26} "
            f"{'proj s':>7} {'compute':>8} {'write':>6} {'total':>7} {'py MB':>6} "
            f"{'neo4j MB':>8} {'load':>5}  quality")


def print_table(rows: list[Row], header: bool = True) -> None:
    """Prints rows as a fixed-width table (seconds, peak resident MB)."""
    if header:
        print(table_header())
    for r in rows:
        neo = f"{r.neo4j_peak_mb:>8.0f}" if r.neo4j_peak_mb is not None else f"{'-':>8}"
        quality = ", ".join(f"{k} {v:.3g}" for k, v in r.quality.items())
        print(f"{r.stakeholders:>12,} {r.arcs:>9,} {r.metric:<11} {r.contender:<8} "
              f"{r.method:<26.26} {r.projection:>7.2f} {r.compute:>8.2f} {r.write:>6.2f} "
              f"{r.total:>7.2f} {r.python_peak_mb:>6.0f} {neo} {r.load_average_1m:>5.2f}  "
              f"{quality}", flush=True)


def ratios(rows: list[Row]) -> list[dict[str, Any]]:
    """Returns, per size and metric, each contender's end-to-end time over the fastest one's,
    the fastest engine, and the engine `--engine auto` picks there (igraph or gds)."""
    out: list[dict[str, Any]] = []
    keys = sorted({(r.stakeholders, r.metric) for r in rows})
    for size, metric in keys:
        cell = {r.contender: r.total for r in rows if (r.stakeholders, r.metric) == (size, metric)}
        best = min(cell, key=lambda c: cell[c])
        threshold = AUTO_GDS_FROM.get(metric)
        auto = "gds" if threshold is not None and size >= threshold else "igraph"
        out.append({
            "stakeholders": size, "metric": metric, "fastest": best, "auto_picks": auto,
            "auto_as_fast": cell.get(auto, float("inf")) <= min(
                cell.get("igraph", float("inf")), cell.get("gds", float("inf"))),
            **{f"{c}_over_fastest": round(t / cell[best], 2) for c, t in cell.items()},
        })
    return out


def save(out: Path, db: GraphDB, settings: Settings, args: argparse.Namespace,
         loads: list[dict[str, Any]], rows: list[Row]) -> None:
    """Writes the results so far as JSON to ``out`` (returns nothing)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "bench_analytics",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(db, settings),
        "args": vars(args),
        "loads": loads,
        "rows": [asdict(r) for r in rows],
        "ratios": ratios(rows),
    }, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark; returns the process exit code."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--ties", type=int, default=5, help="ties per stakeholder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=None,
                        help="betweenness sampled sources above 5,000 (default: the documented "
                        "100)")
    parser.add_argument("--metrics", default="pagerank,betweenness,communities")
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--networkx-max", type=int, default=100_000,
                        help="largest size networkx runs at")
    parser.add_argument("--load-chunks", type=int, default=1,
                        help="load each generated file in this many parts (1M: 10)")
    parser.add_argument("--no-write", action="store_true", help="do not write the JSON result")
    args = parser.parse_args(argv)
    settings = get_settings()
    db = open_graph_db(settings)
    apply_schema(db)
    gds.require_gds(db)
    neo4j_pid = instance.status(settings).pid if settings.uses_local_neo4j else None
    rows: list[Row] = []
    loads: list[dict[str, Any]] = []
    warm_up()
    sizes = "-".join(args.sizes.split(","))
    out = RESULTS / f"bench_analytics-{date.today().isoformat()}-{sizes}.json"
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            prefix = f"bench-analytics-{size}-{uuid.uuid4().hex[:8]}-"
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    load_avg = os.getloadavg()[0]
                    start = time.perf_counter()
                    counts = generate(size, args.seed, Path(tmp), ties_per_stakeholder=args.ties,
                                      id_prefix=prefix)
                    gen_s = time.perf_counter() - start
                    with Peaks(neo4j_pid).watching() as peaks:
                        start = time.perf_counter()
                        load_in_chunks(db, Path(tmp), args.load_chunks)
                        load_s = time.perf_counter() - start
                loads.append({"stakeholders": size, "generate_seconds": gen_s,
                              "load_chunks": args.load_chunks,
                              "load_seconds": load_s, "rows": asdict(counts),
                              "python_peak_mb": peaks.python, "neo4j_peak_mb": peaks.neo4j,
                              "load_average_1m": load_avg})
                print(f"# {size:,} stakeholders generated in {gen_s:.1f} s, loaded in "
                      f"{load_s:.1f} s (load average {load_avg:.2f}, loader peak "
                      f"{peaks.python:.0f} MB)", file=sys.stderr, flush=True)
                print(table_header(), flush=True)
                # One untimed projection reads the new data into the page cache first, so the
                # first contender does not pay for the others.
                project_network(db, Scope(prefix=prefix))
                rows += bench_size(db, Scope(prefix=prefix), args.metrics.split(","),
                                   args.contenders.split(","), args.samples, neo4j_pid,
                                   args.networkx_max, size)
                if not args.no_write:
                    # Saved after every size: a million stakeholders take an hour to measure.
                    save(out, db, settings, args, loads, rows)
            finally:
                try:
                    cleanup(db, prefix)
                except Neo4jError as exc:
                    # A million stakeholders can outlast the server's transaction timeout.
                    print(f"# cleanup of {prefix} failed ({exc.code}); delete it by hand",
                          file=sys.stderr)
        print()
        print_table(rows)
        print()
        for r in ratios(rows):
            print(r)
        if not args.no_write:
            print(f"wrote {out}")
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
