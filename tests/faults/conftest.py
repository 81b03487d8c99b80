"""Fixtures of the fault tests: ONE Neo4j of their own (temporary home, free ports), shared by
every test here, so killing or stopping it never touches the shared test instance (17687)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# api_support (the API in a subprocess) sits in tests/api; fault_support beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fault_support import driver_for, private_settings
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB

from stakegraph.localdb import instance
from stakegraph.localdb.instance import free_port
from stakegraph.settings import Settings


@pytest.fixture(scope="session")
def fault_neo4j(neo4j_server: Settings, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Settings]:
    """The private Neo4j (schema and vocabularies applied), stopped after the session; tests may
    kill, stop and restart it but must leave it running."""
    home = tmp_path_factory.mktemp("fault-neo4j") / "home"
    # Reuse the launcher build the session already made (no second download or compile).
    settings = private_settings(home, free_port(), free_port(), neo4j_server.cache_dir)
    instance.start(settings)
    try:
        driver = driver_for(settings)
        try:
            apply_schema(GraphDB(driver, settings.neo4j_database))
        finally:
            driver.close()
        yield settings
    finally:
        instance.stop(settings)
