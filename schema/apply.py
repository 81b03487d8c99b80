"""Writes the schema into a database: constraints, indexes and the vocabulary terms as nodes
(the shipped ones and those an organisation declared), after migrating a graph written with an
older model version (`stakegraph.schema.migrations`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stakegraph.schema.combined import Model
from stakegraph.schema.constraints import schema_items
from stakegraph.schema.declared import (
    SYNC_DECLARED_PROPERTIES,
    declared_property_rows,
    read_model,
)
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.migrations import MigrationReport, migrate
from stakegraph.schema.model import Label, Rel
from stakegraph.schema.version import (
    ensure_meta_schema,
    graph_state,
    stamp_version,
    write_transaction,
)
from stakegraph.schema.vocabulary import ENTITY_SCHEMES, Scheme


@dataclass(frozen=True)
class ApplyReport:
    """What `schema apply` did."""

    constraints: list[str]
    indexes: list[str]
    terms_per_scheme: dict[str, int]
    migration: MigrationReport | None = None


def _term_rows(scheme: Scheme) -> list[dict[str, Any]]:
    rows = []
    for t in scheme.terms:
        props: dict[str, Any] = {
            "id": t.id,
            "scheme": t.scheme,
            "code": t.code,
            "name": t.label,
            "definition": t.definition,
            "order": t.order,
            "source": scheme.title,
            "origin": t.origin,
        }
        for key, value in t.extra.items():
            if isinstance(value, str | int | float | bool):
                props[key] = value
        rows.append(
            {"props": props, "broader": None if t.broader is None else f"{t.scheme}:{t.broader}"}
        )
    return rows


def _cluster_rows(scheme: Scheme) -> list[dict[str, str]]:
    return [
        {"id": t.id, "broader": f"eric_cluster:{t.extra['cluster']}"}
        for t in scheme.terms
        if "cluster" in t.extra
    ]


_MERGE_TERMS = f"""
UNWIND $rows AS row
MERGE (c:{Label.CONCEPT} {{id: row.props.id}})
SET c += row.props
"""

_LINK_BROADER = f"""
UNWIND $rows AS row
MATCH (c:{Label.CONCEPT} {{id: row.id}}), (b:{Label.CONCEPT} {{id: row.broader}})
MERGE (c)-[:{Rel.BROADER}]->(b)
"""


def apply_schema(db: GraphDB, model: Model | None = None, *,
                 actor: str = "stakegraph") -> ApplyReport:
    """Returns what was ensured and migrated after creating constraints and indexes, migrating
    a graph of an older model version (as ``actor``), recording the version on a graph without
    one, and writing the vocabulary nodes of ``model`` (default: the model in force in the
    graph, declared terms included). A graph newer than this code is refused untouched."""
    with db.session() as session:
        for item in schema_items():
            session.run(item.statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()
    ensure_meta_schema(db)
    migration = migrate(db, actor)
    # An empty or bare graph takes this code's version before its first terms are written.
    if graph_state(db).model_version is None:
        stamp_version(db)
    model = model or read_model(db)
    all_schemes = model.schemes
    with db.session() as session:
        write_transaction(session, _sync_declared, declared_property_rows(model.extension))
        broader: list[dict[str, Any]] = []
        for scheme in all_schemes.values():
            rows = _term_rows(scheme)
            entity = ENTITY_SCHEMES.get(scheme.name)
            write_transaction(session, _write_terms, rows, entity)
            broader += [
                {"id": r["props"]["id"], "broader": r["broader"]} for r in rows if r["broader"]
            ]
            broader += _cluster_rows(scheme)
        # Linked once every term exists: a term's broader one may come from a later scheme
        # (ERIC strategies sit under eric_cluster terms), and a first apply missed those links.
        if broader:
            write_transaction(session, _link_broader, broader)
    constraints, indexes = list_schema(db)
    return ApplyReport(constraints, indexes, {n: len(s.terms) for n, s in all_schemes.items()},
                       migration)


def _sync_declared(tx: Any, rows: list[dict[str, object]]) -> None:
    tx.run(SYNC_DECLARED_PROPERTIES, rows=rows).consume()


def _write_terms(tx: Any, rows: list[dict[str, Any]], entity: Label | None) -> None:
    tx.run(_MERGE_TERMS, rows=rows).consume()
    if entity is not None:
        # The entity label comes from ENTITY_SCHEMES, never from input.
        tx.run(
            f"UNWIND $ids AS id MATCH (c:{Label.CONCEPT} {{id: id}}) SET c:{entity}",
            ids=[r["props"]["id"] for r in rows],
        ).consume()


def _link_broader(tx: Any, rows: list[dict[str, Any]]) -> None:
    tx.run(_LINK_BROADER, rows=rows).consume()


def list_schema(db: GraphDB) -> tuple[list[str], list[str]]:
    """Returns the names of the constraints and of the (non-lookup) indexes in the database."""
    records = db.read("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name")
    constraints = [r["name"] for r in records]
    records = db.read(
        "SHOW INDEXES YIELD name, type, owningConstraint "
        "WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN name ORDER BY name"
    )
    return constraints, [r["name"] for r in records]
