"""Backup and restore benchmark: stakegraph's online backup and restore against Neo4j's own
offline dump and load, on the same graph in the same run.

For each size a private Neo4j (temporary home, free ports, ``--heap``/``--pagecache``) gets
the schema, the demo, a generated graph of that many stakeholders (`stakegraph generate`'s
generator and loader; above ``--chunk`` stakeholders, several generated datasets of that size
with their own id prefixes, loaded one after the other, since the loader holds a dataset in
memory), a person export and erasure (audit events), a PageRank run written back
for one project (an analytics run and its scores) and an API key. Then, one after the other:

- ``fingerprint``: the graph's fingerprint, read on its own (what a restore's final check costs);
- ``backup``: `take_backup` into a file (writers held, one consistent read, zip deflate level 1);
- ``restore``: the database emptied, then `restore` of that file: the file checked, batches
  written, the graph counted and fingerprinted against the manifest (timed apart as ``check``);
- ``dump``: `stakegraph backup --offline`: counts and fingerprint first, then Neo4j stopped,
  `neo4j-admin database dump`, Neo4j started (``tool`` is neo4j-admin alone);
- ``load``: `stakegraph restore --offline --replace`: neo4j-admin load with Neo4j stopped, then
  the fingerprint check.

Both restores must end with the fingerprint taken before the backup, or the run fails. The load
average is recorded before every step.

    .venv/bin/python benchmarks/bench_backup.py --sizes 0,100000
    .venv/bin/python benchmarks/bench_backup.py --sizes 1000000 --heap 4g --pagecache 2g
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_support import free_port, server_version
from stakegraph.api.keystore import create_key
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import generate
from stakegraph.queries.privacy.actions import erase_person, export_person
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB

from stakegraph.backup.backup import take_backup
from stakegraph.backup.fingerprint import Fingerprint, fingerprint
from stakegraph.backup.offline import offline_backup, offline_restore
from stakegraph.backup.restore import restore
from stakegraph.cli.demo_cmd import load_demo
from stakegraph.db import open_graph_db
from stakegraph.localdb import instance
from stakegraph.settings import Settings, get_settings

RESULTS = Path(__file__).resolve().parent / "results"
WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def load_average() -> float:
    """Returns the one-minute load average now."""
    return round(os.getloadavg()[0], 2)


@dataclass
class Step:
    """One timed step: seconds, the load average when it began, and what it measured."""

    seconds: float
    loadavg: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SizeResult:
    """Every step at one size, and the graph it ran on."""

    stakeholders: int
    nodes: int
    relationships: int
    build_seconds: float
    steps: dict[str, Step]
    peak_rss_mb: float
    server: str


def timed(run: Callable[[], Any]) -> tuple[Any, Step]:
    """Returns what ``run`` returned and its timing."""
    before = load_average()
    began = time.monotonic()
    value = run()
    return value, Step(round(time.monotonic() - began, 2), before)


def private_settings(home: Path, heap: str, pagecache: str) -> Settings:
    """Returns the settings of a Neo4j of the benchmark's own."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None, NEO4J_URI=None, NEO4J_PASSWORD=None, STAKEGRAPH_HOME=home,
        STAKEGRAPH_BOLT_PORT=free_port(), STAKEGRAPH_HTTP_PORT=free_port(),
        STAKEGRAPH_CACHE_DIR=get_settings().cache_dir, STAKEGRAPH_NEO4J_HEAP=heap,
        STAKEGRAPH_NEO4J_PAGECACHE=pagecache, STAKEGRAPH_NEO4J_START_TIMEOUT=600,
    )


def build(db: GraphDB, settings: Settings, stakeholders: int, chunk: int,
          workdir: Path) -> None:
    """Fills the empty database with the demo, a generated graph and the records stakegraph
    keeps besides (returns nothing). The generated graph comes in datasets of at most ``chunk``
    stakeholders, each with its own id prefix: the loader holds a whole dataset in memory."""
    apply_schema(db, actor="bench")
    load_demo(db)
    for number, start in enumerate(range(0, stakeholders, chunk)):
        size = min(chunk, stakeholders - start)
        generate(size, 2026 + number, workdir / "generated", id_prefix=f"gen{number}-")
        load_paths(db, [workdir / "generated"])
        shutil.rmtree(workdir / "generated")
    export_person(db, "demo-hannah-okafor", actor="bench")
    erase_person(db, "demo-joost-de-wit", actor="bench")
    state = instance.status(settings)
    assert state.password is not None
    env = {**os.environ, "NEO4J_URI": state.uri, "NEO4J_PASSWORD": state.password,
           "NEO4J_DATABASE": settings.neo4j_database}
    subprocess.run([str(Path(sys.executable).parent / "stakegraph"), "analyse", "pagerank",
                    "--project", "demo-icbt", "--write"], env=env, check=True,
                   capture_output=True)
    create_key(db, "reader", "benchmark key")


def _check(found: Fingerprint, expected: Fingerprint, what: str) -> None:
    if found != expected:
        raise SystemExit(f"{what} gave {found}, expected {expected}")


def run_size(stakeholders: int, args: argparse.Namespace, workdir: Path) -> SizeResult:
    """Returns the timings at one size, on a Neo4j started for it and stopped after."""
    settings = private_settings(workdir / "home", args.heap, args.pagecache)
    instance.start(settings)
    steps: dict[str, Step] = {}
    try:
        with open_graph_db(settings) as db:
            server = " ".join(server_version(db))
            began = time.monotonic()
            build(db, settings, stakeholders, args.chunk, workdir)
            built = round(time.monotonic() - began, 1)
            print(f"  built in {built} s", flush=True)
            before, steps["fingerprint"] = timed(lambda: fingerprint(db))
            print(f"  {before}", flush=True)
            file = workdir / "online.zip"
            report, steps["backup"] = timed(
                lambda: take_backup(db, file, actor="bench", source="bench"))
            steps["backup"].extra = {"bytes": report.size}
            _check(report.fingerprint, before, "the backup")
            print(f"  backup {steps['backup'].seconds} s, {report.size:,} bytes", flush=True)
            with db.session() as session:
                session.run(WIPE).consume()
            phases: dict[str, float] = {}

            def note(phase: str, done: int, total: int) -> None:
                phases.setdefault(phase, time.monotonic())

            restored, steps["restore"] = timed(
                lambda: restore(db, file, actor="bench", progress=note))
            ended = time.monotonic()
            check = round(ended - phases["check"], 2)
            steps["restore"].extra = {
                "verify_file_seconds": round(phases.get("nodes", ended) - phases["verify"], 2),
                "write_seconds": round(phases["check"] - phases.get("nodes", phases["check"]),
                                       2),
                "check_seconds": check, "batches": restored.batches}
            _check(restored.fingerprint, before, "the restore")
            print(f"  restore {steps['restore'].seconds} s ({steps['restore'].extra})",
                  flush=True)
        if args.offline:
            dump_file = workdir / "offline.zip"
            dumped, steps["dump"] = timed(lambda: offline_backup(settings, dump_file,
                                                                 actor="bench"))
            steps["dump"].extra = {"bytes": dumped.size, "tool_seconds": round(
                dumped.tool_seconds, 2)}
            _check(dumped.fingerprint, before, "the dump")
            print(f"  dump {steps['dump'].seconds} s ({steps['dump'].extra})", flush=True)
            loaded, steps["load"] = timed(lambda: offline_restore(
                settings, dump_file, actor="bench", replace=True))
            steps["load"].extra = {"tool_seconds": round(loaded.tool_seconds, 2)}
            _check(loaded.fingerprint, before, "the load")
            print(f"  load {steps['load'].seconds} s ({steps['load'].extra})", flush=True)
    finally:
        instance.stop(settings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return SizeResult(stakeholders, before.nodes, before.relationships, built, steps,
                      round(peak, 1), server)


def main() -> None:
    """Runs the benchmark and writes its JSON (returns nothing)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,100000",
                        help="comma-separated stakeholder counts (0: the demo alone)")
    parser.add_argument("--chunk", type=int, default=100_000,
                        help="stakeholders per generated dataset (each loaded on its own)")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--no-offline", dest="offline", action="store_false",
                        help="skip neo4j-admin dump and load")
    parser.add_argument("--no-write", action="store_true", help="do not write the JSON")
    args = parser.parse_args()
    results: list[SizeResult] = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{size:,} stakeholders (load average {load_average()})", flush=True)
        with tempfile.TemporaryDirectory(prefix="sg-bench-backup-") as tmp:
            results.append(run_size(size, args, Path(tmp)))
    print_table(results)
    if args.no_write:
        return
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"backup-{datetime.now(UTC).date().isoformat()}.json"
    out.write_text(json.dumps({
        "benchmark": "bench_backup",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "heap": args.heap,
                    "pagecache": args.pagecache, "loadavg_after": list(os.getloadavg())},
        "results": [asdict(r) for r in results],
    }, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


def print_table(results: list[SizeResult]) -> None:
    """Prints one line per size: the graph, then each step's seconds (and sizes)."""
    print(f"{'stakeholders':>12} {'nodes':>10} {'rels':>11} {'fingerprint':>11} {'backup':>8} "
          f"{'restore':>8} {'dump':>8} {'load':>8} {'file MB':>8} {'dump MB':>8}")
    for r in results:
        s = r.steps

        def sec(name: str, s: dict[str, Step] = s) -> str:
            return f"{s[name].seconds:.1f}" if name in s else "-"

        def mb(name: str, s: dict[str, Step] = s) -> str:
            return f"{s[name].extra['bytes'] / 1e6:.1f}" if name in s else "-"

        print(f"{r.stakeholders:>12,} {r.nodes:>10,} {r.relationships:>11,} "
              f"{sec('fingerprint'):>11} {sec('backup'):>8} {sec('restore'):>8} "
              f"{sec('dump'):>8} {sec('load'):>8} {mb('backup'):>8} {mb('dump'):>8}")


if __name__ == "__main__":
    main()
