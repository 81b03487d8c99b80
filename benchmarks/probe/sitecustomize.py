"""Counters inside the API's worker processes, for finding where the latency tail comes from.

Diagnostic only, never part of the server: ``bench_api.py --probe DIR`` puts this folder first
on ``PYTHONPATH`` and sets ``TAIL_PROBE_DIR``, so every Python process it starts (the
``stakegraph serve`` supervisor and each worker it spawns) imports this file at start-up. In a
process that imports the API app it counts, per worker:

- requests, their time inside the worker (ASGI call to the last byte handed to the server), how
  many the worker was already serving when each began, and the client ports seen (each one a
  keep-alive connection pinned to this worker);
- garbage-collector pauses per generation (``gc.callbacks``);
- event-loop lag: a task asks to wake every 5 ms and records how late it woke (anything that
  holds the loop, a long callback or a collection, shows up here);
- calls into the thread pool (anyio's ``to_thread.run_sync``, asyncio's ``to_thread``);
- the Neo4j driver's pool: time spent acquiring a connection and the most in use at once.

``SIGUSR1`` writes the counters to ``TAIL_PROBE_DIR/<pid>.json`` and starts them afresh, so the
benchmark takes one snapshot per cell.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

_DIR = os.environ.get("TAIL_PROBE_DIR")


class _Counters:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.began = time.monotonic()
        self.durations: list[float] = []
        self.concurrent_at_start: list[int] = []
        self.in_flight = 0
        self.ports: set[int] = set()
        self.gc: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.gc_cpu: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.gc_collected = 0
        self.lag: list[float] = []
        self.late_cpu_share: list[float] = []
        self.thread_calls = 0
        self.thread_ms = 0.0
        self.acquire_ms: list[float] = []
        self.pool_peak = 0
        self.opened_ms: list[float] = []
        self.liveness_checks = 0


C = _Counters()
_gc_start = (0.0, 0.0)


def _on_gc(phase: str, info: dict[str, Any]) -> None:
    global _gc_start
    if phase == "start":
        _gc_start = (time.perf_counter(), time.thread_time())
    else:
        C.gc[info["generation"]].append((time.perf_counter() - _gc_start[0]) * 1000)
        C.gc_cpu[info["generation"]].append((time.thread_time() - _gc_start[1]) * 1000)
        C.gc_collected += info["collected"]


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "total_ms": round(sum(values), 2),
            "p50": _pct(values, 50), "p99": _pct(values, 99), "p999": _pct(values, 99.9),
            "max": max(values) if values else None}


def _dump(signum: int, frame: Any) -> None:
    assert _DIR is not None
    seconds = time.monotonic() - C.began
    out = {
        "pid": os.getpid(), "seconds": seconds,
        "requests": len(C.durations), "in_worker_ms": _summary(C.durations),
        "concurrent_at_start": {str(k): C.concurrent_at_start.count(k)
                                for k in sorted(set(C.concurrent_at_start))},
        "connections": len(C.ports),
        "gc": {str(g): _summary(v) for g, v in C.gc.items()},
        "gc_cpu": {str(g): _summary(v) for g, v in C.gc_cpu.items()},
        "gc_collected": C.gc_collected,
        "loop_lag_ms": _summary(C.lag),
        "lag_over_20ms": sum(1 for x in C.lag if x > 20),
        "late_wakeups": len(C.late_cpu_share),
        "late_loop_busy": sum(1 for x in C.late_cpu_share if x >= 0.8),
        "late_descheduled": sum(1 for x in C.late_cpu_share if x < 0.2),
        "thread_pool": {"calls": C.thread_calls, "ms": round(C.thread_ms, 2)},
        "pool_acquire_ms": _summary(C.acquire_ms), "pool_peak_in_use": C.pool_peak,
        "connections_opened_ms": _summary(C.opened_ms), "liveness_checks": C.liveness_checks,
    }
    Path(_DIR, f"{os.getpid()}.json").write_text(json.dumps(out))
    C.reset()


async def _lag_probe() -> None:
    while True:
        began, cpu = time.perf_counter(), time.thread_time()
        await asyncio.sleep(0.005)
        lag = (time.perf_counter() - began) * 1000 - 5
        C.lag.append(lag)
        if lag > 10:
            # Late by more than 10 ms: was the loop running something (its thread used the CPU
            # the whole time), or was the process waiting for a core (it did not)?
            C.late_cpu_share.append((time.thread_time() - cpu) * 1000 / (lag + 5))


def _install() -> None:
    import anyio.to_thread
    import stakegraph.api.app as app_module
    from neo4j._async.io._pool import AsyncBoltPool, AsyncNeo4jPool

    gc.callbacks.append(_on_gc)
    signal.signal(signal.SIGUSR1, _dump)

    original_run_sync = anyio.to_thread.run_sync

    async def run_sync(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        C.thread_calls += 1
        try:
            return await original_run_sync(*args, **kwargs)
        finally:
            C.thread_ms += (time.perf_counter() - began) * 1000

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]
    original_to_thread = asyncio.to_thread

    async def to_thread(*args: Any, **kwargs: Any) -> Any:
        C.thread_calls += 1
        return await original_to_thread(*args, **kwargs)

    asyncio.to_thread = to_thread  # type: ignore[assignment]

    def timed(original: Any) -> Any:
        async def acquire(self: Any, *args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return await original(self, *args, **kwargs)
            finally:
                C.acquire_ms.append((time.perf_counter() - began) * 1000)
                in_use = sum(c.in_use for conns in self.connections.values() for c in conns)
                C.pool_peak = max(C.pool_peak, in_use)

        return acquire

    from neo4j._async.io._bolt import AsyncBolt

    original_open = AsyncBolt.open.__func__  # type: ignore[attr-defined]

    async def open_(cls: Any, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await original_open(cls, *args, **kwargs)
        finally:
            C.opened_ms.append((time.perf_counter() - began) * 1000)

    AsyncBolt.open = classmethod(open_)  # type: ignore[method-assign, assignment]
    original_idle = AsyncBolt.is_idle_for

    def is_idle_for(self: Any, timeout: float) -> bool:
        idle: bool = original_idle(self, timeout)
        C.liveness_checks += idle
        return idle

    AsyncBolt.is_idle_for = is_idle_for  # type: ignore[method-assign]

    # bolt:// and neo4j:// each have their pool class, each with its own acquire.
    for pool in (AsyncBoltPool, AsyncNeo4jPool):
        pool.acquire = timed(pool.acquire)  # type: ignore[method-assign]

    original_create_app = app_module.create_app

    def create_app(*args: Any, **kwargs: Any) -> Any:
        inner = original_create_app(*args, **kwargs)
        started = False

        async def probed(scope: Any, receive: Any, send: Any) -> None:
            nonlocal started
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return
            if not started:
                started = True
                asyncio.get_running_loop().create_task(_lag_probe())
            C.concurrent_at_start.append(C.in_flight)
            C.in_flight += 1
            if scope.get("client"):
                C.ports.add(scope["client"][1])
            began = time.perf_counter()
            try:
                await inner(scope, receive, send)
            finally:
                C.in_flight -= 1
                C.durations.append((time.perf_counter() - began) * 1000)

        return probed

    app_module.create_app = create_app  # type: ignore[assignment]


if _DIR:
    _install()
