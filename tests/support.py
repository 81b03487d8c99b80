"""Small helpers shared by test folders (the tests folder is on sys.path via its conftest)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """Returns a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
