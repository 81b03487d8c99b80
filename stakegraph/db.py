"""Connecting to Neo4j: the configured server, or the local instance when none is configured."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase
from neo4j.exceptions import AuthError, ConfigurationError, ServiceUnavailable

from stakegraph.localdb import instance
from stakegraph.schema.errors import SetupError, UnavailableError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.settings import Settings


@dataclass(frozen=True)
class Connection:
    """Where to reach Neo4j and as whom."""

    uri: str
    user: str
    password: str
    database: str


def connection(settings: Settings) -> Connection:
    """Returns the Neo4j to talk to: NEO4J_URI if set, else the local instance's Bolt address."""
    if settings.neo4j_uri:
        if settings.neo4j_password is None:
            raise SetupError("NEO4J_URI is set but NEO4J_PASSWORD is not: set both.")
        return Connection(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
        )
    local = instance.status(settings)
    if local.password is None:
        raise SetupError(
            "no local Neo4j has been set up yet: run `stakegraph neo4j start` "
            "(or set NEO4J_URI and NEO4J_PASSWORD to use another server)."
        )
    password = settings.neo4j_password or local.password
    return Connection(local.uri, local.user, password, settings.neo4j_database)


# The server's name, version and edition: what the health check and the benchmarks report.
SERVER_COMPONENTS = (
    "CALL dbms.components() YIELD name, versions, edition "
    "RETURN name, versions[0] AS version, edition"
)


def server_version(db: GraphDB) -> tuple[str, str, str]:
    """Returns the Neo4j server's component name, version and edition."""
    record = db.read(SERVER_COMPONENTS)[0]
    return record["name"], record["version"], record["edition"]


def open_driver(settings: Settings, *, verify: bool = True) -> Driver:
    """Returns a connected synchronous driver, or raises a one-line error saying what to do."""
    conn = connection(settings)
    try:
        driver = GraphDatabase.driver(
            conn.uri, auth=(conn.user, conn.password), notifications_min_severity="OFF"
        )
    except (ConfigurationError, ValueError) as exc:
        raise SetupError(f"NEO4J_URI {conn.uri!r} is not a Neo4j address: {exc}") from exc
    if verify:
        try:
            driver.verify_connectivity()
        except BaseException as exc:
            driver.close()
            raise explain(exc, conn) from exc
    return driver


def open_graph_db(settings: Settings) -> GraphDB:
    """Returns the configured database through a connected synchronous driver, or raises a
    one-line error saying what to do."""
    return GraphDB(open_driver(settings), settings.neo4j_database)


def open_async_driver(settings: Settings, **config: Any) -> AsyncDriver:
    """Returns an asynchronous driver (for the API); ``config`` adds driver settings such as
    timeouts. Connectivity is checked on first use."""
    conn = connection(settings)
    return AsyncGraphDatabase.driver(
        conn.uri, auth=(conn.user, conn.password), notifications_min_severity="OFF", **config
    )


def explain(exc: BaseException, conn: Connection) -> BaseException:
    """Returns a one-line error for the common connection failures (credentials refused,
    server not answering), else the exception itself."""
    if isinstance(exc, AuthError):
        return SetupError(
            f"Neo4j at {conn.uri} refused the credentials of user {conn.user!r}: "
            "check NEO4J_USER and NEO4J_PASSWORD."
        )
    if isinstance(exc, ServiceUnavailable | OSError):
        hint = (
            "start it with `stakegraph neo4j start`"
            if conn.uri.startswith("bolt://127.0.0.1")
            else "check NEO4J_URI and that the server is up"
        )
        return UnavailableError(f"Neo4j at {conn.uri} does not answer: {hint}.")
    return exc
