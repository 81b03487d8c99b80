"""The graph's model version and the gate every stakegraph write passes.

The graph records the model version it was written with on one node,
``(:StakegraphMeta {id: 'model', version: N})``. A graph without it was written by a release
from before versions were recorded (version 1) when it holds vocabulary terms (every such
release applied the schema first), and is *bare* otherwise: nothing in it predates this code.

While a backup, a restore or a migration needs the graph to hold still, it closes the gate: the
node ``(:StakegraphMeta {id: 'maintenance'})`` (see `stakegraph.schema.maintenance`). Every write
transaction of the CLI, the loaders, the analytics and the API first reads both nodes in that
same transaction (`gated`) and stops with one line when the gate is closed or the versions
differ. Those transactions carry the metadata ``{stakegraph: 'write'}``, so that whoever closes
the gate can see which writes began before it did and wait for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from neo4j import ManagedTransaction, Record, Session, unit_of_work
from stakegraph.schema.errors import ConflictError, StakegraphError, UnavailableError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import MODEL_VERSION, Label

P = ParamSpec("P")
T = TypeVar("T")

MODEL_NODE = "model"
GATE_NODE = "maintenance"
# What a graph without a version record but with vocabulary terms was written with.
LEGACY_VERSION = 1
# Set on every gated write transaction; `SHOW TRANSACTIONS` shows it as metaData.
WRITE_METADATA = {"stakegraph": "write"}
# How long a CLI write (a load batch, an erasure, a score write-back) waits for a closed gate
# to open again before it gives up; the API waits within its own, shorter, write budget.
WRITE_WAIT_S = 120.0
_WAIT_STEP_S = 0.25
# What `write_transaction` waits in this process (see `set_write_wait`).
_write_wait_s = WRITE_WAIT_S

META_SCHEMA = (
    f"CREATE CONSTRAINT stakegraph_meta_id_unique IF NOT EXISTS "
    f"FOR (n:{Label.META}) REQUIRE n.id IS UNIQUE",
    f"CREATE CONSTRAINT migration_id_unique IF NOT EXISTS "
    f"FOR (n:{Label.MIGRATION}) REQUIRE n.id IS UNIQUE",
)

# The version record and the gate, read in the writer's own transaction. A gate whose lease ran
# out (`until` in the past) is open: its holder died; a gate without `until` never runs out.
STATE = f"""
OPTIONAL MATCH (m:{Label.META} {{id: '{MODEL_NODE}'}})
OPTIONAL MATCH (g:{Label.META} {{id: '{GATE_NODE}'}})
RETURN m.version AS version,
       m IS NULL AND EXISTS {{ MATCH (:{Label.CONCEPT}) }} AS legacy,
       g {{.what, .by, .host, .pid, .token, .file_name, .file, .done, .batch_size, .wipe,
           .target,
           since: toString(g.since), beat: toString(g.beat)}} AS gate,
       g IS NOT NULL AND (g.until IS NULL OR g.until > datetime()) AS closed,
       g IS NOT NULL AND g.beat < datetime() - duration({{seconds: $stale_s}}) AS stale
"""
# A heartbeat older than this means the gate's holder is gone (it beats every few seconds).
STALE_S = 30

# Records the version on a graph that has no record yet (an empty or bare graph).
STAMP = (
    f"MERGE (m:{Label.META} {{id: '{MODEL_NODE}'}}) "
    "ON CREATE SET m.version = $version RETURN m.version AS version"
)


@dataclass(frozen=True)
class Gate:
    """The maintenance gate as the graph holds it: what holds it, who, where, since when."""

    what: str
    by: str | None
    host: str | None
    pid: int | None
    token: str | None
    since: str | None
    beat: str | None
    file_name: str | None
    target: int | None
    # A restore's: the SHA-256 of the file's data, batches written so far, rows per batch,
    # and whether it was deleting what the graph held when it stopped.
    file: str | None = None
    done: int = 0
    batch_size: int | None = None
    wipe: bool = False

    def doing(self) -> str:
        """Returns what is being done, as words after "the graph is being"."""
        if self.what == "migration":
            return f"migrated to model version {self.target or MODEL_VERSION}"
        return "backed up" if self.what == "backup" else f"{self.what}d"


@dataclass(frozen=True)
class GraphState:
    """The graph's version record and its gate."""

    version: int | None
    legacy: bool
    gate: Gate | None
    closed: bool
    stale: bool = False

    @property
    def model_version(self) -> int | None:
        """Returns the model version the graph holds data of: the recorded one, 1 for a graph
        written before versions were recorded, None for an empty or bare graph."""
        if self.version is not None:
            return self.version
        return LEGACY_VERSION if self.legacy else None


def state_from(record: Mapping[str, Any] | None) -> GraphState:
    """Returns the state in a record of `STATE` (None: no record, an empty answer)."""
    if record is None:  # the query always returns one row; an empty answer means no graph
        return GraphState(None, False, None, False)
    raw = record["gate"]
    gate = None if raw is None else Gate(
        str(raw.get("what") or "maintained"), raw.get("by"), raw.get("host"), raw.get("pid"),
        raw.get("token"), raw.get("since"), raw.get("beat"), raw.get("file_name"),
        raw.get("target"), raw.get("file"), int(raw.get("done") or 0), raw.get("batch_size"),
        bool(raw.get("wipe")))
    return GraphState(record["version"], bool(record["legacy"]), gate, bool(record["closed"]),
                      bool(record["stale"]))


def graph_state(db: GraphDB) -> GraphState:
    """Returns the graph's version record and maintenance gate, read now."""
    records = db.read(STATE, stale_s=STALE_S)
    return state_from(records[0].data() if records else None)


def state_in(tx: ManagedTransaction) -> GraphState:
    """Returns the version record and gate as ``tx`` sees them."""
    return state_from(tx.run(STATE, stale_s=STALE_S).single())


class GateClosed(UnavailableError):
    """A backup, restore or migration holds writers back. ``final``: waiting will not help (an
    unfinished restore stays closed until someone finishes it)."""

    def __init__(self, gate: Gate) -> None:
        since = f" since {gate.since[:19].replace('T', ' ')} UTC" if gate.since else ""
        who = f" by {gate.by}" if gate.by else ""
        if gate.what == "restore":
            name = gate.file_name or "FILE"
            message = (f"a restore of {name} into this graph{who}{since} has not finished: "
                       f"writes are refused until it has; if it was interrupted, run "
                       f"`stakegraph restore {name}` again to complete it")
        else:
            message = (f"the graph is being {gate.doing()}{who}{since}; writes wait until it "
                       "is done: try again in a moment")
        super().__init__(message, what=gate.what)
        self.gate = gate
        self.final = gate.what == "restore"


def version_refusal(found: int | None) -> StakegraphError | None:
    """Returns why this code must not write to a graph of model version ``found`` (None: an
    empty or bare graph, which it may), or None when it may."""
    if found is None or found == MODEL_VERSION:
        return None
    if found > MODEL_VERSION:
        return ConflictError(
            f"the graph is at model version {found}, newer than this stakegraph's "
            f"({MODEL_VERSION}): upgrade stakegraph to write to it")
    return ConflictError(
        f"the graph is at model version {found} and this stakegraph writes version "
        f"{MODEL_VERSION}: run `stakegraph schema apply` to migrate it")


def write_refusal(state: GraphState) -> StakegraphError | None:
    """Returns why a write must not go ahead on a graph in ``state`` (the gate first, then the
    version), or None when it may."""
    if state.closed and state.gate is not None:
        return GateClosed(state.gate)
    return version_refusal(state.model_version)


def check_writable(tx: ManagedTransaction) -> None:
    """Raises `GateClosed` or a version mismatch unless ``tx`` may write (returns nothing)."""
    refusal = write_refusal(state_in(tx))
    if refusal is not None:
        raise refusal


def gated(
    work: Callable[Concatenate[ManagedTransaction, P], T],
) -> Callable[Concatenate[ManagedTransaction, P], T]:
    """Returns ``work`` as a transaction function that first checks, in the same transaction,
    that the graph may be written (gate open, versions equal), tagged with `WRITE_METADATA`."""

    @unit_of_work(metadata=WRITE_METADATA)
    def unit(tx: ManagedTransaction, /, *args: P.args, **kwargs: P.kwargs) -> T:
        check_writable(tx)
        return work(tx, *args, **kwargs)

    return unit


def write_transaction(
    session: Session,
    work: Callable[Concatenate[ManagedTransaction, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Returns what ``work`` returns, run in one gated write transaction; while a backup or a
    migration holds the gate it waits (up to `WRITE_WAIT_S`, or what `set_write_wait` set),
    then gives up with one line."""
    deadline = time.monotonic() + _write_wait_s
    while True:
        try:
            return session.execute_write(gated(work), *args, **kwargs)
        except GateClosed as closed:
            # Waiting happens outside any transaction: one begun before the gate closed would
            # keep its holder waiting for it in turn.
            if closed.final or time.monotonic() >= deadline:
                raise
            time.sleep(_WAIT_STEP_S)


def _records(tx: ManagedTransaction, query: str, params: Mapping[str, Any]) -> list[Record]:
    return list(tx.run(query, dict(params)))


def write_query(db: GraphDB, query: str, params: Mapping[str, Any] | None = None) -> list[Record]:
    """Returns the records of one write query run through `write_transaction` (the gated
    counterpart of `GraphDB.write`)."""
    with db.session() as session:
        return write_transaction(session, _records, query, params or {})


def set_write_wait(seconds: float) -> None:
    """Sets how long `write_transaction` waits for a closed gate in this process (returns
    nothing). For a process nobody waits on the answer of (an analysis job), whose work is
    worth more than the wait: giving up after `WRITE_WAIT_S` would throw a long computation
    away because a large backup took longer."""
    global _write_wait_s
    _write_wait_s = seconds


def ensure_meta_schema(db: GraphDB) -> None:
    """Creates the constraints of the version record, gate and migration nodes (idempotent;
    returns nothing)."""
    with db.session() as session:
        for statement in META_SCHEMA:
            session.run(statement).consume()


def stamp_version(db: GraphDB) -> int:
    """Returns the graph's recorded model version after recording this code's on a graph that
    has none (a graph with a record keeps it)."""
    record = db.write(STAMP, version=MODEL_VERSION)[0]
    return int(record["version"])
