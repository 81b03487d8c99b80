"""Shared terminal output and the settings/driver handles every command uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from neo4j import Driver
from rich.console import Console

from stakegraph.db import open_driver
from stakegraph.settings import Settings, get_settings

# Soft wrap: long lines (addresses, passwords) stay whole so they can be copied.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def settings() -> Settings:
    """Returns the process settings."""
    return get_settings()


@contextmanager
def driver() -> Iterator[Driver]:
    """Yields a verified driver for the configured Neo4j and closes it afterwards."""
    drv = open_driver(get_settings())
    try:
        yield drv
    finally:
        drv.close()
