"""Analyses as jobs: ``startAnalysis`` answers a job id at once and a process of its own computes
(``stakegraph.job_process``); ``analysisJob(s)`` report state and progress; the result is an
``AnalyticsRun`` whose scores read like any other run's (``analyticsRun(s)``).

The job's records and their Cypher are ``stakegraph.queries.analytics.jobs``; the runs and their
scores are the library's ``analytics_runs`` and ``analytics_run_scores``. The synchronous
``influenceScores`` and ``keyPlayers`` stop at 5,000 stakeholders; a job has no such cap.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from neo4j import AsyncDriver, RoutingControl
from neo4j.exceptions import ConstraintError
from stakegraph.api.auth import Role
from stakegraph.api.context import Context, require
from stakegraph.api.enums import TieType
from stakegraph.api.errors import invalid, not_found
from stakegraph.api.gateway import Tx, write_unless_held
from stakegraph.api.validation import clean_id
from stakegraph.queries.analytics import jobs
from stakegraph.queries.analytics.metrics import RANK_KEY
from stakegraph.queries.library import bind, get_query
from stakegraph.schema.errors import ConflictError
from stakegraph.schema.graphdb import RecordData
from stakegraph.schema.model import TIE_TYPES, Label
from strawberry import Info
from strawberry.scalars import JSON

from stakegraph.job_process import command, runs_job
from stakegraph.settings import Settings

log = logging.getLogger("stakegraph.api.jobs")

RUNS = "analytics_runs"
RUN_SCORES = "analytics_run_scores"
MAX_LISTED = 100

AnalysisMetric: Any = strawberry.enum(
    Enum("AnalysisMetric", {m.upper(): m for m in jobs.JOB_METRICS}),  # type: ignore[call-overload]
    description="The metrics an analysis job computes: each scores every stakeholder.",
)
AnalysisEngine: Any = strawberry.enum(
    Enum("AnalysisEngine", {e.upper(): e for e in jobs.JOB_ENGINES}),  # type: ignore[call-overload]
    description="What computes it: igraph in the job's process, Graph Data Science in Neo4j, "
    "or auto: the one measured faster for the network's size.",
)
JobState: Any = strawberry.enum(
    Enum("JobState", {s.name: s.value for s in jobs.JobState}),  # type: ignore[call-overload]
    description="Where an analysis job is in its life.",
)


@strawberry.input(description="What an analysis job computes, and on which network.")
class AnalysisInput:
    metric: AnalysisMetric
    project: strawberry.ID | None = strawberry.field(
        default=None, description="The project whose stakeholders (assessed for it or taking "
        "part in its activities) make the network; null: every stakeholder of the graph.")
    tie_types: list[TieType] | None = strawberry.field(
        default=None, description="The ties to follow (default: all).")
    weighted: bool = strawberry.field(default=True, description="Use the ties' weights.")
    engine: AnalysisEngine | None = strawberry.field(
        default=None, description="Default: AUTO.")
    samples: int | None = strawberry.field(
        default=None, description="Betweenness: sample this many sources instead of all.")
    seed: int = strawberry.field(default=0, description="Seed of sampled and randomised "
                                 "methods (betweenness sampling, communities).")


@strawberry.type(description="One stakeholder's scores in a stored run, ranked.")
class RunScore:
    rank: int
    id: strawberry.ID
    name: str | None
    score: float | None = strawberry.field(description="The value of the column the run's "
                                           "metric ranks by (e.g. pagerank, community).")
    scores: JSON = strawberry.field(description="Every score column the run stored for the "
                                    "stakeholder.")


@strawberry.type(description="A stored run of a network metric: how, when and on what it was "
                 "computed, and the score it gave each stakeholder.")
class AnalyticsRun:
    id: strawberry.ID
    metric: str
    computed_at: datetime
    method: str
    params: JSON = strawberry.field(description="Scope, tie types, weighting, engine and the "
                                    "metric's parameters.")
    stakeholders: int | None = strawberry.field(description="Stakeholders in the network.")
    arcs: int | None = strawberry.field(description="Arcs in the network.")
    complete: bool = strawberry.field(description="False while (or if) its scores are only "
                                      "partly written.")

    @strawberry.field(description="Its scores, best first by the metric's own column (lowest "
                      "first for constraint and communities), `first` from `offset`.")
    async def scores(self, info: Info, first: int = 20, offset: int = 0) -> list[RunScore]:
        context = require(info, Role.READER)
        _check_first(first, context.settings.api_max_page_size)
        if offset < 0:
            raise invalid("offset", f"must be at least 0, got {offset}")
        key, ascending = RANK_KEY.get(self.metric, (self.metric, False))
        query = get_query(RUN_SCORES)
        rows = await context.gateway.read(query.text, bind(query, {
            "run": str(self.id), "key": key, "descending": not ascending, "skip": offset,
            "limit": first}), maps_only=True)
        return [RunScore(rank=offset + i + 1, id=strawberry.ID(r["id"]), name=r["name"],
                         score=r["score"], scores=r["scores"]) for i, r in enumerate(rows)]


def _check_first(first: int, most: int) -> None:
    if not 1 <= first <= most:
        raise invalid("first", f"must be between 1 and {most}, got {first}")


def _run(row: RecordData) -> AnalyticsRun:
    return AnalyticsRun(
        id=strawberry.ID(row["id"]), metric=row["metric"],
        computed_at=datetime.fromisoformat(row["computed_at"]), method=row["method"],
        params=json.loads(row["params"] or "{}"), stakeholders=row["stakeholders"],
        arcs=row["arcs"], complete=row["complete"])


async def _runs(context: Context, **raw: object) -> list[AnalyticsRun]:
    query = get_query(RUNS)
    rows = await context.gateway.read(query.text, bind(query, raw), maps_only=True)
    return [_run(r) for r in rows]


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@strawberry.type(description="An analysis started through the API, computed by a process of "
                 "its own; when it succeeds, `run` holds its scores.")
class AnalysisJob:
    id: strawberry.ID
    scope: str = strawberry.field(description="The project analysed; 'graph' for all of it.")
    metric: AnalysisMetric
    state: JobState
    phase: str | None = strawberry.field(description="What it is doing now.")
    progress: float = strawberry.field(description="From 0 to 1: computing counts as the first "
                                       "half, writing the scores (by batches) the second.")
    params: JSON = strawberry.field(description="What it was asked to compute.")
    requested_by: str | None
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None = strawberry.field(description="Its process's last sign of "
                                                     "life.")
    error: str | None = strawberry.field(description="Why it failed.")
    run_id: strawberry.ID | None = strawberry.field(description="The run it wrote.")

    @strawberry.field(description="The stored run it wrote (null until it succeeds).")
    async def run(self, info: Info) -> AnalyticsRun | None:
        if self.run_id is None:
            return None
        found = await _runs(require(info, Role.READER), id=str(self.run_id), limit=1)
        return found[0] if found else None


def _job(job: jobs.Job) -> AnalysisJob:
    seen = jobs.as_seen(job, datetime.now(UTC))
    return AnalysisJob(
        id=strawberry.ID(seen.id), scope=seen.scope, metric=AnalysisMetric(seen.metric),
        state=JobState(seen.state.value), phase=seen.phase, progress=seen.progress,
        params=JSON(seen.params), requested_by=seen.requested_by,
        requested_at=datetime.fromisoformat(seen.requested_at),
        started_at=_time(seen.started_at), finished_at=_time(seen.finished_at),
        heartbeat_at=_time(seen.heartbeat_at), error=seen.error,
        run_id=None if seen.run_id is None else strawberry.ID(seen.run_id))


def _spec(given: AnalysisInput) -> jobs.JobSpec:
    project = None if given.project is None else clean_id("project", given.project)
    if given.samples is not None and given.samples < 1:
        raise invalid("samples", f"must be at least 1, got {given.samples}")
    by_value = {t.value: t for t in TIE_TYPES}
    ties = tuple(dict.fromkeys(by_value[t.value] for t in given.tie_types or ()))
    return jobs.JobSpec(
        metric=given.metric.value, project=project, tie_types=ties, weighted=given.weighted,
        engine=None if given.engine is None else given.engine.value, samples=given.samples,
        seed=given.seed)


class JobLauncher:
    """Starts each job's process from this API worker, with the worker's settings, and reaps it
    when it ends; the process fails its job itself if this worker goes away first."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.env = {**os.environ, **settings.as_environment()}
        self.children: set[asyncio.Task[int]] = set()

    async def launch(self, job_id: str) -> None:
        """Starts the process of ``job_id`` (returns once it is started)."""
        process = await asyncio.create_subprocess_exec(
            *command(job_id), env=self.env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL)
        reaper = asyncio.create_task(process.wait())
        self.children.add(reaper)
        reaper.add_done_callback(self.children.discard)


async def _start(context: Context, spec: jobs.JobSpec) -> jobs.Job:
    props = jobs.new_job(spec, context.principal.subject)
    limit = context.settings.api_max_jobs

    async def work(tx: Tx) -> list[RecordData]:
        await tx.run(jobs.SWEEP, **jobs.sweep_params(()))
        try:
            return await tx.run(jobs.SUBMIT, job=props, max_active=limit)
        except ConstraintError:
            raise jobs.in_flight(spec.scope, None) from None

    try:
        rows = await context.gateway.write(work)
    except ConflictError:
        others = await context.gateway.read(jobs.ACTIVE_IN_SCOPE, {"scope": spec.scope})
        raise jobs.in_flight(spec.scope, jobs.job_from_record(others[0]) if others else None
                             ) from None
    if not rows:
        raise jobs.too_many(limit)
    return jobs.job_from_record(rows[0])


@strawberry.type
class AnalysisJobMutation:
    @strawberry.mutation(description="Starts an analysis of a project's network (or the whole "
                         "graph's) as a job and answers at once; poll `analysisJob(id)` for "
                         "its state and progress, then read its `run`. One job per scope at a "
                         "time (CONFLICT otherwise); no size cap (editor or admin).")
    async def start_analysis(self, info: Info, input: AnalysisInput) -> AnalysisJob:
        context = require(info, Role.EDITOR)
        spec = _spec(input)
        if spec.project is not None and (
                await context.loaders.node(Label.PROJECT).load(spec.project)) is None:
            raise not_found("project", spec.project)
        job = await _start(context, spec)
        try:
            await context.jobs.launch(job.id)
        except OSError as exc:
            log.error("cannot start the process of %s: %r", job.id, exc)
            reason = f"its process could not be started: {exc}"

            async def failed(tx: Tx) -> list[RecordData]:
                return await tx.run(jobs.FAIL, id=job.id, error=reason, now=jobs.now_iso())

            await context.gateway.write(failed)
            raise
        return _job(job)


@strawberry.type
class AnalysisJobQuery:
    @strawberry.field(description="An analysis job by id: its state, phase and progress, and "
                      "when it has succeeded the run it wrote.")
    async def analysis_job(self, info: Info, id: strawberry.ID) -> AnalysisJob | None:
        context = require(info, Role.READER)
        rows = await context.gateway.read(jobs.GET, {"id": clean_id("id", id)})
        return _job(jobs.job_from_record(rows[0])) if rows else None

    @strawberry.field(description="Analysis jobs, newest first: of one project ('graph' for "
                      "the whole graph's) or all, in one state or any.")
    async def analysis_jobs(
        self, info: Info, project: strawberry.ID | None = None,
        state: JobState | None = None, first: int = 20,
    ) -> list[AnalysisJob]:
        context = require(info, Role.READER)
        _check_first(first, MAX_LISTED)
        rows = await context.gateway.read(jobs.LIST, {
            "scope": None if project is None else clean_id("project", project),
            "state": None if state is None else state.value, "limit": first})
        return [_job(jobs.job_from_record(r)) for r in rows]

    @strawberry.field(description="A stored run of a network metric by id.")
    async def analytics_run(self, info: Info, id: strawberry.ID) -> AnalyticsRun | None:
        found = await _runs(require(info, Role.READER), id=clean_id("id", id), limit=1)
        return found[0] if found else None

    @strawberry.field(description="Stored runs of the network metrics, newest first: of one "
                      "project ('graph' for the whole graph's) or all, of one metric or all.")
    async def analytics_runs(
        self, info: Info, project: strawberry.ID | None = None,
        metric: AnalysisMetric | None = None, first: int = 20,
    ) -> list[AnalyticsRun]:
        context = require(info, Role.READER)
        _check_first(first, MAX_LISTED)
        return await _runs(
            context, scope=None if project is None else clean_id("project", project),
            metric=None if metric is None else metric.value, limit=first)


async def fail_interrupted(driver: AsyncDriver, database: str) -> list[str]:
    """Returns the ids of the jobs it failed at a worker's start: those whose process on this
    machine is gone (an API restart), and any elsewhere gone silent."""
    host = socket.gethostname()
    records, _, _ = await driver.execute_query(
        jobs.RUNNING_ON_HOST, host=host, database_=database, routing_=RoutingControl.READ)
    dead = [r["id"] for r in records if r["pid"] is None or not runs_job(r["pid"], r["id"])]
    rows = await write_unless_held(driver, database, jobs.SWEEP, jobs.sweep_params(dead))
    if rows is None:
        # A backup, restore or migration holds writers back, or the graph is of another model
        # version: the worker starts anyway. Readers see such jobs failed already
        # (`jobs.as_seen`), and the sweep before the next job is started writes it.
        log.warning("analysis jobs: the graph does not take writes now; dead jobs are failed "
                    "by a later sweep")
        return []
    failed = [r["id"] for r in rows]
    if failed:
        log.warning("analysis jobs interrupted (marked failed): %s", ", ".join(failed))
    return failed
