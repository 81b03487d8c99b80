"""The Cypher of the API's reads: node lookups, filtered pages and one-hop batches.

Labels and relationship types come only from `stakegraph.schema.model`; conditions are fixed
fragments of this module or of `stakegraph.api.filters`, built from the model's property names
(never from input); every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from stakegraph.schema.combined import Model
from stakegraph.schema.constraints import FULLTEXT_INDEX
from stakegraph.schema.model import NODES, Label, PropType, Rel

# An extra label (a kind of stakeholder) has no id constraint of its own: its base label's
# (Stakeholder's) is the index to use, and its properties are the base label's.
_INDEXED_BY = {extra: spec.label for spec in NODES for extra in spec.extra_labels}


def _dates_as_text(var: str, names: Iterable[str]) -> str:
    # An ISO date string costs the driver a fraction of decoding a Date structure, and the API
    # turns both into the same date (values.to_date).
    return "".join(f", {name}: toString({var}.{name})" for name in sorted(set(names)))


def _node_dates(model: Model, label: Label) -> list[str]:
    try:
        spec = model.node(_INDEXED_BY.get(label, label))
    except KeyError:
        return []
    return [p.name for p in spec.props if p.type == PropType.DATE]


def node_map(var: str, model: Model | None = None, label: Label | None = None) -> str:
    """Returns a map projection of a node with its labels under ``_labels``; with ``model`` and
    ``label``, the label's date properties come as ISO strings."""
    dates = _dates_as_text(var, _node_dates(model, label)) if model and label else ""
    return f"{var}{{.*, _labels: labels({var}){dates}}}"


def rel_map(var: str, model: Model, rels: Iterable[Rel]) -> str:
    """Returns a map projection of a relationship's properties, its date properties (those of
    any of ``rels``) as ISO strings."""
    names = [p.name for rel in rels for p in model.rel(rel).props if p.type == PropType.DATE]
    return f"{var}{{.*{_dates_as_text(var, names)}}}"


def match_id(label: Label) -> str:
    """Returns ``MATCH (n:...)`` finding the node of ``label`` whose id is ``id`` through the
    id constraint's index (a kind of stakeholder is found as a Stakeholder, then checked)."""
    indexed = _INDEXED_BY.get(label, label)
    check = f" WHERE n:{label}" if indexed != label else ""
    return f"MATCH (n:{indexed} {{id: id}}){check}"


def by_ids(model: Model, label: Label) -> str:
    """Returns the query fetching nodes of ``label`` for ``$ids`` (one row per found id)."""
    return (f"UNWIND $ids AS id {match_id(label)} "
            f"RETURN id, {node_map('n', model, label)} AS node")


NODE_ORDERS: dict[str, str] = {
    "NAME_ASC": "n.name ASC, n.id ASC",
    "NAME_DESC": "n.name DESC, n.id DESC",
    "ID_ASC": "n.id ASC",
    "ID_DESC": "n.id DESC",
    "DATE_ASC": "n.date ASC, n.id ASC",
    "DATE_DESC": "n.date DESC, n.id DESC",
    "ORDER_ASC": "n.order ASC, n.id ASC",
    "RELEVANCE": "score DESC, n.id ASC",
}


def page_query(
    model: Model, label: Label, conditions: Iterable[str], order: str, search: bool,
    count: bool = True,
) -> str:
    """Returns the query giving ``total`` and one ``page`` ($skip, $limit) of the nodes of
    ``label`` meeting every condition (fragments on ``n``); without ``count``, ``total`` is null
    and Neo4j stops at the end of the page (counting every match of a broad filter cost more
    than the page itself)."""
    if order not in NODE_ORDERS:
        raise KeyError(f"unknown order: {order}")
    chosen = list(conditions)
    if search:
        match = (
            f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $search) "
            f"YIELD node AS n, score WHERE n:{label}"
        )
        where = "".join(f" AND {c}" for c in chosen)
    else:
        match = f"MATCH (n:{label})"
        where = f" WHERE {' AND '.join(chosen)}" if chosen else ""
        order = order if order != "RELEVANCE" else "NAME_ASC"
    carried = "n, score" if search else "n"
    total = f"CALL () {{ {match}{where} RETURN count(n) AS total }} " if count else ""
    return (
        total +
        f"CALL () {{ {match}{where} WITH {carried} ORDER BY {NODE_ORDERS[order]} "
        f"SKIP $skip LIMIT $limit RETURN collect({node_map('n', model, label)}) AS page }} "
        f"RETURN {'total' if count else 'null AS total'}, page"
    )


class Direction(StrEnum):
    """Which way a hop follows its relationships from the node it starts at."""

    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


@dataclass(frozen=True)
class Hop:
    """One step from nodes of ``start`` along ``rels`` to nodes of ``end``."""

    start: Label
    rels: tuple[Rel, ...]
    direction: Direction
    end: Label


# Conditions on a hop's relationship `r` (between `s` = start node and `e` = end node of r)
# and its far node `m`, by name; each uses the parameter of the same name. Conditions on the
# properties of `r` come from the generated filters (`stakegraph.api.filters`).
HOP_CONDITIONS: dict[str, str] = {
    "latest": (
        f"NOT EXISTS {{ MATCH (s)-[b:{Rel.ASSESSED}]->(e) "
        "WHERE (b.date > r.date OR (b.date = r.date AND b.id > r.id)) "
        "AND ($asOf IS NULL OR b.date <= $asOf) }"
    ),
    "asOf": "r.date <= $asOf",
    "quadrant": "r.quadrant = $quadrant",
    "category": "r.category = $category",
    "project": f"e:{Label.PROJECT} AND e.id = $project",
    "stage": "m.stage = $stage",
    "level": "m.level = $level",
    "type": "m.type = $type",
    "dateFrom": "m.date >= $dateFrom",
    "dateTo": "m.date <= $dateTo",
}

HOP_ORDERS: dict[str, str] = {
    "REL_DATE_DESC": "r.date DESC, r.id DESC, m.id",
    "DATE_DESC": "m.date DESC, m.id DESC",
    "DATE_ASC": "m.date ASC, m.id ASC",
    "NAME_ASC": "m.name ASC, m.id ASC",
    "TYPE_NAME": "type(r), m.name, m.id",
    "WEIGHT_DESC": "coalesce(r.weight, 1.0) DESC, m.name, m.id",
}


def hop_query(
    model: Model, hop: Hop, conditions: tuple[str, ...], order: str, count: bool = True
) -> str:
    """Returns the batch query of a hop for ``$ids``: one record whose ``pages`` holds, per id
    found, ``[id, total, page]``, the page being the rows ``$offset``..``$offset + $limit``, each
    with the relationship and both of its end nodes. ``conditions`` are names of
    `HOP_CONDITIONS` or fragments on ``r`` made by the generated filters. Without ``count`` the
    total is null and the pattern is matched once instead of twice."""
    if order not in HOP_ORDERS:
        raise KeyError(f"unknown hop order: {order}")
    fragments = [HOP_CONDITIONS.get(c, c) for c in conditions]
    types = "|".join(hop.rels)
    left = "<-" if hop.direction == Direction.IN else "-"
    right = "->" if hop.direction == Direction.OUT else "-"
    where = (" WHERE " + " AND ".join(fragments)) if fragments else ""
    pattern = (
        f"MATCH (n){left}[r:{types}]{right}(m:{hop.end}) "
        f"WITH r, m, startNode(r) AS s, endNode(r) AS e{where}"
    )
    # Which label each end of the relationship has, for the date properties of its map.
    start, end = (hop.end, hop.start) if hop.direction == Direction.IN else (hop.start, hop.end)
    row = (
        f"{{type: type(r), rel: {rel_map('r', model, hop.rels)}, "
        f"start: {node_map('s', model, start)}, end: {node_map('e', model, end)}}}"
    )
    # Counting and paging apart lets Neo4j sort only the top of each list (ORDER BY + LIMIT).
    total = f"CALL (n) {{ {pattern} RETURN count(*) AS total }} " if count else ""
    return (
        f"UNWIND $ids AS id {match_id(hop.start)} {total}"
        f"CALL (n) {{ {pattern} WITH r, m, s, e ORDER BY {HOP_ORDERS[order]} "
        f"SKIP $offset LIMIT $limit RETURN collect({row}) AS page }} "
        # One record for the whole batch: the driver's cost is per record far more than per
        # value (100 parents as 100 records cost three times the CPU of one record).
        f"RETURN collect([id, {'total' if count else 'null'}, page]) AS pages"
    )
