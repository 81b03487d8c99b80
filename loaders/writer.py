"""The batched writer: each step's rows go in batches through one statement, each batch in a
managed write transaction (`execute_write` retries transient errors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neo4j import Driver, ManagedTransaction
from stakegraph.loaders.cypher import NodeTarget, node_statement, rel_statement
from stakegraph.loaders.plan import Row, Step
from stakegraph.loaders.report import Counts

Progress = Callable[[str, int, int], None]


class EndpointsVanished(RuntimeError):
    """Nodes that validation found were gone when their relationships were written."""


def _run(tx: ManagedTransaction, statement: str, rows: list[Row], write: bool) -> dict[str, Any]:
    record = tx.run(statement, rows=rows).single(strict=True)
    result = dict(record)
    if write and result["missing"]:
        # Raising inside the transaction function rolls this batch back.
        raise EndpointsVanished(
            f"{result['missing']} relationship(s) lost an endpoint during the load "
            "(deleted meanwhile?); re-run the load"
        )
    return result


def run_step(
    driver: Driver,
    database: str,
    step: Step,
    *,
    write: bool,
    batch_size: int,
    progress: Progress | None = None,
) -> Counts:
    """Returns the counts of one step after comparing (and, if ``write``, writing) its rows."""
    if isinstance(step.target, NodeTarget):
        statement = node_statement(step.target, write)
    else:
        statement = rel_statement(step.target, write)
    counts = Counts()
    total = len(step.rows)
    with driver.session(database=database) as session:
        for start in range(0, total, batch_size):
            batch = step.rows[start : start + batch_size]
            if write:
                result = session.execute_write(_run, statement, batch, True)
            else:
                result = session.execute_read(_run, statement, batch, False)
            counts.add(
                Counts(result["created"], result["updated"],
                       len(batch) - result["created"] - result["updated"])
            )
            if progress is not None:
                progress(step.kind, min(start + batch_size, total), total)
    return counts
