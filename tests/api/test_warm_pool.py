"""The driver pool warm-up of each API worker: the connections it opens stay open for the first
requests, and an unreachable Neo4j costs it nothing but a zero."""

from __future__ import annotations

import asyncio

from neo4j import Driver
from stakegraph.api.gateway import open_api_driver, warm_pool

from stakegraph.settings import Settings


def _bolt_connections(driver: Driver, database: str) -> int:
    """Returns the Bolt connections Neo4j has open, whoever opened them."""
    records, _, _ = driver.execute_query(
        "CALL dbms.listConnections() YIELD connector WHERE connector = 'bolt' "
        "RETURN count(*) AS n", database_=database)
    return int(records[0]["n"])


def test_warm_pool_leaves_its_connections_open(neo4j_server: Settings, driver: Driver,
                                               database: str) -> None:
    async def warm_and_count() -> tuple[int, int]:
        api_driver = open_api_driver(neo4j_server)
        try:
            opened = await warm_pool(api_driver, database, 5)
            # Counted while the API's driver is still open: its pool holds them.
            return opened, _bolt_connections(driver, database)
        finally:
            await api_driver.close()

    before = _bolt_connections(driver, database)
    opened, during = asyncio.run(warm_and_count())
    assert opened == 5
    assert during - before == 5


def test_warm_pool_without_neo4j_returns_zero(neo4j_server: Settings, database: str) -> None:
    # A port nothing listens on: the connection is refused at once.
    absent = neo4j_server.model_copy(
        update={"neo4j_uri": "bolt://127.0.0.1:9", "neo4j_password": "unused"})

    async def warm() -> int:
        api_driver = open_api_driver(absent)
        try:
            return await warm_pool(api_driver, database, 3)
        finally:
            await api_driver.close()

    assert asyncio.run(warm()) == 0


def test_no_warm_up_asked_for(neo4j_server: Settings, database: str) -> None:
    async def warm() -> int:
        api_driver = open_api_driver(neo4j_server)
        try:
            return await warm_pool(api_driver, database, 0)
        finally:
            await api_driver.close()

    assert asyncio.run(warm()) == 0
