"""When a server process collects its garbage: rarely during a request, often between them.

Python's young-generation collection scans every tracked object allocated since the last one,
live or not. During a request those include its half-built response, which a collection would
scan and then promote into an older generation; between requests they are mostly what finished
requests left in cycles (the Neo4j driver leaves some in every transaction). So the automatic
threshold is set high (a nested page then sets off no collection of its own), and a worker
collects the young generation itself once a request is answered, when enough has piled up and
little else is in flight. A small collection is also cheaper per object than a big one: the
objects are still in the CPU's caches (measured in `benchmarks/README.md`, issue 13).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

# Young objects allowed before the automatic collection: the backstop when requests never
# pause (with the default 700 a nested page set off about 6 collections of its own).
AUTOMATIC_YOUNG_THRESHOLD = 20_000
AUTOMATIC_OLDER_THRESHOLDS = (50, 100)


def tune_garbage_collector() -> None:
    """Sets the collector for a server process (returns nothing): what startup built is frozen
    out of every later collection, and the automatic young collection waits for 20,000 net
    allocations instead of 700."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(AUTOMATIC_YOUNG_THRESHOLD, *AUTOMATIC_OLDER_THRESHOLDS)


# A collection as it is recorded: its generation, its seconds, and whether it ran between
# requests (True) or when the automatic threshold was crossed (False).
Pause = tuple[int, float, bool]
# Pauses kept while nothing reads them (metrics off): enough for a burst, bounded for ever.
_KEPT_PAUSES = 1_000


class BetweenRequests:
    """Counts a worker's requests in flight and collects young garbage as one ends.

    ``young`` is how many young objects make a collection worth running (0: never, leaving it
    all to the automatic threshold); ``in_flight`` is how many other requests may still be
    running for it to go ahead (their live objects are what a collection would scan for
    nothing and promote). Every collection, whoever started it, is timed and handed to
    ``record`` as a request ends: never from inside the collector's callback, which can run
    in the middle of any code, the metrics' own locked sections included."""

    def __init__(self, young: int, in_flight: int,
                 record: Callable[[int, float, bool], None] | None = None) -> None:
        self.young = young
        self.allowed_in_flight = in_flight
        self.record = record
        self.running = 0
        self.pauses: list[Pause] = []
        self._began = 0.0
        self._between = False

    def watch(self) -> None:
        """Starts timing every collection of this process (returns nothing)."""
        if self._on_collection not in gc.callbacks:
            gc.callbacks.append(self._on_collection)

    def close(self) -> None:
        """Stops timing collections (returns nothing)."""
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)

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
            for generation, seconds, between in pauses:
                self.record(generation, seconds, between)

    def _on_collection(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        elif len(self.pauses) < _KEPT_PAUSES:
            self.pauses.append((info["generation"], time.perf_counter() - self._began,
                                self._between))


def due_generation(counts: tuple[int, int, int], thresholds: tuple[int, ...]) -> int:
    """Returns the oldest generation due for a collection, as the automatic collector would
    pick it (an older generation is counted in collections of the one below it, and the
    automatic collector only looks at them when the young threshold is crossed, which
    collecting between requests keeps from happening)."""
    if counts[2] >= thresholds[2]:
        return 2
    if counts[1] >= thresholds[1]:
        return 1
    return 0
