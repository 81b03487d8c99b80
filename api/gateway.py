"""The API's only door to Neo4j: every read and write goes through here, is counted (round
trips per request) and has driver failures turned into ``UNAVAILABLE`` / ``CONFLICT`` errors."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from neo4j import READ_ACCESS, AsyncDriver, AsyncManagedTransaction, Record, unit_of_work
from neo4j.exceptions import (
    ClientError,
    ConstraintError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from stakegraph.api import tracing
from stakegraph.api.errors import UNAVAILABLE_MESSAGE, ApiError, ErrorCode
from stakegraph.schema.errors import StakegraphError
from stakegraph.schema.graphdb import RecordData
from stakegraph.schema.version import (
    STALE_S,
    STATE,
    WRITE_METADATA,
    GateClosed,
    state_from,
    write_refusal,
)

from stakegraph.db import open_async_driver
from stakegraph.settings import Settings

T = TypeVar("T")

# Failures that mean "the database is not there right now", as opposed to a bug in a query.
_UNAVAILABLE = (ServiceUnavailable, SessionExpired, TransientError, OSError)


def open_api_driver(settings: Settings) -> AsyncDriver:
    """Returns the per-process async driver with short timeouts, so an absent Neo4j fails fast."""
    timeout = settings.api_db_timeout_s
    return open_async_driver(
        settings,
        connection_acquisition_timeout=timeout,
        connection_timeout=timeout,
        max_transaction_retry_time=timeout,
        # A pooled connection idle this long is checked first: after a Neo4j restart the old
        # sockets are dead and this keeps the first request after recovery from failing.
        liveness_check_timeout=1.0,
    )


async def warm_pool(driver: AsyncDriver, database: str, connections: int) -> int:
    """Opens ``connections`` connections to Neo4j at once and leaves them in the driver's pool;
    returns how many were opened (fewer when Neo4j does not answer: then the pool grows on
    demand as before).

    The pool otherwise grows only when a request finds no idle connection, and opening one
    (Bolt handshake and authentication) took 0.5 to 2 s on a busy 2-core machine; a nested
    request holds several at once, so a step to 32 clients opened 13 to 26 per worker while
    requests queued behind them (benchmarks/README.md, issue 13).
    """
    if connections <= 0:
        return 0
    held = 0
    everyone = asyncio.Event()

    async def hold() -> bool:
        nonlocal held
        try:
            async with driver.session(database=database, default_access_mode=READ_ACCESS) as s:
                await (await s.run("RETURN 1")).consume()
                held += 1
                if held == connections:
                    everyone.set()
                # Busy until all are open, so that each holds a connection of its own.
                await asyncio.wait_for(everyone.wait(), 30)
            return True
        except Exception:
            everyone.set()  # one failed: holding the others on would not help
            raise

    results = await asyncio.gather(*(hold() for _ in range(connections)), return_exceptions=True)
    return sum(1 for r in results if r is True)


def is_unavailable(exc: BaseException) -> bool:
    """Returns True when ``exc`` means the database could not be reached."""
    if isinstance(exc, _UNAVAILABLE):
        return True
    # The driver reports a pool that stayed full past the acquisition timeout as a DriverError
    # or, from the pool itself, as a ClientError "failed to obtain a connection from the pool":
    # both mean the database cannot take the request now, not that the request is wrong.
    text = str(exc).lower()
    return isinstance(exc, DriverError | ClientError) and (
        "acquisition" in text or "obtain a connection from the pool" in text)


# A write's whole budget, retries included. A Neo4j that is shutting down can leave a
# transaction without an answer (the driver has no read timeout), so a write that has not
# finished by then is reported UNAVAILABLE instead of hanging the request.
_WRITE_BUDGET_S = 5.0
# Reads get longer (all the reads of one request together): a library question over a large
# graph may legitimately take seconds.
_READ_BUDGET_S = 8.0
# A read that meets a dropped connection or a cluster change is tried again, a few times.
_READ_ATTEMPTS = 3
_READ_BACKOFF_S = 0.1


def _is_contention(exc: TransientError) -> bool:
    # Deadlocks and lock waits come from a live database, unlike the connectivity failures.
    code = exc.code or ""
    return code.startswith("Neo.TransientError.Transaction.") and "Terminated" not in code


class Tx:
    """A write transaction handed to mutation code; each ``run`` is one counted round trip."""

    def __init__(self, tx: AsyncManagedTransaction, gateway: Gateway) -> None:
        self._tx = tx
        self._gateway = gateway

    async def run(self, query: str, **params: Any) -> list[RecordData]:
        """Returns the records of ``query`` as dicts."""
        self._gateway.round_trips += 1
        with tracing.query_span("run", query, self._gateway.database):
            result = await self._tx.run(query, params)
            return [record.data() async for record in result]


class Gateway:
    """Reads and writes for one request, counting the round trips they cost."""

    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self.driver = driver
        self.database = database
        self.round_trips = 0
        # Seconds spent waiting on Neo4j (overlapping reads each count): the request's
        # database time in the metrics.
        self.db_seconds = 0.0
        # The reads of one request share one budget, so a request answers within it however
        # many levels it reads.
        self._read_deadline = time.monotonic() + _READ_BUDGET_S

    async def read(
        self, query: str, params: Mapping[str, Any] | None = None, *, maps_only: bool = False
    ) -> list[RecordData]:
        """Returns the records of a read query as dicts (one round trip).

        ``maps_only``: the query returns only scalars, lists and map projections (no node,
        relationship or path values), so the records need no conversion: a hot path of the
        API's own loaders, where converting every nested value cost more than the round trip.
        """
        self.round_trips += 1
        began = time.perf_counter()
        try:
            with tracing.query_span("read", query, self.database):
                records = await asyncio.wait_for(
                    self._read_records(query, dict(params or {})),
                    max(0.1, self._read_deadline - time.monotonic()),
                )
        except TimeoutError as exc:
            raise ApiError(ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE) from exc
        except Exception as exc:
            raise _translate(exc) from exc
        finally:
            self.db_seconds += time.perf_counter() - began
        if maps_only:
            keys = records[0].keys() if records else []
            return [dict(zip(keys, record, strict=True)) for record in records]
        return [record.data() for record in records]

    async def _read_records(self, query: str, params: dict[str, Any]) -> list[Record]:
        """Returns the records of a read in an auto-commit transaction, retried like the
        driver's managed ones when the connection or the cluster fails for a moment.

        An auto-commit read is one exchange with the server (RUN and PULL pipelined); the
        managed transaction of ``execute_query`` adds BEGIN and COMMIT, which cost a lookup
        by id about a third of its driver time.
        """
        for attempt in range(_READ_ATTEMPTS):
            try:
                async with self.driver.session(
                    database=self.database, default_access_mode=READ_ACCESS
                ) as session:
                    result = await session.run(query, params)
                    return [record async for record in result]
            except (ServiceUnavailable, SessionExpired, TransientError) as exc:
                retryable = not isinstance(exc, TransientError) or exc.is_retryable()
                if not retryable or attempt == _READ_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(_READ_BACKOFF_S * (attempt + 1))
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def write(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Returns what ``work`` returns, run in one write transaction (all or nothing), after
        checking in that transaction that the graph may be written (stakegraph.schema.version:
        no backup, restore or migration holding writers back, the model version this code's)."""

        @unit_of_work(metadata=WRITE_METADATA)
        async def unit(tx: AsyncManagedTransaction) -> T:
            self.round_trips += 1
            record = await (await tx.run(STATE, stale_s=STALE_S)).single()
            refusal = write_refusal(state_from(None if record is None else record.data()))
            if refusal is not None:
                raise refusal
            # The feed's lock is taken by the change record, the mutation's last statement, and
            # held to the commit: only that last round trip is serialised across mutations, not
            # all of them (issue 13: held from the first, under load a mutation kept every
            # other one waiting for its whole transaction, and the mixed workload's p99 was
            # writes queueing). Mutations lock what they check (`api/writes.py`), and ones
            # that lock shared records in different orders can deadlock now: Neo4j breaks it,
            # and the driver's managed transaction (then `_write`) tries again.
            return await work(Tx(tx, self))

        # The driver's own retries stop after the short API timeout (so an absent Neo4j fails
        # fast); lock contention between writers of the same nodes is no outage, so deadlocks
        # and lock waits get retried here, within the write budget, before UNAVAILABLE.
        began = time.perf_counter()
        try:
            with tracing.query_span("write", "", self.database):
                return await self._write(unit)
        finally:
            self.db_seconds += time.perf_counter() - began

    async def _write(self, unit: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Returns what ``unit`` returns, retried on lock contention within the budget."""
        deadline = time.monotonic() + _WRITE_BUDGET_S
        while True:
            try:
                async with self.driver.session(database=self.database) as session:
                    return await asyncio.wait_for(
                        session.execute_write(unit), max(0.1, deadline - time.monotonic()))
            except TimeoutError as exc:
                raise ApiError(ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE) from exc
            except GateClosed as closed:
                # A backup or a migration holds writers back for a moment: wait for it within
                # the budget, then say why the write did not happen.
                if closed.final or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
            except TransientError as exc:
                if not _is_contention(exc) or time.monotonic() > deadline:
                    raise _translate(exc) from exc
                await asyncio.sleep(random.uniform(0.01, 0.1))
            except StakegraphError:
                raise
            except Exception as exc:
                raise _translate(exc) from exc


# What Neo4j says when a write reaches a node another transaction deleted after this one read
# it (a mutation locks what it checks, but not every end it links to: see api/writes.py).
_DELETED_MEANWHILE = "Neo.ClientError.Statement.EntityNotFound"


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, ConstraintError):
        return ApiError(ErrorCode.CONFLICT, "a node with this id already exists")
    if isinstance(exc, ClientError) and exc.code == _DELETED_MEANWHILE:
        return ApiError(ErrorCode.NOT_FOUND, "a node this change needs was deleted meanwhile")
    if is_unavailable(exc):
        return ApiError(ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE)
    return exc


async def write_unless_held(
    driver: AsyncDriver, database: str, query: str, params: Mapping[str, Any]
) -> list[RecordData] | None:
    """Returns the records of ``query`` run in one write transaction that first checks the
    version and the maintenance gate, like every API write; None, without writing or waiting,
    when they refuse it. For housekeeping outside any request (failing dead analysis jobs,
    pruning the change feed) that can as well wait for its next turn: a prune in the middle of
    a restore would delete restored changes and make the restore's final check fail."""

    @unit_of_work(metadata=WRITE_METADATA)
    async def unit(tx: AsyncManagedTransaction) -> list[RecordData] | None:
        record = await (await tx.run(STATE, stale_s=STALE_S)).single()
        if write_refusal(state_from(None if record is None else record.data())) is not None:
            return None
        result = await tx.run(query, dict(params))
        return [row.data() async for row in result]

    async with driver.session(database=database) as session:
        return await session.execute_write(unit)
