"""Helpers of the API tests: a real server in a subprocess, a GraphQL client, the seed graph."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import jwt

from stakegraph.localdb.instance import free_port

T = TypeVar("T")

JWT_KEY = "test-secret-for-hs256-tokens-0123456789"
JWT_ISSUER = "https://issuer.test"
JWT_AUDIENCE = "stakegraph-test"


@dataclass
class Server:
    """A running API: its base URL and process."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        """Returns what the server logged."""
        return self.log.read_text(errors="replace")


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    """Waits for /health to answer (any status); fails with the server log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"API exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            httpx.get(url + "/health", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"API did not start within {timeout} s: {log.read_text()[-2000:]}")


def start_server(env: dict[str, str], tmp: Path, args: list[str] | None = None) -> Server:
    """Starts uvicorn (or the given command) on a free port and waits until it answers."""
    port = free_port()
    log = tmp / f"api-{port}.log"
    command = args or [
        sys.executable, "-m", "uvicorn", "stakegraph.api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]
    command = [c.replace("{port}", str(port)) for c in command]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, process, log)
    return Server(url, process, log)


def stop_server(server: Server) -> None:
    """Stops a server this test suite started."""
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


class Client:
    """Posts GraphQL to a server as one caller."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Returns the JSON response of a POST /graphql."""
        response = httpx.post(
            self.url + "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.headers,
            timeout=30,
        )
        assert response.status_code in (200, 400), response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Returns ``data`` of a request that must succeed without errors."""
        body = self.post(query, variables)
        assert not body.get("errors"), body.get("errors")
        data: dict[str, Any] = body["data"]
        return data


def jwt_token(
    role: str | None = "reader", key: str = JWT_KEY, algorithm: str = "HS256", **claims: Any
) -> str:
    """Returns a bearer token for the test API: valid for 10 minutes unless ``claims`` say
    otherwise; a claim given as None (or ``role=None``) is left out."""
    body: dict[str, Any] = {"sub": "tester", "iss": JWT_ISSUER, "aud": JWT_AUDIENCE,
                            "exp": int(time.time()) + 600, "role": role}
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm=algorithm)


def codes(body: dict[str, Any]) -> list[str]:
    """Returns the ``extensions.code`` of every error of a response."""
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


@dataclass(frozen=True)
class Graph:
    """The ids of the scratch graph."""

    prefix: str

    def id(self, name: str) -> str:
        """Returns the full id of a scratch node."""
        return self.prefix + name


SEED = """
CREATE (p1:Project {id: $p + 'p1', name: $p + ' Alpha rollout', stage: 'planning',
                    start_date: date('2025-01-01'), next_review: date('2026-01-01'),
                    engagement_strategy: true})
CREATE (p2:Project {id: $p + 'p2', name: $p + ' Beta study', stage: 'execution'})
CREATE (ann:Stakeholder:Person {id: $p + 'ann', name: $p + ' Ann Carer', kind: 'person',
        sector: 'patients_public', societal: true, seldom_heard: true, email: 'ann@example.org',
        phone: '+44 1', notes: 'prefers evening calls'})
CREATE (bob:Stakeholder:Person {id: $p + 'bob', name: $p + ' Bob Nurse', kind: 'person',
        sector: 'care_provider', seldom_heard: false})
CREATE (org:Stakeholder:Organisation {id: $p + 'org', name: $p + ' County Trust',
        kind: 'organisation', sector: 'care_provider'})
CREATE (parent:Stakeholder:Organisation {id: $p + 'parent', name: $p + ' Health Board',
        kind: 'organisation', sector: 'commissioner'})
CREATE (grp:Stakeholder:Group {id: $p + 'grp', name: $p + ' Carers Forum', kind: 'group',
        sector: 'patients_public', societal: true})
CREATE (bob)-[:MEMBER_OF {role: 'ward nurse', since: date('2020-05-01')}]->(org)
CREATE (ann)-[:MEMBER_OF {role: 'member'}]->(grp)
CREATE (org)-[:PART_OF]->(parent)
CREATE (ann)-[:ASSESSED {id: $p + 'a1', date: date('2025-01-10'), assessor: 'team',
        interest: 3, impact: 8, quadrant: 'q3', category: 'customers'}]->(p1)
CREATE (ann)-[:ASSESSED {id: $p + 'a2', date: date('2025-06-10'), assessor: 'team',
        interest: 8, impact: 8, quadrant: 'q4', category: 'customers'}]->(p1)
CREATE (bob)-[:ASSESSED {id: $p + 'a3', date: date('2025-02-01'), assessor: 'team',
        interest: 7, impact: 2, quadrant: 'q2', category: 'collaborators'}]->(p1)
CREATE (org)-[:ASSESSED {id: $p + 'a4', date: date('2025-02-01'), assessor: 'team',
        interest: 2, impact: 9, quadrant: 'q3', category: 'commissioners'}]->(p2)
CREATE (ann)-[:INFLUENCES {weight: 3.0, date: date('2025-03-01'), evidence: 'interview'}]->(bob)
CREATE (bob)-[:TRUSTS {weight: 1.0}]->(org)
CREATE (grp)-[:COLLABORATES_WITH {weight: 2.0}]->(org)
CREATE (w1:EngagementActivity {id: $p + 'w1', name: $p + ' Design workshop', type: 'workshop',
        date: date('2025-04-01'), stage: 'planning', level: 'coproduction', mode: 'in_person',
        duration_minutes: 120})
CREATE (w2:EngagementActivity {id: $p + 'w2', name: $p + ' Newsletter', type: 'newsletter',
        date: date('2025-05-01'), stage: 'execution', level: 'engagement'})
CREATE (w1)-[:FOR_PROJECT]->(p1)
CREATE (w2)-[:FOR_PROJECT]->(p1)
CREATE (ann)-[:PARTICIPATED_IN {role: 'co-designer'}]->(w1)
CREATE (bob)-[:PARTICIPATED_IN {role: 'facilitator'}]->(w1)
CREATE (st:Strategy {id: $p + 'st', name: $p + ' Peer mentoring', source: 'custom'})
CREATE (oc:Outcome {id: $p + 'oc', name: $p + ' Trust in the team', source: 'custom'})
CREATE (ob:Objective {id: $p + 'ob', name: $p + ' Shared decisions', source: 'custom'})
CREATE (w1)-[:APPLIED {note: 'paired sessions'}]->(st)
CREATE (w1)-[:PURSUED]->(ob)
CREATE (w1)-[:CONTRIBUTED_TO {evidence: 'survey'}]->(oc)
CREATE (p1)-[:OBSERVED {id: $p + 'obs1', date: date('2025-06-30'), value: 0.7,
        evidence: 'survey'}]->(oc)
"""


def run_async(work: Coroutine[Any, Any, T]) -> T:
    """Returns what ``work`` returns, run by ``asyncio.run`` on a thread of its own, so that it
    works even in a module whose Playwright browser (sync API) keeps an event loop running on
    the main thread, beside which ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def start_workers(env: dict[str, str], tmp: Path, workers: int = 2) -> Server:
    """Starts ``stakegraph serve`` with ``workers`` worker processes on a free port (they
    share a state directory, as in production) and waits until it answers."""
    exe = Path(sys.executable).parent / "stakegraph"
    return start_server(env, tmp, [str(exe), "serve", "--host", "127.0.0.1", "--port",
                                   "{port}", "--workers", str(workers)])


def worker_pids(server: Server, headers: dict[str, str], timeout: float = 90) -> set[int]:
    """Returns the worker processes seen answering (``extensions.worker`` of the debug
    setting), sending rounds of concurrent requests until two have answered or ``timeout``
    seconds passed (a loaded machine may start the second worker seconds after the first)."""
    seen: set[int] = set()

    def one(_: int) -> int:
        body = httpx.post(server.url + "/graphql", json={"query": "{ __typename }"},
                          headers=headers, timeout=30).json()
        return int(body["extensions"]["worker"])

    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(8) as pool:
        while len(seen) < 2 and time.monotonic() < deadline:
            seen.update(pool.map(one, range(16)))
            if len(seen) < 2:
                time.sleep(0.5)
    return seen
