"""Shared terminal output and the settings and database handles every command uses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from stakegraph.db import open_graph_db
from stakegraph.schema.graphdb import GraphDB
from stakegraph.settings import Settings, get_settings

# Soft wrap: long lines (addresses, passwords) stay whole so they can be copied.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def settings() -> Settings:
    """Returns the process settings."""
    return get_settings()


@contextmanager
def graph_db() -> Iterator[GraphDB]:
    """Yields the configured Neo4j database (through a verified driver) and closes the driver
    afterwards."""
    db = open_graph_db(get_settings())
    try:
        yield db
    finally:
        db.close()


def current_user() -> str:
    """Returns who runs the command (the OS user), as the records of changes name them."""
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "cli")
