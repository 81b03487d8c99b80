"""Running an iterator ahead in a background thread, so that its Python work overlaps waits.

The writer spends most of a load waiting for Neo4j with the GIL released; turning checked
records into the rows of the next steps meanwhile takes that work off the critical path.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class _End:
    """Marks the end of the items (with the exception that ended them, if any)."""

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


def ahead(items: Iterable[T], depth: int = 0) -> Iterator[T]:
    """Returns an iterator over ``items`` that a daemon thread produces as fast as it can (at
    most ``depth`` items ahead of the consumer when above 0, so a long run of large items does
    not pile up in memory); an exception raised while producing them is raised again where it
    would have been met."""
    channel: queue.Queue[T | _End] = queue.Queue(maxsize=depth)

    def produce() -> None:
        try:
            for item in items:
                channel.put(item)
        except BaseException as exc:  # handed over to the consumer, who raises it
            channel.put(_End(exc))
        else:
            channel.put(_End(None))

    threading.Thread(target=produce, name="stakegraph-plan", daemon=True).start()
    while True:
        item = channel.get()
        if isinstance(item, _End):
            if item.error is not None:
                raise item.error
            return
        yield item
