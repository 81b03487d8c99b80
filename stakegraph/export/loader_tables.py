"""A subgraph as the loaders' own tables (``loaders/README.md``), so an export loads back as is.

One table per loader file, keyed by the file's stem (``stakeholders``, ``ties``, ...), each a list
of rows with the loaders' own columns for the model in force (``stakegraph.loaders.tables``, so
declared columns are carried too). Values are written the way the loaders read them: ISO dates,
``true``/``false``, vocabulary codes (a list of them joined by ``;``), numbers as text.
Vocabulary terms (nodes labelled ``Concept``) ship with the schema, so they are referenced, never
written as rows; derived values (an assessment's ``id`` and ``quadrant``) are left for the
loader to derive again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stakegraph.export.subgraph import ExportNode, ExportRel, Subgraph
from stakegraph.loaders.cells import LIST_SEPARATOR
from stakegraph.loaders.tables import LINK_WORDS, TIE_WORDS, Tables
from stakegraph.schema.model import Label, Rel

CsvRow = dict[str, str]
TableRows = dict[str, list[CsvRow]]

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
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(cell(v) for v in value)
    iso = getattr(value, "iso_format", None)
    return str(iso()) if callable(iso) else str(value)


def columns(specs: Tables, stem: str, include_personal: bool) -> tuple[str, ...]:
    """Returns the columns an export writes for a table: personal ones only when asked."""
    return tuple(c.name for c in specs.spec(stem).columns if include_personal or not c.personal)


def loader_tables(graph: Subgraph, specs: Tables, include_personal: bool) -> TableRows:
    """Returns the subgraph as the rows of the loader tables ``specs`` (every table present,
    possibly empty)."""
    tables: TableRows = {stem: [] for stem in specs.names}
    shown = {stem: columns(specs, stem, include_personal) for stem in specs.names}
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
        tables[stem].append(_row(shown[stem], {**n.properties, **extra}))
    for r in graph.rels:
        start, end = nodes[r.start], nodes[r.end]
        placed = _rel_row(r, start, end)
        if placed is not None:
            stem, values = placed
            tables[stem].append(_row(shown[stem], values))
    for stem, rows in tables.items():
        key_columns = specs.spec(stem).column_names[:3]
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


def _row(names: tuple[str, ...], values: Mapping[str, Any]) -> CsvRow:
    return {c: cell(values.get(c)) for c in names}
