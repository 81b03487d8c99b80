"""`stakegraph serve --workers 2`: the parent hands each connection to the worker with the fewest
open ones, so keep-alive clients spread evenly; closed connections (HTTP and WebSocket) are
counted back; a worker that dies is replaced."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import websockets
from api_support import Server, start_server, stop_server

QUERY = {"query": "{ __typename }"}


@pytest.fixture()
def two_workers(api_env: dict[str, str], cli_env: dict[str, str],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`stakegraph serve --workers 2`, as users start it."""
    exe = shutil.which("stakegraph", path=cli_env["PATH"])
    assert exe is not None
    server = start_server(api_env, tmp_path_factory.mktemp("workers"),
                          [exe, "serve", "--host", "127.0.0.1", "--port", "{port}",
                           "--workers", "2"])
    yield server
    stop_server(server)


def worker_of(client: httpx.Client, url: str, key: str) -> int:
    """Returns the pid of the worker that answered a query on ``client``'s connection."""
    response = client.post(url + "/graphql", json=QUERY, headers={"X-API-Key": key})
    assert response.status_code == 200, response.text
    worker: int = response.json()["extensions"]["worker"]
    return worker


def connections(url: str, key: str, n: int) -> tuple[list[httpx.Client], Counter[int]]:
    """Returns ``n`` open keep-alive connections and how many each worker holds."""
    clients = [httpx.Client(timeout=60, limits=httpx.Limits(max_connections=1))
               for _ in range(n)]
    return clients, Counter(worker_of(c, url, key) for c in clients)


def test_keep_alive_connections_spread_evenly(two_workers: Server,
                                              keys: dict[str, str]) -> None:
    clients, held = connections(two_workers.url, keys["reader"], 8)
    try:
        assert sorted(held.values()) == [4, 4], held
        # Each connection stays with its worker.
        again = Counter(worker_of(c, two_workers.url, keys["reader"]) for c in clients)
        assert again == held
    finally:
        for c in clients:
            c.close()
    time.sleep(0.5)  # the workers report the closes
    # Closed connections are counted back: two new ones go one to each worker.
    clients, held = connections(two_workers.url, keys["reader"], 2)
    for c in clients:
        c.close()
    assert sorted(held.values()) == [1, 1], held
    # Short-lived connections, one after the other, take turns.
    turns = [worker_of(httpx.Client(timeout=10), two_workers.url, keys["reader"])
             for _ in range(4)]
    assert len(set(turns)) == 2, turns


def test_websocket_connections_are_counted_back(two_workers: Server,
                                                keys: dict[str, str]) -> None:
    url = two_workers.url.replace("http://", "ws://") + "/graphql"

    async def open_and_close() -> None:
        sockets = [await websockets.connect(url, subprotocols=["graphql-transport-ws"])
                   for _ in range(4)]
        for s in sockets:
            await s.send(json.dumps({"type": "connection_init",
                                     "payload": {"apiKey": keys["reader"]}}))
            assert json.loads(await s.recv())["type"] == "connection_ack"
        for s in sockets:
            await s.close()

    asyncio.run(open_and_close())
    time.sleep(0.5)
    clients, held = connections(two_workers.url, keys["reader"], 4)
    for c in clients:
        c.close()
    assert sorted(held.values()) == [2, 2], held


def test_a_dead_worker_is_replaced(two_workers: Server, keys: dict[str, str]) -> None:
    clients, held = connections(two_workers.url, keys["reader"], 2)
    for c in clients:
        c.close()
    victim = next(iter(held))
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    seen: set[int] = set()
    while time.monotonic() < deadline and len(seen - {victim}) < 2:
        try:
            clients, held = connections(two_workers.url, keys["reader"], 2)
        except httpx.TransportError:
            time.sleep(0.5)
            continue
        for c in clients:
            c.close()
        seen.update(held)
        time.sleep(0.2)
    assert victim not in seen and len(seen) == 2, seen
    assert two_workers.process.poll() is None
