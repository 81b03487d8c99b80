"""Garbage collection between requests (`stakegraph.api.collector`): young garbage is collected
as a request ends when enough has piled up and nothing else is in flight, every collection is
timed for the metrics, and the older generations are collected when they are due."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from stakegraph.api.collector import BetweenRequests, CountRequests, due_generation
from starlette.types import Message, Receive, Scope, Send


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def manual_gc() -> Iterator[None]:
    """The automatic collector off, so that only the code under test collects."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _garbage(n: int) -> list[weakref.ref[_Cycle]]:
    """Returns weak references to ``n`` objects left unreachable in cycles."""
    return [weakref.ref(_Cycle()) for _ in range(n)]


@contextmanager
def _watched(young: int) -> Iterator[tuple[BetweenRequests, list[tuple[int, float, bool]]]]:
    """Yields a collector timing every collection, and the pauses it records; then closes it."""
    pauses: list[tuple[int, float, bool]] = []
    collector = BetweenRequests(young=young, in_flight=0)
    collector.watch(lambda g, s, b: pauses.append((g, s, b)))
    try:
        yield collector, pauses
    finally:
        collector.close()


def test_collects_as_the_last_request_ends(manual_gc: None) -> None:
    with _watched(100) as (collector, pauses):
        collector.started()
        collector.started()
        left = _garbage(500)
        collector.finished()  # another request is still in flight: its objects are live
        assert all(ref() is not None for ref in left)
        assert pauses == []
        collector.finished()
        assert all(ref() is None for ref in left)
        assert [(g, b) for g, _, b in pauses] == [(0, True)]
        assert 0 <= pauses[0][1] < 1
        assert collector.running == 0
    assert collector._on_collection not in gc.callbacks


def test_waits_for_enough_young_objects(manual_gc: None) -> None:
    with _watched(1_000_000) as (collector, pauses):
        collector.started()
        left = _garbage(50)
        collector.finished()
        assert all(ref() is not None for ref in left)
        gc.collect(0)  # someone else's collection is recorded as automatic
        collector.started()
        collector.finished()
        assert [(g, b) for g, _, b in pauses] == [(0, False)]


def test_other_requests_in_flight_allowed(manual_gc: None) -> None:
    collector = BetweenRequests(young=100, in_flight=2)
    collector.started()
    collector.started()
    left = _garbage(500)
    collector.finished()
    assert all(ref() is None for ref in left)


def test_off(manual_gc: None) -> None:
    collector = BetweenRequests(young=0, in_flight=0)
    collector.started()
    left = _garbage(500)
    collector.finished()
    assert all(ref() is not None for ref in left)


@pytest.mark.parametrize(("counts", "expected"), [
    ((5000, 0, 0), 0),
    ((5000, 50, 0), 0),
    ((5000, 51, 0), 1),
    ((5000, 51, 101), 2),
    ((0, 3, 101), 2),
])
def test_the_generation_due(counts: tuple[int, int, int], expected: int) -> None:
    assert due_generation(counts, (20_000, 50, 100)) == expected


def test_a_failing_record_does_not_fail_the_request(manual_gc: None,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    def broken(generation: int, seconds: float, between: bool) -> None:
        raise OSError("metrics directory gone")

    collector = BetweenRequests(young=100, in_flight=0)
    collector.watch(broken)
    try:
        collector.started()
        _garbage(500)
        collector.finished()  # collects, then fails to record: logged, not raised
    finally:
        collector.close()
    assert "could not record garbage collections" in caplog.text
    assert collector.pauses == []


def test_http_requests_are_counted_and_websockets_are_not() -> None:
    collector = BetweenRequests(young=0, in_flight=0)
    seen: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(collector.running)
        if scope.get("path") == "/fail":
            raise RuntimeError("the app failed")

    async def nothing() -> Message:
        return {}

    async def ignore(message: Message) -> None:
        return None

    counted = CountRequests(app, collector)
    asyncio.run(counted({"type": "http", "path": "/"}, nothing, ignore))
    asyncio.run(counted({"type": "websocket", "path": "/"}, nothing, ignore))
    with pytest.raises(RuntimeError):
        asyncio.run(counted({"type": "http", "path": "/fail"}, nothing, ignore))
    assert seen == [1, 0, 1]
    assert collector.running == 0
