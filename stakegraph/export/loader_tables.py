"""A subgraph as the loaders' own tables (``loaders/README.md``), so an export loads back as is.

One table per loader file, keyed by the file's stem (``stakeholders``, ``ties``, ...), each a list
of rows with the loaders' own columns (``stakegraph.loaders.kinds``). Values are written the
way the loaders read them: ISO dates, ``true``/``false``, vocabulary codes, numbers as text.
Vocabulary terms (nodes labelled ``Concept``) ship with the schema, so they are referenced, never
written as rows; derived values (an assessment's ``id`` and ``quadrant``) are left for the
loader to derive again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stakegraph.export.subgraph import ExportNode, ExportRel, Subgraph
from stakegraph.loaders.kinds import LINK_WORDS, LOAD_ORDER, TIE_WORDS, kind_spec
from stakegraph.schema.model import Label, Rel, personal_properties

Row = dict[str, str]
Tables = dict[str, list[Row]]

# File stem -> columns, as the loaders define them (template order); dict order = load order.
COLUMNS: dict[str, tuple[str, ...]] = {
    name: kind_spec(name).column_names for name in LOAD_ORDER
}
NODE_TABLES: dict[Label, str] = {
    Label.STRATEGY: "strategies",
    Label.OUTCOME: "outcomes",
    Label.OBJECTIVE: "objectives",
    Label.STAKEHOLDER: "stakeholders",
    Label.PROJECT: "projects",
    Label.ACTIVITY: "activities",
}
TIE_WORD: dict[Rel, str] = {rel: word for word, rel in TIE_WORDS.items()}
LINK_WORD: dict[Rel, str] = {rel: word for word, (rel, _) in LINK_WORDS.items()}
# The property an activity link keeps in the loaders' ``note`` column.
LINK_NOTE: dict[Rel, str] = {
    Rel.APPLIED: "note", Rel.PURSUED: "note", Rel.CONTRIBUTED_TO: "evidence"
}


def cell(value: Any) -> str:
    """Returns a property value as the loaders read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    iso = getattr(value, "iso_format", None)
    return str(iso()) if callable(iso) else str(value)


def columns(stem: str, include_personal: bool) -> tuple[str, ...]:
    """Returns the columns an export writes for a table: personal ones only when asked."""
    hidden: set[str] = set()
    if not include_personal and stem == "stakeholders":
        hidden = set(personal_properties().get(Label.STAKEHOLDER, ()))
    return tuple(c for c in COLUMNS[stem] if c not in hidden)


def loader_tables(graph: Subgraph, include_personal: bool) -> Tables:
    """Returns the subgraph as loader tables (every stem present, possibly empty)."""
    tables: Tables = {stem: [] for stem in COLUMNS}
    nodes = graph.by_key()
    project_of: dict[str, str] = {}
    for r in graph.rels:
        if r.type is Rel.FOR_PROJECT:
            project_of[r.start] = nodes[r.end].id
    for n in graph.nodes:
        stem = _node_table(n)
        if stem is None:
            continue
        extra = {"project_id": project_of.get(n.key, "")} if stem == "activities" else {}
        tables[stem].append(_row(stem, {**n.properties, **extra}, include_personal))
    for r in graph.rels:
        start, end = nodes[r.start], nodes[r.end]
        placed = _rel_row(r, start, end)
        if placed is not None:
            stem, values = placed
            tables[stem].append(_row(stem, values, include_personal))
    for stem, rows in tables.items():
        key_columns = COLUMNS[stem][:3]
        rows.sort(key=lambda row: tuple(row.get(c, "") for c in key_columns))
    return tables


def _node_table(n: ExportNode) -> str | None:
    if n.has(Label.CONCEPT):
        return None
    for label, stem in NODE_TABLES.items():
        if n.has(label):
            return stem
    return None


def _rel_row(r: ExportRel, start: ExportNode, end: ExportNode) -> tuple[str, dict[str, Any]] | None:
    p = r.properties
    if r.type in (Rel.MEMBER_OF, Rel.PART_OF):
        return "memberships", {"member_id": start.id, "organisation_id": end.id, **p}
    if r.type is Rel.ASSESSED:
        return "assessments", {"stakeholder_id": start.id, "project_id": end.id, **p}
    if r.type in TIE_WORD:
        return "ties", {"source_id": start.id, "target_id": end.id, "type": TIE_WORD[r.type], **p}
    if r.type is Rel.PARTICIPATED_IN:
        return "participation", {"activity_id": end.id, "stakeholder_id": start.id, **p}
    if r.type in LINK_WORD:
        return "activity_links", {"activity_id": start.id, "link": LINK_WORD[r.type],
                                  "target_id": end.id, "note": p.get(LINK_NOTE[r.type])}
    if r.type is Rel.OBSERVED:
        return "observations", {"project_id": start.id, "outcome_id": end.id, **p}
    return None


def _row(stem: str, values: Mapping[str, Any], include_personal: bool) -> Row:
    return {c: cell(values.get(c)) for c in columns(stem, include_personal)}
