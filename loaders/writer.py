"""The batched writer: each step's rows go in batches, each batch in one managed write
transaction (`execute_write` retries transient errors) that runs one statement per stakeholder
kind or relationship type present in the batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neo4j import Driver, ManagedTransaction
from stakegraph.loaders.cypher import (
    NodeTarget,
    node_statement,
    node_write_statement,
    rel_statement,
    rel_write_statement,
)
from stakegraph.loaders.plan import Row, Step
from stakegraph.loaders.report import Counts
from stakegraph.schema.model import Kind

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


def _statements(step: Step) -> dict[str, str] | None:
    """Returns the merge-first write statement of each row group (by stakeholder kind or
    relationship type), or None when the step is written by its single compare statement."""
    target = step.target
    if isinstance(target, NodeTarget):
        if not target.kind_labels:
            return {"": node_write_statement(target, None)}
        return {kind.value: node_write_statement(target, kind) for kind in Kind}
    if target.exclusive:
        return None
    return {str(rel): rel_write_statement(target, rel) for rel, _ in target.ends}


def _group(step: Step, row: Row) -> str:
    if isinstance(step.target, NodeTarget):
        return str(row["kind"]) if step.target.kind_labels else ""
    return str(row["type"])


def _write_groups(tx: ManagedTransaction, statements: dict[str, str],
                  groups: dict[str, list[Row]], is_nodes: bool) -> dict[str, Any]:
    created = updated = placed = 0
    for key, rows in groups.items():
        result = tx.run(statements[key], rows=rows)
        record = result.single(strict=True)
        counters = result.consume().counters
        created += counters.nodes_created if is_nodes else counters.relationships_created
        updated += record["updated"]
        placed += record["placed"]
    missing = sum(len(rows) for rows in groups.values()) - placed
    if missing > 0:
        # Raising inside the transaction function rolls this batch back.
        raise EndpointsVanished(
            f"{missing} relationship(s) lost an endpoint during the load "
            "(deleted meanwhile?); re-run the load"
        )
    return {"created": created, "updated": updated}


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
    statements = _statements(step) if write else None
    counts = Counts()
    total = len(step.rows)
    with driver.session(database=database) as session:
        for start in range(0, total, batch_size):
            batch = step.rows[start : start + batch_size]
            if statements is not None:
                groups: dict[str, list[Row]] = {}
                for row in batch:
                    groups.setdefault(_group(step, row), []).append(row)
                result = session.execute_write(_write_groups, statements, groups, step.is_nodes)
            elif write:
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
