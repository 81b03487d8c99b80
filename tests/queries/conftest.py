"""Fixtures of the query-library tests: build a small graph under the test's scratch prefix and
run a named query through the library, exactly as the CLI and the API do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from neo4j import Driver
from stakegraph.queries.library import run_query
from stakegraph.schema.graphdb import GraphDB

Build = Callable[..., None]
Ask = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def graph(driver: Driver, database: str, scratch: str) -> Build:
    """Runs a write statement with ``$p`` bound to the scratch prefix (ids are ``$p + 'x'``)."""

    def build(cypher: str, **params: object) -> None:
        driver.execute_query(cypher, parameters_={"p": scratch, **params}, database_=database)

    return build


@pytest.fixture
def ask(db: GraphDB) -> Ask:
    """Runs a library query by name with raw parameters, returning its rows."""

    def run(name: str, **params: object) -> list[dict[str, Any]]:
        return run_query(db, name, params)

    return run
