"""The batched writer: each group of a step's rows goes in batches, each batch in one managed
write transaction (`execute_write` retries transient errors) that runs the group's statement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from neo4j import ManagedTransaction, Record
from stakegraph.loaders.plan import Group, Step, WriteRow
from stakegraph.loaders.report import Counts
from stakegraph.loaders.statements import (
    NodeTarget,
    RelTarget,
    node_merge_statement,
    node_statement,
    node_write_statement,
    rel_merge_statement,
    rel_statement,
    rel_write_statement,
)
from stakegraph.schema import change_feed
from stakegraph.schema.errors import ErrorCode, StakegraphError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Kind, Label, Rel
from stakegraph.schema.version import write_transaction

Progress = Callable[[str, int, int], None]


class EndpointsVanished(StakegraphError):
    """Nodes that validation found were gone when their relationships were written."""

    code = ErrorCode.CONFLICT


def _vanished(missing: int) -> EndpointsVanished:
    return EndpointsVanished(
        f"{missing} relationship(s) lost an endpoint during the load "
        "(deleted meanwhile?); re-run the load"
    )


def _record(tx: ManagedTransaction, events: list[dict[str, Any]] | None,
            created: int, updated: int) -> None:
    """Records the batch in the change feed, in its own transaction, when it changed
    anything."""
    if events and (created or updated):
        tx.run(change_feed.RECORD, events=events).consume()


def _compared(tx: ManagedTransaction, statement: str, rows: list[WriteRow], write: bool,
              events: list[dict[str, Any]] | None = None) -> tuple[int, int]:
    """Returns (created, updated) of a compare-first statement."""
    record = tx.run(statement, rows=rows).single(strict=True)
    if write and record["missing"]:
        # Raising inside the transaction function rolls this batch back.
        raise _vanished(record["missing"])
    if write:
        _record(tx, events, record["created"], record["updated"])
    return record["created"], record["updated"]


def _run_counted(tx: ManagedTransaction, statement: str, rows: list[WriteRow], is_nodes: bool
                 ) -> tuple[int, Record]:
    """Returns (created, the record) of a statement that returns ``placed``; raises when rows
    could not be placed."""
    result = tx.run(statement, rows=rows)
    record = result.single(strict=True)
    counters = result.consume().counters
    if record["placed"] < len(rows):
        raise _vanished(len(rows) - record["placed"])
    return (counters.nodes_created if is_nodes else counters.relationships_created), record


def _merged(tx: ManagedTransaction, statements: _MergeFirst, rows: list[WriteRow], is_nodes: bool,
            expect_new: bool, events: list[dict[str, Any]] | None) -> tuple[int, int]:
    """Returns (created, updated) of a merge-first write: ``merge`` and, if some rows existed,
    ``update``; or, when rows are expected to exist already, ``update`` alone (it merges too).
    The change feed records ``events`` when anything changed."""
    if statements.update is not None and not expect_new:
        created, record = _run_counted(tx, statements.update, rows, is_nodes)
        updated = record["updated"]
    else:
        created, _ = _run_counted(tx, statements.merge, rows, is_nodes)
        updated = 0
        # Nothing existed before, or nothing that existed can differ: no compare needed.
        if created != len(rows) and statements.update is not None:
            updated = tx.run(statements.update, rows=rows).single(strict=True)["updated"]
    _record(tx, events, created, updated)
    return created, updated


@dataclass(frozen=True)
class _MergeFirst:
    """The write of a group: ``merge``, then ``update`` (None when the group has no properties,
    so nothing that exists can differ) when some rows already existed."""

    merge: str
    update: str | None


@cache
def _statement(target: NodeTarget | RelTarget, key: str, props: tuple[str, ...],
               dates: frozenset[str], write: bool) -> _MergeFirst | str:
    """Returns the merge-first statements of a group, or its compare-first statement (dry runs
    and exclusive relationships)."""
    if isinstance(target, NodeTarget):
        kind = Kind(key) if target.kind_labels else None
        if not write:
            return node_statement(target, kind, props, dates)
        return _MergeFirst(node_merge_statement(target, kind, props, dates),
                           node_write_statement(target, kind, props, dates))
    rel = Rel(key)
    if write and not target.exclusive:
        return _MergeFirst(rel_merge_statement(target, rel, props, dates),
                           rel_write_statement(target, rel, props, dates) if props else None)
    return rel_statement(target, rel, props, dates, write)


class _Batch(list[WriteRow]):
    """The rows of one transaction. The driver formats the text of a debug log line for every
    query it sends, logging on or not, from the repr of its parameters: a few milliseconds per
    5,000 rows, a second or two of a large load. A batch's repr is therefore just its size."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _batches(group: Group, batch_size: int) -> list[_Batch]:
    rows = group.rows
    return [_Batch(rows[start : start + batch_size]) for start in range(0, len(rows), batch_size)]


def change_of(step: Step, group: Group, rows: list[WriteRow]) -> dict[str, Any]:
    """Returns the change feed's record of one batch of a load: the table, the ids written (a
    relationship's two ends), the projects they belong to and the properties set."""
    target = step.target
    if isinstance(target, NodeTarget):
        ids = [row[0] for row in rows]
        projects = ids if target.label is Label.PROJECT else []
    else:
        ids = [end for row in rows for end in row[:2]]
        end = dict(target.ends).get(Rel(group.key))
        projects = ([row[0] for row in rows] if target.start is Label.PROJECT else
                    [row[1] for row in rows] if end is Label.PROJECT else [])
    return change_feed.change(step.table, "loaded", ids, projects=projects, fields=group.props,
                              via="load")


def run_step(
    db: GraphDB,
    step: Step,
    *,
    write: bool,
    batch_size: int,
    progress: Progress | None = None,
) -> Counts:
    """Returns the counts of one step after comparing (and, if ``write``, writing) its rows."""
    counts = Counts()
    total = step.size
    done = 0
    with db.session() as session:
        for group in step.groups:
            statement = _statement(step.target, group.key, group.props, group.dates, write)
            # A batch is expected to be new when the one before was: a first load runs the
            # merge alone, a re-load (whose rows all exist) the update alone.
            expect_new = True
            for batch in _batches(group, batch_size):
                events = [change_of(step, group, batch)] if write else None
                if isinstance(statement, _MergeFirst):
                    created, updated = write_transaction(session, _merged, statement, batch,
                                                         step.is_nodes, expect_new, events)
                    expect_new = created == len(batch)
                elif write:
                    created, updated = write_transaction(session, _compared, statement, batch,
                                                         True, events)
                else:
                    created, updated = session.execute_read(_compared, statement, batch, False)
                counts.add(Counts(created, updated, len(batch) - created - updated))
                done += len(batch)
                if progress is not None:
                    progress(step.table, done, total)
    return counts
