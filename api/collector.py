"""When a server process collects its garbage: rarely during a request, often between them.

Python's young-generation collection scans every tracked object allocated since the last one,
live or not. During a request those include its half-built response, which a collection would
scan and then promote into an older generation; between requests they are mostly what finished
requests left in cycles (the Neo4j driver leaves some in every transaction). So the automatic
threshold is set high (a nested page then sets off no collection of its own), and a worker
collects the young generation itself once a request is answered, when enough has piled up and
nothing else is in flight. A small collection is also cheaper per object than a big one: the
objects are still in the CPU's caches (measured in `benchmarks/README.md`, issue 13).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("stakegraph.api")

# Young objects allowed before the automatic collection: the backstop when requests never
# pause. With Python's default (700) the benchmark's nested page (100 stakeholders) set off
# about 6 young collections of its own, each scanning the half-built response; at 20,000 it is
# 0.1, and the page's CPU fell by about a fifth (10.2 to 8.3 ms in-process, issue 7).
AUTOMATIC_YOUNG_THRESHOLD = 20_000
AUTOMATIC_OLDER_THRESHOLDS = (50, 100)

# A collection as it is recorded: its generation, its seconds, and whether it ran between
# requests (True) or otherwise (False: the automatic threshold crossed, wherever that was).
Pause = tuple[int, float, bool]
Record = Callable[[int, float, bool], None]
# Pauses kept between two requests' ends: a burst fits, and a worker that answers only
# WebSockets keeps the first ones rather than growing for ever.
_KEPT_PAUSES = 1_000


def tune_garbage_collector() -> None:
    """Sets the collector for a server process (returns nothing): what startup built is frozen
    out of every later collection, and the automatic young collection waits for 20,000 net
    allocations instead of 700."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(AUTOMATIC_YOUNG_THRESHOLD, *AUTOMATIC_OLDER_THRESHOLDS)


class BetweenRequests:
    """Counts a worker's HTTP requests in flight and collects young garbage as one ends.

    ``young`` is how many young objects make a collection worth running (0: never, leaving it
    all to the automatic threshold); ``in_flight`` is how many other requests may still be
    running for it to go ahead (their live objects are what a collection would scan for
    nothing and promote). Once watched, every collection, whoever started it, is timed and
    handed to ``record`` as a request ends: never from inside the collector's callback, which
    can run in the middle of any code, the metrics' own locked sections included."""

    def __init__(self, young: int, in_flight: int) -> None:
        self.young = young
        self.allowed_in_flight = in_flight
        self.record: Record | None = None
        self.running = 0
        self.pauses: list[Pause] = []
        self._began = 0.0
        self._between = False

    def watch(self, record: Record) -> None:
        """Starts timing every collection of this process for ``record`` (returns nothing)."""
        self.record = record
        if self._on_collection not in gc.callbacks:
            gc.callbacks.append(self._on_collection)

    def close(self) -> None:
        """Stops timing collections (returns nothing)."""
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)
        self.record = None

    def started(self) -> None:
        """Counts a request in (returns nothing)."""
        self.running += 1

    def finished(self) -> None:
        """Counts a request out, collects when it is time and records the collections since
        the last request ended (returns nothing)."""
        self.running -= 1
        if self.young and self.running <= self.allowed_in_flight:
            counts = gc.get_count()
            if counts[0] >= self.young:
                self._between = True
                try:
                    gc.collect(due_generation(counts, gc.get_threshold()))
                finally:
                    self._between = False
        if self.record is not None and self.pauses:
            pauses, self.pauses = self.pauses, []
            try:
                for generation, seconds, between in pauses:
                    self.record(generation, seconds, between)
            except Exception:  # the metrics failing must not fail the request
                log.exception("could not record garbage collections")

    def _on_collection(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        elif len(self.pauses) < _KEPT_PAUSES:
            self.pauses.append((info["generation"], time.perf_counter() - self._began,
                                self._between))


class CountRequests:
    """ASGI middleware: every HTTP request of the app is counted in and out of ``collector``
    (WebSockets are not: a subscription open for hours would keep it from ever collecting)."""

    def __init__(self, app: ASGIApp, collector: BetweenRequests) -> None:
        self.app = app
        self.collector = collector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.collector.started()
        try:
            await self.app(scope, receive, send)
        finally:
            self.collector.finished()


def due_generation(counts: tuple[int, int, int], thresholds: tuple[int, ...]) -> int:
    """Returns the oldest generation whose count is over its threshold (0 when none is), as the
    automatic collector picks it. Collecting between requests keeps the young count from
    crossing its threshold, so the automatic collector would never look at the older ones;
    this looks for it. Unlike the automatic collector it does not hold back a full collection
    until a quarter of the old objects are new: startup's objects are frozen out of it
    (`tune_garbage_collector`), so a full collection stays small."""
    if counts[2] > thresholds[2]:
        return 2
    if counts[1] > thresholds[1]:
        return 1
    return 0
