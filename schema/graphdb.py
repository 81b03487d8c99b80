"""The handle every reader and writer of the graph takes: one Neo4j database through one driver.

Loaders, queries, analytics, exports and the schema's own set-up take a `GraphDB` instead of a
driver and a database name passed side by side. The asynchronous API has its own door to Neo4j
(`stakegraph.api.gateway`), which counts round trips and maps failures to API codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, Record, RoutingControl, Session

# A record of a result as a plain dict (``record.data()``), the form most code works with.
RecordData = dict[str, Any]


@dataclass(frozen=True)
class GraphDB:
    """A driver and the name of the database on it that holds the stakegraph graph."""

    driver: Driver
    database: str

    def session(self, **config: Any) -> Session:
        """Returns a new session on the database (close it, or use it in a ``with``)."""
        return self.driver.session(database=self.database, **config)

    def read(
        self, query: str, params: Mapping[str, Any] | None = None, **kwparams: Any
    ) -> list[Record]:
        """Returns the records of a read query (parameters as a map and/or keywords), run in one
        managed read transaction (routed to a follower in a cluster)."""
        records, _, _ = self.driver.execute_query(
            query, parameters_={**(params or {}), **kwparams}, database_=self.database,
            routing_=RoutingControl.READ,
        )
        return records

    def write(
        self, query: str, params: Mapping[str, Any] | None = None, **kwparams: Any
    ) -> list[Record]:
        """Returns the records of a write query (parameters as a map and/or keywords), run in
        one managed write transaction."""
        records, _, _ = self.driver.execute_query(
            query, parameters_={**(params or {}), **kwparams}, database_=self.database,
            routing_=RoutingControl.WRITE,
        )
        return records

    def close(self) -> None:
        """Closes the driver (returns nothing)."""
        self.driver.close()

    def __enter__(self) -> GraphDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
