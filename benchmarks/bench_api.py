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

# wrk's Lua side: rotate through the request bodies, count non-200 and GraphQL errors per
# thread, and print one JSON line with the figures at the end.
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
function init(args) n = math.random(#bodies) end
function request()
  n = (n %% #bodies) + 1
  return wrk.format(nil, path, nil, bodies[n])
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do errors = errors + t:get("bad") end
  io.write(string.format(
    'WRKJSON {"requests": %%d, "seconds": %%f, "errors": %%d, "socket_errors": %%d, ' ..
    '"p50_ms": %%f, "p95_ms": %%f, "p99_ms": %%f, "mean_ms": %%f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000))
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


def measure_wrk(target: Target, bodies: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """Returns wrk's figures for ``clients`` keep-alive connections POSTing ``bodies``."""
    path = httpx.URL(target.url).path or "/"
    headers = "\n".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in target.headers.items()
    )
    script = WRK_SCRIPT % {
        "bodies": ", ".join(_lua_string(b) for b in bodies),
        "path": path,
        "headers": headers,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        base = str(httpx.URL(target.url).copy_with(path="/"))
        # Warm-up (connections, plans, caches), then the measured run.
        for duration in (max(1, round(seconds / 5)), max(1, round(seconds))):
            done = subprocess.run(
                ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{duration}s",
                 "--timeout", "30s", "-s", handle.name, base],
                capture_output=True, text=True,
            )
            if done.returncode != 0:
                raise RuntimeError(f"wrk failed: {done.stdout}{done.stderr}")
    finally:
        os.unlink(handle.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON "):])
    if raw["errors"] or raw["socket_errors"]:
        raise RuntimeError(f"{target.name}: {raw['errors']} errors, {raw['socket_errors']} "
                           f"socket errors under load:\n{done.stdout}")
    return {
        "requests": raw["requests"],
        "req_per_s": raw["requests"] / raw["seconds"],
        "p50_ms": raw["p50_ms"],
        "p95_ms": raw["p95_ms"],
        "p99_ms": raw["p99_ms"],
        "mean_ms": raw["mean_ms"],
    }


async def _measure(
    call: Callable[[], Awaitable[None]], clients: int, seconds: float, warmup: int
) -> dict[str, Any]:
    for _ in range(warmup):
        await call()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            await call()
            latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "req_per_s": len(latencies) / elapsed,
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
        "mean_ms": statistics.fmean(latencies),
    }


async def measure_httpx(
    target: Target, bodies: list[str], clients: int, seconds: float
) -> dict[str, Any]:
    """Returns the figures of ``clients`` async httpx workers POSTing ``bodies``."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    headers = {"Content-Type": "application/json", **target.headers}
    rng = random.Random(7)
    async with httpx.AsyncClient(headers=headers, timeout=30, limits=limits) as http:

        async def call() -> None:
            response = await http.post(target.url, content=rng.choice(bodies))
            # No JSON parsing: the client should cost as little CPU as it can.
            if response.status_code != 200 or b'"errors"' in response.content:
                raise RuntimeError(f"{target.name}: {response.status_code} {response.text}")

        return await _measure(call, clients, seconds, warmup=5)


def measure(
    args: argparse.Namespace, target: Target, bodies: list[str], clients: int
) -> dict[str, Any]:
    """Returns the figures of one cell with the chosen load generator."""
    if args.client == "wrk":
        return measure_wrk(target, bodies, clients, args.seconds)
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


def start_ours(port: int, workers: int) -> subprocess.Popen[bytes]:
    """Returns the running stakegraph API (uvicorn with ``workers`` processes)."""
    conn = connection(get_settings())
    env = dict(os.environ, STAKEGRAPH_API_PORT=str(port), STAKEGRAPH_API_WORKERS=str(workers),
               NEO4J_URI=conn.uri, NEO4J_USER=conn.user, NEO4J_PASSWORD=conn.password)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "stakegraph.api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"],
        env=env,
    )
    _wait_until_up(f"http://127.0.0.1:{port}/graphql", {"query": "{ __typename }"}, process)
    return process


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
        f"p99 {row['p99_ms']:7.1f} ms  cpu/req server {row.get('server_cpu_ms_per_req', 0):6.1f}"
        f" neo4j {row.get('neo4j_cpu_ms_per_req', 0):6.1f} ms",
        flush=True,
    )


def counted(run: Callable[[], dict[str, Any]], server: int | None) -> dict[str, Any]:
    """Returns the figures of ``run`` with the CPU milliseconds per request it cost the server
    (its processes) and Neo4j: on a shared machine the fairest measure of work done."""
    database = neo4j_pid()
    before = [_cpu_seconds(p) if p else 0.0 for p in (server, database)]
    figures = run()
    after = [_cpu_seconds(p) if p else 0.0 for p in (server, database)]
    n = max(1, figures["requests"])
    if server:
        figures["server_cpu_ms_per_req"] = (after[0] - before[0]) * 1000 / n
    if database:
        figures["neo4j_cpu_ms_per_req"] = (after[1] - before[1]) * 1000 / n
    return figures


def run_cells(
    args: argparse.Namespace, targets: list[Target], project: str, prefix: str, ids: list[str]
) -> list[dict[str, Any]]:
    """Returns one row per (query, server, clients), the servers measured cell by cell."""
    rows: list[dict[str, Any]] = []
    for clients in args.clients:
        for query in args.queries:
            for target in targets:
                text = target.lookup if query == "lookup" else target.nested
                if query == "lookup":
                    bodies = [json.dumps({"query": text, "variables": {"id": i}}) for i in ids]
                else:
                    variables = {"project": project, "prefix": prefix}
                    bodies = [json.dumps({"query": text, "variables": variables})]
                row = {"query": query, "server": target.name, "clients": clients,
                       **counted(partial(measure, args, target, bodies, clients), target.pid)}
                rows.append(row)
                _print(row)
        if not args.no_direct:
            row = {"query": "direct", "server": "cypher", "clients": clients,
                   **counted(partial(measure_direct, project, prefix, clients, args.seconds),
                             os.getpid())}
            rows.append(row)
            _print(row)
    return rows


def ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Returns stakegraph / peer for every (query, clients) measured on both."""
    out = []
    for ours in rows:
        if ours["server"] != "stakegraph":
            continue
        peer = next((r for r in rows if r["server"] == "peer" and r["query"] == ours["query"]
                     and r["clients"] == ours["clients"]), None)
        if peer is None:
            continue
        out.append({
            "query": ours["query"], "clients": ours["clients"],
            "req_per_s_ratio": ours["req_per_s"] / peer["req_per_s"],
            "p99_ratio": ours["p99_ms"] / peer["p99_ms"],
        })
    return out


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
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "stakegraph.api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"],
        env=env,
    )
    _wait_until_up(f"http://127.0.0.1:{port}/graphql", {"query": "{ __typename }"}, process)
    return process


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
        p=prefix,)[0]]
    info, key = create_key(db, "reader", "bench_api", id_prefix="bench-")

    processes: list[subprocess.Popen[bytes]] = []
    try:
        port = free_port()
        processes.append(start_ours(port, args.workers))
        targets = [Target("stakegraph", f"http://127.0.0.1:{port}/graphql",
                          {"X-API-Key": key}, LOOKUP, NESTED, processes[-1].pid)]
        if args.peer:
            peer_port = free_port()
            processes.append(start_peer(peer_port))
            targets.append(Target("peer", f"http://127.0.0.1:{peer_port}/", {},
                                  PEER_LOOKUP, PEER_NESTED, processes[-1].pid))
        answers = [nested_answer(t, project, prefix) for t in targets]
        if len(answers[0]) != 100:
            raise RuntimeError(f"the nested query returned {len(answers[0])} stakes, not 100")
        if any(a != answers[0] for a in answers[1:]):
            raise RuntimeError("stakegraph and the peer answer the nested query differently")
        rows = run_cells(args, targets, project, prefix, ids)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        db.write("MATCH (k:ApiKey {id: $id}) DELETE k", id=info.id)
        if not args.keep:
            delete_prefix(db, prefix, batch=5000)
        db.close()

    def cell(query: str, server: str, clients: int) -> dict[str, Any] | None:
        return next((r for r in rows if r["query"] == query and r["server"] == server
                     and r["clients"] == clients), None)

    for r in rows:
        base = cell("direct", "cypher", r["clients"])
        if r["query"] == "nested" and base is not None:
            r["vs_direct_req_per_s"] = r["req_per_s"] / base["req_per_s"]
    ours8, peer8 = cell("nested", "stakegraph", 8), cell("nested", "peer", 8)
    target: dict[str, Any] = {"nested_p99_ms_at_8_clients": 100}
    if ours8 is not None:
        target["p99_met"] = ours8["p99_ms"] < 100
    if ours8 is not None and peer8 is not None:
        target["nested_req_per_s_vs_peer_at_8_clients"] = 1.0
        target["vs_peer_met"] = ours8["req_per_s"] >= peer8["req_per_s"]
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
        "rows": rows,
        "ratios_stakegraph_over_peer": ratios(rows),
        "target": target,
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = "-peer" if args.peer else ""
    out = RESULTS / f"api{suffix}-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    for r in result["ratios_stakegraph_over_peer"]:
        print(f"stakegraph/peer {r['query']:7} {r['clients']:3} clients: "
              f"req/s x{r['req_per_s_ratio']:.2f}, p99 x{r['p99_ratio']:.2f}")
    print(f"targets: {json.dumps(target)}; written to {out}")


if __name__ == "__main__":
    main()
