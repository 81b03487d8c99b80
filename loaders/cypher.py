"""The Cypher of the writer: one `UNWIND $rows` statement per kind, built from model enums only.

Every statement first compares each row with what the graph holds (so identical data is never
SET again) and returns how many rows it created, updated, and could not place (endpoints
missing). The dry-run form stops after the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from stakegraph.schema.model import Kind, Label, Rel


@dataclass(frozen=True)
class NodeTarget:
    """Nodes of one label merged on ``id``; ``kind_labels`` adds Person/Group/Organisation."""

    label: Label
    kind_labels: bool = False


@dataclass(frozen=True)
class RelTarget:
    """Relationships from ``start`` nodes to the end label that goes with each type.

    ``by_id``: identity is the ``id`` property (history kept), else one per type and endpoints.
    ``exclusive``: a start node has at most one relationship of these types (a moved activity
    loses the link to its former project).
    """

    start: Label
    ends: tuple[tuple[Rel, Label], ...]
    by_id: bool = False
    exclusive: bool = False


def _changed(var: str) -> str:
    # A null in row.props means "this cell was empty": the property must be absent.
    return (
        f"any(k IN keys(row.props) WHERE CASE WHEN row.props[k] IS NULL "
        f"THEN {var}[k] IS NOT NULL ELSE {var}[k] IS NULL OR {var}[k] <> row.props[k] END)"
    )


def _wrong_kind_label(var: str) -> str:
    branches = []
    for kind in Kind:
        others = [k.label for k in Kind if k is not kind]
        wrong = " OR ".join([f"NOT {var}:{kind.label}", *(f"{var}:{o}" for o in others)])
        branches.append(f"WHEN '{kind.value}' THEN {wrong}")
    return f"CASE row.kind {' '.join(branches)} ELSE false END"


def _set_kind_labels(var: str) -> str:
    parts = []
    for kind in Kind:
        others = ":".join(k.label for k in Kind if k is not kind)
        parts.append(
            f"FOREACH (_ IN CASE WHEN row.kind = '{kind.value}' THEN [1] ELSE [] END | "
            f"SET {var}:{kind.label} REMOVE {var}:{others})"
        )
    return "\n".join(parts)


_COUNTS = (
    "RETURN count(CASE WHEN created THEN 1 END) AS created, "
    "count(CASE WHEN updated THEN 1 END) AS updated"
)


def node_statement(target: NodeTarget, write: bool) -> str:
    """Returns the statement that compares (and, if ``write``, merges) a batch of node rows.

    Rows are ``{id, props}`` (plus ``kind`` for stakeholders).
    """
    label = target.label
    updated = _changed("old")
    if target.kind_labels:
        updated = f"{updated} OR {_wrong_kind_label('old')}"
    lines = [
        "UNWIND $rows AS row",
        f"OPTIONAL MATCH (old:{label} {{id: row.id}})",
        "WITH row, old IS NULL AS created, old",
        f"WITH row, created, NOT created AND ({updated}) AS updated",
    ]
    if write:
        lines += [
            "WITH row, created, updated WHERE created OR updated",
            f"MERGE (n:{label} {{id: row.id}})",
            "SET n += row.props",
        ]
        if target.kind_labels:
            lines.append(_set_kind_labels("n"))
    lines.append(_COUNTS + ", sum(0) AS missing")
    return "\n".join(lines)


def rel_statement(target: RelTarget, write: bool) -> str:
    """Returns the statement that compares (and, if ``write``, merges) a batch of relationship
    rows ``{start, end, type, props}``; ``type`` is the `Rel` value of the row."""
    types = [rel for rel, _ in target.ends]
    end_labels = {label for _, label in target.ends}
    lines = ["UNWIND $rows AS row", f"OPTIONAL MATCH (a:{target.start} {{id: row.start}})"]
    if len(end_labels) == 1:
        lines.append(f"OPTIONAL MATCH (b:{target.ends[0][1]} {{id: row.end}})")
    else:
        names = []
        for position, (rel, label) in enumerate(target.ends):
            names.append(f"b{position}")
            lines.append(
                f"OPTIONAL MATCH (b{position}:{label} {{id: row.end}}) WHERE row.type = '{rel}'"
            )
        lines.append(f"WITH row, a, coalesce({', '.join(names)}) AS b")
    identity = " AND old.id = row.props.id" if target.by_id else ""
    lines += [
        f"OPTIONAL MATCH (a)-[old:{'|'.join(types)}]->(b) WHERE type(old) = row.type{identity}",
        "WITH row, a, b, head(collect(old)) AS old",
    ]
    stale = ""
    if target.exclusive:
        lines += [
            f"OPTIONAL MATCH (a)-[gone:{'|'.join(types)}]->(other) WHERE other <> b",
            "WITH row, a, b, old, collect(gone) AS gone",
        ]
        stale = " OR size(gone) > 0"
    carried = "row, a, b, old" + (", gone" if target.exclusive else "")
    lines += [
        f"WITH {carried}, old IS NULL AS created",
        f"WITH {carried}, created, NOT created AND ({_changed('old')}{stale}) AS updated",
    ]
    if write:
        placed = "a IS NOT NULL AND b IS NOT NULL AND (created OR updated)"
        for rel in types:
            key = " {id: row.props.id}" if target.by_id else ""
            lines.append(
                f"FOREACH (_ IN CASE WHEN {placed} AND row.type = '{rel}' THEN [1] ELSE [] END | "
                f"MERGE (a)-[r:{rel}{key}]->(b) SET r += row.props)"
            )
        if target.exclusive:
            lines.append(
                f"FOREACH (g IN CASE WHEN {placed} THEN gone ELSE [] END | DELETE g)"
            )
    lines.append(_COUNTS + ", count(CASE WHEN a IS NULL OR b IS NULL THEN 1 END) AS missing")
    return "\n".join(lines)


# The write path below merges first and compares after: the server's counters tell how many
# nodes or relationships the MERGE created, so no row is looked up twice. A property compared
# right after ON CREATE SET equals the row, so only rows that existed can count as updated.
# Each statement has one static label or type (rows are split by kind or type before), which
# keeps its plan free of per-row CASE branches.


def node_write_statement(target: NodeTarget, kind: Kind | None) -> str:
    """Returns the statement that merges a batch of node rows ``{id, props}`` of one ``kind``
    (None unless ``target.kind_labels``) and returns how many already existed but differed."""
    label = target.label
    on_create = on_update = ""
    updated = _changed("n")
    if kind is not None:
        others = [k.label for k in Kind if k is not kind]
        on_create = f", n:{kind.label}"
        on_update = f", n:{kind.label} REMOVE n:{':'.join(others)}"
        wrong = " OR ".join([f"NOT n:{kind.label}", *(f"n:{o}" for o in others)])
        updated = f"{updated} OR {wrong}"
    return "\n".join([
        "UNWIND $rows AS row",
        f"MERGE (n:{label} {{id: row.id}})",
        f"ON CREATE SET n += row.props{on_create}",
        f"WITH row, n, {updated} AS updated",
        f"FOREACH (_ IN CASE WHEN updated THEN [1] ELSE [] END | SET n += row.props{on_update})",
        "RETURN count(*) AS placed, count(CASE WHEN updated THEN 1 END) AS updated",
    ])


def rel_write_statement(target: RelTarget, rel: Rel) -> str:
    """Returns the statement that merges a batch of relationship rows ``{start, end, props}``
    of type ``rel`` (not for ``exclusive`` targets) and returns how many rows found both
    endpoints (``placed``) and how many relationships already existed but differed."""
    if target.exclusive:
        raise ValueError("exclusive relationships are written by rel_statement")
    end = dict(target.ends)[rel]
    key = " {id: row.props.id}" if target.by_id else ""
    return "\n".join([
        "UNWIND $rows AS row",
        f"MATCH (a:{target.start} {{id: row.start}})",
        f"MATCH (b:{end} {{id: row.end}})",
        f"MERGE (a)-[r:{rel}{key}]->(b)",
        "ON CREATE SET r += row.props",
        f"WITH row, r, {_changed('r')} AS updated",
        "FOREACH (_ IN CASE WHEN updated THEN [1] ELSE [] END | SET r += row.props)",
        "RETURN count(*) AS placed, count(CASE WHEN updated THEN 1 END) AS updated",
    ])
