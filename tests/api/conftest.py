"""Fixtures of the API tests: the API over HTTP against the shared test Neo4j, a key per role."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from stakegraph.schema.graphdb import GraphDB

# The helpers module sits beside this file; make it importable under any pytest import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_support import (
    JWT_AUDIENCE,
    JWT_ISSUER,
    JWT_KEY,
    SEED,
    Client,
    Graph,
    Server,
    start_server,
    stop_server,
)
from neo4j import Driver
from stakegraph.api.keystore import create_key
from stakegraph.schema.model import Label


@pytest.fixture(scope="session")
def api_env(cli_env: dict[str, str]) -> dict[str, str]:
    """Environment of the API under test: debug round trips on, JWT enabled, anonymous off."""
    env = dict(cli_env)
    env.update(
        STAKEGRAPH_API_DEBUG="true",
        STAKEGRAPH_API_ALLOW_ANONYMOUS_READ="false",
        STAKEGRAPH_API_JWT_KEY=JWT_KEY,
        STAKEGRAPH_API_JWT_ISSUER=JWT_ISSUER,
        STAKEGRAPH_API_JWT_AUDIENCE=JWT_AUDIENCE,
        STAKEGRAPH_API_KEY_CACHE_S="0",
    )
    return env


@pytest.fixture(scope="session")
def api(api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API under test (one process for the whole session)."""
    server = start_server(api_env, tmp_path_factory.mktemp("api"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def keys(db: GraphDB, driver: Driver, database: str) -> Iterator[dict[str, str]]:
    """An API key per role (deleted after the session)."""
    prefix = f"tkey{uuid.uuid4().hex[:8]}-"
    out = {
        role: create_key(db, role, f"pytest {role}", id_prefix=prefix)[1]
        for role in ("reader", "editor", "admin")
    }
    yield out
    driver.execute_query(
        f"MATCH (k:{Label.API_KEY}) WHERE k.id STARTS WITH $p DETACH DELETE k",
        p=prefix,
        database_=database,
    )


@pytest.fixture(scope="session")
def clients(api: Server, keys: dict[str, str]) -> dict[str, Client]:
    """A client per role, plus ``anonymous`` (no credential)."""
    out = {
        "reader": Client(api.url, {"Authorization": f"Bearer {keys['reader']}"}),
        "editor": Client(api.url, {"X-API-Key": keys["editor"]}),
        "admin": Client(api.url, {"Authorization": f"Bearer {keys['admin']}"}),
        "anonymous": Client(api.url, {}),
    }
    return out


@pytest.fixture
def graph(driver: Driver, database: str, scratch: str) -> Graph:
    """A small scratch graph touching every node and relationship type."""
    driver.execute_query(SEED, p=scratch, database_=database)
    return Graph(scratch)

