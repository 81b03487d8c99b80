"""`ahead`: the items of an iterator made in a background thread, in order, and its errors
raised where they would have been met."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from stakegraph.loaders.ahead import ahead


def test_items_come_in_order_from_another_thread() -> None:
    makers: set[str] = set()

    def items() -> Iterator[int]:
        for n in range(1000):
            makers.add(threading.current_thread().name)
            yield n

    assert list(ahead(items())) == list(range(1000))
    assert makers == {"stakegraph-plan"}


def test_an_error_is_raised_after_the_items_made_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise KeyError("third")

    got: list[int] = []
    with pytest.raises(KeyError, match="third"):
        for item in ahead(items()):
            got.append(item)
    assert got == [1, 2]
