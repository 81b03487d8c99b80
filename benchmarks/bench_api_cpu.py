"""The API's own CPU per request, in-process, with and without its fast completion.

Runs the app in this process (httpx over ASGI, no sockets, no other server), on the graph
`bench_api.py` loads (same prefix, loaded when missing), and measures the process's CPU
milliseconds per request of `bench_api.py`'s nested query (100 stakeholders → stake →
project → 5 activities) and lookup, first with graphql-core completing every field
(`STAKEGRAPH_API_FAST_COMPLETION=false`), then with `stakegraph.api.execution`, in the same run.
Both answers must be equal. Neo4j's work is in another process and not counted; the in-process
HTTP client's small share is. This is the figure the API's own code decides. Writes
`results/api-cpu-<date>.json`.

    .venv/bin/python benchmarks/bench_api_cpu.py [--size 10000] [--requests 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from bench_api import LOOKUP, NESTED, RESULTS, _load
from bench_support import delete_prefix
from stakegraph.api.app import create_app
from stakegraph.api.keystore import create_key
from stakegraph.schema.model import Label

from stakegraph.db import open_graph_db
from stakegraph.settings import Settings, get_settings


async def cpu_per_request(
    fast: bool, key: str, bodies: list[dict[str, Any]], requests: int
) -> tuple[float, list[Any]]:
    """Returns the CPU ms per request of ``requests`` posts (cycling through ``bodies``) and
    the data of one answer per body."""
    app = create_app(Settings(STAKEGRAPH_API_FAST_COMPLETION=fast))
    headers = {"X-API-Key": key}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            answers = []
            for body in bodies:  # also the warm-up: plans, caches, connections
                answer = (await client.post("/graphql", json=body, headers=headers)).json()
                if answer.get("errors"):
                    raise RuntimeError(f"the API answered with errors: {answer['errors']}")
                answers.append(answer["data"])
            began = time.process_time()
            for i in range(requests):
                await client.post("/graphql", json=bodies[i % len(bodies)], headers=headers)
            return (time.process_time() - began) * 1000 / requests, answers


def main() -> None:
    """Measures both executors on both queries and writes the JSON result."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the loaded data")
    args = parser.parse_args()
    settings = get_settings()
    prefix = f"bapi{args.size}-"
    _load(args, prefix)
    db = open_graph_db(settings)
    project = db.write(
        f"MATCH (p:{Label.PROJECT})<-[:ASSESSED]-(s:{Label.STAKEHOLDER}) "
        "WHERE p.id STARTS WITH $p WITH p, count(DISTINCT s) AS n WHERE n >= 100 "
        "RETURN p.id AS id ORDER BY n DESC LIMIT 1", p=prefix,)[0]["id"]
    ids = [r["id"] for r in db.write(
        f"MATCH (s:{Label.STAKEHOLDER}) WHERE s.id STARTS WITH $p RETURN s.id AS id LIMIT 200",
        p=prefix,)]
    info, key = create_key(db, "reader", "bench_api_cpu", id_prefix="bench-")
    queries = {
        "nested": [{"query": NESTED, "variables": {"project": project, "prefix": prefix}}],
        "lookup": [{"query": LOOKUP, "variables": {"id": i}} for i in ids],
    }
    rows = []
    try:
        for name, bodies in queries.items():
            standard, a = asyncio.run(cpu_per_request(False, key, bodies, args.requests))
            fast, b = asyncio.run(cpu_per_request(True, key, bodies, args.requests))
            if a != b:
                raise RuntimeError(f"{name}: the two executors answer differently")
            rows.append({"query": name, "standard_cpu_ms": standard, "fast_cpu_ms": fast,
                         "standard_over_fast": standard / fast})
            print(f"{name:7} CPU ms/request: graphql-core {standard:6.2f}  fast {fast:6.2f}  "
                  f"({standard / fast:.2f}x less)", flush=True)
    finally:
        db.write(f"MATCH (k:{Label.API_KEY} {{id: $id}}) DELETE k", id=info.id)
        if not args.keep:
            delete_prefix(db, prefix, batch=5000)
        db.close()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"api-cpu-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps({
        "benchmark": "api-cpu",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "loadavg": [round(x, 2) for x in os.getloadavg()]},
        "size": args.size, "requests": args.requests, "rows": rows,
    }, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
