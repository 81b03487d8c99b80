"""Every node and relationship of the graph as one line of canonical JSON each: what a backup
file holds and what a fingerprint hashes.

A node is ``["N", [labels, sorted], {properties}]``; a relationship is
``["R", type, [start labels], start id, [end labels], end id, {properties}]``. Keys are sorted
and values typed (`stakegraph.backup.values`), so the same graph always gives the same lines,
whatever Neo4j's internal ids and order. Relationships name their ends by labels and ``id``
(unique per label by constraint), which survive a restore where internal ids do not; an end
without an ``id`` is named by all its properties instead (``{"$props": {...}}``), which a
fingerprint can hash but a restore cannot find, so a backup refuses such a graph.

The maintenance gate node (`stakegraph.schema.version`) is never a line: it says who holds the
graph right now, not what the graph holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from neo4j import Query, Session

from stakegraph.backup.values import UTC_OFFSET_KEYS, encode, encode_props
from stakegraph.schema.model import NODES, Label
from stakegraph.schema.version import GATE_NODE

# Labels whose `id` is unique by constraint, in the order that picks a node's key label (the
# first it carries): the domain's, then stakegraph's own records.
KEYED: tuple[Label, ...] = (*(spec.label for spec in NODES), Label.API_KEY, Label.META,
                            Label.MIGRATION)
_KEYED_SET = frozenset(str(label) for label in KEYED)

_NOT_GATE = f"NOT (n:{Label.META} AND n.id = '{GATE_NODE}')"

# One list per record: the driver's cost is mostly per record and per column, far more than
# per value (a record per relationship streamed at a third of the speed of this grouping).
NODES_QUERY = f"""
MATCH (n) WHERE {_NOT_GATE}
RETURN [labels(n), properties(n), {UTC_OFFSET_KEYS.format(var='n')}] AS node
"""

# Relationships grouped by their start node, one record per node that has any.
RELATIONSHIPS_QUERY = f"""
MATCH (a) WHERE EXISTS {{ (a)-->() }}
CALL (a) {{
  MATCH (a)-[r]->(b)
  RETURN collect([type(r), properties(r), {UTC_OFFSET_KEYS.format(var='r')}, labels(b), b.id,
                  CASE WHEN b.id IS NULL THEN properties(b) END]) AS rels
}}
RETURN [labels(a), a.id, CASE WHEN a.id IS NULL THEN properties(a) END, rels] AS start
"""

COUNTS_QUERY = f"""
CALL () {{
  MATCH (n) WHERE {_NOT_GATE}
  UNWIND labels(n) AS label
  RETURN 'label' AS kind, label AS name, count(*) AS n
  UNION ALL
  MATCH ()-[r]->()
  RETURN 'type' AS kind, type(r) AS name, count(*) AS n
}}
RETURN kind, name, n ORDER BY kind, name
"""

# A backup streams for as long as the graph takes; the server's default transaction timeout
# (300 s on the local instance) would cut a large one short.
STREAM_TIMEOUT_S = 6 * 3600.0

_DUMP_OPTIONS = orjson.OPT_SORT_KEYS


@dataclass(frozen=True)
class Line:
    """One node or relationship: its canonical JSON and what the manifest counts of it."""

    data: bytes
    # A node's labels; a relationship's ends' labels (start's, then end's).
    labels: tuple[str, ...]
    type: str | None
    # A node with an `id`; a relationship whose ends both have one (what a restore can find).
    keyed: bool = True


def key_label(labels: list[str] | tuple[str, ...]) -> str | None:
    """Returns the label whose ``id`` identifies a node carrying ``labels`` (None when it
    carries none of `KEYED`)."""
    if not _KEYED_SET.intersection(labels):
        return None
    for label in KEYED:
        if label in labels:
            return str(label)
    return None


def node_line(labels: list[str], props: dict[str, Any], utc: list[str]) -> bytes:
    """Returns the canonical line of a node."""
    return orjson.dumps(["N", sorted(labels), encode_props(props, utc)], option=_DUMP_OPTIONS)


def _ref(ident: Any, props: dict[str, Any] | None) -> Any:
    return encode(ident) if ident is not None else {"$props": encode_props(props or {})}


def rel_line(rel_type: str, props: dict[str, Any], utc: list[str], start: tuple[list[str], Any],
             end: tuple[list[str], Any]) -> bytes:
    """Returns the canonical line of a relationship: its type and properties, and each end's
    sorted labels and reference (see `_ref`)."""
    return orjson.dumps(["R", rel_type, start[0], start[1], end[0], end[1],
                         encode_props(props, utc)], option=_DUMP_OPTIONS)


def stream_lines(session: Session) -> Iterator[Line]:
    """Yields every node, then every relationship, of the graph as `Line`s, each part read by
    one query. The caller sees to it that nothing writes meanwhile (a backup holds writers
    back; a fingerprint is taken of a graph at rest)."""
    for record in session.run(Query(NODES_QUERY, timeout=STREAM_TIMEOUT_S)):
        labels, props, utc = record[0]
        yield Line(node_line(labels, props, utc), tuple(labels), None,
                   props.get("id") is not None)
    for record in session.run(Query(RELATIONSHIPS_QUERY, timeout=STREAM_TIMEOUT_S)):
        a_labels, a_id, a_props, rels = record[0]
        start = (sorted(a_labels), _ref(a_id, a_props))
        for rel_type, props, utc, b_labels, b_id, b_props in rels:
            yield Line(rel_line(rel_type, props, utc, start, (sorted(b_labels),
                                                             _ref(b_id, b_props))),
                       (*a_labels, *b_labels), rel_type, a_id is not None and b_id is not None)


def counts(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Returns the number of nodes per label and of relationships per type, counted by Neo4j
    (the gate node left out)."""
    per_label: dict[str, int] = {}
    per_type: dict[str, int] = {}
    for record in session.run(Query(COUNTS_QUERY, timeout=STREAM_TIMEOUT_S)):
        (per_label if record["kind"] == "label" else per_type)[record["name"]] = record["n"]
    return per_label, per_type
