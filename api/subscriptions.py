"""Live updates on Neo4j Community: GraphQL subscriptions over ``graphql-transport-ws`` that
follow the change feed in the graph (`stakegraph.schema.change_feed`).

Every mutation, load batch and erasure records its change in its own transaction, numbered in
commit order. Each API worker runs one follower that reads the feed after the last number it has
seen (every ``STAKEGRAPH_API_FEED_POLL_S`` while anyone subscribes) and hands each change to its
subscribers whose filter (projects, entities) it meets. So a change made through any worker, the
CLI or a load reaches every subscriber once, in commit order; a subscriber that reconnects with
``after: <the last seq it saw>`` first gets what it missed (while the feed still holds it: changes
are pruned after ``STAKEGRAPH_API_FEED_RETENTION_DAYS``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import strawberry
from neo4j import AsyncDriver, RoutingControl
from stakegraph.api import metrics
from stakegraph.api.auth import Role
from stakegraph.api.context import can_see_personal, require
from stakegraph.api.errors import invalid
from stakegraph.api.extensions import client_error
from stakegraph.api.gateway import write_unless_held
from stakegraph.api.gql import camel
from stakegraph.loaders.tables import LOAD_ORDER, tables
from stakegraph.schema import change_feed
from stakegraph.schema.combined import Model
from strawberry import Info

log = logging.getLogger("stakegraph.api")

# A subscriber that falls this far behind is disconnected rather than held in memory.
QUEUE_LIMIT = 10_000
# Changes read from the feed per poll.
BATCH = 1_000
# How often a worker prunes the feed.
PRUNE_EVERY_S = 60.0

ChangeEntity: Any = strawberry.enum(
    Enum("ChangeEntity", {name.upper(): name for name in LOAD_ORDER}),  # type: ignore[call-overload]
    description="What changed, named as the loader's tables are.",
)


ChangeOp: Any = strawberry.enum(
    Enum("ChangeOp", {op.upper(): op for op in change_feed.OPS}),  # type: ignore[call-overload]
    description="What happened to it.",
)


@strawberry.type(description="One committed change, as the change feed records it.")
class ChangeEvent:
    seq: int = strawberry.field(description="Its position in commit order: reconnect with "
                                "`after` set to the last one received to get what was missed.")
    at: str = strawberry.field(description="When it was committed (ISO 8601).")
    entity: ChangeEntity
    op: ChangeOp
    ids: list[strawberry.ID] = strawberry.field(
        description="The nodes changed (a relationship's two ends).")
    projects: list[strawberry.ID] = strawberry.field(description="The projects it belongs to.")
    fields: list[str] = strawberry.field(
        description="The properties set (GraphQL names; personal ones only for editors).")
    via: str = strawberry.field(description="api, cli or load.")


@dataclass(eq=False)
class _Subscriber:
    projects: frozenset[str]
    entities: frozenset[str]
    queue: asyncio.Queue[dict[str, Any] | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))

    def wants(self, change: dict[str, Any]) -> bool:
        if self.entities and change["entity"] not in self.entities:
            return False
        return not self.projects or bool(self.projects & set(change["projects"]))


class FeedFollower:
    """One worker's reader of the change feed, shared by all its subscribers."""

    def __init__(self, driver: AsyncDriver, database: str, poll_s: float,
                 retention: timedelta) -> None:
        self.driver = driver
        self.database = database
        self.poll_s = poll_s
        self.retention = retention
        self.last: int | None = None
        self.subscribers: set[_Subscriber] = set()
        self._task: asyncio.Task[None] | None = None
        # Subscribers that start together must not each start a follower (every change would
        # then reach them twice): the first starts it, the others wait for it.
        self._starting = asyncio.Lock()
        self._pruned_at = 0.0

    async def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = await self.driver.execute_query(
            query, params, database_=self.database, routing_=RoutingControl.READ)
        return [r.data() for r in records]

    async def start(self) -> None:
        """Starts following from the feed's current end, if not following yet (returns
        nothing)."""
        async with self._starting:
            if self._task is None:
                self.last = (await self._read(change_feed.LAST))[0]["last"]
                self._task = asyncio.create_task(self._follow())

    async def stop(self) -> None:
        """Stops following (returns nothing)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _follow(self) -> None:
        while True:
            try:
                got = await self._poll() if self.subscribers else 0
                await self._prune()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Neo4j away for a moment: keep the place, try again
                log.warning("change feed: %r", exc)
                got = 0
            await asyncio.sleep(0 if got == BATCH else self.poll_s)

    async def _poll(self) -> int:
        changes = await self._read(change_feed.AFTER, after=self.last, limit=BATCH)
        for change in changes:
            self.last = change["seq"]
            for subscriber in list(self.subscribers):
                if subscriber.wants(change):
                    self._hand(subscriber, change)
        return len(changes)

    def _hand(self, subscriber: _Subscriber, change: dict[str, Any] | None) -> None:
        try:
            subscriber.queue.put_nowait(change)
        except asyncio.QueueFull:
            # Too slow to keep up: it is dropped (with a marker) rather than held in memory.
            self.subscribers.discard(subscriber)
            subscriber.queue.get_nowait()
            subscriber.queue.put_nowait(None)

    async def _prune(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._pruned_at < PRUNE_EVERY_S:
            return
        self._pruned_at = now
        before = (datetime.now(UTC) - self.retention).isoformat().replace("+00:00", "Z")
        # Through the gate like any write: a prune during a restore would delete restored
        # changes (the restore's check would then fail); refused, it waits for its next turn.
        await write_unless_held(self.driver, self.database, change_feed.PRUNE,
                                {"before": before, "limit": 10_000})

    async def changes(self, projects: Iterable[str], entities: Iterable[str],
                      after: int | None) -> AsyncGenerator[dict[str, Any], None]:
        """Yields the changes after ``after`` (or from now), in commit order, that belong to
        ``projects`` and ``entities`` (empty: all), until the subscriber stops listening."""
        await self.start()
        if not self.subscribers:
            # An idle follower reads nothing, so its place is old: it goes on from the end.
            end = (await self._read(change_feed.LAST))[0]["last"]
            if not self.subscribers:
                self.last = max(self.last or 0, end)
        subscriber = _Subscriber(frozenset(projects), frozenset(entities))
        # No await between reading where the follower is and attaching: every later change
        # comes through the queue, every earlier one through the replay below.
        upto = self.last
        self.subscribers.add(subscriber)
        # What the subscriber has had (or asked to skip): a change handed again (a follower
        # that re-reads after a moment away) is not sent twice.
        floor = max((x for x in (after, upto) if x is not None), default=0)
        try:
            if after is not None and upto is not None and after < upto:
                while after < upto:
                    missed = await self._read(change_feed.AFTER, after=after,
                                              limit=min(BATCH, upto - after))
                    if not missed:
                        break
                    for change in missed:
                        if change["seq"] <= upto and subscriber.wants(change):
                            yield change
                    after = missed[-1]["seq"]
            while True:
                handed = await subscriber.queue.get()
                if handed is None:
                    raise invalid("changes", "the subscriber fell too far behind and was "
                                  "disconnected; reconnect with `after`")
                if handed["seq"] <= floor:
                    continue
                floor = handed["seq"]
                yield handed
        finally:
            self.subscribers.discard(subscriber)


def _event(change: dict[str, Any], hidden: frozenset[str]) -> ChangeEvent:
    return ChangeEvent(
        seq=change["seq"], at=change["at"], entity=ChangeEntity(change["entity"]),
        op=ChangeOp(change["op"]), ids=[strawberry.ID(i) for i in change["ids"]],
        projects=[strawberry.ID(p) for p in change["projects"]],
        fields=[camel(f) for f in change["fields"] if f not in hidden],
        via=change.get("via") or "api",
    )


def _personal_by_table(model: Model) -> dict[str, frozenset[str]]:
    specs = tables(model)
    return {spec.name: frozenset(c.prop or c.name for c in spec.columns if c.personal)
            for spec in specs.specs}


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Changes as they are committed, from any worker, the "
                             "CLI or a load, in commit order; only those of `projects` and "
                             "`entities` when given; `after` replays what followed that seq.")
    async def changes(
        self,
        info: Info,
        projects: list[strawberry.ID] | None = None,
        entities: list[ChangeEntity] | None = None,
        after: int | None = None,
    ) -> AsyncGenerator[ChangeEvent, None]:
        # Errors of a subscription go out over the WebSocket, not through the HTTP view that
        # codes and masks the others: they are coded and masked here, the same way.
        request_id = str(getattr(info.context, "request_id", "-"))
        try:
            context = require(info, Role.READER)
            if context.rate is not None:
                context.rate.check(context.principal, context.address)
            if after is not None and after < 0:
                raise invalid("after", "must be 0 or more")
            follower: FeedFollower | None = getattr(context, "feed", None)
            if follower is None:
                raise invalid("changes", "this server does not follow the change feed")
            personal = _personal_by_table(context.model)
            sees_personal = can_see_personal(info)
            names = [e.value for e in entities or []]
            gauge = metrics.current.subscriptions if metrics.current is not None else None
            if gauge is not None:
                gauge.inc()
            try:
                async for change in follower.changes(projects or [], names, after):
                    hidden = (frozenset() if sees_personal
                              else personal.get(change["entity"], frozenset()))
                    if metrics.current is not None:
                        metrics.current.events.inc()
                    yield _event(change, hidden)
            finally:
                if gauge is not None:
                    gauge.dec()
        except Exception as exc:
            raise client_error(exc, request_id) from None
