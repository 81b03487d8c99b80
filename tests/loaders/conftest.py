"""Helpers for the loader tests: a small valid dataset (ids under the test's scratch prefix)
written as real files, and a snapshot of what the graph holds under a prefix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from loader_data import BASE, Snapshot, WriteFiles
from neo4j import Driver
from stakegraph.schema.model import Label


@pytest.fixture
def write_files(tmp_path: Path, scratch: str) -> WriteFiles:
    """Returns a function writing {name: text} (BASE by default, overrides merged in, None drops
    a file) into a fresh folder under tmp_path, with "{p}" as the scratch prefix."""
    counter = iter(range(1_000_000))

    def write(overrides: dict[str, str | None] | None = None, *, base: bool = True,
              prefix: str | None = None, folder: str | None = None) -> Path:
        target = tmp_path / (folder or f"load{next(counter)}")
        target.mkdir(parents=True, exist_ok=True)
        files: dict[str, str | None] = dict(BASE) if base else {}
        files.update(overrides or {})
        for name, text in files.items():
            if text is not None:
                (target / name).write_text(text.replace("{p}", prefix or scratch),
                                           encoding="utf-8")
        return target

    return write


def _plain(value: Any, prefix: str) -> Any:
    if isinstance(value, str):
        return value.replace(prefix, "<p>")
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


# Every label the loader writes; lookups go through their id indexes, because the shared test
# database may hold hundreds of thousands of other nodes that a label-free scan would visit.
_LABELS = (Label.STAKEHOLDER, Label.PROJECT, Label.ACTIVITY, Label.STRATEGY, Label.OUTCOME,
           Label.OBJECTIVE)


def _under(var: str) -> str:
    return " UNION ALL ".join(
        f"MATCH ({var}:{label}) WHERE {var}.id STARTS WITH $p RETURN {var}" for label in _LABELS
    )


def snapshot(driver: Driver, database: str, prefix: str) -> dict[str, Any]:
    """Returns every node under ``prefix`` and every relationship touching one, with labels,
    types and properties, the prefix replaced by "<p>" so two prefixes can be compared."""
    nodes, _, _ = driver.execute_query(
        f"CALL {{ {_under('n')} }} RETURN DISTINCT labels(n) AS labels, properties(n) AS props",
        p=prefix, database_=database,
    )
    rels, _, _ = driver.execute_query(
        f"CALL {{ {_under('n')} }} WITH DISTINCT n MATCH (n)-[r]-(m) "
        "WITH DISTINCT r RETURN startNode(r).id AS a, type(r) AS type, endNode(r).id AS b, "
        "properties(r) AS props",
        p=prefix, database_=database,
    )
    return {
        "nodes": sorted(
            (sorted(r["labels"]), sorted((k, _plain(v, prefix)) for k, v in r["props"].items()))
            for r in nodes
        ),
        "relationships": sorted(
            (_plain(r["a"], prefix), r["type"], _plain(r["b"], prefix),
             sorted((k, _plain(v, prefix)) for k, v in r["props"].items()))
            for r in rels
        ),
    }


def count_under(driver: Driver, database: str, prefix: str) -> int:
    """Returns how many nodes have an id under ``prefix``."""
    records, _, _ = driver.execute_query(
        f"CALL {{ {_under('n')} }} RETURN count(DISTINCT n) AS c", p=prefix, database_=database
    )
    return int(records[0]["c"])


@pytest.fixture
def take_snapshot(driver: Driver, database: str) -> Snapshot:
    """Returns `snapshot` bound to the test driver and database."""
    return lambda prefix: snapshot(driver, database, prefix)


@pytest.fixture
def nodes_under(driver: Driver, database: str) -> Callable[[str], int]:
    """Returns `count_under` bound to the test driver and database."""
    return lambda prefix: count_under(driver, database, prefix)
