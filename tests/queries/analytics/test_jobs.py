"""Analysis jobs in the graph: one per scope, a cap on those in flight, claim, progress, the run
they write (the same scores as `analyse`), and the sweep that fails jobs no process runs."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
from stakegraph.queries.analytics import Request, Scope, analyse, jobs
from stakegraph.schema.errors import ConflictError, UnavailableError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

# A hub everybody influences, a chain and a pair: PageRank puts the hub first.
NETWORK = """
CREATE (p:Project {id: $p + 'project', name: 'Jobs'})
WITH p
UNWIND ['hub', 'a', 'b', 'c', 'd', 'e'] AS name
CREATE (s:Stakeholder:Organisation {id: $p + name, name: name, kind: 'organisation'})
CREATE (s)-[:ASSESSED {id: $p + name + '-as', date: date('2026-01-01')}]->(p)
WITH collect(s) AS people
UNWIND [['a', 'hub'], ['b', 'hub'], ['c', 'hub'], ['d', 'hub'], ['e', 'hub'], ['a', 'b'],
        ['b', 'c'], ['hub', 'e']] AS pair
MATCH (s:Stakeholder {id: $p + pair[0]}), (t:Stakeholder {id: $p + pair[1]})
CREATE (s)-[:INFLUENCES {weight: 1.0}]->(t)
"""


@pytest.fixture
def project(db: GraphDB, scratch: str) -> str:
    """The project id of a small scratch network."""
    db.write(NETWORK, p=scratch)
    return scratch + "project"


def _backdate(db: GraphDB, job_id: str, field: str, seconds: int) -> None:
    then = (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat()
    db.write(f"MATCH (j:{Label.ANALYSIS_JOB} {{id: $id}}) SET j[$field] = $then",
             id=job_id, field=field, then=then)


def test_one_job_per_scope_and_a_cap_on_those_in_flight(db: GraphDB, scratch: str) -> None:
    first = jobs.submit(db, jobs.JobSpec("pagerank", project=scratch + "x"), "tester",
                        max_active=50)
    assert first.state is jobs.JobState.QUEUED and first.scope == scratch + "x"
    assert jobs.spec_from_params(first.params) == jobs.JobSpec("pagerank", project=scratch + "x")
    with pytest.raises(ConflictError, match=first.id):
        jobs.submit(db, jobs.JobSpec("degree", project=scratch + "x"), "tester", max_active=50)
    in_flight = len(jobs.list_jobs(db, limit=500, state=jobs.JobState.QUEUED)) + len(
        jobs.list_jobs(db, limit=500, state=jobs.JobState.RUNNING))
    with pytest.raises(UnavailableError, match=f"{in_flight} analyses are in flight"):
        jobs.submit(db, jobs.JobSpec("degree", project=scratch + "y"), "tester",
                    max_active=in_flight)
    # Once it has ended, the scope takes a new job.
    assert jobs.fail(db, first.id, "given up") is not None
    assert jobs.fail(db, first.id, "again") is None
    second = jobs.submit(db, jobs.JobSpec("degree", project=scratch + "x"), None, max_active=50)
    assert second.id != first.id
    assert [j.id for j in jobs.list_jobs(db, scope=scratch + "x")] == [second.id, first.id]


def test_a_job_runs_to_a_stored_run_with_the_scores_of_analyse(db: GraphDB, project: str
                                                               ) -> None:
    spec = jobs.JobSpec("pagerank", project=project, engine="igraph")
    job = jobs.submit(db, spec, "tester", max_active=50)
    running = jobs.claim(db, job.id, socket.gethostname(), os.getpid())
    assert running.state is jobs.JobState.RUNNING and running.pid == os.getpid()
    with pytest.raises(ConflictError, match="running, not queued"):
        jobs.claim(db, job.id, "elsewhere", 1)

    seen: list[tuple[str, float]] = []

    def on_phase(phase: str, progress: float) -> jobs.JobState:
        seen.append((phase, progress))
        return jobs.report(db, job.id, phase, progress)

    run_id = jobs.run_job(db, running, on_phase)
    assert [p for p, _ in seen][:2] == ["computing", "writing scores"]
    assert [f for _, f in seen] == sorted(f for _, f in seen) and seen[-1][1] == 1.0
    done = jobs.succeed(db, job.id, run_id)
    assert done is not None and done.state is jobs.JobState.SUCCEEDED
    assert done.run_id == run_id and done.progress == 1.0 and done.finished_at is not None
    assert not db.read(f"MATCH (j:{Label.ANALYSIS_JOB} {{id: $id}}) "
                       "WHERE j.active_scope IS NOT NULL RETURN j", id=job.id)

    expected = analyse(db, Request("pagerank", scope=Scope(project=project)))
    by_id = dict(zip(expected.network.ids, expected.scores["pagerank"], strict=True))
    stored = db.read("MATCH (:AnalyticsRun {id: $run, complete: true})-[sc:SCORED]->(s) "
                     "RETURN s.id AS id, sc.pagerank AS pagerank", run=run_id)
    assert {r["id"]: r["pagerank"] for r in stored} == pytest.approx(by_id, abs=1e-12)
    assert max(by_id, key=lambda k: by_id[k]) == project.removesuffix("project") + "hub"


def test_a_job_failed_meanwhile_stops_its_work(db: GraphDB, project: str) -> None:
    job = jobs.submit(db, jobs.JobSpec("degree", project=project), None, max_active=50)
    running = jobs.claim(db, job.id, socket.gethostname(), os.getpid())
    jobs.fail(db, job.id, "interrupted")
    with pytest.raises(jobs.Stopped):
        jobs.run_job(db, running, lambda phase, progress: jobs.report(db, job.id, phase,
                                                                       progress))
    assert not db.read("MATCH (r:AnalyticsRun) WHERE r.id STARTS WITH $scope + '/' RETURN r",
                       scope=project)
    assert jobs.get_job(db, job.id).error == "interrupted"


def test_the_sweep_fails_jobs_no_process_runs(db: GraphDB, scratch: str) -> None:
    def started(name: str) -> jobs.Job:
        job = jobs.submit(db, jobs.JobSpec("degree", project=scratch + name), None,
                          max_active=50)
        return jobs.claim(db, job.id, "host-" + name, 4242)

    silent, dead, alive = started("silent"), started("dead"), started("alive")
    untaken = jobs.submit(db, jobs.JobSpec("degree", project=scratch + "untaken"), None,
                          max_active=50)
    waiting = jobs.submit(db, jobs.JobSpec("degree", project=scratch + "waiting"), None,
                          max_active=50)
    _backdate(db, silent.id, "heartbeat_at", jobs.STALE_S + 5)
    _backdate(db, untaken.id, "requested_at", jobs.QUEUE_S + 5)
    # As a reader sees them before any sweep.
    now = datetime.now(UTC)
    assert jobs.as_seen(jobs.get_job(db, silent.id), now).error == jobs.SILENT
    assert jobs.as_seen(jobs.get_job(db, untaken.id), now).error == jobs.UNTAKEN
    assert jobs.as_seen(jobs.get_job(db, alive.id), now).state is jobs.JobState.RUNNING

    swept = set(jobs.sweep(db, dead=[dead.id]))
    assert {silent.id, dead.id, untaken.id} <= swept
    assert not {alive.id, waiting.id} & swept
    assert jobs.get_job(db, silent.id).error == jobs.SILENT
    assert jobs.get_job(db, untaken.id).error == jobs.UNTAKEN
    assert jobs.get_job(db, dead.id).error == (
        "interrupted: its process (pid 4242 on host-dead) stopped, as when the API restarts; "
        "start it again")
    assert jobs.get_job(db, alive.id).state is jobs.JobState.RUNNING
    assert jobs.beat(db, dead.id) is jobs.JobState.FAILED
    assert jobs.running_here(db, "host-alive") == [(alive.id, 4242)]
