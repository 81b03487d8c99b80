"""Prometheus metrics of the API, summed over every worker process of the server.

Uvicorn's workers are separate processes; ``prometheus-client``'s multiprocess mode keeps each
worker's values in small files of the server's state directory and ``/metrics`` (answered by
any worker) reads them all. The metrics:

- ``stakegraph_requests_total{operation, outcome, role}``: HTTP requests to ``/graphql``, by
  operation name (anonymous operations and names beyond the first ``MAX_OPERATIONS`` a worker
  has seen are grouped), outcome (``ok`` or the first error's code) and the caller's role;
- ``stakegraph_request_duration_seconds{operation}``: their latency;
- ``stakegraph_neo4j_duration_seconds`` and ``stakegraph_neo4j_queries_per_request``: the time
  a request spent waiting on Neo4j and its round trips;
- ``stakegraph_dataloader_batch_size{loader}``: the keys per DataLoader batch (``node``,
  ``hop``);
- ``stakegraph_worker_starts_total`` and ``stakegraph_worker_restarts_total``: worker processes
  started, and those that replaced one that died;
- ``stakegraph_gc_pause_seconds{generation, when}``: each garbage collection in a worker,
  which holds its event loop: ``between_requests`` (run as a request ended,
  `stakegraph.api.collector`) or ``automatic`` (the threshold crossed mid-request);
- ``stakegraph_subscriptions``: open subscriptions; ``stakegraph_subscription_events_total``:
  events sent to subscribers.

Nothing here imports ``prometheus_client`` at module level: its multiprocess mode is chosen by
an environment variable that must be set before the first metric exists (`Metrics` sets it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram

# Operation names are chosen by clients: past this many distinct ones a worker groups the rest
# under "other", so a client cannot grow the metrics without bound.
MAX_OPERATIONS = 200
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ROUND_TRIP_BUCKETS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 12.0, 20.0, 50.0)
GC_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
BATCH_BUCKETS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)


class Metrics:
    """The metrics of one worker process, written where every worker's are summed."""

    def __init__(self, directory: Path, workers: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
        from prometheus_client import Counter, Gauge, Histogram, values

        # The value class is picked when prometheus_client is first imported; picking it again
        # makes it follow the directory just set, whatever was imported before.
        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
        self._operations: set[str] = set()
        none: Any = None  # metrics kept out of any registry: /metrics reads the files
        self.requests: Counter = Counter(
            "stakegraph_requests", "HTTP requests to /graphql by operation, outcome and role.",
            ["operation", "outcome", "role"], registry=none)
        self.latency: Histogram = Histogram(
            "stakegraph_request_duration_seconds", "Time to answer a /graphql request.",
            ["operation"], buckets=LATENCY_BUCKETS, registry=none)
        self.neo4j: Histogram = Histogram(
            "stakegraph_neo4j_duration_seconds",
            "Time one /graphql request spent waiting on Neo4j.", buckets=LATENCY_BUCKETS,
            registry=none)
        self.round_trips: Histogram = Histogram(
            "stakegraph_neo4j_queries_per_request", "Neo4j round trips of one request.",
            buckets=ROUND_TRIP_BUCKETS, registry=none)
        self.batch: Histogram = Histogram(
            "stakegraph_dataloader_batch_size", "Keys per DataLoader batch (one Neo4j query).",
            ["loader"], buckets=BATCH_BUCKETS, registry=none)
        self.gc: Histogram = Histogram(
            "stakegraph_gc_pause_seconds",
            "Garbage collections in a worker (each holds its event loop), by generation and "
            "by when they ran: between_requests or automatic.", ["generation", "when"],
            buckets=GC_BUCKETS, registry=none)
        self.starts: Counter = Counter(
            "stakegraph_worker_starts", "API worker processes started.", registry=none)
        self.restarts: Counter = Counter(
            "stakegraph_worker_restarts",
            "API worker processes started to replace one that ended.", registry=none)
        self.subscriptions: Gauge = Gauge(
            "stakegraph_subscriptions", "Open subscriptions.", registry=none,
            multiprocess_mode="livesum")
        self.events: Counter = Counter(
            "stakegraph_subscription_events", "Change events sent to subscribers.",
            registry=none)
        self._batch = {name: self.batch.labels(name) for name in ("node", "hop")}
        self._started(workers)

    def _started(self, workers: int) -> None:
        # Workers that ended leave files behind: their live gauges stop counting, and the
        # starts they recorded tell whether this worker replaces one.
        from prometheus_client import multiprocess

        for found in self.directory.glob("gauge_live*_*.db"):
            pid = found.stem.rpartition("_")[2]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                multiprocess.mark_process_dead(  # type: ignore[no-untyped-call]
                    int(pid), str(self.directory))
        before = self.value("stakegraph_worker_starts_total")
        self.starts.inc()
        if before >= workers:
            self.restarts.inc()

    def operation(self, name: str | None) -> str:
        """Returns the operation label of ``name``: itself, or ``-`` (none), ``other`` (past
        the limit of distinct names)."""
        if not name or not _NAME.match(name):
            return "-"
        if name in self._operations:
            return name
        if len(self._operations) >= MAX_OPERATIONS:
            return "other"
        self._operations.add(name)
        return name

    def request(self, operation: str | None, outcome: str, role: str, seconds: float,
                neo4j_seconds: float, round_trips: int) -> None:
        """Records one answered request (returns nothing)."""
        label = self.operation(operation)
        self.requests.labels(label, outcome, role).inc()
        self.latency.labels(label).observe(seconds)
        self.neo4j.observe(neo4j_seconds)
        self.round_trips.observe(round_trips)

    def gc_pause(self, generation: int, seconds: float, between: bool) -> None:
        """Records one garbage collection (returns nothing)."""
        self.gc.labels(str(generation), "between_requests" if between else "automatic"
                       ).observe(seconds)

    def batch_size(self, loader: str, size: int) -> None:
        """Records the keys of one DataLoader batch (returns nothing)."""
        self._batch[loader].observe(size)

    def exposition(self) -> bytes:
        """Returns every worker's metrics, summed, in the Prometheus text format."""
        from prometheus_client import generate_latest

        return generate_latest(self._registry())

    def value(self, sample: str) -> float:
        """Returns a sample's value summed over every worker (0 when absent)."""
        return float(sum(s.value for family in self._registry().collect()
                         for s in family.samples if s.name == sample))

    def _registry(self) -> Any:
        from prometheus_client import CollectorRegistry, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(  # type: ignore[no-untyped-call]
            registry, str(self.directory))
        return registry


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# The worker's metrics, once its app has started (None: metrics off or not started yet).
current: Metrics | None = None


def batch_size(loader: str, size: int) -> None:
    """Records a DataLoader batch in the worker's metrics, when they are on (returns nothing)."""
    if current is not None:
        current.batch_size(loader, size)
