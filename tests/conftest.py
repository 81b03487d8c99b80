"""Shared fixtures: one real Neo4j for the whole session, and per-test scratch id prefixes.

The session fixture starts the local Neo4j (or reuses a running one) under the repository's
``.stakegraph-test`` home on ports 17687/17474, so it never touches a user's `stakegraph up`
instance, and stops it after the session if it started it (one it found running is left alone).
Set NEO4J_URI/NEO4J_PASSWORD to run the suite against another server instead. If Neo4j cannot be
started the run fails loudly; nothing is skipped.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from neo4j import Driver
from playwright.sync_api import Browser, sync_playwright
from rich.console import Console

REPO = Path(__file__).resolve().parent.parent
# Debian's Chromium, which `make test` installs (tools/ensure-chromium.sh); Playwright drives it.
CHROMIUM = os.environ.get("STAKEGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

os.environ.setdefault("STAKEGRAPH_HOME", str(REPO / ".stakegraph-test"))
os.environ.setdefault("STAKEGRAPH_BOLT_PORT", "17687")
os.environ.setdefault("STAKEGRAPH_HTTP_PORT", "17474")

from stakegraph.schema.apply import apply_schema  # noqa: E402
from stakegraph.schema.combined import Model  # noqa: E402
from stakegraph.schema.graphdb import GraphDB  # noqa: E402
from stakegraph.schema.model import NODES, Label  # noqa: E402

from stakegraph.cli.build_progress import maven_progress  # noqa: E402
from stakegraph.db import connection, open_driver  # noqa: E402  (after the environment is set)
from stakegraph.localdb import instance  # noqa: E402
from stakegraph.localdb.instance import free_port  # noqa: E402
from stakegraph.settings import Settings, get_settings  # noqa: E402


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The settings every test and every CLI subprocess uses."""
    return get_settings()


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings, pytestconfig: pytest.Config) -> Iterator[Settings]:
    """Starts (or reuses) the real Neo4j; raises, failing the run, if it cannot. The one it
    started is stopped after the session, so `make test` leaves nothing running."""
    if not settings.uses_local_neo4j:
        yield settings
        return
    found = instance.status(settings).pid is not None  # running, or being started by another
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    shown = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    # The first build fetches ~180 MB from Maven Central: show it, not a silent minute.
    with shown, maven_progress(Console()) as on_progress:
        instance.start(settings, on_progress)
    yield settings
    if not found:
        instance.stop(settings)


@pytest.fixture(scope="session")
def driver(neo4j_server: Settings) -> Iterator[Driver]:
    """A verified driver to the test Neo4j, with the schema and vocabularies applied."""
    drv = open_driver(neo4j_server)
    apply_schema(GraphDB(drv, neo4j_server.neo4j_database))
    yield drv
    drv.close()


@pytest.fixture(scope="session")
def database(neo4j_server: Settings) -> str:
    """The database name tests write to."""
    return neo4j_server.neo4j_database


@pytest.fixture(scope="session")
def db(driver: Driver, database: str) -> GraphDB:
    """The test database as the handle stakegraph's own functions take."""
    return GraphDB(driver, database)


@pytest.fixture(scope="session")
def cli_env(driver: Driver, neo4j_server: Settings) -> dict[str, str]:
    """Environment for running the `stakegraph` CLI as a subprocess against the test Neo4j."""
    conn = connection(neo4j_server)
    env = dict(os.environ)
    # The venv's `stakegraph` script first on PATH, however pytest itself was launched.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        NEO4J_URI=conn.uri,
        NEO4J_USER=conn.user,
        NEO4J_PASSWORD=conn.password,
        NEO4J_DATABASE=conn.database,
    )
    return env


EXAMPLE_DECLARATION = REPO / "docs" / "examples" / "extension.toml"


def _model_version(db: GraphDB) -> int:
    from stakegraph.schema.declared import read_model

    assert read_model(db).extension.is_empty, "a test left a declared extension behind"
    version: int = db.read(
        "MATCH (e:ModelExtension) RETURN coalesce(max(e.version), 0) AS v")[0]["v"]
    return version


def _back_to_shipped(db: GraphDB, before: int) -> None:
    db.write("MATCH (e:ModelExtension) WHERE e.version > $v DETACH DELETE e", v=before)
    db.write("MATCH (c:Concept {origin: 'declared'}) DETACH DELETE c")
    db.write("MATCH (d:DeclaredProperty) DETACH DELETE d")
    db.write("MATCH (a:AuditEvent {action: 'model-change'}) DETACH DELETE a")


@pytest.fixture
def restore_model(db: GraphDB) -> Iterator[None]:
    """Lets a test declare extensions of the model: afterwards the shipped model is in force
    again (the versions, declared terms and properties and model audit events it made are
    deleted; its data go with its scratch prefix)."""
    before = _model_version(db)
    yield
    _back_to_shipped(db, before)


@pytest.fixture(scope="module")
def example_model(db: GraphDB) -> Iterator[Model]:
    """The model of ``docs/examples/extension.toml``, in force in the graph for a module's
    tests (servers started after it serve it); the shipped model again afterwards."""
    from stakegraph.loaders.model_change import apply_declaration
    from stakegraph.schema.declared import read_model
    from stakegraph.schema.extensions import read_declaration

    before = _model_version(db)
    apply_declaration(db, read_declaration(EXAMPLE_DECLARATION), actor="pytest")
    yield read_model(db)
    _back_to_shipped(db, before)


@pytest.fixture
def scratch(driver: Driver, database: str) -> Iterator[str]:
    """A unique id prefix for this test; every node whose id starts with it is deleted after."""
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    yield prefix
    # Per label, so each delete is a prefix seek on that label's id index, not a full scan.
    for spec in NODES:
        driver.execute_query(
            f"MATCH (n:{spec.label}) WHERE n.id STARTS WITH $prefix DETACH DELETE n",
            prefix=prefix,
            database_=database,
        )
    # Analysis jobs are named by a random id; their scope is the project's.
    driver.execute_query(
        f"MATCH (j:{Label.ANALYSIS_JOB}) WHERE j.scope STARTS WITH $prefix DELETE j",
        prefix=prefix,
        database_=database,
    )


@pytest.fixture(scope="session")
def private_neo4j(neo4j_server: Settings, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[Settings]:
    """A Neo4j of its own (temporary home, free ports, small memory), started on first use and
    stopped after the session: for tests that need an empty database, or restore, migrate and
    wipe one. The shared test instance is never emptied."""
    home = tmp_path_factory.mktemp("private-neo4j") / "home"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, NEO4J_URI=None, NEO4J_PASSWORD=None, STAKEGRAPH_HOME=home,
        STAKEGRAPH_BOLT_PORT=free_port(), STAKEGRAPH_HTTP_PORT=free_port(),
        STAKEGRAPH_CACHE_DIR=neo4j_server.cache_dir, STAKEGRAPH_NEO4J_HEAP="768m",
        STAKEGRAPH_NEO4J_PAGECACHE="256m",
    )
    instance.start(settings)
    try:
        yield settings
    finally:
        instance.stop(settings)


# Everything but the constraints and indexes, in batches (the gate node too).
WIPE = "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def wipe_graph(db: GraphDB) -> None:
    """Deletes every node and relationship of a private database (returns nothing)."""
    with db.session() as session:
        session.run(WIPE).consume()


@pytest.fixture
def wipe() -> Callable[[GraphDB], None]:
    """Empties a private database again in the middle of a test."""
    return wipe_graph


@pytest.fixture
def empty_db(private_neo4j: Settings) -> Iterator[GraphDB]:
    """The private Neo4j emptied for this test (no node at all, not even a maintenance gate),
    as the handle stakegraph's functions take."""
    db = GraphDB(open_driver(private_neo4j), private_neo4j.neo4j_database)
    wipe_graph(db)
    yield db
    db.close()


@pytest.fixture
def private_env(private_neo4j: Settings) -> dict[str, str]:
    """Environment for running the `stakegraph` CLI against the private Neo4j."""
    state = instance.status(private_neo4j)
    assert state.password is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "STAKEGRAPH_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(NEO4J_URI=state.uri, NEO4J_USER=state.user, NEO4J_PASSWORD=state.password,
               NEO4J_DATABASE=private_neo4j.neo4j_database)
    return env


DEMO_DIR = REPO / "loaders" / "demo"
# The demo's node files and the label each writes (its ids are fixed, all starting "demo-").
DEMO_NODE_FILES = {
    "stakeholders.csv": "Stakeholder",
    "projects.csv": "Project",
    "activities.csv": "EngagementActivity",
    "strategies.csv": "Strategy",
    "objectives.csv": "Objective",
    "outcomes.csv": "Outcome",
}


@pytest.fixture(scope="module")
def demo_graph(db: GraphDB) -> Iterator[GraphDB]:
    """The shipped demo, loaded for a module's tests; exactly its nodes are deleted afterwards
    (as tests/loaders/test_demo.py does), so modules loading it never see each other's."""
    import csv

    from stakegraph.cli.demo_cmd import load_demo

    load_demo(db)
    yield db
    for name, label in DEMO_NODE_FILES.items():
        with (DEMO_DIR / name).open(encoding="utf-8", newline="") as handle:
            ids = [row["id"] for row in csv.DictReader(handle)]
        db.write(f"MATCH (n:{label}) WHERE n.id IN $ids DETACH DELETE n", ids=ids)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the browser tests (network view, GraphiQL, Neo4j Browser, the
    report), one per test module. Not for the whole session: while Playwright's sync API is
    open it keeps an asyncio loop running on the main thread, and every later `asyncio.run`
    there (subscription, pool and maintenance tests) would refuse to start."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
