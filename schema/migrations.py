"""Migrations: the changes that bring a graph written with an older model version up to this
code's (`stakegraph.schema.model.MODEL_VERSION`), in order.

Each migration runs in its own write transaction with the writers held back
(`stakegraph.schema.maintenance.hold_writers`); that transaction changes the data, records the
migration as a ``Migration`` node (who, when, from, to, how much changed) and moves the
graph's recorded version on. A migration killed half-way therefore leaves the graph at the
version before it, and running `migrate` again goes on from there; on a graph at this code's
version it does nothing. A graph newer than this code is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from neo4j import ManagedTransaction
from stakegraph.schema.errors import ConflictError, UnavailableError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.maintenance import held_by, hold_writers
from stakegraph.schema.model import MODEL_VERSION, Label
from stakegraph.schema.version import MODEL_NODE, graph_state, state_in


@dataclass(frozen=True)
class Migration:
    """One step from ``source`` to ``source + 1``: a Cypher statement returning ``changed``."""

    source: int
    name: str
    summary: str
    statement: str

    @property
    def target(self) -> int:
        """Returns the version the graph is at after this migration."""
        return self.source + 1

    @property
    def id(self) -> str:
        """Returns the id of the Migration node that records it."""
        return f"model-{self.source}-{self.target}"


MIGRATIONS: tuple[Migration, ...] = (
    # Declared extensions (the open model) brought terms of an organisation's own beside the
    # shipped ones, told apart by `origin`; releases before wrote terms without it, and the
    # model's readers (`schema show`, the Browser guide's "Your model", model changes) would
    # take such a term for neither. Every term those releases wrote was a shipped one.
    Migration(
        1, "concept-origin",
        "vocabulary terms written before the open model get origin 'shipped'",
        f"MATCH (c:{Label.CONCEPT}) WHERE c.origin IS NULL "
        "SET c.origin = 'shipped' RETURN count(c) AS changed",
    ),
)

_RECORD = f"""
CREATE (:{Label.MIGRATION} {{id: $id, name: $name, summary: $summary,
        from_version: $source, to_version: $target, changed: $changed,
        applied_at: datetime($at), applied_by: $actor}})
MERGE (m:{Label.META} {{id: '{MODEL_NODE}'}})
SET m.version = $target
"""


@dataclass(frozen=True)
class Applied:
    """A migration as it ran: which, how much it changed, who ran it and when."""

    id: str
    source: int
    target: int
    name: str
    changed: int
    actor: str
    at: str


@dataclass(frozen=True)
class MigrationReport:
    """The graph's version before and after `migrate`, and what ran."""

    before: int | None
    after: int | None
    applied: tuple[Applied, ...]


def pending(version: int) -> tuple[Migration, ...]:
    """Returns the migrations from ``version`` to this code's, in order; raises when the chain
    has a gap (a bug in this module)."""
    chain = tuple(m for m in MIGRATIONS if m.source >= version)
    expected = list(range(version, MODEL_VERSION))
    if [m.source for m in chain] != expected:
        raise ConflictError(f"no migration path from model version {version} to "
                            f"{MODEL_VERSION}")
    return chain


def migrate(db: GraphDB, actor: str) -> MigrationReport:
    """Returns what ran after bringing the graph to this code's model version: nothing on a
    graph already there (or empty, or bare), the pending migrations in order otherwise, each in
    its own transaction with writers held back. Raises `ConflictError` for a graph newer than
    this code and `UnavailableError` when writers or another maintenance do not let it start."""
    before = graph_state(db).model_version
    if before is None or before == MODEL_VERSION:
        return MigrationReport(before, before, ())
    if before > MODEL_VERSION:
        raise ConflictError(
            f"the graph is at model version {before}, newer than this stakegraph's "
            f"({MODEL_VERSION}): upgrade stakegraph; it cannot migrate a graph backwards")
    applied: list[Applied] = []
    with hold_writers(db, "migration", actor, props={"target": MODEL_VERSION}) as hold:
        # The version is read again under the gate: another migrator may have finished first.
        for migration in pending(graph_state(db).model_version or MODEL_VERSION):
            at = datetime.now(UTC).isoformat(timespec="milliseconds")

            def step(tx: ManagedTransaction, migration: Migration = migration,
                     at: str = at) -> int | None:
                if not held_by(tx, hold.token):
                    raise UnavailableError(f"the migration lost its hold on the graph before "
                                           f"{migration.name}; run `stakegraph schema apply` "
                                           "again")
                if state_in(tx).model_version != migration.source:
                    return None  # done already, by whoever held the gate before
                record = tx.run(migration.statement).single()
                changed = int(record["changed"]) if record else 0
                tx.run(_RECORD, id=migration.id, name=migration.name,
                       summary=migration.summary, source=migration.source,
                       target=migration.target, changed=changed, at=at, actor=actor).consume()
                return changed

            with db.session() as session:
                changed = session.execute_write(step)
            if changed is not None:
                applied.append(Applied(migration.id, migration.source, migration.target,
                                       migration.name, changed, actor, at))
    return MigrationReport(before, graph_state(db).model_version, tuple(applied))


def history(db: GraphDB) -> list[dict[str, object]]:
    """Returns the migrations recorded in the graph, oldest first."""
    records = db.read(
        f"MATCH (m:{Label.MIGRATION}) RETURN m.id AS id, m.name AS name, "
        "m.from_version AS from_version, m.to_version AS to_version, m.changed AS changed, "
        "toString(m.applied_at) AS applied_at, m.applied_by AS applied_by "
        "ORDER BY m.from_version, m.applied_at")
    return [r.data() for r in records]
