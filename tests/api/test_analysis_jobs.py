"""Analyses as API jobs on 100,000 stakeholders: a PageRank started through the API answers at
once, is polled to completion and its top scores read; one job per scope; the synchronous
fields keep their cap; and a job whose API is killed reads as failed after the restart, whether
its own process was killed with it or noticed and failed it itself."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import Client, codes, start_server, stop_server
from neo4j import Driver
from stakegraph.queries.analytics.jobs import JobState
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

STAKEHOLDERS = 100_000
# Every stakeholder influences the hub (stakeholder 0) and four others.
BUILD = [
    "CREATE (:Project {id: $p + 'project', name: 'Jobs at scale'})",
    """
    UNWIND range(0, $n - 1) AS i
    CALL (i) {
      MATCH (p:Project {id: $p + 'project'})
      CREATE (s:Stakeholder:Organisation {id: $p + toString(i), name: 'S' + toString(i),
                                          kind: 'organisation'})
      CREATE (s)-[:ASSESSED {id: $p + toString(i) + '-as', date: date('2026-01-01')}]->(p)
    } IN TRANSACTIONS OF 10000 ROWS
    """,
    """
    UNWIND range(0, $n - 1) AS i
    CALL (i) {
      MATCH (s:Stakeholder {id: $p + toString(i)})
      UNWIND [0, (i * 7 + 1) % $n, (i * 13 + 2) % $n, (i * 31 + 3) % $n, (i + 1) % $n] AS j
      WITH s, i, j WHERE j <> i
      MATCH (t:Stakeholder {id: $p + toString(j)})
      CREATE (s)-[:INFLUENCES {weight: 1.0}]->(t)
    } IN TRANSACTIONS OF 10000 ROWS
    """,
]
DROP = [
    f"MATCH (r:{Label.ANALYTICS_RUN}) WHERE r.id STARTS WITH $p "
    "CALL (r) { MATCH (r)-[x]->() DELETE x } IN TRANSACTIONS OF 10000 ROWS",
    f"MATCH (n) WHERE (n:{Label.STAKEHOLDER} OR n:{Label.PROJECT} OR n:{Label.ANALYTICS_RUN}) "
    "AND n.id STARTS WITH $p CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS",
    f"MATCH (j:{Label.ANALYSIS_JOB}) WHERE j.scope STARTS WITH $p DELETE j",
]

START = """
mutation($input: AnalysisInput!) {
  startAnalysis(input: $input) { id state scope metric progress requestedBy }
}"""
JOB = """
query($id: ID!) {
  analysisJob(id: $id) {
    id state phase progress error startedAt finishedAt
    run { id metric stakeholders arcs complete method
          scores(first: 5) { rank id name score scores } }
  }
}"""


@pytest.fixture(scope="module")
def big_project(driver: Driver, database: str) -> Iterator[str]:
    """A project of 100,000 stakeholders with five ties each (built in Neo4j); deleted after."""
    prefix = f"jobs{uuid.uuid4().hex[:8]}-"
    with driver.session(database=database) as session:
        for statement in BUILD:
            session.run(statement, p=prefix, n=STAKEHOLDERS).consume()
    yield prefix
    with driver.session(database=database) as session:
        for statement in DROP:
            session.run(statement, p=prefix).consume()


def _poll(client: Client, job_id: str, until: set[str], timeout: float = 600
          ) -> list[dict[str, Any]]:
    """Returns every state read, every half second, until the job is in one of ``until``."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.data(JOB, {"id": job_id})["analysisJob"]
        seen.append(job)
        if job["state"] in until:
            return seen
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} not {until} after {timeout} s: {seen[-1]}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by its parent) is gone too.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_bad_job_requests_are_refused_and_start_nothing(
    clients: dict[str, Client], driver: Driver, database: str, scratch: str
) -> None:
    """The fields of AnalysisInput are not loader columns (the mutation-validation test covers
    those): each bad value is refused with the field named, and no job node is written."""
    editor = clients["editor"]
    bad_samples = editor.post(START, {"input": {"metric": "BETWEENNESS", "samples": 0,
                                                "project": scratch + "none"}})
    assert codes(bad_samples) == ["VALIDATION"]
    assert "samples" in bad_samples["errors"][0]["message"]
    unknown = editor.post(START, {"input": {"metric": "PAGERANK", "project": scratch + "none"}})
    assert codes(unknown) == ["NOT_FOUND"] and scratch + "none" in unknown["errors"][0]["message"]
    blank = editor.post(START, {"input": {"metric": "PAGERANK", "project": "  "}})
    assert codes(blank) == ["VALIDATION"] and "project" in blank["errors"][0]["message"]
    # Enums and integers are checked by GraphQL itself before the resolver runs.
    for wrong in ({"metric": "SHOUTING"}, {"metric": "PAGERANK", "engine": "SPARK"},
                  {"metric": "PAGERANK", "tieTypes": ["GOSSIP"]},
                  {"metric": "PAGERANK", "seed": 2 ** 40}):
        body = editor.post(START, {"input": {**wrong, "project": scratch + "none"}})
        assert body.get("errors") and not body.get("data"), (wrong, body)
    with driver.session(database=database) as session:
        left = session.run(f"MATCH (j:{Label.ANALYSIS_JOB}) WHERE j.scope STARTS WITH $p "
                           "RETURN count(j) AS n", p=scratch).single(strict=True)["n"]
    assert left == 0


def test_pagerank_of_100k_stakeholders_as_a_job(
    clients: dict[str, Client], big_project: str, db: GraphDB
) -> None:
    project = big_project + "project"
    began = time.monotonic()
    body = clients["editor"].post(START, {"input": {"metric": "PAGERANK", "project": project,
                                                    "engine": "IGRAPH"}})
    answered = time.monotonic() - began
    assert not body.get("errors"), body
    job = body["data"]["startAnalysis"]
    assert job["state"] == "QUEUED" and job["scope"] == project and job["progress"] == 0.0
    assert answered < 5, f"startAnalysis took {answered:.1f} s to answer"

    # While it is in flight: one job per scope, readers cannot start one, and the
    # synchronous field still refuses a network this large.
    again = clients["admin"].post(START, {"input": {"metric": "DEGREE", "project": project}})
    assert codes(again) == ["CONFLICT"] and job["id"] in again["errors"][0]["message"]
    assert codes(clients["reader"].post(START, {"input": {"metric": "DEGREE"}})) == [
        "FORBIDDEN"]
    capped = clients["reader"].post(
        "query($p: ID!) { influenceScores(project: $p) { stakeholders } }", {"p": project})
    assert codes(capped) == ["VALIDATION"] and "5000" in capped["errors"][0]["message"]

    seen = _poll(clients["reader"], job["id"], {"SUCCEEDED", "FAILED"})
    final = seen[-1]
    assert final["state"] == "SUCCEEDED", final["error"]
    assert "RUNNING" in {s["state"] for s in seen}
    progress = [s["progress"] for s in seen]
    assert progress == sorted(progress) and progress[-1] == 1.0
    run = final["run"]
    assert run["stakeholders"] == STAKEHOLDERS and run["complete"] and run["metric"] == "pagerank"
    assert run["arcs"] == db.read(  # parallel ties count once
        "MATCH (s:Stakeholder)-[:INFLUENCES]->(o) WHERE s.id STARTS WITH $p "
        "RETURN count(DISTINCT [s.id, o.id]) AS n", p=big_project)[0]["n"]
    top = run["scores"]
    assert [s["rank"] for s in top] == [1, 2, 3, 4, 5]
    assert top[0]["id"] == big_project + "0"  # the hub
    assert [s["score"] for s in top] == sorted((s["score"] for s in top), reverse=True)
    stored = db.read(
        "MATCH (:AnalyticsRun {id: $run})-[sc:SCORED]->(s) "
        "RETURN s.id AS id, sc.pagerank AS score ORDER BY score DESC, id LIMIT 5 "
        "UNION ALL MATCH (:AnalyticsRun {id: $run})-[sc:SCORED]->() "
        "RETURN 'sum' AS id, sum(sc.pagerank) AS score", run=run["id"])
    assert [(s["id"], s["score"]) for s in top] == [(r["id"], r["score"]) for r in stored[:5]]
    assert stored[5]["score"] == pytest.approx(1.0, abs=1e-9)
    listed = clients["reader"].data(
        "query($p: ID!) { analyticsRuns(project: $p) { id } "
        "analysisJobs(project: $p, state: SUCCEEDED) { id } }", {"p": project})
    assert listed["analyticsRuns"] == [{"id": run["id"]}]
    assert listed["analysisJobs"] == [{"id": job["id"]}]


@pytest.mark.parametrize("kill_job_too", [True, False], ids=["everything", "api-only"])
def test_a_job_of_a_killed_api_reads_failed_after_the_restart(
    api_env: dict[str, str], keys: dict[str, str], big_project: str, tmp_path: Path,
    db: GraphDB, kill_job_too: bool,
) -> None:
    project = big_project + "project"
    server = start_server(api_env, tmp_path)
    editor = Client(server.url, {"X-API-Key": keys["editor"]})
    try:
        job = editor.data(START, {"input": {"metric": "BETWEENNESS", "project": project,
                                            "samples": 50}})["startAnalysis"]
        running = _poll(editor, job["id"], {"RUNNING", "SUCCEEDED", "FAILED"})[-1]
        assert running["state"] == "RUNNING"
        pid = db.read(f"MATCH (j:{Label.ANALYSIS_JOB} {{id: $id}}) RETURN j.pid AS pid",
                      id=job["id"])[0]["pid"]
        assert _alive(pid)
        if kill_job_too:
            os.kill(pid, signal.SIGKILL)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=30)
    finally:
        stop_server(server)
    deadline = time.monotonic() + 30
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid), "the job's process outlived its API"

    restarted = start_server(api_env, tmp_path)
    try:
        reader = Client(restarted.url, {"X-API-Key": keys["reader"]})
        after = reader.data(JOB, {"id": job["id"]})["analysisJob"]
        assert after["state"] == JobState.FAILED.name and after["run"] is None
        assert after["error"].startswith("interrupted: "), after["error"]
        if kill_job_too:
            assert f"(pid {pid} on " in after["error"]
        else:
            assert "the API process that started it stopped" in after["error"]
        # It is failed in the graph too, and its scope is free for a new job.
        stored = db.read(f"MATCH (j:{Label.ANALYSIS_JOB} {{id: $id}}) "
                         "RETURN j.state AS state, j.active_scope AS active", id=job["id"])
        assert stored == [{"state": "failed", "active": None}]
        assert not db.read(f"MATCH (r:{Label.ANALYTICS_RUN}) WHERE r.id STARTS WITH $scope "
                           "AND r.metric = 'betweenness' AND r.complete RETURN r",
                           scope=project)
    finally:
        stop_server(restarted)
