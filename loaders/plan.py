"""From checked records to write steps: the rows each `UNWIND` statement receives, in order.

Derived values are made here: assessment and observation ids, the quadrant, the relationship
type of a membership, a tie or an activity link, and the default tie weight.

A step's rows come in groups that one statement writes: the same stakeholder kind or
relationship type and the same properties (a file that lacks a column leaves that property
alone, so rows of different files can differ). A row is a list, ``[id, *values]`` for nodes
and ``[start, end, *values]`` for relationships, the values in the order of the group's
``props``, dates as ISO text that the statement turns back into dates: lists and text go over
Bolt several times faster than maps and date objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from stakegraph.loaders.statements import NodeTarget, RelTarget
from stakegraph.loaders.tables import LINK_WORDS, LOAD_ORDER, TIE_WORDS, Tables, TableSpec
from stakegraph.loaders.validate import Dataset, Record
from stakegraph.schema.model import Label, PropType, Rel, quadrant, rel_spec

WriteRow = list[Any]
# What an activity link's note is stored as, per relationship type (see the model's props).
_LINK_NOTE: dict[Rel, str | None] = {
    Rel.APPLIED: "note",
    Rel.CONTRIBUTED_TO: "evidence",
    Rel.PURSUED: None,
}


@dataclass(frozen=True)
class Group:
    """Rows that one statement writes: ``key`` is the stakeholder kind (nodes of a kind-labelled
    target), the relationship type (relationships) or ""; ``props`` names the values that
    follow the id (or start and end) in every row, ``dates`` those of them that are dates (sent
    as ISO text)."""

    key: str
    props: tuple[str, ...]
    rows: list[WriteRow]
    dates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Step:
    """One write step: a table's nodes or relationships, in groups of rows."""

    table: str
    target: NodeTarget | RelTarget
    groups: list[Group]

    @property
    def is_nodes(self) -> bool:
        """Returns whether this step writes nodes (else relationships)."""
        return isinstance(self.target, NodeTarget)

    @property
    def size(self) -> int:
        """Returns the number of rows of the step."""
        return sum(len(group.rows) for group in self.groups)


def assessment_id(stakeholder_id: str, project_id: str, day: date, assessor: str) -> str:
    """Returns the id of an assessment: ``stakeholder|project|date|assessor``."""
    return f"{stakeholder_id}|{project_id}|{day.isoformat()}|{assessor}"


def observation_id(project_id: str, outcome_id: str, day: date) -> str:
    """Returns the id of an observation: ``project|outcome|date``."""
    return f"{project_id}|{outcome_id}|{day.isoformat()}"


def _prop_columns(spec: TableSpec) -> tuple[tuple[str, str, bool], ...]:
    """Returns (column, property, is a date) of the columns of a table that are stored as is."""
    return tuple(
        (c.name, c.prop, c.type is PropType.DATE)
        for c in spec.columns
        if c.prop is not None and c.name != "id"
    )


@dataclass(frozen=True)
class _Layout:
    """How the rows of one record shape (the columns it has) are laid out."""

    props: tuple[str, ...]
    columns: tuple[str, ...]
    # Positions in ``columns`` that hold dates (sent as ISO text), and their properties.
    dates: tuple[int, ...]
    date_props: frozenset[str]


def _layout(stored: tuple[tuple[str, str, bool], ...], present: frozenset[str]) -> _Layout:
    chosen = [(n, p, d) for n, p, d in stored if n in present]
    return _Layout(tuple(p for _, p, _ in chosen), tuple(n for n, _, _ in chosen),
                   tuple(i for i, (_, _, d) in enumerate(chosen) if d),
                   frozenset(p for _, p, d in chosen if d))


def _values(record: Record, layout: _Layout) -> WriteRow:
    values = record.values
    row = [values[name] for name in layout.columns]
    for i in layout.dates:
        if row[i] is not None:
            row[i] = row[i].isoformat()
    return row


class _Groups:
    """Collects rows into groups by (key, props), in order of first appearance."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, tuple[str, ...]], Group] = {}

    def add(self, key: str, props: tuple[str, ...], row: WriteRow,
            dates: frozenset[str] = frozenset()) -> None:
        group = self._groups.get((key, props))
        if group is None:
            group = self._groups[key, props] = Group(key, props, [], dates)
        group.rows.append(row)

    def all(self) -> list[Group]:
        return list(self._groups.values())


def _layouts(spec: TableSpec) -> Callable[[Record], _Layout]:
    """Returns the layout of a record of a table, made once per record shape."""
    stored = _prop_columns(spec)
    shapes: dict[tuple[str, ...], _Layout] = {}

    def layout_of(record: Record) -> _Layout:
        # Dict keys come in column order, so the key tuple names the record's shape.
        shape = tuple(record.values)
        layout = shapes.get(shape)
        if layout is None:
            layout = shapes[shape] = _layout(stored, frozenset(shape))
        return layout

    return layout_of


def _node_groups(spec: TableSpec, records: list[Record], by_kind: bool) -> list[Group]:
    groups = _Groups()
    layout_of = _layouts(spec)
    for record in records:
        layout = layout_of(record)
        key = str(record.values["kind"]) if by_kind else ""
        groups.add(key, layout.props, [record.values["id"], *_values(record, layout)],
                   layout.date_props)
    return groups.all()


RelRow = tuple[str, tuple[str, ...], WriteRow]


def _membership(record: Record, layout: _Layout, kinds: dict[str, str]) -> RelRow:
    v = record.values
    ends = [v["member_id"], v["organisation_id"]]
    if kinds.get(str(v["member_id"])) == "person":
        return str(Rel.MEMBER_OF), layout.props, [*ends, *_values(record, layout)]
    # An organisation's PART_OF carries no role or date (validation refuses them).
    return str(Rel.PART_OF), (), ends


def _assessment(record: Record, layout: _Layout, _: dict[str, str]) -> RelRow:
    v = record.values
    row = [v["stakeholder_id"], v["project_id"], *_values(record, layout),
           assessment_id(v["stakeholder_id"], v["project_id"], v["date"], v["assessor"]),
           quadrant(v["interest"], v["impact"])]
    return str(Rel.ASSESSED), (*layout.props, "id", "quadrant"), row


def _tie(record: Record, layout: _Layout, _: dict[str, str]) -> RelRow:
    v = record.values
    row = [v["source_id"], v["target_id"], *_values(record, layout)]
    props = layout.props
    if "weight" in props:
        at = 2 + props.index("weight")
        if row[at] is None:
            row[at] = DEFAULT_WEIGHT
    else:
        props = (*props, "weight")
        row.append(DEFAULT_WEIGHT)
    return str(TIE_WORDS[v["type"]]), props, row


# What a tie without a weight gets: the model's default.
DEFAULT_WEIGHT: float = next(
    p.default for p in rel_spec(Rel.INFLUENCES).props if p.name == "weight"
) or 1.0


def _participation(record: Record, layout: _Layout, _: dict[str, str]) -> RelRow:
    v = record.values
    return (str(Rel.PARTICIPATED_IN), layout.props,
            [v["stakeholder_id"], v["activity_id"], *_values(record, layout)])


def _activity_link(record: Record, _layout: _Layout, __: dict[str, str]) -> RelRow:
    v = record.values
    rel = LINK_WORDS[v["link"]][0]
    note_prop = _LINK_NOTE[rel]
    ends = [v["activity_id"], v["target_id"]]
    if note_prop and "note" in v:
        return str(rel), (note_prop,), [*ends, v["note"]]
    return str(rel), (), ends


def _observation(record: Record, layout: _Layout, _: dict[str, str]) -> RelRow:
    v = record.values
    row = [v["project_id"], v["outcome_id"], *_values(record, layout),
           observation_id(v["project_id"], v["outcome_id"], v["date"])]
    return str(Rel.OBSERVED), (*layout.props, "id"), row


_REL_ROWS: dict[str, Callable[[Record, _Layout, dict[str, str]], RelRow]] = {
    "memberships": _membership,
    "assessments": _assessment,
    "ties": _tie,
    "participation": _participation,
    "activity_links": _activity_link,
    "observations": _observation,
}


def _rel_groups(spec: TableSpec, records: list[Record], kinds: dict[str, str]) -> list[Group]:
    groups = _Groups()
    make = _REL_ROWS[spec.name]
    layout_of = _layouts(spec)
    for record in records:
        layout = layout_of(record)
        groups.add(*make(record, layout, kinds), layout.date_props)
    return groups.all()


_REL_TARGETS: dict[str, RelTarget] = {
    "memberships": RelTarget(
        Label.STAKEHOLDER, ((Rel.MEMBER_OF, Label.STAKEHOLDER), (Rel.PART_OF, Label.STAKEHOLDER))
    ),
    "assessments": RelTarget(Label.STAKEHOLDER, ((Rel.ASSESSED, Label.PROJECT),), by_id=True),
    "ties": RelTarget(Label.STAKEHOLDER, tuple((r, Label.STAKEHOLDER) for r in TIE_WORDS.values())),
    "activities": RelTarget(Label.ACTIVITY, ((Rel.FOR_PROJECT, Label.PROJECT),), exclusive=True),
    "participation": RelTarget(Label.STAKEHOLDER, ((Rel.PARTICIPATED_IN, Label.ACTIVITY),)),
    "activity_links": RelTarget(Label.ACTIVITY, tuple(LINK_WORDS.values())),
    "observations": RelTarget(Label.PROJECT, ((Rel.OBSERVED, Label.OUTCOME),), by_id=True),
}


def plan(dataset: Dataset) -> list[Step]:
    """Returns the write steps of a checked dataset: all nodes first, then relationships, each
    in the dependency order of the tables."""
    return list(plan_steps(dataset))


def plan_steps(dataset: Dataset) -> Iterator[Step]:
    """Yields the steps of `plan` one by one, each built when it is asked for."""
    specs: Tables = dataset.tables
    for name in LOAD_ORDER:
        records = dataset.records.get(name)
        spec = specs.spec(name)
        if records and spec.label is not None:
            kind_labels = spec.label is Label.STAKEHOLDER
            yield Step(name, NodeTarget(spec.label, kind_labels=kind_labels),
                       _node_groups(spec, records, kind_labels))
    for name in LOAD_ORDER:
        records = dataset.records.get(name)
        if not records:
            continue
        if name == "activities":
            rows = [[r.values["id"], r.values["project_id"]] for r in records]
            yield Step(name, _REL_TARGETS[name], [Group(str(Rel.FOR_PROJECT), (), rows)])
        elif specs.spec(name).label is None:
            yield Step(name, _REL_TARGETS[name],
                       _rel_groups(specs.spec(name), records, dataset.stakeholder_kinds))
