"""GraphQL API throughput and latency on the 10k generated graph, optionally beside the peer.

Loads the generated dataset (10,000 stakeholders by default) under its own id prefix, starts the
API (uvicorn, its own processes), and measures requests per second and p50/p95/p99 latency at 1,
8 and 32 concurrent clients for:

- **lookup**: one stakeholder by id (a random one of 2,000 per request);
- **nested**: 100 stakeholders of a project -> their current stake assessment -> the project ->
  its 5 latest activities;
- **direct** (the baseline): the same nested answer from one hand-written Cypher query on the
  async driver, no HTTP or GraphQL, so the ratio shows what the API layer costs.

With ``--peer`` it also starts the peer, ``@neo4j/graphql`` served by ``@apollo/server``
(``benchmarks/peer/``, ``npm ci`` first when its ``node_modules`` is missing), checks that both
servers give the same answer to the nested query, and runs the same two queries against it on
the same database, cell by cell (ours, then the peer), reporting the ratio stakegraph / peer.

The load generator is ``wrk`` (C, a Lua script supplies the POST bodies and counts GraphQL
errors) when it is installed, so the client costs little CPU beside the servers on a small
machine; ``--client httpx`` uses async httpx instead.

Writes ``benchmarks/results/api-<date>.json``; deletes everything it loaded unless ``--keep``.
Targets: nested p99 under 100 ms at 8 clients (issue 5); stakegraph at least 1.0 times the peer's
throughput at 8 clients on the nested query (issue 7).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
from bench_support import delete_prefix, free_port, server_version
from neo4j import AsyncGraphDatabase
from stakegraph.api.keystore import create_key
from stakegraph.loaders.generate import generate
from stakegraph.loaders.load import load_paths
from stakegraph.schema.apply import apply_schema

from stakegraph.db import connection, open_graph_db
from stakegraph.settings import get_settings

RESULTS = Path(__file__).resolve().parent / "results"
PEER_DIR = Path(__file__).resolve().parent / "peer"

LOOKUP = "query($id: ID!) { stakeholder(id: $id) { id name kind sector seldomHeard } }"
NESTED = """
query($project: ID!, $prefix: String!) {
  stakeholders(filter: {project: $project, idPrefix: $prefix}, first: 100, orderBy: ID_ASC) {
    nodes { id name
      stakes(project: $project) { date quadrant interest impact
        project { id name activities(first: 5) { nodes { id date level } } } } } } }
"""
# The same two questions in the peer's schema (benchmarks/peer/typeDefs.graphql): the current
# stake is the newest ASSESSED edge to the project, as our `stakes(project:)` gives it.
PEER_LOOKUP = (
    "query($id: ID!) { stakeholders(where: {id: {eq: $id}}) "
    "{ id name kind sector seldomHeard } }"
)
PEER_NESTED = """
query($project: ID!, $prefix: ID!) {
  stakeholders(where: {id: {startsWith: $prefix}, projects: {some: {id: {eq: $project}}}},
               limit: 100, sort: [{id: ASC}]) {
    id name
    projectsConnection(where: {node: {id: {eq: $project}}}, first: 1,
                       sort: [{edge: {date: DESC}}, {edge: {id: DESC}}]) {
      edges { properties { date quadrant interest impact }
        node { id name activities(limit: 5, sort: [{date: DESC}, {id: DESC}]) {
          id date level } } } } } }
"""
# The mixed workload's writes (bench_api --mixed). Every write carries a token of its own (the
# assessor, the tie's evidence) that the answer repeats, so the acknowledged ones can be looked
# up afterwards. Dated 2000-01-01: older than every generated assessment, so the current stakes
# the nested query reads do not change.
ASSESS = (
    "mutation($s: ID!, $p: ID!, $a: String!) { assessStake(input: {stakeholderId: $s, "
    'projectId: $p, date: "2000-01-01", assessor: $a, interest: 5, impact: 6}) { assessor } }'
)
TIE = (
    "mutation($s: ID!, $t: ID!, $a: String!) { addTie(input: {sourceId: $s, targetId: $t, "
    'type: INFLUENCES, weight: 2.5, evidence: $a, date: "2000-01-01"}) { evidence } }'
)
# The peer's closest generated mutations: connect a new edge with its properties, answering
# the edge it made (as ours answers the assessment or tie).
PEER_ASSESS = (
    "mutation($s: ID!, $p: ID!, $a: String!, $i: ID!) { updateStakeholders("
    "where: {id: {eq: $s}}, update: {projects: [{connect: [{where: {node: {id: {eq: $p}}}, "
    "edge: {id: $i, "
    'date: "2000-01-01", assessor: $a, interest: 5, impact: 6, quadrant: "q3"}}]}]}) '
    "{ stakeholders { projectsConnection(where: {edge: {assessor: {eq: $a}}}) "
    "{ edges { properties { assessor } } } } } }"
)
PEER_TIE = (
    "mutation($s: ID!, $t: ID!, $a: String!) { updateStakeholders(where: {id: {eq: $s}}, "
    "update: {influences: [{connect: [{where: {node: {id: {eq: $t}}}, edge: {weight: 2.5, "
    'evidence: $a, date: "2000-01-01"}}]}]}) { stakeholders { '
    "influencesConnection(where: {edge: {evidence: {eq: $a}}}) "
    "{ edges { properties { evidence } } } } } }"
)
# Of every 20 requests: 9 lookups, 9 nested pages, one assessment, one tie.
MIX = ["lookup"] * 9 + ["nested"] * 9 + ["assess", "tie"]

DIRECT = """
MATCH (p:Project {id: $project})
MATCH (s:Stakeholder) WHERE s.id STARTS WITH $prefix AND EXISTS { (s)-[:ASSESSED]->(p) }
WITH s, p ORDER BY s.id LIMIT 100
CALL (s, p) {
  MATCH (s)-[a:ASSESSED]->(p)
  WITH a ORDER BY a.date DESC, a.id DESC LIMIT 1
  RETURN a
}
CALL (p) {
  MATCH (p)<-[:FOR_PROJECT]-(act:EngagementActivity)
  WITH act ORDER BY act.date DESC, act.id DESC LIMIT 5
  RETURN collect(act {.id, .date, .level}) AS acts
}
RETURN s.id AS id, s.name AS name, a {.date, .quadrant, .interest, .impact} AS stake,
       p {.id, .name} AS project, acts
"""

# wrk's Lua end of a run, shared by both scripts: one JSON line with the latency figures, the
# answers per API worker and the tokens of acknowledged writes (none for the read scripts).
WRK_DONE = """
function done(summary, latency, requests)
  local errors, tokens, counts = 0, {}, {}
  for _, t in ipairs(threads) do
    errors = errors + t:get("bad")
    for _, token in ipairs(t:get("acked") or {}) do table.insert(tokens, '"' .. token .. '"') end
    for w, c in pairs(t:get("workers")) do counts[w] = (counts[w] or 0) + c end
  end
  local parts = {}
  for w, c in pairs(counts) do table.insert(parts, string.format('"%s": %d', w, c)) end
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %f, "errors": %d, "socket_errors": %d, ' ..
    '"p50_ms": %f, "p95_ms": %f, "p99_ms": %f, "p999_ms": %f, "max_ms": %f, ' ..
    '"mean_ms": %f, "workers": {%s}, "acked": [%s]}\\n',
    summary.requests, summary.duration / 1e6, errors,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    latency.mean / 1000, table.concat(parts, ", "), table.concat(tokens, ", ")))
end
"""

# wrk's Lua side: rotate through the request bodies, count non-200 and GraphQL errors and the
# answers of each API worker per thread, and print one JSON line with the figures at the end.
WRK_SCRIPT = """
local bodies = {%(bodies)s}
local path = "%(path)s"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
%(headers)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
local n = 0
bad = 0  -- global: done() reads it from each thread with thread:get
workers = {}  -- answers per worker pid (the debug extensions' "worker"), read the same way
function init(args) n = math.random(#bodies) end
function request()
  n = (n %% #bodies) + 1
  return wrk.format(nil, path, nil, bodies[n])
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
  -- The extensions come last: look for the worker in the body's tail only.
  local w = string.match(body, '"worker":(%%d+)', math.max(1, #body - 300))
  if w then workers[w] = (workers[w] or 0) + 1 end
end
"""


# The mixed workload on wrk: requests in the order of MIX, writes built on the fly with a token
# per write (server, run, thread, number), the tokens of acknowledged writes listed at the end.
WRK_MIXED_SCRIPT = """
local lookups = {%(lookups)s}
local nested = %(nested)s
local assess, tie = %(assess)s, %(tie)s
local ids = {%(ids)s}
local mix = {%(mix)s}
local path = "%(path)s"
local project = %(project)s
-- The warm-up and the measured run are two wrk processes: their tokens differ by the second.
local marker = %(marker)s .. "-" .. os.time()
local pattern = '"(' .. marker:gsub("%%-", "%%%%-") .. '%%-[%%w%%-]+)"'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
%(headers)s
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
local n, k = 0, 0
bad = 0
acked = {}
workers = {}
function init(args) n = math.random(#mix) end
local function q(s) return '"' .. s .. '"' end
function request()
  n = (n %% #mix) + 1
  local kind = mix[n]
  if kind == "lookup" then
    return wrk.format(nil, path, nil, lookups[math.random(#lookups)])
  elseif kind == "nested" then
    return wrk.format(nil, path, nil, nested)
  end
  k = k + 1
  local token = marker .. "-" .. tid .. "-" .. k .. "-" .. kind
  -- A pair of its own for every write of a run: no two writes of it touch the same tie.
  local source = ((tid - 1) * 997 + k) %% #ids + 1
  local vars
  if kind == "assess" then
    vars = '{"s": ' .. q(ids[source]) .. ', "p": ' .. q(project) .. ', "a": ' .. q(token) ..
           ', "i": ' .. q(token) .. '}'
    return wrk.format(nil, path, nil, '{"query": ' .. assess .. ', "variables": ' .. vars .. '}')
  end
  local target = (source + 1 + math.floor(k / #ids)) %% #ids + 1
  vars = '{"s": ' .. q(ids[source]) .. ', "t": ' .. q(ids[target]) .. ', "a": ' .. q(token) .. '}'
  return wrk.format(nil, path, nil, '{"query": ' .. tie .. ', "variables": ' .. vars .. '}')
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
    return
  end
  local w = string.match(body, '"worker":(%%d+)', math.max(1, #body - 300))
  if w then workers[w] = (workers[w] or 0) + 1 end
  if #body < 2000 then
    local token = string.match(body, pattern)
    if token then table.insert(acked, token) end
  end
end
"""


@dataclass(frozen=True)
class Target:
    """A server under test: where to POST, the headers, and its form of the two queries."""

    name: str
    url: str
    headers: dict[str, str]
    lookup: str
    nested: str
    pid: int | None = None
    assess: str = ASSESS
    tie: str = TIE


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(root: int) -> float:
    """Returns the CPU seconds (user + system) used so far by ``root`` and its descendants."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICK
    family, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [c for c, p in parents.items() if p == pid and c not in family]
        family.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0.0) for pid in family)


def neo4j_pid() -> int | None:
    """Returns the process id of the local Neo4j (from its pid file), if it runs here."""
    settings = get_settings()
    if not settings.uses_local_neo4j:
        return None
    pid_file = settings.local_home / "run" / "neo4j.pid"
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def measure_wrk(target: Target, bodies: list[str], clients: int, seconds: float,
                script: str | None = None,
                after_warm_up: Callable[[], object] | None = None) -> dict[str, Any]:
    """Returns wrk's figures for ``clients`` keep-alive connections POSTing ``bodies`` (or
    what ``script`` sends); ``after_warm_up`` is called between the warm-up and the measured
    run."""
    path = httpx.URL(target.url).path or "/"
    headers = "\n".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in target.headers.items()
    )
    script = script or WRK_SCRIPT % {
        "bodies": ", ".join(_lua_string(b) for b in bodies),
        "path": path,
        "headers": headers,
    } + WRK_DONE
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        base = str(httpx.URL(target.url).copy_with(path="/"))
        # Warm-up (connections, plans, caches), then the measured run.
        for step, duration in enumerate((max(1, round(seconds / 5)), max(1, round(seconds)))):
            done = subprocess.run(
                ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{duration}s",
                 "--timeout", "30s", "-s", handle.name, base],
                capture_output=True, text=True,
            )
            if done.returncode != 0:
                raise RuntimeError(f"wrk failed: {done.stdout}{done.stderr}")
            if after_warm_up is not None and step == 0:
                after_warm_up()
    finally:
        os.unlink(handle.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON "):])
    if raw["errors"] or raw["socket_errors"]:
        raise RuntimeError(f"{target.name}: {raw['errors']} errors, {raw['socket_errors']} "
                           f"socket errors under load:\n{done.stdout}")
    return {
        # Only a script that writes lists acknowledged writes (the read scripts' list is empty).
        **({"acked": raw["acked"]} if script is not None else {}),
        "requests": raw["requests"],
        "req_per_s": raw["requests"] / raw["seconds"],
        "p50_ms": raw["p50_ms"],
        "p95_ms": raw["p95_ms"],
        "p99_ms": raw["p99_ms"],
        "p999_ms": raw["p999_ms"],
        "max_ms": raw["max_ms"],
        "mean_ms": raw["mean_ms"],
        "p99_over_p50": raw["p99_ms"] / raw["p50_ms"] if raw["p50_ms"] else None,
        "per_worker": sorted(raw["workers"].values(), reverse=True),
    }


def latency_figures(latencies: list[float]) -> dict[str, Any]:
    """Returns the percentiles (p50 to p99.9, max), the mean and p99/p50 of ``latencies`` (ms)."""
    p50, p99 = _percentile(latencies, 50), _percentile(latencies, 99)
    return {
        "p50_ms": p50,
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": p99,
        "p999_ms": _percentile(latencies, 99.9),
        "max_ms": max(latencies),
        "mean_ms": statistics.fmean(latencies),
        "p99_over_p50": p99 / p50 if p50 else None,
    }


async def _measure(
    call: Callable[[], Awaitable[str | None]], clients: int, seconds: float, warmup: int
) -> dict[str, Any]:
    for _ in range(warmup):
        await call()
    latencies: list[float] = []
    workers: dict[str, int] = {}
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            answered_by = await call()
            latencies.append((time.perf_counter() - began) * 1000)
            if answered_by is not None:
                workers[answered_by] = workers.get(answered_by, 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "req_per_s": len(latencies) / elapsed,
        **latency_figures(latencies),
        "per_worker": sorted(workers.values(), reverse=True),
    }


_WORKER = re.compile(rb'"worker":(\d+)')


def answered_by(body: bytes) -> str | None:
    """Returns the pid of the API worker that answered (the debug extensions' ``worker``,
    looked for in the body's tail, where the extensions are), if the body names one."""
    match = _WORKER.search(body, max(0, len(body) - 300))
    return match.group(1).decode() if match else None


async def measure_httpx(
    target: Target, bodies: list[str], clients: int, seconds: float
) -> dict[str, Any]:
    """Returns the figures of ``clients`` async httpx workers POSTing ``bodies``."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    headers = {"Content-Type": "application/json", **target.headers}
    rng = random.Random(7)
    async with httpx.AsyncClient(headers=headers, timeout=30, limits=limits) as http:

        async def call() -> str | None:
            response = await http.post(target.url, content=rng.choice(bodies))
            # No JSON parsing: the client should cost as little CPU as it can.
            if response.status_code != 200 or b'"errors"' in response.content:
                raise RuntimeError(f"{target.name}: {response.status_code} {response.text}")
            return answered_by(response.content)

        return await _measure(call, clients, seconds, warmup=5)


def measure(
    args: argparse.Namespace, target: Target, bodies: list[str], clients: int,
    after_warm_up: Callable[[], object] | None = None,
) -> dict[str, Any]:
    """Returns the figures of one cell with the chosen load generator."""
    if args.client == "wrk":
        return measure_wrk(target, bodies, clients, args.seconds, after_warm_up=after_warm_up)
    return asyncio.run(measure_httpx(target, bodies, clients, args.seconds))


def measure_direct(project: str, prefix: str, clients: int, seconds: float) -> dict[str, Any]:
    """Returns the figures of the hand-written Cypher baseline on the async driver."""
    conn = connection(get_settings())

    async def run() -> dict[str, Any]:
        driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
        try:

            async def call() -> None:
                await driver.execute_query(
                    DIRECT, project=project, prefix=prefix, database_=conn.database)
                return None

            return await _measure(call, clients, seconds, warmup=5)
        finally:
            await driver.close()

    return asyncio.run(run())


def _post(target: Target, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        target.url, json={"query": query, "variables": variables}, headers=target.headers,
        timeout=60,
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{target.name}: {response.status_code} {body}")
    data: dict[str, Any] = body["data"]
    return data


def nested_answer(target: Target, project: str, prefix: str) -> list[tuple[Any, ...]]:
    """Returns the nested query's answer of a server in one comparable form."""
    if target.name == "peer":
        data = _post(target, target.nested, {"project": project, "prefix": prefix})
        out = []
        for s in data["stakeholders"]:
            for edge in s["projectsConnection"]["edges"]:
                a, p = edge["properties"], edge["node"]
                acts = tuple(x["id"] for x in p["activities"])
                out.append((s["id"], a["date"], a["quadrant"], a["interest"], p["id"], acts))
        return out
    data = _post(target, target.nested, {"project": project, "prefix": prefix})
    out = []
    for s in data["stakeholders"]["nodes"]:
        for a in s["stakes"]:
            p = a["project"]
            acts = tuple(x["id"] for x in p["activities"]["nodes"])
            out.append((s["id"], a["date"], a["quadrant"], a["interest"], p["id"], acts))
    return out


def _wait_until_up(url: str, probe: dict[str, Any], process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"the server at {url} exited with {process.returncode}")
        try:
            if httpx.post(url, json=probe, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not come up")


def start_peer(port: int) -> subprocess.Popen[bytes]:
    """Returns the running peer server (``npm ci`` first when its modules are missing)."""
    if shutil.which("node") is None:
        raise SystemExit("--peer needs Node.js 20 or later (node on PATH)")
    if not (PEER_DIR / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True)
    conn = connection(get_settings())
    env = dict(os.environ, NEO4J_URI=conn.uri, NEO4J_USER=conn.user,
               NEO4J_PASSWORD=conn.password, NEO4J_DATABASE=conn.database, PORT=str(port),
               NODE_ENV="production")
    process = subprocess.Popen(["node", "server.mjs"], cwd=PEER_DIR, env=env)
    _wait_until_up(f"http://127.0.0.1:{port}/", {"query": "{ __typename }"}, process)
    return process


def start_ours(port: int, workers: int, probe: Path | None = None) -> subprocess.Popen[bytes]:
    """Returns the running stakegraph API, started as users start it (``stakegraph serve``
    with ``workers`` processes). Debug extensions are on so that every answer names the worker
    that gave it (counted per cell)."""
    conn = connection(get_settings())
    env = dict(os.environ, STAKEGRAPH_API_DEBUG="true",
               NEO4J_URI=conn.uri, NEO4J_USER=conn.user, NEO4J_PASSWORD=conn.password)
    if probe is not None:
        env["TAIL_PROBE_DIR"] = str(probe)
        env["PYTHONPATH"] = os.pathsep.join(
            x for x in (str(PROBE), env.get("PYTHONPATH")) if x)
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("stakegraph")), "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL,
    )
    _wait_until_up(f"http://127.0.0.1:{port}/graphql", {"query": "{ __typename }"}, process)
    return process


def _uvicorn_workers(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Returns the app served by uvicorn's own ``--workers`` with ``env``, once it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "stakegraph.api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"],
        env=env,
    )
    _wait_until_up(f"http://127.0.0.1:{port}/graphql", {"query": "{ __typename }"}, process)
    return process


def start_uvicorn_shared(port: int, workers: int,
                         probe: Path | None = None) -> subprocess.Popen[bytes]:
    """Returns the same app served by uvicorn's own ``--workers`` (every worker accepting from
    one shared socket), as ``stakegraph serve`` did before issue 13: for ``--compare-uvicorn``."""
    conn = connection(get_settings())
    env = dict(os.environ, STAKEGRAPH_API_DEBUG="true",
               NEO4J_URI=conn.uri, NEO4J_USER=conn.user, NEO4J_PASSWORD=conn.password)
    if probe is not None:
        env["TAIL_PROBE_DIR"] = str(probe)
        env["PYTHONPATH"] = os.pathsep.join(
            x for x in (str(PROBE), env.get("PYTHONPATH")) if x)
    return _uvicorn_workers(port, workers, env)


def versions() -> dict[str, str]:
    """Returns the versions of what was measured (Python side, Neo4j, and the peer's packages)."""
    out = {name: version(name) for name in ("strawberry-graphql", "graphql-core", "uvicorn",
                                             "starlette", "neo4j")}
    for extra in ("uvloop", "httptools"):
        try:
            out[extra] = version(extra)
        except Exception:  # optional speed-ups: absent is a fact worth recording too
            out[extra] = "absent"
    settings = get_settings()
    db = open_graph_db(settings)
    try:
        _, server, edition = server_version(db)
    finally:
        db.close()
    out["neo4j-server"] = f"{server} {edition}"
    lock = PEER_DIR / "package-lock.json"
    if lock.exists():
        packages = json.loads(lock.read_text())["packages"]
        for name in ("@neo4j/graphql", "@apollo/server", "graphql", "neo4j-driver"):
            out[f"peer:{name}"] = packages.get(f"node_modules/{name}", {}).get("version", "?")
    if shutil.which("node"):
        out["node"] = subprocess.run(["node", "--version"], capture_output=True,
                                     text=True).stdout.strip()
    if shutil.which("wrk"):
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        match = re.search(r"wrk (\S+)", done.stdout + done.stderr)
        out["wrk"] = match.group(1) if match else "?"
    return out


def _load(args: argparse.Namespace, prefix: str) -> None:
    settings = get_settings()
    db = open_graph_db(settings)
    apply_schema(db)
    loaded = db.write(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p RETURN count(s) AS n", p=prefix)
    if loaded[0]["n"] < args.size:
        with tempfile.TemporaryDirectory() as tmp:
            generate(args.size, args.seed, Path(tmp), id_prefix=prefix)
            began = time.perf_counter()
            load_paths(db, [Path(tmp)])
            print(f"loaded {args.size} stakeholders in {time.perf_counter() - began:.1f} s")


def _print(row: dict[str, Any]) -> None:
    print(
        f"{row['query']:7} {row['server']:10} {row['clients']:3} clients "
        f"{row['req_per_s']:8.1f} req/s  p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}  "
        f"p99 {row['p99_ms']:7.1f}  p99.9 {row['p999_ms']:7.1f} ms  "
        f"p99/p50 {row.get('p99_over_p50') or 0:5.1f}  "
        f"cpu/req server {row.get('server_cpu_ms_per_req', 0):6.1f}"
        f" neo4j {row.get('neo4j_cpu_ms_per_req', 0):6.1f} ms  workers {row.get('per_worker', [])}"
        f"  load {row.get('loadavg', '')}",
        flush=True,
    )


def _print_probe(row: dict[str, Any]) -> None:
    for w in row.get("probe", []):
        inside, lag, gcs = w["in_worker_ms"], w["loop_lag_ms"], w["gc"]
        print(
            f"    worker {w['pid']}: {w['requests']} req on {w['connections']} conn, in worker "
            f"p50 {inside['p50'] or 0:.1f} p99 {inside['p99'] or 0:.1f} "
            f"max {inside['max'] or 0:.1f}"
            f" ms; gc n/total/max " + " ".join(
                f"g{g} {v['n']}/{v['total_ms']:.0f}/{v['max'] or 0:.1f}"
                f" (cpu {w['gc_cpu'][g]['total_ms']:.0f}/{w['gc_cpu'][g]['max'] or 0:.1f})"
                for g, v in gcs.items())
            + f" freed {w['gc_collected']}"
            + f"; loop lag p99 {lag['p99'] or 0:.1f} max {lag['max'] or 0:.1f} "
            f">20ms {w['lag_over_20ms']} (of {w['late_wakeups']} late >10ms: loop busy "
            f"{w['late_loop_busy']}, waiting for a core {w['late_descheduled']}); "
            f"threads {w['thread_pool']['calls']}; pool acquire "
            f"p99 {w['pool_acquire_ms']['p99'] or 0:.2f} max {w['pool_acquire_ms']['max'] or 0:.1f}"
            f" peak {w['pool_peak_in_use']}, opened {w['connections_opened_ms']['n']} "
            f"(max {w['connections_opened_ms']['max'] or 0:.0f} ms), liveness checks "
            f"{w['liveness_checks']}; busy at start {w['concurrent_at_start']}",
            flush=True,
        )


def counted(run: Callable[[], dict[str, Any]], server: int | None) -> dict[str, Any]:
    """Returns the figures of ``run`` with the CPU milliseconds per request it cost the server
    (its processes) and Neo4j: on a shared machine the fairest measure of work done."""
    database = neo4j_pid()
    load = os.getloadavg()[0]
    before = [_cpu_seconds(p) if p else 0.0 for p in (server, database)]
    figures = run()
    after = [_cpu_seconds(p) if p else 0.0 for p in (server, database)]
    n = max(1, figures["requests"])
    figures["loadavg"] = round(load, 2)
    if server:
        figures["server_cpu_ms_per_req"] = (after[0] - before[0]) * 1000 / n
    if database:
        figures["neo4j_cpu_ms_per_req"] = (after[1] - before[1]) * 1000 / n
    return figures


def mixed_script(target: Target, ids: list[str], project: str, prefix: str,
                 write_project: str, marker: str) -> str:
    """Returns the wrk script of the mixed workload against ``target``."""
    path = httpx.URL(target.url).path or "/"
    headers = "\n".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in target.headers.items()
    )
    lookups = [json.dumps({"query": target.lookup, "variables": {"id": i}}) for i in ids]
    nested = json.dumps({"query": target.nested,
                         "variables": {"project": project, "prefix": prefix}})
    return WRK_MIXED_SCRIPT % {
        "lookups": ", ".join(_lua_string(b) for b in lookups),
        "nested": _lua_string(nested),
        "assess": _lua_string(_lua_string(target.assess)),
        "tie": _lua_string(_lua_string(target.tie)),
        "ids": ", ".join(_lua_string(i) for i in ids),
        "mix": ", ".join(_lua_string(m) for m in MIX),
        "path": path,
        "project": _lua_string(write_project),
        "marker": _lua_string(marker),
        "headers": headers,
    } + WRK_DONE


def written(tokens: list[str]) -> dict[str, Any]:
    """Returns how many of the acknowledged writes' tokens are in the graph, how many are
    missing and which (assessments by assessor, ties by evidence)."""
    db = open_graph_db(get_settings())
    try:
        absent = db.write(
            "UNWIND $tokens AS token "
            "OPTIONAL MATCH (:Stakeholder)-[a:ASSESSED {assessor: token}]->(:Project) "
            "WITH token, count(a) AS assessments "
            "OPTIONAL MATCH (:Stakeholder)-[t:INFLUENCES {evidence: token}]->(:Stakeholder) "
            "WITH token, assessments, count(t) AS ties WHERE assessments + ties = 0 "
            "RETURN collect(token) AS missing",
            tokens=sorted(set(tokens)))[0]["missing"]
    finally:
        db.close()
    unique = len(set(tokens))
    return {"acknowledged": unique, "present": unique - len(absent), "missing": len(absent),
            "missing_tokens": absent}


def run_mixed(args: argparse.Namespace, targets: list[Target], project: str, prefix: str,
              ids: list[str], write_project: str) -> list[dict[str, Any]]:
    """Returns one row per server of the mixed workload (90% reads, 10% writes) at
    ``args.mixed_clients`` clients, each with the check of its acknowledged writes."""
    rows = []
    run = datetime.now(UTC).strftime("%H%M%S")
    for target in targets:
        marker = f"mix-{target.name}-{run}"
        script = mixed_script(target, ids, project, prefix, write_project, marker)
        server = target.pid if target.name != "peer" else None
        reset = (partial(probe_snapshot, server, args.probe)
                 if args.probe is not None and server is not None else None)
        figures = counted(partial(measure_wrk, target, [], args.mixed_clients, args.seconds,
                                  script, reset), target.pid)
        tokens = figures.pop("acked")
        row = {"query": "mixed", "server": target.name, "clients": args.mixed_clients,
               **figures, "writes": written(tokens)}
        if reset is not None and server is not None:
            row["probe"] = probe_snapshot(server, args.probe)
        rows.append(row)
        _print(row)
        _print_probe(row)
        print(f"    writes: {row['writes']}", flush=True)
    return rows


def clean_mixed(db: Any) -> None:
    """Deletes what the mixed workload wrote that is not the API's own record of it: every
    assessment it made, and the ties the peer created (ours merged onto existing pairs)."""
    db.write("MATCH ()-[a:ASSESSED]->() WHERE a.assessor STARTS WITH 'mix-' DELETE a")
    db.write("MATCH ()-[t:INFLUENCES]->() WHERE t.evidence STARTS WITH 'mix-peer-' DELETE t")


PROBE = Path(__file__).resolve().parent / "probe"


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if ppid == pid and b"resource_tracker" not in cmdline:
            out.append(int(entry.name))
    return out


def probe_snapshot(server: int, folder: Path) -> list[dict[str, Any]]:
    """Returns the counters of every API worker since the last snapshot (``--probe``: see
    ``benchmarks/probe/sitecustomize.py``), and starts them afresh."""
    workers = _children(server) or [server]
    for pid in workers:
        (folder / f"{pid}.json").unlink(missing_ok=True)
        os.kill(pid, signal.SIGUSR1)
    out = []
    for pid in workers:
        path = folder / f"{pid}.json"
        for _ in range(100):
            if path.exists():
                break
            time.sleep(0.05)
        try:
            out.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return out


def run_cells(
    args: argparse.Namespace, targets: list[Target], project: str, prefix: str, ids: list[str]
) -> list[dict[str, Any]]:
    """Returns one row per (query, server, clients), the servers measured cell by cell."""
    rows: list[dict[str, Any]] = []
    for clients in args.clients:
        for query in args.queries:
            if query not in ("lookup", "nested"):
                continue
            for target in targets:
                text = target.lookup if query == "lookup" else target.nested
                if query == "lookup":
                    bodies = [json.dumps({"query": text, "variables": {"id": i}}) for i in ids]
                else:
                    variables = {"project": project, "prefix": prefix}
                    bodies = [json.dumps({"query": text, "variables": variables})]
                server = target.pid if target.name != "peer" else None
                probing = args.probe is not None and server is not None
                # The probe's counters start afresh after the warm-up.
                reset = (partial(probe_snapshot, server, args.probe)
                         if probing and server is not None else None)
                row = {"query": query, "server": target.name, "clients": clients,
                       **counted(partial(measure, args, target, bodies, clients, reset),
                                 target.pid)}
                if probing and server is not None:
                    row["probe"] = probe_snapshot(server, args.probe)
                rows.append(row)
                _print(row)
                _print_probe(row)
        if not args.no_direct:
            row = {"query": "direct", "server": "cypher", "clients": clients,
                   **counted(partial(measure_direct, project, prefix, clients, args.seconds),
                             os.getpid())}
            rows.append(row)
            _print(row)
    return rows


def ratios(rows: list[dict[str, Any]], other: str = "peer") -> list[dict[str, Any]]:
    """Returns stakegraph / ``other`` for every (run, query, clients) measured on both."""
    out = []
    for ours in rows:
        if ours["server"] != "stakegraph":
            continue
        peer = next((r for r in rows if r["server"] == other and r["query"] == ours["query"]
                     and r["clients"] == ours["clients"] and r.get("run") == ours.get("run")),
                    None)
        if peer is None:
            continue
        out.append({
            "run": ours.get("run", 1), "query": ours["query"], "clients": ours["clients"],
            "req_per_s_ratio": ours["req_per_s"] / peer["req_per_s"],
            "p50_ratio": ours["p50_ms"] / peer["p50_ms"],
            "p99_ratio": ours["p99_ms"] / peer["p99_ms"],
            "p999_ratio": ours["p999_ms"] / peer["p999_ms"],
        })
    return out


def medians(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Returns, per (query[, server], clients), the median of each figure over the runs."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in keys), []).append(r)
    out = []
    for key, group in groups.items():
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        row["runs"] = len(group)
        for name, value in group[0].items():
            if name not in keys and isinstance(value, int | float) and name != "run":
                values = [g[name] for g in group if isinstance(g.get(name), int | float)]
                row[name] = statistics.median(values)
        out.append(row)
    return out


TARGETS = {("nested", 8): 1.4, ("mixed", 8): 1.4}  # issue 13: req/s ratio; 1.0 elsewhere


# --- Apps (issue 17): the cost of metrics, tracing-off and rate limits; a noisy key's effect
# on a quiet one; subscriptions under mutations. Run with --apps-overhead, --rate-isolation,
# --subscriptions (each beside the others or alone); written to api-apps-<date>.json.

APPS_OFF = {"STAKEGRAPH_API_METRICS": "false"}
# Metrics on, no OTLP endpoint (tracing off), every role limited far above what is sent, so
# each request pays the shared table's check and none is refused.
APPS_ON = {"STAKEGRAPH_API_METRICS": "true", "STAKEGRAPH_API_RATE_READER": "1000000/s",
           "STAKEGRAPH_API_RATE_ANONYMOUS": "1000000/s"}


def start_apps(port: int, workers: int, extra: dict[str, str]) -> subprocess.Popen[bytes]:
    """Returns the running API with ``workers`` processes sharing one state directory (as
    `stakegraph serve` runs them), with the ``extra`` settings."""
    conn = connection(get_settings())
    state = tempfile.mkdtemp(prefix="bench-apps-")
    env = dict(os.environ, STAKEGRAPH_API_PORT=str(port), STAKEGRAPH_API_WORKERS=str(workers),
               NEO4J_URI=conn.uri, NEO4J_USER=conn.user, NEO4J_PASSWORD=conn.password,
               STAKEGRAPH_API_STATE_DIR=state, STAKEGRAPH_API_LOG_LEVEL="warning", **extra)
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    return _uvicorn_workers(port, workers, env)


def apps_overhead(args: argparse.Namespace, key: str, project: str, prefix: str
                  ) -> dict[str, Any]:
    """Returns nested-query throughput with the apps features off and on, measured side by
    side: the two servers run together and their cells alternate, ``args.rounds`` each."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        targets = {}
        for name, extra in (("off", APPS_OFF), ("on", APPS_ON)):
            port = free_port()
            processes.append(start_apps(port, args.workers, extra))
            targets[name] = Target(name, f"http://127.0.0.1:{port}/graphql",
                                   {"X-API-Key": key}, LOOKUP, NESTED, processes[-1].pid)
        body = [json.dumps({"query": NESTED, "variables": {"project": project,
                                                           "prefix": prefix}})]
        rows: list[dict[str, Any]] = []
        for clients in args.clients:
            for round_ in range(args.rounds):
                for name in ("off", "on") if round_ % 2 == 0 else ("on", "off"):
                    target = targets[name]
                    row = {"query": "nested", "server": f"apps-{name}", "clients": clients,
                           "round": round_,
                           **counted(partial(measure, args, target, body, clients), target.pid)}
                    rows.append(row)
                    _print(row)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
    summary = []
    for clients in args.clients:
        med = {name: statistics.median(r["req_per_s"] for r in rows
                                       if r["server"] == f"apps-{name}"
                                       and r["clients"] == clients)
               for name in ("off", "on")}
        cpu = {name: statistics.median(r.get("server_cpu_ms_per_req", 0) for r in rows
                                       if r["server"] == f"apps-{name}"
                                       and r["clients"] == clients)
               for name in ("off", "on")}
        summary.append({"clients": clients, "req_per_s_off": med["off"],
                        "req_per_s_on": med["on"], "on_over_off": med["on"] / med["off"],
                        "server_cpu_ms_off": cpu["off"], "server_cpu_ms_on": cpu["on"]})
        print(f"apps overhead {clients} clients: off {med['off']:.1f} req/s, on "
              f"{med['on']:.1f} req/s, on/off x{med['on'] / med['off']:.3f}; server CPU/req "
              f"{cpu['off']:.2f} vs {cpu['on']:.2f} ms", flush=True)
    return {"rows": rows, "summary": summary}


NOISE_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = %(key)s
wrk.body = %(body)s
"""


def start_noise(url: str, key: str, body: str, clients: int, seconds: float
                ) -> subprocess.Popen[str]:
    """Returns a running ``wrk`` sending ``body`` as ``key`` over ``clients`` connections for
    ``seconds``: C, so the noise costs the machine little beside what the server spends on it
    (a Python client would take the CPU the quiet requests need)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(NOISE_SCRIPT % {"key": _lua_string(key), "body": _lua_string(body)})
    return subprocess.Popen(
        ["wrk", "-t", "1", "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
         "--timeout", "30s", "-s", handle.name, url], stdout=subprocess.PIPE, text=True)


def noise_counts(process: subprocess.Popen[str]) -> dict[str, int]:
    """Returns what the noise sent: requests, and those refused (non-2xx answers)."""
    out, _ = process.communicate(timeout=120)
    total = re.search(r"(\d+) requests in", out)
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": int(total.group(1)) if total else 0,
            "refused": int(refused.group(1)) if refused else 0}


def rate_isolation(args: argparse.Namespace, db: Any, project: str, prefix: str
                   ) -> dict[str, Any]:
    """Returns the quiet key's nested-query latency alone and while a noisy key sends as fast
    as 8 connections can and is mostly refused: readers are limited to ``args.reader_limit``
    (below what the noise sends), the quiet key is an editor's, unlimited (one client sending
    back to back would itself go past any limit the noise could meet on a small machine)."""
    keys = [create_key(db, role, f"bench {role}", id_prefix="bench-rate-")
            for role in ("editor", "reader")]
    port = free_port()
    process = start_apps(port, args.workers, {"STAKEGRAPH_API_METRICS": "true",
                                              "STAKEGRAPH_API_RATE_READER": args.reader_limit})
    url = f"http://127.0.0.1:{port}/graphql"
    body = json.dumps({"query": NESTED, "variables": {"project": project, "prefix": prefix}})
    quiet = Target("quiet", url, {"X-API-Key": keys[0][1]}, LOOKUP, NESTED, process.pid)
    out: dict[str, Any] = {"reader_limit": args.reader_limit, "rows": []}
    try:
        for round_ in range(args.rounds):
            for noisy in (False, True) if round_ % 2 == 0 else (True, False):

                noise = (start_noise(url, keys[1][1], body, 8, args.seconds + 2)
                         if noisy else None)
                if noise is not None:
                    time.sleep(0.5)  # the noise is under way before the quiet key starts
                figures = asyncio.run(measure_httpx(quiet, [body], 1, args.seconds))
                counts = noise_counts(noise) if noise is not None else {}
                row = {"round": round_, "noise": noisy, "noise_answers": counts,
                       "quiet_req_per_s": figures["req_per_s"], "quiet_p50_ms": figures["p50_ms"],
                       "quiet_p99_ms": figures["p99_ms"]}
                out["rows"].append(row)
                print(f"rate isolation noise={noisy}: quiet p50 {figures['p50_ms']:.1f} "
                      f"p99 {figures['p99_ms']:.1f} ms; noisy answers {counts}", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=15)
        db.write("MATCH (k:ApiKey) WHERE k.id STARTS WITH 'bench-rate-' DELETE k")
    for noisy in (False, True):
        cells = [r for r in out["rows"] if r["noise"] == noisy]
        out["quiet_p99_ms_" + ("with_noise" if noisy else "alone")] = statistics.median(
            r["quiet_p99_ms"] for r in cells)
    return out


CREATE_PROJECT = "mutation($i: ProjectInput!) { createProject(input: $i) { id } }"
SUBSCRIBE = "subscription { changes(entities: [PROJECTS]) { seq at ids } }"


async def _subscription_cell(ws_url: str, url: str, key: str, editor: str, subscribers: int,
                             rate: float, seconds: float, prefix: str) -> dict[str, Any]:
    """Returns events per second and commit-to-event delays with ``subscribers`` connections
    while projects are created at ``rate`` a second for ``seconds``."""
    import websockets

    acked: dict[str, float] = {}
    arrivals: list[tuple[str, float, str]] = []
    ready = asyncio.Event()
    opened = 0

    async def subscriber() -> None:
        nonlocal opened
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"],
                                      max_queue=None) as socket:
            await socket.send(json.dumps({"type": "connection_init",
                                          "payload": {"apiKey": key}}))
            await socket.recv()
            await socket.send(json.dumps({"id": "1", "type": "subscribe",
                                          "payload": {"query": SUBSCRIBE}}))
            opened += 1
            if opened == subscribers:
                ready.set()
            async for raw in socket:
                message = json.loads(raw)
                if message.get("type") != "next":
                    continue
                change = message["payload"]["data"]["changes"]
                arrivals.append((change["ids"][0], time.time(), change["at"]))

    tasks = []
    for start in range(0, subscribers, 50):  # connect in waves, as clients arrive
        tasks += [asyncio.create_task(subscriber())
                  for _ in range(start, min(subscribers, start + 50))]
        await asyncio.sleep(0.05)
    await asyncio.wait_for(ready.wait(), 120)
    await asyncio.sleep(1.0)  # every follower has started reading
    cpu_before = time.process_time()
    began = time.time()
    async with httpx.AsyncClient(headers={"X-API-Key": editor}, timeout=30) as http:
        n = 0
        while time.time() - began < seconds:
            ident = f"{prefix}{subscribers}-{n}"
            n += 1
            response = await http.post(url, json={"query": CREATE_PROJECT, "variables": {
                "i": {"id": ident, "name": f"Bench {n}"}}})
            acked[ident] = time.time()
            if response.status_code != 200 or b'"errors"' in response.content:
                raise RuntimeError(response.text)
            await asyncio.sleep(max(0.0, began + n / rate - time.time()))
    deadline = time.time() + 30
    expected = len(acked) * subscribers
    while len(arrivals) < expected and time.time() < deadline:
        await asyncio.sleep(0.1)
    ended = max((t for _, t, _ in arrivals), default=time.time())
    client_cpu = time.process_time() - cpu_before
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    from datetime import datetime as _dt

    after_ack = [(t - acked[i]) * 1000 for i, t, _ in arrivals if i in acked]
    after_commit = [(t - _dt.fromisoformat(at.replace("Z", "+00:00")).timestamp()) * 1000
                    for i, t, at in arrivals if i in acked]
    return {
        "subscribers": subscribers, "mutations": len(acked), "mutations_per_s": len(acked) /
        seconds, "events_expected": expected, "events_received": len(arrivals),
        "events_per_s": len(arrivals) / max(1e-9, ended - began),
        "delay_after_ack_ms": {q: _percentile(after_ack, q) for q in (50, 95, 99, 100)},
        "delay_after_commit_ms": {q: _percentile(after_commit, q) for q in (50, 95, 99, 100)},
        "client_cpu_s": client_cpu,
    }


def subscriptions(args: argparse.Namespace, db: Any) -> dict[str, Any]:
    """Returns one row per subscriber count: events per second and commit-to-event delay while
    mutations run (two workers, each following the change feed)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 1,000 sockets and more
    keys = [create_key(db, role, f"bench {role}", id_prefix="bench-subs-")
            for role in ("reader", "editor")]
    port = free_port()
    process = start_apps(port, args.workers, {"STAKEGRAPH_API_METRICS": "true"})
    url = f"http://127.0.0.1:{port}/graphql"
    prefix = "bsubs-"
    rows = []
    try:
        for count in args.subscribers:
            row = asyncio.run(_subscription_cell(
                url.replace("http://", "ws://"), url, keys[0][1], keys[1][1], count,
                args.mutation_rate, args.seconds, prefix))
            rows.append(row)
            print(f"subscriptions {count:5}: {row['mutations_per_s']:.1f} mutations/s, "
                  f"{row['events_per_s']:.0f} events/s ({row['events_received']}/"
                  f"{row['events_expected']}), delay after ack p50 "
                  f"{row['delay_after_ack_ms'][50]:.0f} p99 {row['delay_after_ack_ms'][99]:.0f}"
                  f" ms, after commit p50 {row['delay_after_commit_ms'][50]:.0f} p99 "
                  f"{row['delay_after_commit_ms'][99]:.0f} ms", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=15)
        db.write("MATCH (k:ApiKey) WHERE k.id STARTS WITH 'bench-subs-' DELETE k")
        delete_prefix(db, prefix)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return {"poll_s": get_settings().api_feed_poll_s, "mutation_rate": args.mutation_rate,
            "rows": rows}


def run_apps(args: argparse.Namespace) -> None:
    """Runs the apps measurements asked for and writes ``api-apps-<date>.json``."""
    settings = get_settings()
    prefix = f"bapi{args.size}-"
    result: dict[str, Any] = {"benchmark": "api-apps",
                              "date": datetime.now(UTC).isoformat(timespec="seconds"),
                              "workers": args.workers, "client": args.client,
                              "seconds_per_cell": args.seconds,
                              "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    db = open_graph_db(settings)
    try:
        if args.apps_overhead or args.rate_isolation:
            _load(args, prefix)
            records = db.write(
                "MATCH (p:Project)<-[:ASSESSED]-(s:Stakeholder) WHERE p.id STARTS WITH $p "
                "WITH p, count(DISTINCT s) AS n WHERE n >= 100 RETURN p.id AS id "
                "ORDER BY n DESC LIMIT 1", p=prefix)
            project = records[0]["id"]
            info, key = create_key(db, "reader", "bench_api apps", id_prefix="bench-")
            try:
                if args.apps_overhead:
                    result["overhead"] = apps_overhead(args, key, project, prefix)
                if args.rate_isolation:
                    result["rate_isolation"] = rate_isolation(args, db, project, prefix)
            finally:
                db.write("MATCH (k:ApiKey {id: $id}) DELETE k", id=info.id)
        if args.subscriptions:
            result["subscriptions"] = subscriptions(args, db)
    finally:
        db.close()
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                         "platform": platform.platform()}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"api-apps-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out}; load average {result['loadavg_before']} -> "
          f"{result['loadavg_after']}")


def main() -> None:
    """Runs the benchmark and writes its JSON result."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--peer", action="store_true", help="also measure @neo4j/graphql")
    parser.add_argument("--client", choices=("wrk", "httpx"),
                        default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--queries", type=lambda s: s.split(","), default=["lookup", "nested"],
                        help="which of lookup,nested to run")
    parser.add_argument("--no-direct", action="store_true", help="skip the Cypher baseline")
    parser.add_argument("--keep", action="store_true", help="keep the loaded data")
    parser.add_argument("--compare-uvicorn", action="store_true",
                        help="also serve the same app with uvicorn's own --workers (one "
                             "shared listening socket): the worker model before issue 13")
    parser.add_argument("--runs", type=int, default=1,
                        help="runs of every cell (ratios per run, then their median)")
    parser.add_argument("--mixed-clients", type=int, default=8,
                        help="clients of the mixed workload (90%% reads, 10%% writes)")
    parser.add_argument("--no-mixed", action="store_true", help="skip the mixed workload")
    parser.add_argument("--probe", type=Path, default=None, metavar="DIR",
                        help="count GC pauses, loop lag, pool waits... inside each API worker "
                             "(benchmarks/probe), one snapshot per cell, written through DIR")


    parser.add_argument("--apps-overhead", action="store_true",
                        help="nested throughput with metrics and rate limits off vs on")
    parser.add_argument("--rate-isolation", action="store_true",
                        help="a quiet key's p99 alone and beside a noisy, limited key")
    parser.add_argument("--subscriptions", action="store_true",
                        help="events/s and commit-to-event delay while mutations run")
    parser.add_argument("--subscribers", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1, 100, 1000])
    parser.add_argument("--mutation-rate", type=float, default=10.0,
                        help="mutations a second in --subscriptions")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds per configuration (apps runs)")
    parser.add_argument("--reader-limit", default="2/s",
                        help="the readers' limit in --rate-isolation")
    args = parser.parse_args()
    if args.apps_overhead or args.rate_isolation or args.subscriptions:
        run_apps(args)
        return

    settings = get_settings()
    prefix = f"bapi{args.size}-"
    _load(args, prefix)
    db = open_graph_db(settings)
    records = db.write(
        "MATCH (p:Project)<-[:ASSESSED]-(s:Stakeholder) WHERE p.id STARTS WITH $p "
        "WITH p, count(DISTINCT s) AS n WHERE n >= 100 RETURN p.id AS id ORDER BY n DESC LIMIT 1",
        p=prefix)
    project = records[0]["id"]
    ids = [r["id"] for r in db.write(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p RETURN s.id AS id LIMIT 2000",
        p=prefix)]
    info, key = create_key(db, "reader", "bench_api", id_prefix="bench-")
    editor, editor_key = create_key(db, "editor", "bench_api", id_prefix="bench-")
    write_project = db.write(
        "MATCH (p:Project) WHERE p.id STARTS WITH $p AND p.id <> $nested RETURN p.id AS id "
        "ORDER BY p.id LIMIT 1", p=prefix, nested=project)[0]["id"]

    processes: list[subprocess.Popen[bytes]] = []
    try:
        port = free_port()
        processes.append(start_ours(port, args.workers, args.probe))
        targets = [Target("stakegraph", f"http://127.0.0.1:{port}/graphql",
                          {"X-API-Key": key}, LOOKUP, NESTED, processes[-1].pid)]
        writers = [Target("stakegraph", targets[0].url, {"X-API-Key": editor_key}, LOOKUP,
                          NESTED, processes[-1].pid)]
        if args.compare_uvicorn:
            shared_port = free_port()
            processes.append(start_uvicorn_shared(shared_port, args.workers, args.probe))
            targets.append(Target("uvicorn-shared", f"http://127.0.0.1:{shared_port}/graphql",
                                  {"X-API-Key": key}, LOOKUP, NESTED, processes[-1].pid))
        if args.peer:
            peer_port = free_port()
            processes.append(start_peer(peer_port))
            targets.append(Target("peer", f"http://127.0.0.1:{peer_port}/", {},
                                  PEER_LOOKUP, PEER_NESTED, processes[-1].pid,
                                  PEER_ASSESS, PEER_TIE))
            writers.append(targets[-1])
        answers = [nested_answer(t, project, prefix) for t in targets]
        if len(answers[0]) != 100:
            raise RuntimeError(f"the nested query returned {len(answers[0])} stakes, not 100")
        if any(a != answers[0] for a in answers[1:]):
            raise RuntimeError("stakegraph and the peer answer the nested query differently")
        rows = []
        for run in range(1, args.runs + 1):
            print(f"run {run} of {args.runs} (load average {os.getloadavg()[0]:.2f})",
                  flush=True)
            these = run_cells(args, targets, project, prefix, ids)
            if not args.no_mixed and args.client == "wrk":
                these += run_mixed(args, writers, project, prefix, ids, write_project)
            rows += [{"run": run, **r} for r in these]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        db.write("MATCH (k:ApiKey) WHERE k.id IN $ids DELETE k", ids=[info.id, editor.id])
        clean_mixed(db)
        if not args.keep:
            delete_prefix(db, prefix, batch=5000)
        db.close()

    def cell(query: str, server: str, clients: int, run: int) -> dict[str, Any] | None:
        return next((r for r in rows if r["query"] == query and r["server"] == server
                     and r["clients"] == clients and r["run"] == run), None)

    for r in rows:
        base = cell("direct", "cypher", r["clients"], r["run"])
        if r["query"] == "nested" and base is not None:
            r["vs_direct_req_per_s"] = r["req_per_s"] / base["req_per_s"]
    per_run = ratios(rows)
    median_ratios = medians(per_run, ("query", "clients"))
    # Issue 13: p99 at most the peer's in every cell; req/s at least 1.4x on nested and mixed
    # at 8 clients, at least 1.0x elsewhere.
    target: dict[str, Any] = {
        f"{r['query']}@{r['clients']}": {
            "p99_ratio_max": 1.0, "req_per_s_ratio_min": TARGETS.get(
                (r["query"], r["clients"]), 1.0),
            "met": r["p99_ratio"] <= 1.0
            and r["req_per_s_ratio"] >= TARGETS.get((r["query"], r["clients"]), 1.0),
        } for r in median_ratios}
    load = os.getloadavg()
    result = {
        "benchmark": "api",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(), "loadavg_after": [round(x, 2) for x in load]},
        "versions": versions(),
        "size": args.size,
        "workers": args.workers,
        "peer_processes": 1 if args.peer else 0,
        "client": args.client,
        "seconds_per_cell": args.seconds,
        "runs": args.runs,
        "rows": rows,
        "median_rows": medians(rows, ("query", "server", "clients")),
        "ratios_per_run": per_run,
        "ratios_stakegraph_over_peer": median_ratios,
        "ratios_stakegraph_over_uvicorn_shared": medians(
            ratios(rows, "uvicorn-shared"), ("query", "clients")),
        "target": target,
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = "-peer" if args.peer else ""
    out = RESULTS / f"api{suffix}-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    for r in median_ratios:
        print(f"stakegraph/peer {r['query']:7} {r['clients']:3} clients (median of "
              f"{r['runs']}): req/s x{r['req_per_s_ratio']:.2f}, p50 x{r['p50_ratio']:.2f}, "
              f"p99 x{r['p99_ratio']:.2f}, p99.9 x{r['p999_ratio']:.2f}")
    print(f"targets: {json.dumps(target)}; written to {out}")


if __name__ == "__main__":
    main()
