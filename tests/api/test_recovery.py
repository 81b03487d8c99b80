"""Neo4j going away and coming back: fast UNAVAILABLE, /health 503, then recovery by itself.

Uses a Neo4j instance of its own (temporary home, free ports); the shared test instance is
never stopped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from api_support import (
    JWT_AUDIENCE,
    JWT_ISSUER,
    JWT_KEY,
    Client,
    codes,
    start_server,
    stop_server,
)

from stakegraph.localdb import instance
from stakegraph.localdb.instance import free_port
from stakegraph.settings import Settings

QUERY = "{ stakeholders(first: 1) { totalCount } }"


@pytest.fixture
def own_neo4j(tmp_path: Path) -> Iterator[Settings]:
    """A private Neo4j on free ports under a temporary home, stopped afterwards."""
    env = {
        "STAKEGRAPH_HOME": str(tmp_path / "home"),
        "STAKEGRAPH_BOLT_PORT": str(free_port()),
        "STAKEGRAPH_HTTP_PORT": str(free_port()),
        "STAKEGRAPH_NEO4J_HEAP": "256m",
        "STAKEGRAPH_NEO4J_PAGECACHE": "64m",
    }
    saved = {k: os.environ.get(k) for k in [*env, "NEO4J_URI", "NEO4J_PASSWORD"]}
    os.environ.update(env)
    for key in ("NEO4J_URI", "NEO4J_PASSWORD"):
        os.environ.pop(key, None)
    try:
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    instance.start(settings)
    yield settings
    instance.stop(settings)


def test_unavailable_fast_then_recovers(
    own_neo4j: Settings, api_env: dict[str, str], tmp_path: Path
) -> None:
    status = instance.status(own_neo4j)
    assert status.password
    env = {k: v for k, v in api_env.items() if not k.startswith("NEO4J_")}
    env.update(NEO4J_URI=status.uri, NEO4J_USER=status.user, NEO4J_PASSWORD=status.password,
               STAKEGRAPH_API_DB_TIMEOUT="1")
    server = start_server(env, tmp_path)
    token = jwt.encode({"role": "reader", "iss": JWT_ISSUER, "aud": JWT_AUDIENCE,
                        "exp": int(time.time()) + 600}, JWT_KEY, algorithm="HS256")
    client = Client(server.url, {"Authorization": f"Bearer {token}"})
    try:
        assert client.data(QUERY)["stakeholders"]["totalCount"] == 0
        assert httpx.get(server.url + "/health", timeout=10).status_code == 200

        instance.stop(own_neo4j)
        began = time.monotonic()
        body = client.post(QUERY)
        assert codes(body) == ["UNAVAILABLE"]
        assert time.monotonic() - began < 5
        began = time.monotonic()
        health = httpx.get(server.url + "/health", timeout=10)
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
        assert time.monotonic() - began < 5

        instance.start(own_neo4j)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            body = client.post(QUERY)
            if not body.get("errors"):
                break
            time.sleep(0.5)
        assert body["data"]["stakeholders"]["totalCount"] == 0, body
        assert httpx.get(server.url + "/health", timeout=10).status_code == 200
        assert "Traceback" not in server.log_text()
    finally:
        stop_server(server)
