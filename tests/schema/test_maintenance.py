"""The maintenance gate on the real Neo4j: a holder waits for the writes begun before it and
holds back those begun after; it does not start while earlier writes run on; a dead holder's
gate runs out (a restore's does not); two holders never hold at once."""

from __future__ import annotations

import socket
import subprocess
import threading
import time

import pytest
from neo4j import ManagedTransaction
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.errors import UnavailableError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.maintenance import hold_writers
from stakegraph.schema.version import GateClosed, gated, graph_state, write_transaction

from stakegraph.settings import Settings

EXISTS = "MATCH (p:Project {id: $id}) RETURN count(p) AS n"
GATE = ("CREATE (:StakegraphMeta {id: 'maintenance', what: $what, by: 'someone', host: $host, "
        "pid: $pid, token: 'old', since: datetime(), beat: datetime(), file_name: 'b.zip', "
        "until: CASE WHEN $lease IS NULL THEN null "
        "ELSE datetime() + duration({seconds: $lease}) END})")


def _create(tx: ManagedTransaction, ident: str, pause: float = 0.0,
            began: threading.Event | None = None) -> None:
    tx.run("CREATE (:Project {id: $id, name: $id})", id=ident).consume()
    if began is not None:
        began.set()
    time.sleep(pause)


def _write(db: GraphDB, ident: str, pause: float = 0.0,
           began: threading.Event | None = None) -> None:
    with db.session() as session:
        write_transaction(session, _create, ident, pause, began)


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_holder_waits_for_earlier_writes_and_holds_later_ones_back(empty_db: GraphDB) -> None:
    apply_schema(empty_db, actor="pytest")
    began = threading.Event()
    early = threading.Thread(target=_write, args=(empty_db, "early", 1.5, began))
    early.start()
    assert began.wait(10)
    start = time.monotonic()
    with hold_writers(empty_db, "backup", "pytest", drain_s=30):
        waited = time.monotonic() - start
        # The early write was let finish before the hold began, and is in the graph.
        assert waited >= 1.0
        assert empty_db.read(EXISTS, id="early")[0]["n"] == 1
        late_done = threading.Event()
        late = threading.Thread(target=lambda: (_write(empty_db, "late"), late_done.set()))
        late.start()
        assert not late_done.wait(1.5)
        assert empty_db.read(EXISTS, id="late")[0]["n"] == 0
        assert graph_state(empty_db).closed
    late.join(timeout=20)
    assert late_done.is_set()
    assert empty_db.read(EXISTS, id="late")[0]["n"] == 1
    assert not graph_state(empty_db).closed
    early.join(timeout=5)


def test_a_holder_does_not_start_while_earlier_writes_run_on(empty_db: GraphDB) -> None:
    apply_schema(empty_db, actor="pytest")
    began = threading.Event()
    slow = threading.Thread(target=_write, args=(empty_db, "slow", 4.0, began))
    slow.start()
    assert began.wait(10)
    with (pytest.raises(UnavailableError, match="still running after 1 s"),
          hold_writers(empty_db, "migration", "pytest", drain_s=1.0)):
        raise AssertionError("the hold began while an earlier write ran")
    assert not graph_state(empty_db).closed  # opened again
    slow.join(timeout=20)
    assert empty_db.read(EXISTS, id="slow")[0]["n"] == 1


def test_a_dead_holders_gate_runs_out_or_is_taken_over(empty_db: GraphDB) -> None:
    apply_schema(empty_db, actor="pytest")
    empty_db.write(GATE, what="backup", host="elsewhere", pid=1, lease=-1)
    assert not graph_state(empty_db).closed  # its lease ran out: writers go on
    _write(empty_db, "after-lease")
    empty_db.write("MATCH (g:StakegraphMeta {id: 'maintenance'}) DELETE g")

    empty_db.write(GATE, what="backup", host=socket.gethostname(), pid=_dead_pid(), lease=600)
    with empty_db.session() as session, pytest.raises(GateClosed, match="being backed up"):
        session.execute_write(gated(_create), "refused")
    # Its process is gone on this host: the next holder takes the gate over.
    with hold_writers(empty_db, "backup", "pytest") as hold:
        assert hold.previous is not None and hold.previous.token == "old"
    assert graph_state(empty_db).gate is None
    assert empty_db.read(EXISTS, id="refused")[0]["n"] == 0


def test_an_unfinished_restore_keeps_everyone_but_a_restore_out(empty_db: GraphDB) -> None:
    apply_schema(empty_db, actor="pytest")
    empty_db.write(GATE, what="restore", host=socket.gethostname(), pid=_dead_pid(), lease=None)
    start = time.monotonic()
    with pytest.raises(GateClosed, match=r"run `stakegraph restore b\.zip` again") as refused:
        _write(empty_db, "refused")
    assert refused.value.final and time.monotonic() - start < 5  # no waiting: it will not open
    for what in ("backup", "migration"):
        with pytest.raises(GateClosed), hold_writers(empty_db, what, "pytest"):
            raise AssertionError(f"a {what} began on half a restored graph")
    with hold_writers(empty_db, "restore", "pytest") as hold:
        assert hold.previous is not None and hold.previous.what == "restore"


def test_two_holders_never_hold_at_once(empty_db: GraphDB) -> None:
    apply_schema(empty_db, actor="pytest")
    with hold_writers(empty_db, "backup", "first"):
        with (pytest.raises(UnavailableError, match="being backed up by first"),
              hold_writers(empty_db, "migration", "second")):
            raise AssertionError("two holders at once")
        assert graph_state(empty_db).gate is not None
    assert graph_state(empty_db).gate is None


def test_a_backup_lets_a_jobs_heartbeat_through_and_holds_its_other_writes(
    empty_db: GraphDB,
) -> None:
    from stakegraph.queries.analytics import jobs

    apply_schema(empty_db, actor="pytest")
    job = jobs.submit(empty_db, jobs.JobSpec("degree", project="p-gate"), "pytest",
                      max_active=5)
    jobs.claim(empty_db, job.id, "gate-test-host", 4242)
    heartbeat = "MATCH (j:AnalysisJob {id: $id}) RETURN j.heartbeat_at AS at, j.phase AS phase"
    with hold_writers(empty_db, "backup", "pytest"):
        before = empty_db.read(heartbeat, id=job.id)[0]["at"]
        # The beat is written at once, so the job does not read as dead while the backup runs.
        assert jobs.beat(empty_db, job.id) is jobs.JobState.RUNNING
        assert empty_db.read(heartbeat, id=job.id)[0]["at"] > before
        reported = threading.Event()
        reporter = threading.Thread(target=lambda: (
            jobs.report(empty_db, job.id, "writing scores", 0.6), reported.set()))
        reporter.start()
        # Its progress report is a write like any other: it waits for the backup.
        assert not reported.wait(1.5)
        assert empty_db.read(heartbeat, id=job.id)[0]["phase"] == "computing"
    assert reported.wait(10)
    reporter.join()
    assert empty_db.read(heartbeat, id=job.id)[0]["phase"] == "writing scores"
    # A restore in progress refuses the beat at once: the graph is being replaced under the job.
    empty_db.write(GATE, what="restore", host=socket.gethostname(), pid=_dead_pid(), lease=None)
    with pytest.raises(GateClosed, match="restore"):
        jobs.beat(empty_db, job.id)


def test_the_apis_housekeeping_skips_its_turn_while_writers_are_held(
    empty_db: GraphDB, private_neo4j: Settings,
) -> None:
    import asyncio

    from stakegraph.api.gateway import write_unless_held
    from stakegraph.schema import change_feed

    from stakegraph.db import open_async_driver

    apply_schema(empty_db, actor="pytest")
    empty_db.write("CREATE (:Change {id: '1', seq: 1, at: '2000-01-01T00:00:00Z'})")
    count = "MATCH (c:Change) RETURN count(c) AS n"

    async def prune() -> list[dict[str, object]] | None:
        driver = open_async_driver(private_neo4j)
        try:
            return await write_unless_held(driver, private_neo4j.neo4j_database,
                                           change_feed.PRUNE,
                                           {"before": "2001-01-01T00:00:00Z", "limit": 10})
        finally:
            await driver.close()

    with hold_writers(empty_db, "backup", "pytest"):
        assert asyncio.run(prune()) is None
        assert empty_db.read(count)[0]["n"] == 1
    assert asyncio.run(prune()) == [{"pruned": 1}]
    assert empty_db.read(count)[0]["n"] == 0
