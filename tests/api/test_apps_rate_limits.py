"""Rate limits per caller, per role, shared by the workers of a host: a noisy key is refused
with 429, ``Retry-After`` and RATE_LIMITED once it has used its share (counted over both
workers together), while a quiet key of the same role is never refused; anonymous callers are
limited by address; an unlimited role is not limited; subscriptions and reports count too.

How much the noise slows the quiet key (its p99 with and without it) is measured in
``benchmarks/bench_api.py --rate-isolation``, not asserted here."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from api_support import Server, run_async, start_workers, stop_server, worker_pids
from neo4j import Driver
from stakegraph.api.auth import Principal, Role
from stakegraph.api.keystore import create_key
from stakegraph.api.rate_limits import RateLimiter
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

from stakegraph.settings import Settings

READER_LIMIT = 20  # per 60 s: a refill of one token every 3 s
ANONYMOUS_LIMIT = 5


@pytest.fixture(scope="module")
def limited_api(api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Server]:
    """Two workers; readers 20 a minute, anonymous callers 5 a minute, admins unlimited."""
    server = start_workers({**api_env, "STAKEGRAPH_API_RATE_READER": f"{READER_LIMIT}/min",
                            "STAKEGRAPH_API_RATE_ANONYMOUS": f"{ANONYMOUS_LIMIT}/min",
                            "STAKEGRAPH_API_ALLOW_ANONYMOUS_READ": "true"},
                           tmp_path_factory.mktemp("rate"))
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def readers(db: GraphDB, driver: Driver, database: str) -> Iterator[dict[str, str]]:
    """Keys of their own (the session's are shared with other tests): noisy, quiet, spare."""
    prefix = f"trate{uuid.uuid4().hex[:8]}-"
    out = {name: create_key(db, "reader", f"pytest {name}", id_prefix=prefix)[1]
           for name in ("noisy", "quiet", "spare")}
    yield out
    driver.execute_query(f"MATCH (k:{Label.API_KEY}) WHERE k.id STARTS WITH $p DETACH DELETE k",
                         p=prefix, database_=database)


def _post(server: Server, headers: dict[str, str]) -> httpx.Response:
    # A new connection each time, so the requests spread over both workers.
    return httpx.post(server.url + "/graphql",
                      json={"query": '{ concepts(filter: {scheme: "quadrant"}) { totalCount } }'},
                      headers=headers, timeout=30)


def test_a_noisy_key_is_limited_across_workers_and_a_quiet_one_is_not(
    limited_api: Server, readers: dict[str, str], keys: dict[str, str],
) -> None:
    # Both workers answer (admins are unlimited, so this spends no reader's tokens).
    assert len(worker_pids(limited_api, {"X-API-Key": keys["admin"]})) == 2
    noisy, quiet = {"X-API-Key": readers["noisy"]}, {"X-API-Key": readers["quiet"]}
    began = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        noisy_answers = list(pool.map(lambda _: _post(limited_api, noisy), range(80)))
        quiet_answers = list(pool.map(lambda _: _post(limited_api, quiet), range(10)))
    elapsed = time.monotonic() - began
    allowed = [r for r in noisy_answers if r.status_code == 200]
    refused = [r for r in noisy_answers if r.status_code == 429]
    assert len(allowed) + len(refused) == 80
    # One bucket for the key over both workers: the limit plus what refilled meanwhile, not
    # a limit per worker (which would let up to twice as many through).
    refill = int(elapsed * READER_LIMIT / 60) + 1
    assert READER_LIMIT <= len(allowed) <= READER_LIMIT + refill, (len(allowed), elapsed)
    assert {r.json()["extensions"]["worker"] for r in allowed} == worker_pids(
        limited_api, {"X-API-Key": keys["admin"]}), "both workers served the noisy key"
    for answer in refused:
        wait = int(answer.headers["Retry-After"])
        assert 1 <= wait <= 3
        error = answer.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["retryAfter"] == wait
        assert "data" not in answer.json()
    # The quiet key of the same role was never refused.
    assert [r.status_code for r in quiet_answers] == [200] * 10
    # After the wait the noisy key gets a request through again.
    time.sleep(int(refused[-1].headers["Retry-After"]) + 0.2)
    assert _post(limited_api, noisy).status_code == 200


def test_anonymous_callers_are_limited_by_address_and_admins_not_at_all(
    limited_api: Server, keys: dict[str, str],
) -> None:
    answers = [_post(limited_api, {}).status_code for _ in range(ANONYMOUS_LIMIT + 3)]
    assert answers == [200] * ANONYMOUS_LIMIT + [429] * 3
    admin = {"X-API-Key": keys["admin"]}
    assert {_post(limited_api, admin).status_code for _ in range(READER_LIMIT + 10)} == {200}


def test_subscriptions_and_reports_count_against_the_limit(
    limited_api: Server, readers: dict[str, str],
) -> None:
    spare = {"X-API-Key": readers["spare"]}
    while _post(limited_api, spare).status_code == 200:
        pass  # use up the key's tokens (at most the limit plus a refill or two)
    report = httpx.get(limited_api.url + "/reports/any-project", headers=spare, timeout=30)
    assert report.status_code == 429 and report.headers["Retry-After"].isdigit()
    assert report.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"

    async def subscribe() -> dict[str, Any]:
        url = limited_api.url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:
            await socket.send(json.dumps({"type": "connection_init",
                                          "payload": {"apiKey": readers["spare"]}}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                "query": "subscription { changes { seq } }"}}))
            return dict(json.loads(await asyncio.wait_for(socket.recv(), 10)))

    message = run_async(subscribe())
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "RATE_LIMITED"


def test_limiters_over_one_directory_share_the_buckets(tmp_path: Path) -> None:
    """Two limiters over one state directory (as two workers have) draw on one bucket per
    caller."""
    settings = Settings(STAKEGRAPH_API_RATE_READER="4/h")
    first, second = RateLimiter(settings, tmp_path), RateLimiter(settings, tmp_path)
    caller = Principal(Role.READER, "key:shared", "api_key")
    outcomes = []
    for limiter in (first, second, first, second, first, second):
        try:
            limiter.check(caller, None)
            outcomes.append("ok")
        except Exception as exc:  # RateLimited
            outcomes.append(type(exc).__name__)
    assert outcomes == ["ok"] * 4 + ["RateLimited"] * 2
    other = Principal(Role.READER, "key:other", "api_key")
    second.check(other, None)  # another caller has a bucket of its own
    first.close()
    second.close()
