"""The personal-data actions on a sync driver (what the CLI calls); each runs in one
transaction, so the audit event and the action are written together or not at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neo4j import ManagedTransaction
from stakegraph.queries.privacy.steps import (
    AuditPage,
    Erasure,
    Steps,
    audit_steps,
    erase_steps,
    export_steps,
)
from stakegraph.schema.combined import Model
from stakegraph.schema.declared import read_model
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.version import write_transaction


def run_steps(tx: ManagedTransaction, make: Callable[[], Steps]) -> Any:
    """Returns what the steps of ``make`` return after running each statement they yield in
    ``tx``; a factory, not a generator, because the driver may retry the transaction."""
    steps = make()
    try:
        step = next(steps)
        while True:
            rows = [record.data() for record in tx.run(step.text, step.params)]
            step = steps.send(rows)
    except StopIteration as done:
        return done.value


def _write(db: GraphDB, make: Callable[[], Steps]) -> Any:
    with db.session() as session:
        return write_transaction(session, run_steps, make)


def export_person(db: GraphDB, ident: str, actor: str, via: str = "cli",
                  model: Model | None = None) -> dict[str, Any]:
    """Returns everything held on the person ``ident`` as a JSON-ready document, after
    recording the export in the audit trail."""
    chosen = model or read_model(db)
    document: dict[str, Any] = _write(db, lambda: export_steps(ident, actor, via, chosen))
    return document


def erase_person(db: GraphDB, ident: str, actor: str, via: str = "cli",
                 model: Model | None = None) -> Erasure:
    """Returns what erasing the person ``ident``'s personal data did (audit event included):
    the personal properties of ``model`` (default: the model in force in the graph)."""
    chosen = model or read_model(db)
    erasure: Erasure = _write(db, lambda: erase_steps(ident, actor, via, chosen))
    return erasure


def audit_events(db: GraphDB, subject: str | None = None, skip: int = 0,
                 limit: int = 20) -> AuditPage:
    """Returns one page of the audit trail, newest first (only ``subject``'s when given)."""
    with db.session() as session:
        page: AuditPage = session.execute_read(
            run_steps, lambda: audit_steps(subject, skip, limit)
        )
    return page
