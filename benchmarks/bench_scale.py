"""Does a call stay as fast on a 100k graph as on a 10k one? Lookup, ego network, quadrants.

For each size the generator writes a dataset (5 ties per stakeholder) that our loader loads under
its own id prefix (setup, not timed; kept for the next run with ``--keep``). Then three calls are
timed through the library on the sync driver (the same Cypher text the API runs, without HTTP and
GraphQL, so the figures show how the database work scales):

- **lookup**: one stakeholder by id, the API's own query (``stakegraph.api.reads.by_ids``),
  a different random stakeholder each call;
- **ego**: the query library's ``ego_network`` at 2 hops around a random stakeholder;
- **quadrants**: the query library's ``quadrants`` of a project with as many assessed
  stakeholders at every size (like with like): the busiest project of the smallest graph, and
  in each larger graph the project whose number of assessed stakeholders is closest to it. A
  larger graph has busier projects, and the matrix of the busiest one grows with the graph, so
  it is timed too (**quadrants-busiest**), for information, outside the target.

Per call: median and p95 milliseconds and the rows returned (an answer that itself grows with
the graph cannot stay flat, so the rows are shown beside the time), and the load average of
the (shared) machine when the cell was measured. The last table gives the largest size's
median over the smallest's. Target (issue 7): within 2 times.
Writes ``benchmarks/results/scale-<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench_support import delete_prefix, server_version
from stakegraph.api.reads import by_ids
from stakegraph.loaders.generate import generate
from stakegraph.loaders.load import load_paths
from stakegraph.queries.library import bind, get_query
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.combined import Model
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

from stakegraph.db import open_graph_db
from stakegraph.settings import get_settings

RESULTS = Path(__file__).resolve().parent / "results"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def load(db: GraphDB, size: int, seed: int, prefix: str) -> float | None:
    """Returns the load time in seconds, or None when the prefix was already loaded."""
    records = db.write(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p RETURN count(s) AS n", p=prefix)
    if records[0]["n"] >= size:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        generate(size, seed, Path(tmp), id_prefix=prefix)
        began = time.perf_counter()
        load_paths(db, [Path(tmp)])
        return time.perf_counter() - began


def time_calls(
    db: GraphDB, query: str, params: Callable[[], dict[str, Any]], calls: int
) -> dict[str, Any]:
    """Returns the median/p95 milliseconds, the mean rows of ``calls`` runs (3 warm-ups) and
    the load average when they ended."""
    for _ in range(3):
        db.read(query, params())
    times: list[float] = []
    rows: list[int] = []
    for _ in range(calls):
        values = params()
        began = time.perf_counter()
        records = db.read(
            query, values)
        times.append((time.perf_counter() - began) * 1000)
        rows.append(len(records))
    return {
        "calls": calls,
        "median_ms": statistics.median(times),
        "p95_ms": _percentile(times, 95),
        "mean_rows": statistics.fmean(rows),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def assessed_counts(db: GraphDB, prefix: str) -> list[tuple[str, int]]:
    """Returns (project id, number of stakeholders assessed in it) under ``prefix``, busiest
    first."""
    records = db.write(
        "MATCH (p:Project)<-[:ASSESSED]-(s:Stakeholder) WHERE p.id STARTS WITH $p "
        "RETURN p.id AS id, count(DISTINCT s) AS n ORDER BY n DESC, id",
        p=prefix)
    return [(r["id"], r["n"]) for r in records]


def closest(counts: list[tuple[str, int]], wanted: int) -> tuple[str, int]:
    """Returns the project whose count is closest to ``wanted`` (the busier one on a tie)."""
    return min(counts, key=lambda c: (abs(c[1] - wanted), -c[1], c[0]))


def measure_size(db: GraphDB, size: int, args: argparse.Namespace,
                 like: int | None) -> list[dict[str, Any]]:
    """Returns one row per call type on the graph of ``size`` stakeholders; ``like`` is the
    number of assessed stakeholders the quadrants project should have (None: the busiest)."""
    prefix = f"bscale{size}-"
    took = load(db, size, args.seed, prefix)
    if took is not None:
        print(f"loaded {size} stakeholders in {took:.1f} s", flush=True)
    rng = random.Random(args.seed)
    ids = [r["id"] for r in db.write(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p RETURN s.id AS id", p=prefix,)[0]]
    counts = assessed_counts(db, prefix)
    busiest = counts[0]
    project, assessed = busiest if like is None else closest(counts, like)
    ego = get_query("ego_network")
    quadrants = get_query("quadrants")
    like_params = bind(quadrants, {"project": project})
    busiest_params = bind(quadrants, {"project": busiest[0]})
    cells = (
        ("lookup", by_ids(Model.shipped(), Label.STAKEHOLDER), lambda: {"ids": [rng.choice(ids)]},
         args.calls),
        ("ego", ego.text, lambda: bind(ego, {"stakeholder": rng.choice(ids), "hops": 2}),
         args.calls),
        ("quadrants", quadrants.text, lambda: like_params, args.calls),
        ("quadrants-busiest", quadrants.text, lambda: busiest_params, args.calls),
    )
    projects = {"quadrants": (project, assessed), "quadrants-busiest": busiest}
    out = []
    for name, text, params, calls in cells:
        row = {"call": name, "size": size, **time_calls(db, text, params, calls)}
        if name in projects:
            row["project"], row["assessed_stakeholders"] = projects[name]
        out.append(row)
        print(f"{size:>8} {name:17} median {row['median_ms']:8.2f} ms  p95 {row['p95_ms']:8.2f}"
              f" ms  rows {row['mean_rows']:8.1f}  load {row['load_average_1m']:.2f}", flush=True)
    if not args.keep:
        delete_prefix(db, prefix, batch=5000)
    return out


def main() -> None:
    """Runs the benchmark and writes its JSON result."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[10_000, 100_000])
    parser.add_argument("--calls", type=int, default=40, help="timed calls per cell")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the loaded data")
    parser.add_argument("--no-write", action="store_true", help="do not write the JSON result")
    args = parser.parse_args()

    settings = get_settings()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with open_graph_db(settings) as db:
        apply_schema(db)
        rows: list[dict[str, Any]] = []
        like: int | None = None
        # The smallest graph first: its busiest project sets the size of the quadrants matrix.
        for size in sorted(args.sizes):
            rows += measure_size(db, size, args, like)
            if like is None:
                like = next(r["assessed_stakeholders"] for r in rows if r["call"] == "quadrants")
        _, server, edition = server_version(db)
    small, large = min(args.sizes), max(args.sizes)
    ratios = []
    for name in ("lookup", "ego", "quadrants", "quadrants-busiest"):
        a = next(r for r in rows if r["call"] == name and r["size"] == small)
        b = next(r for r in rows if r["call"] == name and r["size"] == large)
        ratio = b["median_ms"] / a["median_ms"]
        rows_ratio = b["mean_rows"] / a["mean_rows"] if a["mean_rows"] else None
        entry = {"call": name, "ratio": ratio, "rows_ratio": rows_ratio}
        if name == "quadrants-busiest":
            entry["note"] = "not like with like: the busiest project's matrix grows with the graph"
        else:
            entry["met"] = ratio <= 2.0
        ratios.append(entry)
        verdict = ("for information" if name == "quadrants-busiest"
                   else "within 2x" if ratio <= 2 else "above 2x")
        rows_text = f", rows x{rows_ratio:.2f}" if rows_ratio is not None else ""
        print(f"{name:17} {large}/{small}: x{ratio:.2f} ({verdict}{rows_text})")
    result = {
        "benchmark": "scale",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(), "loadavg_before": load_before,
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
        "versions": {"neo4j-driver": version("neo4j"),
                     "neo4j-server": f"{server} {edition}"},
        "through": "library on the sync driver (no HTTP/GraphQL)",
        "rows": rows,
        "ratios_largest_over_smallest": ratios,
        "quadrants_project": "like with like: the busiest project of the smallest graph and, "
                             "in the larger, the project with the closest number of assessed "
                             "stakeholders",
        "target": {"max_ratio": 2.0, "met": all(r["met"] for r in ratios if "met" in r)},
    }
    if args.no_write:
        return
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"scale-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
