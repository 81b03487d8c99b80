"""Garbage collection between requests (`stakegraph.api.collector`): young garbage is collected
as a request ends when enough has piled up and nothing else is in flight, every collection is
timed for the metrics, and the older generations are collected when they are due."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from stakegraph.api.collector import BetweenRequests, due_generation


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


def test_collects_as_the_last_request_ends(manual_gc: None) -> None:
    pauses: list[tuple[int, float, bool]] = []
    collector = BetweenRequests(young=100, in_flight=0,
                                record=lambda g, s, b: pauses.append((g, s, b)))
    collector.watch()
    try:
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
    finally:
        collector.close()
    assert collector._on_collection not in gc.callbacks


def test_waits_for_enough_young_objects(manual_gc: None) -> None:
    pauses: list[tuple[int, float, bool]] = []
    collector = BetweenRequests(young=1_000_000, in_flight=0,
                                record=lambda g, s, b: pauses.append((g, s, b)))
    collector.watch()
    try:
        collector.started()
        left = _garbage(50)
        collector.finished()
        assert all(ref() is not None for ref in left)
        gc.collect(0)  # someone else's collection is recorded as automatic
        collector.started()
        collector.finished()
        assert [(g, b) for g, _, b in pauses] == [(0, False)]
    finally:
        collector.close()


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
    ((5000, 49, 0), 0),
    ((5000, 50, 0), 1),
    ((5000, 50, 100), 2),
    ((0, 3, 100), 2),
])
def test_the_generation_due(counts: tuple[int, int, int], expected: int) -> None:
    assert due_generation(counts, (20_000, 50, 100)) == expected
