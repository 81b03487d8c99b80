"""Validation: raw tables into typed records, and every problem found on the way.

Checks per cell (type, range, vocabulary), per row (required fields, self-ties, ...), per load
(duplicate ids and relationship identities) and against the graph (references to ids that are
in neither the files nor the database, and the kind of the stakeholders referenced).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from stakegraph.loaders.cells import BadCell, cell_parser, is_blank, shown
from stakegraph.loaders.kinds import KINDS, LINK_WORDS, KindSpec, kind_spec
from stakegraph.loaders.problems import Problem
from stakegraph.loaders.readers import RawTable
from stakegraph.schema.model import Label
from stakegraph.schema.vocabulary import ENTITY_SCHEMES, schemes

_KIND_NAMES = tuple(k.name for k in KINDS)
# Columns that `default_project` may fill in.
_PROJECT_COLUMN = "project_id"
_NODE_KIND_OF_LABEL: dict[Label, str] = {k.label: k.name for k in KINDS if k.label is not None}
_LABEL_WORDS: dict[Label, str] = {
    Label.STAKEHOLDER: "stakeholder",
    Label.PROJECT: "project",
    Label.ACTIVITY: "activity",
    Label.STRATEGY: "strategy",
    Label.OUTCOME: "outcome",
    Label.OBJECTIVE: "objective",
}
# Closest-id hints are worked out only when the candidate list is short enough to be quick.
_HINT_CANDIDATES = 5000


@dataclass
class Record:
    """One valid row: where it came from and its parsed values by column.

    ``values`` holds only the columns the file has (None for an empty cell): columns a file
    lacks are left alone in the graph, empty cells remove the property.
    """

    kind: str
    source: str
    where: int | str
    values: dict[str, Any]
    # False for a row with a problem: kept only so that its id still counts as defined and
    # references to it are not reported as missing as well.
    valid: bool = True


@dataclass
class Dataset:
    """Everything read and checked: records by kind, the sources, and all problems found."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    # Rows with problems, by kind; their ids still count as defined by the files.
    rejected: dict[str, list[Record]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Stakeholder id -> kind (person/group/organisation), from the files, then the graph.
    stakeholder_kinds: dict[str, str] = field(default_factory=dict)


def check_table(table: RawTable, default_project: str | None = None) -> list[Record]:
    """Returns the records of one table (rows with problems marked not valid); appends the
    problems to ``table.problems``."""
    if table.kind not in _KIND_NAMES:
        closest = difflib.get_close_matches(table.kind, _KIND_NAMES, n=1)
        hint = f" (closest: {closest[0]})" if closest else ""
        table.problems.append(
            Problem(table.source, None, None, table.kind,
                    f"a file/sheet named after a kind: {', '.join(_KIND_NAMES)}{hint}")
        )
        return []
    spec = kind_spec(table.kind)
    known = set(spec.column_names)
    for name in table.columns:
        if name not in known:
            closest = difflib.get_close_matches(name, spec.column_names, n=1)
            hint = f" (closest: {closest[0]})" if closest else ""
            table.problems.append(
                Problem(table.source, 1, name, name,
                        f"a column of {spec.name}: {', '.join(spec.column_names)}{hint}")
            )
    fills_project = default_project is not None and _PROJECT_COLUMN in known
    missing_columns = {
        c.name for c in spec.columns
        if c.required and c.name not in table.columns
        and not (fills_project and c.name == _PROJECT_COLUMN)
    }
    if not table.rows:
        missing_columns = set()  # an empty template is fine
    for name in sorted(missing_columns):
        table.problems.append(
            Problem(table.source, 1, name, None, f"a required column '{name}' in the header")
        )
    records = []
    parsers = [(column, cell_parser(column)) for column in spec.columns]
    for raw in table.rows:
        values: dict[str, Any] = {}
        good = True
        for column, parse_cell in parsers:
            if column.name not in raw.cells:
                if fills_project and column.name == _PROJECT_COLUMN:
                    values[column.name] = default_project
                elif column.required and column.name not in missing_columns:
                    # The table has the column but this row (a JSON object) lacks it.
                    table.problems.append(
                        Problem(table.source, raw.where, column.name, None,
                                "a value (this column is required)")
                    )
                    good = False
                continue
            cell = raw.cells[column.name]
            if is_blank(cell):
                if fills_project and column.name == _PROJECT_COLUMN:
                    values[column.name] = default_project
                    continue
                if column.required and column.name not in missing_columns:
                    table.problems.append(
                        Problem(table.source, raw.where, column.name, None,
                                "a value (this column is required)")
                    )
                    good = False
                values[column.name] = None
                continue
            try:
                values[column.name] = parse_cell(cell)
            except BadCell as exc:
                table.problems.append(
                    Problem(table.source, raw.where, column.name, shown(cell), str(exc))
                )
                good = False
        if not _row_rules(spec, table, raw.where, values):
            good = False
        records.append(Record(spec.name, table.source, raw.where, values,
                              good and not missing_columns))
    return records


_RESERVED_PREFIXES = tuple(f"{name}:" for name in schemes())


def _row_rules(spec: KindSpec, table: RawTable, where: int | str, values: dict[str, Any]) -> bool:
    """Applies the rules that span cells of one row; returns whether the row passed them."""

    def problem(column: str, expected: str) -> bool:
        table.problems.append(
            Problem(table.source, where, column, shown(values.get(column)), expected)
        )
        return False

    if spec.label in (Label.STRATEGY, Label.OUTCOME, Label.OBJECTIVE):
        ident = values.get("id") or ""
        if ident.lower().startswith(_RESERVED_PREFIXES):
            return problem(
                "id", "a custom id without a shipped vocabulary prefix (eric:, proctor_outcome:, "
                "... already exist; link to them directly)",
            )
    if spec.name == "ties" and values.get("source_id") and (
        values.get("source_id") == values.get("target_id")
    ):
        return problem("target_id", "a stakeholder other than the source (no self-ties)")
    if spec.name == "memberships" and values.get("member_id") and (
        values.get("member_id") == values.get("organisation_id")
    ):
        return problem("organisation_id", "an organisation other than the member itself")
    if spec.name == "activity_links" and values.get("link") == "objective" and values.get("note"):
        return problem("note", "no note on an objective link (only strategy and outcome links)")
    return True


def row_number(where: int | str | None) -> int:
    """Returns a sortable row number of a spreadsheet row or a JSON path (``$.ties[12]``)."""
    if isinstance(where, int):
        return where
    found = re.search(r"\[(\d+)\]$", where or "")
    return int(found.group(1)) if found else 0


def _position(record: Record) -> tuple[str, int]:
    return (record.source, row_number(record.where))


def key_of(spec: KindSpec, values: dict[str, Any]) -> tuple[Any, ...]:
    """Returns the identity of a record within a load (id, or the relationship identity)."""
    return tuple(values.get(c) for c in spec.key)


def check_duplicates(dataset: Dataset) -> None:
    """Adds a problem for every record whose identity another record of its kind already has."""
    for kind in {*dataset.records, *dataset.rejected}:
        spec = kind_spec(kind)
        first: dict[tuple[Any, ...], Record] = {}
        records = sorted((*dataset.records.get(kind, ()), *dataset.rejected.get(kind, ())),
                         key=_position)
        for record in records:
            if any(record.values.get(c) is None for c in spec.key):
                continue  # a missing or unreadable key is reported already
            key = key_of(spec, record.values)
            if key in first:
                seen = first[key]
                where = f"row {seen.where}" + ("" if seen.source == record.source
                                               else f" of {seen.source}")
                column = spec.key[-1] if len(spec.key) > 1 else spec.key[0]
                dataset.problems.append(
                    Problem(record.source, record.where, column,
                            " | ".join(shown(k) for k in key),
                            f"a unique {'/'.join(spec.key)} (already in {where})")
                )
            else:
                first[key] = record


class Reference(NamedTuple):
    """A cell that names the id of a node with ``label``; ``id`` is the id it names."""

    # A tuple, not a dataclass: a large load makes hundreds of thousands of them.
    record: Record
    column: str
    label: Label
    id: str


def references(dataset: Dataset) -> list[Reference]:
    """Returns every reference to a node id that the records make."""
    found = []
    for kind in {*dataset.records, *dataset.rejected}:
        spec = kind_spec(kind)
        ref_columns = [(c.name, c.ref) for c in spec.columns if c.ref is not None]
        # Rows with other problems are checked too, so every problem is reported at once.
        for record in (*dataset.records.get(kind, ()), *dataset.rejected.get(kind, ())):
            values = record.values
            for name, label in ref_columns:
                value = values.get(name)
                if value is not None:
                    found.append(Reference(record, name, label, str(value)))
            if kind == "activity_links" and values.get("target_id") is not None and (
                values.get("link") is not None
            ):
                found.append(Reference(record, "target_id", LINK_WORDS[values["link"]][1],
                                       str(values["target_id"])))
    return found


def defined_ids(dataset: Dataset) -> dict[Label, set[str]]:
    """Returns the node ids each label gets from the files of this load."""
    ids: dict[Label, set[str]] = {label: set() for label in _NODE_KIND_OF_LABEL}
    for label, kind in _NODE_KIND_OF_LABEL.items():
        for record in (*dataset.records.get(kind, ()), *dataset.rejected.get(kind, ())):
            if record.values.get("id") is not None:
                ids[label].add(str(record.values["id"]))
    return ids


LookUp = Callable[[Label, list[str]], dict[str, str | None]]


def check_references(dataset: Dataset, look_up: LookUp) -> None:
    """Adds a problem for each reference to an id in neither the files nor the graph, and for
    memberships between the wrong kinds of stakeholder.

    ``look_up(label, ids)`` returns which of ``ids`` exist in the graph with that label, each
    with its ``kind`` property (None for labels without one); it is called once per label.
    """
    refs = references(dataset)
    defined = defined_ids(dataset)
    for record in (*dataset.records.get("stakeholders", ()),
                   *dataset.rejected.get("stakeholders", ())):
        if record.values.get("id") is not None and record.values.get("kind") is not None:
            dataset.stakeholder_kinds[str(record.values["id"])] = str(record.values["kind"])
    wanted: dict[Label, set[str]] = {}
    for ref in refs:
        if ref.id not in defined[ref.label]:
            wanted.setdefault(ref.label, set()).add(ref.id)
    in_graph: dict[Label, dict[str, str | None]] = {
        label: look_up(label, sorted(ids)) for label, ids in wanted.items()
    }
    for ident, kind in in_graph.get(Label.STAKEHOLDER, {}).items():
        if kind is not None:
            dataset.stakeholder_kinds.setdefault(ident, kind)
    for ref in refs:
        if ref.id in defined[ref.label] or ref.id in in_graph.get(ref.label, {}):
            continue
        dataset.problems.append(
            Problem(ref.record.source, ref.record.where, ref.column, ref.id,
                    _missing_expected(ref.label, ref.id, defined[ref.label]))
        )
    _check_membership_kinds(dataset)


def _missing_expected(label: Label, ident: str, defined: Iterable[str]) -> str:
    word = _LABEL_WORDS[label]
    source = _NODE_KIND_OF_LABEL[label]
    candidates = list(defined)
    if label in (Label.STRATEGY, Label.OUTCOME, Label.OBJECTIVE):
        candidates += [
            t.id for name, lab in ENTITY_SCHEMES.items() if lab == label
            for t in schemes()[name].terms
        ]
    text = f"the id of a {word} in {source} or already in the graph"
    if len(candidates) <= _HINT_CANDIDATES:
        closest = difflib.get_close_matches(ident, candidates, n=3, cutoff=0.6)
        if closest:
            text += f" (closest: {', '.join(closest)})"
    return text


def _check_membership_kinds(dataset: Dataset) -> None:
    kinds = dataset.stakeholder_kinds
    for record in dataset.records.get("memberships", ()):
        member = kinds.get(str(record.values["member_id"]))
        parent = kinds.get(str(record.values["organisation_id"]))
        if member is None or parent is None:
            continue  # already reported as a missing reference
        if member == "group":
            dataset.problems.append(
                Problem(record.source, record.where, "member_id", str(record.values["member_id"]),
                        "a person or an organisation as member (this id is a group)")
            )
        elif member == "person" and parent == "person":
            dataset.problems.append(
                Problem(record.source, record.where, "organisation_id",
                        str(record.values["organisation_id"]),
                        "a group or organisation that the person belongs to (this id is a person)")
            )
        elif member == "organisation" and (record.values.get("role") or record.values.get("since")):
            column = "role" if record.values.get("role") else "since"
            dataset.problems.append(
                Problem(record.source, record.where, column, shown(record.values[column]),
                        "no role or since when an organisation is part of another "
                        "(they belong to a person's membership)")
            )
        elif member == "organisation" and parent != "organisation":
            dataset.problems.append(
                Problem(record.source, record.where, "organisation_id",
                        str(record.values["organisation_id"]),
                        f"an organisation that the member organisation is part of "
                        f"(this id is a {parent})")
            )
