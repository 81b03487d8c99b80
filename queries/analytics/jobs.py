"""Analysis jobs: a long analysis recorded in the graph while a process of its own runs it.

A job is one ``(:AnalysisJob)`` node. ``submit`` creates it *queued* with ``active_scope`` set
to its scope; the uniqueness constraint on ``active_scope`` lets one job per scope be queued or
running, whoever races. The process that runs it (``stakegraph.job_process``) ``claim``s it
(*running*, with its host and pid), beats every few seconds, reports its phase and progress,
and ends it *succeeded* (naming the ``AnalyticsRun`` it wrote) or *failed* (with why); both
remove ``active_scope``. A job is never left running by a process that is gone: ``sweep`` fails
the running jobs without a heartbeat for ``STALE_S`` seconds, the queued ones no process took
within ``QUEUE_S``, and those whose process on this host has stopped.

Progress counts computing as the first half of the work and writing the scores (by batches)
as the second: the engines report nothing while they compute.

Every write here passes the maintenance gate (`stakegraph.schema.version`) like any other
stakegraph write, except the heartbeat, which a backup lets through (`beat`): a backup holds
writers for as long as it reads, minutes on a large graph, and a job whose beats waited that
long would read as dead (`STALE_S`) and be failed by the next sweep. A beat sets only its own
job's ``heartbeat_at``, which no consistency rule of a backup concerns, and the backup's
fingerprint is taken from what it read, so its file and manifest agree whichever value it saw.
A restore or a migration (which change the data) and a graph of another model version refuse
beats like any write: a job running on a graph being replaced or migrated under it should end.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from neo4j import ManagedTransaction, Record
from neo4j.exceptions import ConstraintError
from stakegraph.queries.analytics.engine import ENGINES
from stakegraph.queries.analytics.errors import AnalyticsError
from stakegraph.queries.analytics.metrics import RANK_KEY
from stakegraph.queries.analytics.projection import Scope
from stakegraph.queries.analytics.run import Request, analyse, write_result
from stakegraph.schema.errors import (
    ConflictError,
    NotFoundError,
    StakegraphError,
    UnavailableError,
)
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, Label, Rel
from stakegraph.schema.version import (
    GateClosed,
    GraphState,
    state_in,
    version_refusal,
    write_query,
)

# A running job whose process has not beaten for this long is failed by the next sweep (the
# process beats every BEAT_S).
BEAT_S = 2.0
STALE_S = 30
# A queued job no process has claimed in this long never will be (its process did not start).
QUEUE_S = 60
# Metrics a job can run: those that score every stakeholder and rank by one column, so the
# result is a stored run read best first.
JOB_METRICS = tuple(RANK_KEY)
GRAPH_SCOPE = "graph"
# The engines a job can name (none: the analytics' default, auto).
JOB_ENGINES = ENGINES


class JobState(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ACTIVE = (JobState.QUEUED.value, JobState.RUNNING.value)


@dataclass(frozen=True)
class JobSpec:
    """What a job computes: a per-stakeholder metric on a project's network (or the graph's)."""

    metric: str
    project: str | None = None
    tie_types: tuple[Rel, ...] = ()
    weighted: bool = True
    engine: str | None = None
    samples: int | None = None
    seed: int = 0
    algorithm: str | None = None

    @property
    def scope(self) -> str:
        """Returns the scope key: the project's id, or 'graph' for every stakeholder."""
        return self.project if self.project is not None else GRAPH_SCOPE

    def as_params(self) -> dict[str, Any]:
        """Returns the spec as JSON-ready values (what ``params_json`` holds)."""
        return {
            "metric": self.metric,
            "project": self.project,
            "tie_types": [t.value for t in self.tie_types],
            "weighted": self.weighted,
            "engine": self.engine,
            "samples": self.samples,
            "seed": self.seed,
            "algorithm": self.algorithm,
        }

    def request(self) -> Request:
        """Returns the analytics request that computes it."""
        options: dict[str, Any] = {}
        if self.engine is not None:
            options["engine"] = self.engine
        if self.algorithm is not None:
            options["algorithm"] = self.algorithm
        return Request(
            metric=self.metric,
            scope=Scope(project=self.project),
            tie_types=self.tie_types,
            weighted=self.weighted,
            samples=self.samples,
            seed=self.seed,
            **options,
        )


def spec_from_params(params: dict[str, Any]) -> JobSpec:
    """Returns the spec a job's ``params_json`` describes."""
    by_name = {t.value: t for t in TIE_TYPES}
    return JobSpec(
        metric=str(params["metric"]),
        project=params.get("project"),
        tie_types=tuple(by_name[t] for t in params.get("tie_types") or ()),
        weighted=bool(params.get("weighted", True)),
        engine=params.get("engine"),
        samples=params.get("samples"),
        seed=int(params.get("seed") or 0),
        algorithm=params.get("algorithm"),
    )


@dataclass(frozen=True)
class Job:
    """One job as the graph holds it."""

    id: str
    scope: str
    metric: str
    state: JobState
    requested_at: str
    params: dict[str, Any] = field(default_factory=dict)
    phase: str | None = None
    progress: float = 0.0
    requested_by: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    heartbeat_at: str | None = None
    host: str | None = None
    pid: int | None = None
    run_id: str | None = None
    error: str | None = None

    @property
    def active(self) -> bool:
        """Returns whether it is queued or running."""
        return self.state.value in ACTIVE


def job_from_record(record: Record | dict[str, Any]) -> Job:
    """Returns the job of a ``j {.*}`` map."""
    j = dict(record["job"])
    return Job(
        id=j["id"],
        scope=j["scope"],
        metric=j["metric"],
        state=JobState(j["state"]),
        requested_at=j["requested_at"],
        params=json.loads(j.get("params_json") or "{}"),
        phase=j.get("phase"),
        progress=float(j.get("progress") or 0.0),
        requested_by=j.get("requested_by"),
        started_at=j.get("started_at"),
        finished_at=j.get("finished_at"),
        heartbeat_at=j.get("heartbeat_at"),
        host=j.get("host"),
        pid=j.get("pid"),
        run_id=j.get("run_id"),
        error=j.get("error"),
    )


def now_iso() -> str:
    """Returns the current UTC time as ISO 8601 with microseconds (how jobs store times)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _records(tx: ManagedTransaction, statement: str, params: dict[str, Any]) -> list[Record]:
    return list(tx.run(statement, params))


def _write(db: GraphDB, statement: str, **params: Any) -> list[Record]:
    """Returns the records of ``statement`` run in one gated write transaction."""
    return write_query(db, statement, params)


def beat_refusal(state: GraphState) -> StakegraphError | None:
    """Returns why a heartbeat must not be written to a graph in ``state``: as for any write,
    except that a backup lets it through (see the module's docstring); None when it may."""
    refusal = version_refusal(state.model_version)
    if refusal is None and state.closed and state.gate is not None \
            and state.gate.what != "backup":
        return GateClosed(state.gate)
    return refusal


# Not tagged as a stakegraph write: a backup lets beats through, so it has no reason to wait
# for one that began before its gate closed.
def _beat_tx(tx: ManagedTransaction, params: dict[str, Any]) -> list[Record]:
    refusal = beat_refusal(state_in(tx))
    if refusal is not None:
        raise refusal
    return _records(tx, BEAT, params)


# ---- statements (each one transaction) --------------------------------------------------------

# Counts the jobs in flight, then creates the new one; the constraint on active_scope refuses
# a second job of the same scope.
SUBMIT = f"""
OPTIONAL MATCH (busy:{Label.ANALYSIS_JOB}) WHERE busy.active_scope IS NOT NULL
WITH count(busy) AS busy
WHERE busy < $max_active
CREATE (j:{Label.ANALYSIS_JOB})
SET j = $job, j.active_scope = $job.scope
RETURN j {{.*}} AS job
"""

ACTIVE_IN_SCOPE = f"""
MATCH (j:{Label.ANALYSIS_JOB} {{active_scope: $scope}}) RETURN j {{.*}} AS job
"""

GET = f"MATCH (j:{Label.ANALYSIS_JOB} {{id: $id}}) RETURN j {{.*}} AS job"

LIST = f"""
MATCH (j:{Label.ANALYSIS_JOB})
WHERE ($scope IS NULL OR j.scope = $scope) AND ($state IS NULL OR j.state = $state)
RETURN j {{.*}} AS job ORDER BY j.requested_at DESC, j.id LIMIT $limit
"""

CLAIM = f"""
MATCH (j:{Label.ANALYSIS_JOB} {{id: $id, state: 'queued'}})
SET j.state = 'running', j.started_at = $now, j.heartbeat_at = $now, j.host = $host,
    j.pid = $pid, j.phase = 'computing', j.progress = 0.0
RETURN j {{.*}} AS job
"""

# A beat or a progress report of a job that is no longer running changes nothing; the caller
# learns from the answer that it should stop.
BEAT = f"""
MATCH (j:{Label.ANALYSIS_JOB} {{id: $id}})
FOREACH (_ IN CASE WHEN j.state = 'running' THEN [1] ELSE [] END |
  SET j.heartbeat_at = $now)
RETURN j.state AS state
"""

PROGRESS = f"""
MATCH (j:{Label.ANALYSIS_JOB} {{id: $id}})
FOREACH (_ IN CASE WHEN j.state = 'running' THEN [1] ELSE [] END |
  SET j.phase = $phase, j.progress = $progress, j.heartbeat_at = $now)
RETURN j.state AS state
"""

SUCCEED = f"""
MATCH (j:{Label.ANALYSIS_JOB} {{id: $id, state: 'running'}})
SET j.state = 'succeeded', j.phase = 'done', j.progress = 1.0, j.finished_at = $now,
    j.run_id = $run_id
REMOVE j.active_scope
RETURN j {{.*}} AS job
"""

FAIL = f"""
MATCH (j:{Label.ANALYSIS_JOB} {{id: $id}}) WHERE j.state IN ['queued', 'running']
SET j.state = 'failed', j.finished_at = $now, j.error = $error
REMOVE j.active_scope
RETURN j {{.*}} AS job
"""

# Fails every job in flight that no live process runs: named dead (their process on this host
# is gone), silent too long, or never claimed.
SWEEP = f"""
MATCH (j:{Label.ANALYSIS_JOB}) WHERE j.state IN ['queued', 'running']
WITH j,
  CASE
    WHEN j.id IN $dead THEN
      'interrupted: its process (pid ' + toString(j.pid) + ' on ' + j.host + ') stopped, '
      + 'as when the API restarts; start it again'
    WHEN j.state = 'running'
         AND datetime(j.heartbeat_at) < datetime($now) - duration({{seconds: $stale_s}}) THEN
      $silent
    WHEN j.state = 'queued'
         AND datetime(j.requested_at) < datetime($now) - duration({{seconds: $queue_s}}) THEN
      $untaken
  END AS why
WHERE why IS NOT NULL
SET j.state = 'failed', j.finished_at = $now, j.error = why
REMOVE j.active_scope
RETURN j.id AS id
"""

RUNNING_ON_HOST = f"""
MATCH (j:{Label.ANALYSIS_JOB} {{state: 'running', host: $host}})
RETURN j.id AS id, j.pid AS pid
"""


# ---- the life of a job ------------------------------------------------------------------------


def new_job(spec: JobSpec, requested_by: str | None) -> dict[str, Any]:
    """Returns the properties of a new queued job for ``spec`` (what SUBMIT creates)."""
    if spec.metric not in JOB_METRICS:
        raise AnalyticsError(
            f"a job runs one of {', '.join(JOB_METRICS)}; got {spec.metric!r}")
    return {
        "id": f"job-{secrets.token_hex(8)}",
        "scope": spec.scope,
        "metric": spec.metric,
        "params_json": json.dumps(spec.as_params(), sort_keys=True),
        "state": JobState.QUEUED.value,
        "phase": "waiting for its process",
        "progress": 0.0,
        "requested_by": requested_by,
        "requested_at": now_iso(),
    }


def in_flight(scope: str, other: Job | None) -> ConflictError:
    """Returns the refusal of a second job on ``scope`` while ``other`` is in flight."""
    name = other.id if other is not None else "another job"
    return ConflictError(
        f"an analysis of {scope!r} is already in flight ({name}); wait for it to end or read "
        "its result")


def too_many(max_active: int) -> UnavailableError:
    """Returns the refusal of a job while ``max_active`` are in flight."""
    return UnavailableError(
        f"{max_active} analyses are in flight, the most this server runs at once; start this "
        "one when one of them ends")


SILENT = f"interrupted: no sign of life from its process for {STALE_S} s; start it again"
UNTAKEN = f"never started: no process took it within {QUEUE_S} s; start it again"


def sweep_params(dead: Iterable[str]) -> dict[str, Any]:
    """Returns the parameters of SWEEP failing the jobs in ``dead`` and any evidently gone."""
    return {"dead": list(dead), "now": now_iso(), "stale_s": STALE_S, "queue_s": QUEUE_S,
            "silent": SILENT, "untaken": UNTAKEN}


def as_seen(job: Job, now: datetime) -> Job:
    """Returns the job as a reader should see it at ``now``: a job in flight whose process is
    evidently gone reads as failed (with why) before any sweep has written it so."""
    if job.state is JobState.RUNNING and job.heartbeat_at is not None:
        silent = (now - datetime.fromisoformat(job.heartbeat_at)).total_seconds()
        if silent > STALE_S:
            return replace(job, state=JobState.FAILED, error=SILENT)
    if job.state is JobState.QUEUED:
        waiting = (now - datetime.fromisoformat(job.requested_at)).total_seconds()
        if waiting > QUEUE_S:
            return replace(job, state=JobState.FAILED, error=UNTAKEN)
    return job


def submit(
    db: GraphDB, spec: JobSpec, requested_by: str | None, *, max_active: int
) -> Job:
    """Returns the new queued job; ConflictError when a job of the same scope is in flight,
    UnavailableError when ``max_active`` jobs already are."""
    props = new_job(spec, requested_by)
    sweep(db, dead=())
    try:
        records = _write(db, SUBMIT, job=props, max_active=max_active)
    except ConstraintError:
        others = db.read(ACTIVE_IN_SCOPE, scope=spec.scope)
        raise in_flight(spec.scope, job_from_record(others[0]) if others else None) from None
    if not records:
        raise too_many(max_active)
    return job_from_record(records[0])


def get_job(db: GraphDB, job_id: str) -> Job:
    """Returns the job; NotFoundError when there is none with that id."""
    records = db.read(GET, id=job_id)
    if not records:
        raise NotFoundError(f"no analysis job {job_id!r}")
    return job_from_record(records[0])


def list_jobs(
    db: GraphDB, scope: str | None = None, state: JobState | None = None, limit: int = 20
) -> list[Job]:
    """Returns the jobs of a scope (or all), newest first, optionally in one state."""
    records = db.read(LIST, scope=scope, state=state.value if state else None, limit=limit)
    return [job_from_record(r) for r in records]


def claim(db: GraphDB, job_id: str, host: str, pid: int) -> Job:
    """Returns the job, now running in process ``pid`` on ``host``; ConflictError when it is
    not queued (taken already, or failed by a sweep)."""
    records = _write(db, CLAIM, id=job_id, now=now_iso(), host=host, pid=pid)
    if not records:
        state = get_job(db, job_id).state
        raise ConflictError(f"analysis job {job_id} is {state.value}, not queued")
    return job_from_record(records[0])


def beat(db: GraphDB, job_id: str) -> JobState:
    """Returns the job's state after recording a sign of life (only while it is running).
    Goes ahead while a backup holds writers back; raises at once, without waiting, while a
    restore or a migration does, or when the graph's model version is not this code's."""
    with db.session() as session:
        records = session.execute_write(_beat_tx, {"id": job_id, "now": now_iso()})
    return JobState(records[0]["state"]) if records else JobState.FAILED


def report(db: GraphDB, job_id: str, phase: str, progress: float) -> JobState:
    """Returns the job's state after recording its phase and progress (while running)."""
    records = _write(db, PROGRESS, id=job_id, phase=phase, progress=progress, now=now_iso())
    return JobState(records[0]["state"]) if records else JobState.FAILED


def succeed(db: GraphDB, job_id: str, run_id: str) -> Job | None:
    """Returns the job, now succeeded with its run; None when it was no longer running."""
    records = _write(db, SUCCEED, id=job_id, run_id=run_id, now=now_iso())
    return job_from_record(records[0]) if records else None


def fail(db: GraphDB, job_id: str, error: str) -> Job | None:
    """Returns the job, now failed with ``error``; None when it had ended already."""
    records = _write(db, FAIL, id=job_id, error=error, now=now_iso())
    return job_from_record(records[0]) if records else None


def sweep(db: GraphDB, dead: Iterable[str]) -> list[str]:
    """Returns the ids of the jobs it failed: those in ``dead`` and any in flight that no
    process runs any more (silent for STALE_S, or queued and untaken for QUEUE_S)."""
    records = _write(db, SWEEP, **sweep_params(dead))
    return [r["id"] for r in records]


def running_here(db: GraphDB, host: str) -> list[tuple[str, int | None]]:
    """Returns (job id, pid) of the jobs running on ``host``."""
    return [(r["id"], r["pid"]) for r in db.read(RUNNING_ON_HOST, host=host)]


class Stopped(Exception):
    """The job stopped being running while its process worked (a sweep failed it)."""


def run_job(db: GraphDB, job: Job, on_phase: Callable[[str, float], JobState]) -> str:
    """Returns the id of the AnalyticsRun the job's analysis wrote; ``on_phase`` records each
    phase and progress and answers the job's state (anything but running stops the work)."""
    spec = spec_from_params(job.params)

    def phase(name: str, progress: float) -> None:
        if on_phase(name, progress) is not JobState.RUNNING:
            raise Stopped(job.id)

    phase("computing", 0.0)
    req = spec.request()
    result = analyse(db, req)
    phase("writing scores", 0.5)

    def written(done: int, total: int) -> None:
        phase("writing scores", 0.5 + 0.5 * done / max(total, 1))

    run = write_result(db, req, result, on_batch=written)
    return run.id
