"""The Cypher of the writer: one `UNWIND $rows` statement per group of rows (one label or
relationship type, one set of properties), built from model enums and table columns only.

Rows are lists (see `stakegraph.loaders.plan`): ``row[0]`` is the node id, or ``row[0]`` and
``row[1]`` the start and end ids, and the property values follow in the group's order; date
properties come as ISO text and are turned into dates here. Every statement returns how many
rows it updated (an existing node or relationship whose properties differed: identical data is
never SET again) and lets the caller know how many it created and could not place (endpoints
missing).
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


# A property and the position of its value in a row.
Slot = tuple[str, int]


def _slots(props: tuple[str, ...], first: int, skip: str | None = None) -> list[Slot]:
    return [(p, first + i) for i, p in enumerate(props) if p != skip]


def _value(dates: frozenset[str], prop: str, position: int) -> str:
    cell = f"row[{position}]"
    return f"date({cell})" if prop in dates else cell


def _assignments(var: str, dates: frozenset[str], slots: list[Slot]) -> list[str]:
    return [f"{var}.{p} = {_value(dates, p, i)}" for p, i in slots]


def _differs(var: str, dates: frozenset[str], slots: list[Slot]) -> str:
    """Returns an expression that is true when a property of ``var`` differs from its row value.

    A null in the row means "this cell was empty": the property must be absent.
    """
    if not slots:
        return "false"
    same = [
        f"coalesce({var}.{p} = {_value(dates, p, i)}, {var}.{p} IS NULL AND row[{i}] IS NULL)"
        for p, i in slots
    ]
    return f"NOT ({' AND '.join(same)})"


def _wrong_kind_label(var: str, kind: Kind) -> str:
    others = [k.label for k in Kind if k is not kind]
    return " OR ".join([f"NOT {var}:{kind.label}", *(f"{var}:{o}" for o in others)])


def _foreach_if(condition: str, clause: str) -> str:
    return f"FOREACH (_ IN CASE WHEN {condition} THEN [1] ELSE [] END | {clause})"


_COUNTS = (
    "RETURN count(CASE WHEN created THEN 1 END) AS created, "
    "count(CASE WHEN updated THEN 1 END) AS updated"
)

# The write path below merges first and compares after, in two statements per batch (one
# transaction): the first only MERGEs, setting the properties of what it creates, and the
# server's counters tell how many it created; only when some rows already existed does the
# second run, which compares each row with what it finds and SETs the ones that differ. A
# property compared right after ON CREATE SET equals the row, so only rows that existed count
# as updated. A fresh load thus never reads back what it has just written (a third of the
# server's work on assessments), and no row is looked up before it is merged. Each statement
# has one static label or type and static property names, which keeps its plan free of per-row
# CASE branches and of map look-ups.


def node_merge_statement(
    target: NodeTarget, kind: Kind | None, props: tuple[str, ...], dates: frozenset[str]
) -> str:
    """Returns the statement that merges a batch of node rows ``[id, *values of props]`` of one
    ``kind`` (None unless ``target.kind_labels``), setting properties and labels only on the
    nodes it creates, and returns how many rows it placed (all)."""
    label = target.label
    on_create = _assignments("n", dates, _slots(props, 1))
    if kind is not None:
        on_create.append(f"n:{kind.label}")
    lines = ["UNWIND $rows AS row", f"MERGE (n:{label} {{id: row[0]}})"]
    if on_create:
        lines.append(f"ON CREATE SET {', '.join(on_create)}")
    lines.append("RETURN count(*) AS placed")
    return "\n".join(lines)


def node_write_statement(
    target: NodeTarget, kind: Kind | None, props: tuple[str, ...], dates: frozenset[str]
) -> str:
    """Returns the statement that merges a batch of node rows ``[id, *values of props]`` of one
    ``kind`` (None unless ``target.kind_labels``), sets the nodes that differ from their row,
    and returns how many rows it placed (all) and how many nodes already existed but
    differed."""
    label = target.label
    slots = _slots(props, 1)
    sets = _assignments("n", dates, slots)
    on_create, on_update = list(sets), list(sets)
    differs = _differs("n", dates, slots)
    remove = ""
    if kind is not None:
        others = [k.label for k in Kind if k is not kind]
        on_create.append(f"n:{kind.label}")
        on_update.append(f"n:{kind.label}")
        remove = f" REMOVE n:{':'.join(others)}"
        differs = f"{differs} OR {_wrong_kind_label('n', kind)}"
    lines = ["UNWIND $rows AS row", f"MERGE (n:{label} {{id: row[0]}})"]
    if on_create:
        lines.append(f"ON CREATE SET {', '.join(on_create)}")
    lines.append(f"WITH n, row, {differs} AS updated")
    if on_update:
        lines.append(_foreach_if("updated", f"SET {', '.join(on_update)}{remove}"))
    lines.append("RETURN count(*) AS placed, count(CASE WHEN updated THEN 1 END) AS updated")
    return "\n".join(lines)


def node_statement(
    target: NodeTarget, kind: Kind | None, props: tuple[str, ...], dates: frozenset[str]
) -> str:
    """Returns the statement that only compares a batch of node rows with the graph (a dry
    run) and returns how many it would create and update."""
    label = target.label
    updated = _differs("old", dates, _slots(props, 1))
    if kind is not None:
        updated = f"{updated} OR {_wrong_kind_label('old', kind)}"
    return "\n".join([
        "UNWIND $rows AS row",
        f"OPTIONAL MATCH (old:{label} {{id: row[0]}})",
        "WITH row, old IS NULL AS created, old",
        f"WITH row, created, NOT created AND ({updated}) AS updated",
        _COUNTS + ", 0 AS missing",
    ])


def _merge_key(target: RelTarget, props: tuple[str, ...]) -> str:
    return f" {{id: row[{2 + props.index('id')}]}}" if target.by_id else ""


def rel_merge_statement(
    target: RelTarget, rel: Rel, props: tuple[str, ...], dates: frozenset[str]
) -> str:
    """Returns the statement that merges a batch of relationship rows ``[start, end, *values of
    props]`` of type ``rel`` (not for ``exclusive`` targets), setting properties only on the
    relationships it creates, and returns how many rows found both endpoints (``placed``)."""
    if target.exclusive:
        raise ValueError("exclusive relationships are written by rel_statement")
    sets = _assignments("r", dates, _slots(props, 2, skip="id" if target.by_id else None))
    lines = [
        "UNWIND $rows AS row",
        f"MATCH (a:{target.start} {{id: row[0]}})",
        f"MATCH (b:{dict(target.ends)[rel]} {{id: row[1]}})",
        f"MERGE (a)-[r:{rel}{_merge_key(target, props)}]->(b)",
    ]
    if sets:
        lines.append(f"ON CREATE SET {', '.join(sets)}")
    lines.append("RETURN count(*) AS placed")
    return "\n".join(lines)


def rel_write_statement(
    target: RelTarget, rel: Rel, props: tuple[str, ...], dates: frozenset[str]
) -> str:
    """Returns the statement that merges a batch of relationship rows ``[start, end, *values of
    props]`` of type ``rel`` (not for ``exclusive`` targets) and returns how many rows found
    both endpoints (``placed``) and how many relationships already existed but differed."""
    if target.exclusive:
        raise ValueError("exclusive relationships are written by rel_statement")
    end = dict(target.ends)[rel]
    # The id is the MERGE key: it always equals the row's.
    slots = _slots(props, 2, skip="id" if target.by_id else None)
    sets = _assignments("r", dates, slots)
    lines = [
        "UNWIND $rows AS row",
        f"MATCH (a:{target.start} {{id: row[0]}})",
        f"MATCH (b:{end} {{id: row[1]}})",
        f"MERGE (a)-[r:{rel}{_merge_key(target, props)}]->(b)",
    ]
    if sets:
        lines += [
            f"ON CREATE SET {', '.join(sets)}",
            f"WITH r, row, {_differs('r', dates, slots)} AS updated",
            _foreach_if("updated", f"SET {', '.join(sets)}"),
        ]
    else:
        lines.append("WITH r, false AS updated")
    lines.append("RETURN count(*) AS placed, count(CASE WHEN updated THEN 1 END) AS updated")
    return "\n".join(lines)


def rel_statement(
    target: RelTarget, rel: Rel, props: tuple[str, ...], dates: frozenset[str], write: bool
) -> str:
    """Returns the statement that compares (and, if ``write``, merges) a batch of relationship
    rows ``[start, end, *values of props]`` of type ``rel`` and returns how many it created
    (or would), updated and could not place. The write form is the one of ``exclusive``
    targets: it also deletes the start node's other relationships of the target's types."""
    end = dict(target.ends)[rel]
    types = "|".join(r for r, _ in target.ends)
    slots = _slots(props, 2, skip="id" if target.by_id else None)
    identity = f" WHERE old.id = row[{2 + props.index('id')}]" if target.by_id else ""
    lines = [
        "UNWIND $rows AS row",
        f"OPTIONAL MATCH (a:{target.start} {{id: row[0]}})",
        f"OPTIONAL MATCH (b:{end} {{id: row[1]}})",
        f"OPTIONAL MATCH (a)-[old:{rel}]->(b){identity}",
        "WITH row, a, b, head(collect(old)) AS old",
    ]
    stale = ""
    if target.exclusive:
        lines += [
            f"OPTIONAL MATCH (a)-[gone:{types}]->(other) WHERE other <> b",
            "WITH row, a, b, old, collect(gone) AS gone",
        ]
        stale = " OR size(gone) > 0"
    carried = "row, a, b, old" + (", gone" if target.exclusive else "")
    lines += [
        f"WITH {carried}, old IS NULL AS created",
        f"WITH {carried}, created, NOT created AND ({_differs('old', dates, slots)}{stale}) "
        "AS updated",
    ]
    if write:
        placed = "a IS NOT NULL AND b IS NOT NULL AND (created OR updated)"
        sets = _assignments("r", dates, slots)
        merge = f"MERGE (a)-[r:{rel}{_merge_key(target, props)}]->(b)"
        lines.append(_foreach_if(placed, merge + (f" SET {', '.join(sets)}" if sets else "")))
        if target.exclusive:
            lines.append(f"FOREACH (g IN CASE WHEN {placed} THEN gone ELSE [] END | DELETE g)")
    lines.append(_COUNTS + ", count(CASE WHEN a IS NULL OR b IS NULL THEN 1 END) AS missing")
    return "\n".join(lines)
