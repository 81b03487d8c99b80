"""Helpers of the fault tests (and of `benchmarks/crash_100k.py`): a private Neo4j's settings, a
graph snapshot under an id prefix, and the "kill Neo4j during a load, restart, re-run" run."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import Driver, GraphDatabase
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import generate
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import NODES

from stakegraph.localdb import instance
from stakegraph.settings import Settings

# Outside this set the snapshot would also walk the shared vocabulary terms, which every
# prefix shares and no load changes.
_LABELS = tuple(spec.label for spec in NODES)


def private_settings(home: Path, bolt: int, http: int, cache_dir: Path) -> Settings:
    """Returns settings of a Neo4j of its own under ``home`` on the given ports, reusing the
    launcher build in ``cache_dir``; small memory, as the machine is shared."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        NEO4J_URI=None,
        STAKEGRAPH_HOME=home,
        STAKEGRAPH_BOLT_PORT=bolt,
        STAKEGRAPH_HTTP_PORT=http,
        STAKEGRAPH_CACHE_DIR=cache_dir,
        STAKEGRAPH_NEO4J_HEAP="768m",
        STAKEGRAPH_NEO4J_PAGECACHE="256m",
    )


def driver_for(settings: Settings, retry_s: float = 30.0) -> Driver:
    """Returns a driver to the private instance; ``retry_s`` bounds managed-transaction retries
    (short in the crash run, so a load against a killed server gives up quickly)."""
    state = instance.status(settings)
    assert state.password is not None
    return GraphDatabase.driver(
        state.uri, auth=(state.user, state.password), max_transaction_retry_time=retry_s,
        connection_acquisition_timeout=10.0, connection_timeout=5.0,
    )


def kill_neo4j(settings: Settings) -> int:
    """Returns the pid of the Neo4j java process after SIGKILLing it (and reaping it when this
    process started it)."""
    pid = instance.status(settings).pid
    assert pid is not None, "the private Neo4j is not running"
    os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return pid


def _plain(value: Any, prefix: str) -> Any:
    if isinstance(value, str):
        return value.replace(prefix, "<p>")
    if isinstance(value, list):
        return tuple(_plain(v, prefix) for v in value)
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _props(props: dict[str, Any], prefix: str) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, _plain(v, prefix)) for k, v in props.items()))


@dataclass
class Snapshot:
    """What the graph holds under one id prefix, ids normalised to "<p>"."""

    node_counts: dict[str, int]
    rel_counts: dict[str, int]
    nodes: list[Any] = field(repr=False)
    rels: list[Any] = field(repr=False)

    def same_as(self, other: Snapshot) -> bool:
        """Returns True when counts per label and type and every property agree."""
        return (self.node_counts, self.rel_counts, self.nodes, self.rels) == (
            other.node_counts, other.rel_counts, other.nodes, other.rels)


def snapshot(driver: Driver, database: str, prefix: str) -> Snapshot:
    """Returns every node whose id starts with ``prefix`` and every relationship leaving one
    (all the loader's relationships start at a loaded node), with labels, types, properties."""
    nodes: dict[str, Any] = {}
    rels: dict[str, Any] = {}
    for label in _LABELS:
        records, _, _ = driver.execute_query(
            f"MATCH (n:{label}) WHERE n.id STARTS WITH $p "
            "RETURN elementId(n) AS key, labels(n) AS labels, properties(n) AS props",
            p=prefix, database_=database)
        for r in records:
            nodes[r["key"]] = (tuple(sorted(r["labels"])), _props(r["props"], prefix))
        records, _, _ = driver.execute_query(
            f"MATCH (n:{label})-[r]->(m) WHERE n.id STARTS WITH $p RETURN elementId(r) AS key, "
            "n.id AS a, type(r) AS type, m.id AS b, properties(r) AS props",
            p=prefix, database_=database)
        for r in records:
            rels[r["key"]] = (_plain(r["a"], prefix), r["type"], _plain(r["b"], prefix),
                              _props(r["props"], prefix))
    node_counts = Counter(label for labels, _ in nodes.values() for label in labels)
    rel_counts = Counter(rel[1] for rel in rels.values())
    return Snapshot(dict(sorted(node_counts.items())), dict(sorted(rel_counts.items())),
                    sorted(nodes.values()), sorted(rels.values()))


@dataclass
class CrashResult:
    """The figures of one crash run."""

    stakeholders: int
    rows: int
    batch_size: int
    clean_s: float
    killed_after_s: float
    rows_done_at_kill: int
    load_error: str
    nodes_after_kill: int
    rels_after_kill: int
    restart_s: float
    rerun_s: float
    clean: Snapshot
    crashed: Snapshot

    @property
    def equal(self) -> bool:
        """Returns True when the re-run load equals the clean load."""
        return self.crashed.same_as(self.clean)


def _count(driver: Driver, database: str, prefix: str) -> tuple[int, int]:
    nodes = rels = 0
    for label in _LABELS:
        records, _, _ = driver.execute_query(
            f"MATCH (n:{label}) WHERE n.id STARTS WITH $p "
            "RETURN count(n) AS n, sum(COUNT { (n)-->() }) AS r",
            p=prefix, database_=database)
        nodes += int(records[0]["n"])
        rels += int(records[0]["r"] or 0)
    return nodes, rels


def crash_run(
    settings: Settings, workdir: Path, stakeholders: int, batch_size: int, tag: str,
    kill_at: float = 0.4,
) -> CrashResult:
    """Returns the figures of: a clean load of a generated dataset under one prefix; the same
    dataset under another prefix loaded with Neo4j SIGKILLed once ``kill_at`` of its rows are
    written; Neo4j restarted; the load re-run; both graphs snapshotted."""
    clean_prefix, crash_prefix = f"{tag}c-", f"{tag}k-"
    counts = generate(stakeholders, 7, workdir / "clean", id_prefix=clean_prefix)
    generate(stakeholders, 7, workdir / "crash", id_prefix=crash_prefix)
    database = settings.neo4j_database
    driver = driver_for(settings)
    try:
        began = time.monotonic()
        load_paths(GraphDB(driver, database), [workdir / "clean"], batch_size=batch_size)
        clean_s = time.monotonic() - began
    finally:
        driver.close()

    done: Counter[str] = Counter()
    armed = threading.Event()
    killed_at: list[float] = []

    def kill() -> None:
        killed_at.append(time.monotonic())
        kill_neo4j(settings)

    def progress(kind: str, written: int, _total: int) -> None:
        done[kind] = written
        if not armed.is_set() and sum(done.values()) >= kill_at * counts.rows:
            armed.set()
            # A short delay puts the kill inside the next batch's transaction, not between two.
            threading.Timer(0.05, kill).start()

    crash_driver = driver_for(settings, retry_s=2.0)
    error = ""
    began = time.monotonic()
    try:
        load_paths(GraphDB(crash_driver, database), [workdir / "crash"], batch_size=batch_size,
                   progress=progress)
    except Exception as exc:
        error = f"{type(exc).__name__}: {str(exc)[:120]}"
    finally:
        crash_driver.close()
    if not killed_at:  # the load finished before the timer fired: nothing was tested
        raise AssertionError(f"the load ended before Neo4j was killed ({error or 'no error'})")
    rows_done = sum(done.values())
    restart = time.monotonic()
    instance.start(settings)
    restart_s = time.monotonic() - restart
    driver = driver_for(settings)
    try:
        nodes_after, rels_after = _count(driver, database, crash_prefix)
        began_rerun = time.monotonic()
        load_paths(GraphDB(driver, database), [workdir / "crash"], batch_size=batch_size)
        rerun_s = time.monotonic() - began_rerun
        clean = snapshot(driver, database, clean_prefix)
        crashed = snapshot(driver, database, crash_prefix)
    finally:
        driver.close()
    return CrashResult(
        stakeholders=stakeholders, rows=counts.rows, batch_size=batch_size, clean_s=clean_s,
        killed_after_s=killed_at[0] - began, rows_done_at_kill=rows_done, load_error=error,
        nodes_after_kill=nodes_after, rels_after_kill=rels_after, restart_s=restart_s,
        rerun_s=rerun_s, clean=clean, crashed=crashed,
    )


def api_env(settings: Settings, jwt_key: str, issuer: str, audience: str) -> dict[str, str]:
    """Returns the environment of an API served against the private instance (JWT auth)."""
    state = instance.status(settings)
    assert state.password is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "STAKEGRAPH_"))}
    env.update(
        NEO4J_URI=state.uri, NEO4J_USER=state.user, NEO4J_PASSWORD=state.password,
        STAKEGRAPH_API_JWT_KEY=jwt_key, STAKEGRAPH_API_JWT_ISSUER=issuer,
        STAKEGRAPH_API_JWT_AUDIENCE=audience, STAKEGRAPH_API_DB_TIMEOUT="1",
        STAKEGRAPH_API_KEY_CACHE_S="0",
    )
    return env
