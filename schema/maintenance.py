"""Holding writers back while a backup, a restore or a migration needs the graph to stand still.

`hold_writers` closes the gate (`stakegraph.schema.version`): it creates the one
``(:StakegraphMeta {id: 'maintenance'})`` node (a uniqueness constraint makes a second holder
fail instead of both succeeding), then waits for the writes that began before the gate closed:
every transaction tagged ``{stakegraph: 'write'}`` or already holding locks (a write from Neo4j
Browser, or from an older stakegraph, that has begun writing). Writes that begin later see the
gate in their own transaction and wait or stop. When those earlier writes do not finish in time
the gate opens again and the maintenance does not start.

The holder keeps the gate alive with a heartbeat. A backup's or a migration's gate has a lease:
if the process dies, writers go on after ``lease_s`` seconds. A restore's gate has none: a half
restored graph stays closed until a restore finishes it. A gate whose holder has stopped beating
(or, on the same host, whose process is gone) may be taken over by the next holder.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError
from stakegraph.schema.errors import UnavailableError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label
from stakegraph.schema.version import (
    GATE_NODE,
    STALE_S,
    Gate,
    GateClosed,
    GraphState,
    ensure_meta_schema,
    graph_state,
)

LEASE_S = 30.0
DRAIN_S = 30.0
_BEAT_EVERY_S = 5.0

_CREATE_GATE = f"""
OPTIONAL MATCH (old:{Label.META} {{id: '{GATE_NODE}'}})
WITH old WHERE old IS NULL OR old.token = $previous
FOREACH (gone IN CASE WHEN old IS NULL THEN [] ELSE [old] END | DETACH DELETE gone)
CREATE (g:{Label.META} {{id: '{GATE_NODE}'}})
SET g += $props, g.token = $token, g.since = datetime(), g.beat = datetime(),
    g.until = CASE WHEN $lease_s IS NULL THEN null
                   ELSE datetime() + duration({{seconds: $lease_s}}) END
RETURN datetime() AS now
"""

_BEAT = f"""
MATCH (g:{Label.META} {{id: '{GATE_NODE}', token: $token}})
SET g.beat = datetime(),
    g.until = CASE WHEN g.until IS NULL THEN null
                   ELSE datetime() + duration({{seconds: $lease_s}}) END
RETURN count(g) AS held
"""

_RELEASE = f"MATCH (g:{Label.META} {{id: '{GATE_NODE}', token: $token}}) DELETE g"

# Writes that began before the gate closed (the server's clock on both sides) and may still
# write: stakegraph's own (tagged) and any other transaction already holding locks.
_EARLIER_WRITES = """
SHOW TRANSACTIONS YIELD database, transactionId, metaData, startTime, activeLockCount,
     currentQuery
WHERE database = $database AND datetime(startTime) <= $closed_at
  AND (metaData.stakegraph = 'write' OR activeLockCount > 0)
RETURN count(*) AS running, collect(left(currentQuery, 60))[0] AS example
"""

@dataclass
class Hold:
    """A closed gate held by this process: its token, the previous holder's gate if this hold
    took it over, and whether the heartbeat lost it. ``keep_closed_on_failure``: set once the
    holder has begun to change the graph when a failure must leave writers out (a restore)."""

    db: GraphDB
    token: str
    what: str
    previous: Gate | None
    lost: str | None = None
    keep_closed_on_failure: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _beats: threading.Thread | None = None

    def check(self) -> None:
        """Raises when the hold was lost (the heartbeat found another holder or failed), so
        no result made without it passes as made under it (returns nothing)."""
        if self.lost is not None:
            raise UnavailableError(f"the {self.what} lost its hold on the graph ({self.lost}); "
                                   "run it again")

    def _beat(self, lease_s: float | None) -> None:
        while not self._stop.wait(_BEAT_EVERY_S):
            try:
                # One try, no retries: a beat that cannot get through is a lost hold.
                with self.db.session() as session:
                    record = session.run(_BEAT, token=self.token, lease_s=lease_s).single()
            except Exception as exc:  # the main work meets the same failure and reports it
                self.lost = f"heartbeat failed: {type(exc).__name__}"
                return
            if not record or not record["held"]:
                self.lost = "another process took the gate over"
                return

    def stop_beating(self) -> None:
        """Stops the heartbeat (returns nothing); the gate stays as it is."""
        self._stop.set()
        if self._beats is not None:
            self._beats.join(timeout=10)

    def release(self) -> None:
        """Opens the gate again, if it is still this hold's (returns nothing)."""
        self.stop_beating()
        self.db.write(_RELEASE, token=self.token)


def _alive_here(gate: Gate) -> bool:
    """Returns False only when the gate's holder ran on this host and its process is gone."""
    if gate.host != socket.gethostname() or not gate.pid:
        return True
    try:
        os.kill(int(gate.pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def may_take_over(state: GraphState) -> bool:
    """Returns True when the gate is free: none, its lease ran out, its holder stopped beating,
    or its holder's process on this host is gone."""
    gate = state.gate
    if gate is None or not state.closed:
        return True
    return state.stale or not _alive_here(gate)


def busy_message(gate: Gate) -> str:
    """Returns the one line saying who holds the gate, for a second would-be holder."""
    where = f" on {gate.host} (pid {gate.pid})" if gate.host else ""
    since = f" since {gate.since[:19].replace('T', ' ')} UTC" if gate.since else ""
    who = f" by {gate.by}" if gate.by else ""
    return (f"the graph is being {gate.doing()}{who}{where}{since}: wait for that to finish, "
            "then run this again")


def _close(db: GraphDB, what: str, actor: str, props: Mapping[str, Any],
           lease_s: float | None) -> tuple[str, Gate | None, Any]:
    ensure_meta_schema(db)
    state = graph_state(db)
    if state.gate is not None and state.gate.what == "restore" and what != "restore":
        # Half a graph: nothing but a restore may go on from here.
        raise GateClosed(state.gate)
    if not may_take_over(state):
        assert state.gate is not None
        raise UnavailableError(busy_message(state.gate))
    previous = state.gate
    token = uuid.uuid4().hex
    values = {"what": what, "by": actor, "host": socket.gethostname(), "pid": os.getpid(),
              **props}

    def create(tx: ManagedTransaction) -> Any:
        record = tx.run(_CREATE_GATE, previous=previous.token if previous else None,
                        props=values, token=token, lease_s=lease_s).single()
        return None if record is None else record["now"]

    try:
        with db.session() as session:
            closed_at = session.execute_write(create)
    except ConstraintError:
        closed_at = None
    if closed_at is None:  # someone else closed it between our look and our write
        now = graph_state(db)
        raise UnavailableError(busy_message(now.gate) if now.gate else
                               f"another process started maintenance at the same moment as "
                               f"this {what}: run it again")
    # The gate is committed; a write that starts from now on sees it. Take the time again
    # after the commit, so a write that started in between counts as an earlier one.
    closed_at = db.write("RETURN datetime() AS now")[0]["now"]
    return token, previous, closed_at


def _drain(db: GraphDB, closed_at: Any, drain_s: float, what: str) -> None:
    deadline = time.monotonic() + drain_s
    while True:
        # Asked of the server that takes writes (in a cluster, the leader), where they run.
        record = db.write(_EARLIER_WRITES, database=db.database, closed_at=closed_at)[0]
        if not record["running"]:
            return
        if time.monotonic() >= deadline:
            raise UnavailableError(
                f"{record['running']} write(s) that began before the {what} are still running "
                f"after {drain_s:.0f} s (e.g. {record['example']!r}): the {what} did not "
                "start; run it again when they have finished")
        time.sleep(0.1)


def close_gate(
    db: GraphDB,
    what: str,
    actor: str,
    *,
    props: Mapping[str, Any] | None = None,
    lease_s: float | None = LEASE_S,
    drain_s: float = DRAIN_S,
) -> Hold:
    """Returns the `Hold` of a gate closed once every write that began before it has ended
    (see `hold_writers`, which also opens it again); raises `UnavailableError` when another
    holder has it or earlier writes do not end within ``drain_s`` (the gate is open again)."""
    token, previous, closed_at = _close(db, what, actor, props or {}, lease_s)
    hold = Hold(db, token, what, previous)
    hold._beats = threading.Thread(target=hold._beat, args=(lease_s,), daemon=True,
                                   name=f"stakegraph-{what}-heartbeat")
    hold._beats.start()
    try:
        _drain(db, closed_at, drain_s, what)
    except BaseException:
        hold.release()
        raise
    return hold


@contextmanager
def hold_writers(
    db: GraphDB,
    what: str,
    actor: str,
    *,
    props: Mapping[str, Any] | None = None,
    lease_s: float | None = LEASE_S,
    drain_s: float = DRAIN_S,
) -> Iterator[Hold]:
    """Yields a `Hold` once the gate is closed and every write that began before has ended.

    ``props`` are kept on the gate node (a restore's file and progress); ``lease_s`` None makes
    a gate that never runs out (a restore's). The gate opens again when the block ends, unless
    it fails after the holder set ``keep_closed_on_failure``. Raises `UnavailableError` when
    another holder has the gate or earlier writes do not end within ``drain_s``.
    """
    hold = close_gate(db, what, actor, props=props, lease_s=lease_s, drain_s=drain_s)
    succeeded = False
    try:
        yield hold
        succeeded = True
    finally:
        hold.stop_beating()
        if succeeded:
            hold.release()
        elif not hold.keep_closed_on_failure:
            # Best effort on the way out of a failure: a gate left behind has a lease (or is a
            # restore's, which the next restore takes over).
            with contextlib.suppress(Exception):
                hold.release()


def held_by(tx: ManagedTransaction, token: str) -> bool:
    """Returns True when the gate is still held with ``token`` (checked inside a holder's own
    write transaction, so nothing is written after a takeover)."""
    record = tx.run(f"MATCH (g:{Label.META} {{id: '{GATE_NODE}', token: $token}}) "
                    "RETURN count(g) AS held", token=token).single()
    return bool(record and record["held"])


# A stale heartbeat (`STALE_S`) lets a later holder take over; the gate's holders beat far more
# often than that.
assert _BEAT_EVERY_S * 3 <= STALE_S
