"""GraphQL API throughput and latency on the 10k generated graph.

Loads the generated dataset (10,000 stakeholders by default) under its own id prefix, starts the
API (uvicorn, its own process), and measures requests per second and p50/p95/p99 latency at 1, 8
and 32 concurrent clients for:

- **lookup**: one stakeholder by id;
- **nested**: 100 stakeholders of a project -> their stake assessments -> projects -> activities;
- **direct** (the baseline): the same nested answer from one hand-written Cypher query on the
  async driver, no HTTP or GraphQL, so the ratio shows what the API layer costs.

Writes ``benchmarks/results/api-<date>.json``; deletes everything it loaded unless ``--keep``.
Target (issue 5): nested p99 under 100 ms at 8 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from neo4j import AsyncGraphDatabase
from stakegraph.api.keystore import create_key
from stakegraph.loaders.generate import generate
from stakegraph.loaders.load import load_paths
from stakegraph.schema.apply import apply_schema

from stakegraph.db import connection, open_driver
from stakegraph.settings import get_settings

RESULTS = Path(__file__).resolve().parent / "results"

LOOKUP = "query($id: ID!) { stakeholder(id: $id) { id name kind sector seldomHeard } }"
NESTED = """
query($project: ID!, $prefix: String!) {
  stakeholders(filter: {project: $project, idPrefix: $prefix}, first: 100, orderBy: ID_ASC) {
    nodes { id name
      stakes(project: $project) { date quadrant interest impact
        project { id name activities(first: 5) { nodes { id date level } } } } } } }
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _measure(
    call: Callable[[], Awaitable[None]], clients: int, seconds: float, warmup: int
) -> dict[str, float]:
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


async def _run(args: argparse.Namespace, url: str, key: str, project: str, ids: list[str],
               prefix: str) -> list[dict[str, Any]]:
    settings = get_settings()
    conn = connection(settings)
    rows: list[dict[str, Any]] = []
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(
        base_url=url, headers={"X-API-Key": key}, timeout=30, limits=limits
    ) as http:
        driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
        rng = random.Random(7)

        async def post(query: str, variables: dict[str, Any]) -> None:
            response = await http.post("/graphql", json={"query": query, "variables": variables})
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(f"API error: {response.status_code} {body}")

        async def lookup() -> None:
            await post(LOOKUP, {"id": rng.choice(ids)})

        async def nested() -> None:
            await post(NESTED, {"project": project, "prefix": prefix})

        async def direct() -> None:
            await driver.execute_query(
                DIRECT, project=project, prefix=prefix, database_=conn.database
            )

        check = await http.post(
            "/graphql", json={"query": NESTED, "variables": {"project": project, "prefix": prefix}}
        )
        count = len(check.json()["data"]["stakeholders"]["nodes"])
        if count != 100:
            raise RuntimeError(f"the nested query returned {count} stakeholders, not 100")
        try:
            for clients in args.clients:
                for name, call in (("lookup", lookup), ("nested", nested), ("direct", direct)):
                    figures = await _measure(call, clients, args.seconds, warmup=5)
                    rows.append({"query": name, "clients": clients, **figures})
                    print(
                        f"{name:7} {clients:3} clients  {figures['req_per_s']:8.1f} req/s  "
                        f"p50 {figures['p50_ms']:7.1f}  p95 {figures['p95_ms']:7.1f}  "
                        f"p99 {figures['p99_ms']:7.1f} ms",
                        flush=True,
                    )
        finally:
            await driver.close()
    return rows


def main() -> None:
    """Runs the benchmark and writes its JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the loaded data")
    args = parser.parse_args()

    settings = get_settings()
    prefix = f"bapi{args.size}-"
    driver = open_driver(settings)
    database = settings.neo4j_database
    apply_schema(driver, database)
    loaded, _, _ = driver.execute_query(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p RETURN count(s) AS n", p=prefix,
        database_=database,
    )
    if loaded[0]["n"] < args.size:
        with tempfile.TemporaryDirectory() as tmp:
            generate(args.size, args.seed, Path(tmp), id_prefix=prefix)
            began = time.perf_counter()
            load_paths(driver, database, [Path(tmp)])
            print(f"loaded {args.size} stakeholders in {time.perf_counter() - began:.1f} s")
    records, _, _ = driver.execute_query(
        "MATCH (p:Project)<-[:ASSESSED]-(s:Stakeholder) WHERE p.id STARTS WITH $p "
        "WITH p, count(DISTINCT s) AS n WHERE n >= 100 RETURN p.id AS id ORDER BY n DESC LIMIT 1",
        p=prefix, database_=database,
    )
    project = records[0]["id"]
    ids = [r["id"] for r in driver.execute_query(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p RETURN s.id AS id LIMIT 2000",
        p=prefix, database_=database,
    )[0]]
    info, key = create_key(driver, database, "reader", "bench_api", id_prefix="bench-")

    port = _free_port()
    env = dict(os.environ, STAKEGRAPH_API_PORT=str(port), STAKEGRAPH_API_WORKERS=str(args.workers))
    conn = connection(settings)
    env.update(NEO4J_URI=conn.uri, NEO4J_USER=conn.user, NEO4J_PASSWORD=conn.password)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "stakegraph.api.app:create_app", "--factory",
         "--port", str(port), "--workers", str(args.workers), "--log-level", "warning"],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        rows = asyncio.run(_run(args, url, key, project, ids, prefix))
    finally:
        server.terminate()
        server.wait(timeout=15)
        driver.execute_query("MATCH (k:ApiKey {id: $id}) DELETE k", id=info.id,
                             database_=database)
        if not args.keep:
            # CALL ... IN TRANSACTIONS needs an auto-commit transaction: session.run.
            with driver.session(database=database) as session:
                session.run(
                    "MATCH (n) WHERE n.id STARTS WITH $p CALL (n) { DETACH DELETE n } "
                    "IN TRANSACTIONS OF 5000 ROWS", p=prefix,
                ).consume()
        driver.close()

    nested8 = next(r for r in rows if r["query"] == "nested" and r["clients"] == 8)
    for r in rows:
        if r["query"] == "nested":
            base = next(b for b in rows if b["query"] == "direct" and b["clients"] == r["clients"])
            r["vs_direct_req_per_s"] = r["req_per_s"] / base["req_per_s"]
    result = {
        "benchmark": "api",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "size": args.size,
        "workers": args.workers,
        "seconds_per_cell": args.seconds,
        "rows": rows,
        "target": {"nested_p99_ms_at_8_clients": 100, "met": nested8["p99_ms"] < 100},
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"api-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nnested p99 at 8 clients: {nested8['p99_ms']:.1f} ms (target < 100): "
          f"{'met' if result['target']['met'] else 'NOT met'}; written to {out}")


if __name__ == "__main__":
    main()
