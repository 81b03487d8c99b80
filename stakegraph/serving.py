"""Serving the API from several worker processes with connections spread evenly among them.

uvicorn's own ``--workers`` lets every worker accept from one shared listening socket: whichever
wakes first takes every connection waiting, so a client's keep-alive connections land unevenly
(a benchmark's 8 often all on one worker while the other sat idle) and stay there, and one
worker's queue is the API's tail. Here the parent process accepts every connection itself and
hands it, over a Unix socket (``SCM_RIGHTS``), to the worker holding the fewest open
connections; each worker reports when a connection closes. Requests on a connection then go to
that worker directly, as before: the parent sees a connection once, not its requests.

A worker that dies is replaced; SIGINT or SIGTERM stops the workers (each finishes what is in
flight, as uvicorn does) and then the parent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import selectors
import signal
import socket
import sys
import time
from multiprocessing.context import SpawnProcess
from types import FrameType
from typing import Any

import uvicorn

log = logging.getLogger("stakegraph.serve")

_spawn = multiprocessing.get_context("spawn")
# One byte from a worker: one of its connections closed.
_CLOSED = b"x"


class _HandedConnectionsServer(uvicorn.Server):
    """A uvicorn server that listens on nothing: its connections come from the parent over
    ``channel``, each with its socket attached, and it reports each one's end there."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Starts the app (lifespan) and takes connections from the parent (returns then)."""
        await self.lifespan.startup()
        if self.lifespan.should_exit:
            sys.exit(3)  # uvicorn's STARTUP_FAILURE: the app refused to start
        config, channel = self.config, self.channel
        # A WebSocket takes the connection over from the HTTP protocol: its end is reported too.
        if config.ws_protocol_class is not None:
            config.ws_protocol_class = _reported(config.ws_protocol_class, channel)
        http_protocol = _reported(config.http_protocol_class, channel)

        def create_protocol(_loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Protocol:
            protocol: asyncio.Protocol = http_protocol(
                config=config, server_state=self.server_state, app_state=self.lifespan.state,
                _loop=_loop)
            return protocol

        loop = asyncio.get_running_loop()
        channel.setblocking(False)
        attaching: set[asyncio.Task[Any]] = set()  # referenced until done (the loop's are weak)

        def receive() -> None:
            try:
                message, fds, _, _ = socket.recv_fds(channel, 1024, 64)
            except BlockingIOError:
                return
            except OSError:
                message, fds = b"", []
            if not message and not fds:  # the parent is gone: stop serving
                loop.remove_reader(channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                conn = socket.socket(fileno=fd)
                task = loop.create_task(loop.connect_accepted_socket(create_protocol, conn))
                attaching.add(task)
                task.add_done_callback(attaching.discard)

        loop.add_reader(channel.fileno(), receive)
        self.servers = []
        self.started = True


def _reported(protocol_class: Any, channel: socket.socket) -> Any:
    """Returns ``protocol_class`` made to tell the parent when its connection ends."""

    class Reported(protocol_class):  # type: ignore[misc]
        def connection_lost(self, exc: Exception | None) -> None:
            super().connection_lost(exc)
            with contextlib.suppress(OSError):
                channel.send(_CLOSED)

    return Reported


def _worker(config: uvicorn.Config, channel: socket.socket) -> None:
    """Runs one worker process until it is told to stop (returns then)."""
    config.configure_logging()
    with contextlib.suppress(KeyboardInterrupt):
        _HandedConnectionsServer(config, channel).run()


class _Worker:
    """The parent's view of a worker: its process, its end of the channel, its connections."""

    def __init__(self, config: uvicorn.Config) -> None:
        self.channel, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.process: SpawnProcess = _spawn.Process(target=_worker, args=(config, child))
        self.process.start()
        child.close()
        self.open = 0
        self.handed = 0  # when it last got a connection (a count of hand-outs)


def serve_balanced(config: uvicorn.Config, workers: int) -> None:
    """Serves ``config``'s app from ``workers`` processes, each new connection handed to the
    one with the fewest open connections; returns when stopped by SIGINT or SIGTERM."""
    listener = config.bind_socket()
    listener.listen(config.backlog)
    listener.setblocking(False)
    pool = [_Worker(config) for _ in range(workers)]
    handed = [0]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    for worker in pool:
        selector.register(worker.channel, selectors.EVENT_READ, worker)
    log.info("serving on %s:%s with %d workers (connections handed out evenly)",
             config.host, config.port, workers)
    try:
        while not stopping:
            for key, _ in selector.select(timeout=0.5):
                if key.data is None:
                    _hand_out(listener, pool, handed)
                    continue
                worker = key.data
                try:
                    data = worker.channel.recv(4096)
                except OSError:
                    data = b""
                if data:
                    worker.open = max(0, worker.open - data.count(_CLOSED))
                    continue
                # The worker died: its connections died with it; start another in its place.
                selector.unregister(worker.channel)
                worker.channel.close()
                worker.process.join(timeout=5)
                log.warning("worker %s exited (%s): starting another", worker.process.pid,
                            worker.process.exitcode)
                if not stopping:
                    replacement = _Worker(config)
                    pool[pool.index(worker)] = replacement
                    selector.register(replacement.channel, selectors.EVENT_READ, replacement)
    finally:
        selector.close()
        listener.close()
        for worker in pool:
            if worker.process.is_alive() and worker.process.pid is not None:
                os.kill(worker.process.pid, signal.SIGTERM)
        for worker in pool:
            worker.process.join(timeout=30)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.channel.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _hand_out(listener: socket.socket, pool: list[_Worker], handed: list[int]) -> None:
    """Accepts the connections waiting and hands each to the least busy worker (returns
    nothing); ``handed`` counts the hand-outs."""
    while True:
        try:
            conn, _ = listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:  # out of file descriptors, a connection reset before accept
            log.warning("accept failed: %r", exc)
            time.sleep(0.05)  # the listener stays readable: do not spin on the same failure
            return
        with conn:
            if conn.family in (socket.AF_INET, socket.AF_INET6):
                # Small answers go out at once, as on the connections uvicorn accepts itself.
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # Fewest open connections, and among equals the one that waited longest: keep-alive
            # connections spread evenly (every worker has as many clients to serve), and
            # short-lived ones take turns.
            for worker in sorted(pool, key=lambda w: (w.open, w.handed)):
                try:
                    socket.send_fds(worker.channel, [b"c"], [conn.fileno()])
                except OSError:
                    continue  # a dying worker: try the next
                worker.open += 1
                handed[0] += 1
                worker.handed = handed[0]
                break
