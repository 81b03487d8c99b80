"""Reading the part of the graph an export writes: plain node and relationship records.

The node set comes from ``export_nodes.cypher`` (one project, or the whole graph), the
relationships from ``export_relationships.cypher``; both run in one read transaction, so the
export is one consistent snapshot. Personal properties are left out in the query itself, so they
never leave the database unless the caller asks for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from stakegraph.export.errors import ExportError
from stakegraph.queries.library import bind, get_query
from stakegraph.schema.combined import Model
from stakegraph.schema.declared import read_model
from stakegraph.schema.errors import ErrorCode
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label, Rel


@dataclass(frozen=True)
class ExportNode:
    """A node to export: its database key, labels and (already filtered) properties."""

    key: str
    labels: frozenset[str]
    properties: Mapping[str, Any]

    @property
    def id(self) -> str:
        """Returns the node's stakegraph id."""
        return str(self.properties.get("id", self.key))

    @property
    def primary(self) -> str:
        """Returns the label that says what the node is (Stakeholder rather than Person)."""
        for label in Label:
            if label.value in self.labels:
                return label.value
        return sorted(self.labels)[0] if self.labels else "Node"

    def has(self, label: Label) -> bool:
        """Returns True when the node carries ``label``."""
        return label.value in self.labels


@dataclass(frozen=True)
class ExportRel:
    """A relationship to export: its type, the keys of its two ends, and its properties."""

    key: str
    type: Rel
    start: str
    end: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class Subgraph:
    """What an export writes: nodes and the relationships between them."""

    nodes: tuple[ExportNode, ...]
    rels: tuple[ExportRel, ...]

    def by_key(self) -> dict[str, ExportNode]:
        """Returns the nodes by database key."""
        return {n.key: n for n in self.nodes}


def leave_out(model: Model, include_personal: bool) -> list[str]:
    """Returns the properties an export leaves out, as ``Label.property`` or ``TYPE.property``:
    the personal ones (declared ones included), unless asked for."""
    if include_personal:
        return []
    return sorted(
        f"{owner.value}.{name}"
        for owner, names in model.personal_by_owner().items() for name in names
    )


def read_subgraph(
    db: GraphDB,
    project: str | None,
    include_personal: bool,
    prefix: str = "",
    model: Model | None = None,
) -> Subgraph:
    """Returns the nodes and relationships of ``project``, or of the whole graph when None (only
    nodes whose id starts with ``prefix``, when one is given); personal properties of ``model``
    (default: the model in force) only with ``include_personal``."""
    hidden = leave_out(model or read_model(db), include_personal)

    def work(tx: ManagedTransaction) -> Subgraph:
        node_query = get_query("export_nodes")
        node_params = bind(node_query, {"project": project, "prefix": prefix,
                                        "leave_out": hidden})
        node_rows = tx.run(node_query.text, node_params).data()
        nodes = tuple(
            ExportNode(r["key"], frozenset(r["labels"]), {k: v for k, v in r["properties"]})
            for r in node_rows
        )
        keys = [n.key for n in nodes]
        rel_query = get_query("export_relationships")
        rel_rows = tx.run(rel_query.text, bind(rel_query, {"keys": keys, "leave_out": hidden})
                          ).data()
        inside = set(keys)
        known = {r.value for r in Rel}
        rels = tuple(
            ExportRel(r["key"], Rel(r["type"]), r["start"], r["end"], dict(r["properties"]))
            for r in rel_rows
            if r["end"] in inside and r["type"] in known
        )
        return Subgraph(nodes, rels)

    with db.session(notifications_min_severity="OFF") as session:
        graph = session.execute_read(work)
    if project is not None and not any(
        n.has(Label.PROJECT) and n.id == project for n in graph.nodes
    ):
        raise ExportError(f"no project with id {project!r}", code=ErrorCode.NOT_FOUND)
    return graph
