"""Validation: raw tables into typed records, and every problem found on the way.

Checks per cell (type, range, vocabulary), per row (required fields, self-ties, ...), per load
(duplicate ids and relationship identities) and against the graph (references to ids that are
in neither the files nor the database, and the kind of the stakeholders referenced).
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from stakegraph.loaders.cells import BLANK, BadCell, cell_parser, shown
from stakegraph.loaders.problems import Problem
from stakegraph.loaders.readers import CsvCells, RawTable
from stakegraph.loaders.tables import LINK_WORDS, Tables, TableSpec
from stakegraph.schema.model import Label
from stakegraph.schema.vocabulary import ENTITY_SCHEMES, schemes

# Columns that `default_project` may fill in.
_PROJECT_COLUMN = "project_id"
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

    table: str
    source: str
    where: int | str
    values: dict[str, Any]
    # False for a row with a problem: kept only so that its id still counts as defined and
    # references to it are not reported as missing as well.
    valid: bool = True


@dataclass
class Dataset:
    """Everything read and checked: records by table, the sources, and all problems found,
    against the tables of one model."""

    tables: Tables
    records: dict[str, list[Record]] = field(default_factory=dict)
    # Rows with problems, by table; their ids still count as defined by the files.
    rejected: dict[str, list[Record]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Stakeholder id -> kind (person/group/organisation), from the files, then the graph.
    stakeholder_kinds: dict[str, str] = field(default_factory=dict)


def check_table(
    table: RawTable, tables: Tables, default_project: str | None = None
) -> list[Record]:
    """Returns the records of one table (rows with problems marked not valid); appends the
    problems to ``table.problems``."""
    names = tables.names
    if table.name not in names:
        closest = difflib.get_close_matches(table.name, names, n=1)
        hint = f" (closest: {closest[0]})" if closest else ""
        table.problems.append(
            Problem(table.source, None, None, table.name,
                    f"a file/sheet named after a table: {', '.join(names)}{hint}")
        )
        return []
    spec = tables.spec(table.name)
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
    present = set(table.columns)
    # Per column: its parser, whether the table has it at all, whether `default_project` fills
    # it, and whether a row must give it a value (a missing required column is reported once,
    # at the header, not on every row).
    plan = [
        (column.name, cell_parser(column), column.name in present,
         fills_project and column.name == _PROJECT_COLUMN,
         column.required and column.name not in missing_columns)
        for column in spec.columns
    ]
    # The common row has every column of the table and no blank or bad cell: it is parsed in
    # one go, and only the other rows take the careful cell-by-cell path of `_check_cells`.
    quick = [(name, parse_cell) for name, parse_cell, in_table, _, _ in plan if in_table]
    quick_names = [name for name, _ in quick]
    # Where a blank cell needs more than "the property is absent" (a required value, or the
    # default project), the row takes the careful path.
    careful = [fills or required for _, _, in_table, fills, required in plan if in_table]
    filled = {name: default_project for name, _, in_table, fills, _ in plan
              if fills and not in_table}
    rules = _has_row_rules(spec)
    all_columns_there = not missing_columns
    source = table.source
    by_position: list[tuple[int, Callable[[Any], Any]]] = []
    positions: dict[str, int] | None = None
    for raw in table.rows:
        cells = raw.cells
        try:
            if type(cells) is CsvCells:
                if cells.positions is not positions:  # the first row of a CSV file
                    positions = cells.positions
                    by_position = [(positions[name], parse_cell) for name, parse_cell in quick]
                texts = cells.texts
                parsed = [parse_cell(texts[i]) for i, parse_cell in by_position]
            else:
                parsed = [parse_cell(cells[name]) for name, parse_cell in quick]
        except (KeyError, BadCell):
            parsed = None
        if parsed is not None and BLANK in parsed:
            blanks = [i for i, value in enumerate(parsed) if value is BLANK]
            if any(careful[i] for i in blanks):
                parsed = None
            else:
                for i in blanks:
                    parsed[i] = None
        if parsed is not None:
            values = dict(zip(quick_names, parsed, strict=True))
            if filled:
                values.update(filled)
            good = True
        else:
            if type(cells) is CsvCells:
                cells = cells.as_dict()
            values, good = _check_cells(table, raw.where, cells, plan, default_project)
        if rules and not _row_rules(spec, table, raw.where, values):
            good = False
        records.append(Record(spec.name, source, raw.where, values, good and all_columns_there))
    return records


_CellPlan = list[tuple[str, Callable[[Any], Any], bool, bool, bool]]


def _check_cells(table: RawTable, where: int | str, cells: Mapping[str, Any], plan: _CellPlan,
                 default_project: str | None) -> tuple[dict[str, Any], bool]:
    """Returns the values of one row and whether all its cells passed, appending a problem for
    each cell that did not."""
    values: dict[str, Any] = {}
    good = True
    for name, parse_cell, in_table, fills, required in plan:
        cell = cells.get(name, _ABSENT) if in_table else _ABSENT
        if cell is _ABSENT:
            if fills:
                values[name] = default_project
            elif required:
                # The table has the column but this row (a JSON object) lacks it.
                table.problems.append(Problem(table.source, where, name, None,
                                              "a value (this column is required)"))
                good = False
            continue
        try:
            value = parse_cell(cell)
        except BadCell as exc:
            table.problems.append(Problem(table.source, where, name, shown(cell), str(exc)))
            good = False
            continue
        if value is BLANK:
            if fills:
                values[name] = default_project
                continue
            if required:
                table.problems.append(Problem(table.source, where, name, None,
                                              "a value (this column is required)"))
                good = False
            value = None
        values[name] = value
    return values, good


# Stands for a cell a row does not have at all (unlike an empty one).
_ABSENT = object()


def _has_row_rules(spec: TableSpec) -> bool:
    """Returns whether `_row_rules` checks anything for rows of ``spec``."""
    return spec.name in ("ties", "memberships", "activity_links") or spec.label in (
        Label.STRATEGY, Label.OUTCOME, Label.OBJECTIVE) or any(c.kinds for c in spec.columns)


def kind_problem(spec: TableSpec, kind: str | None, values: dict[str, Any]
                 ) -> tuple[str, str] | None:
    """Returns (column, what was expected) for the first value of a column that only some kinds
    of stakeholder have, given for a stakeholder of another ``kind``; None when all fit."""
    for column in spec.columns:
        if column.kinds and values.get(column.name) is not None and kind is not None and (
                kind not in column.kinds):
            allowed = " or ".join(str(k) for k in column.kinds)
            return column.name, f"no value for a {kind} ({column.name} is for {allowed} only)"
    return None


_RESERVED_PREFIXES = tuple(f"{name}:" for name in schemes())


def row_problem(spec: TableSpec, values: dict[str, Any]) -> tuple[str, str] | None:
    """Returns (column, what was expected) for the first rule spanning cells of one row that
    ``values`` break, or None. The loaders and the API's mutations both apply it."""
    name = spec.name
    if name == "ties":
        source = values.get("source_id")
        if source and source == values.get("target_id"):
            return "target_id", "a stakeholder other than the source (no self-ties)"
    elif name == "memberships":
        member = values.get("member_id")
        if member and member == values.get("organisation_id"):
            return "organisation_id", "an organisation other than the member itself"
    elif name == "activity_links":
        if values.get("link") == "objective" and values.get("note"):
            return "note", "no note on an objective link (only strategy and outcome links)"
    elif spec.label in (Label.STRATEGY, Label.OUTCOME, Label.OBJECTIVE):
        ident = values.get("id") or ""
        if ident.lower().startswith(_RESERVED_PREFIXES):
            return (
                "id",
                "a custom id without a shipped vocabulary prefix (eric:, proctor_outcome:, "
                "... already exist; link to them directly)",
            )
    elif spec.label is Label.STAKEHOLDER:
        return kind_problem(spec, values.get("kind"), values)
    return None


def _row_rules(spec: TableSpec, table: RawTable, where: int | str, values: dict[str, Any]) -> bool:
    """Applies the rules that span cells of one row; returns whether the row passed them."""
    broken = row_problem(spec, values)
    if broken is None:
        return True
    return _rule_broken(table, where, values, *broken)


def _rule_broken(table: RawTable, where: int | str, values: dict[str, Any], column: str,
                 expected: str) -> bool:
    table.problems.append(Problem(table.source, where, column, shown(values.get(column)),
                                  expected))
    return False


def row_number(where: int | str | None) -> int:
    """Returns a sortable row number of a spreadsheet row or a JSON path (``$.ties[12]``)."""
    if isinstance(where, int):
        return where
    found = re.search(r"\[(\d+)\]$", where or "")
    return int(found.group(1)) if found else 0


def _position(record: Record) -> tuple[str, int]:
    return (record.source, row_number(record.where))


def key_of(spec: TableSpec, values: dict[str, Any]) -> tuple[Any, ...]:
    """Returns the identity of a record within a load (id, or the relationship identity)."""
    return tuple(values.get(c) for c in spec.key)


def check_duplicates(dataset: Dataset) -> None:
    """Adds a problem for every record whose identity another record of its table already
    has."""
    for name in {*dataset.records, *dataset.rejected}:
        spec = dataset.tables.spec(name)
        rejected = dataset.rejected.get(name, ())
        records = [*dataset.records.get(name, ()), *rejected]
        # One table's records are in row order already; only a mix needs sorting, so that
        # the first of two duplicates is the one earlier in the files.
        if rejected or len({r.source for r in records}) > 1:
            records.sort(key=_position)
        names = spec.key
        single = names[0] if len(names) == 1 else None
        several = operator.itemgetter(*names)
        first: dict[Any, Record] = {}
        for record in records:
            key: Any
            if single is not None:
                key = record.values.get(single)
                if key is None:
                    continue  # a missing or unreadable key is reported already
            else:
                try:
                    key = several(record.values)
                except KeyError:
                    continue  # the file lacks a key column: reported at its header
                if None in key:
                    continue
            seen = first.setdefault(key, record)
            if seen is not record:
                where = f"row {seen.where}" + ("" if seen.source == record.source
                                               else f" of {seen.source}")
                column = names[-1] if len(names) > 1 else names[0]
                parts = (key,) if single is not None else key
                dataset.problems.append(
                    Problem(record.source, record.where, column,
                            " | ".join(shown(k) for k in parts),
                            f"a unique {'/'.join(names)} (already in {where})")
                )


class Reference(NamedTuple):
    """A cell that names the id of a node with ``label``; ``id`` is the id it names."""

    # A tuple, not a dataclass: a large load makes hundreds of thousands of them.
    record: Record
    column: str
    label: Label
    id: str


def undefined_references(dataset: Dataset, defined: dict[Label, set[str]]) -> list[Reference]:
    """Returns every reference the records make to a node id that ``defined`` (the ids the
    files give each label) does not hold."""
    found = []
    for name in {*dataset.records, *dataset.rejected}:
        spec = dataset.tables.spec(name)
        ref_columns = [(c.name, c.ref, defined[c.ref]) for c in spec.columns if c.ref is not None]
        links = name == "activity_links"
        # Rows with other problems are checked too, so every problem is reported at once.
        for record in (*dataset.records.get(name, ()), *dataset.rejected.get(name, ())):
            values = record.values
            for name, label, ids in ref_columns:
                value = values.get(name)
                if value is not None and value not in ids:
                    found.append(Reference(record, name, label, str(value)))
            if links and values.get("target_id") is not None and values.get("link") is not None:
                label = LINK_WORDS[values["link"]][1]
                if values["target_id"] not in defined[label]:
                    found.append(Reference(record, "target_id", label, str(values["target_id"])))
    return found


def _node_tables(tables: Tables) -> dict[Label, str]:
    return {spec.label: spec.name for spec in tables.specs if spec.label is not None}


def defined_ids(dataset: Dataset) -> dict[Label, set[str]]:
    """Returns the node ids each label gets from the files of this load."""
    node_tables = _node_tables(dataset.tables)
    ids: dict[Label, set[str]] = {label: set() for label in node_tables}
    for label, name in node_tables.items():
        for record in (*dataset.records.get(name, ()), *dataset.rejected.get(name, ())):
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
    defined = defined_ids(dataset)
    # Only references to ids the files do not define need the graph (or a problem).
    refs = undefined_references(dataset, defined)
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
                    _missing_expected(ref.label, ref.id, defined[ref.label],
                                      _node_tables(dataset.tables)[ref.label]))
        )
    _check_membership_kinds(dataset)


def _missing_expected(label: Label, ident: str, defined: Iterable[str], source: str) -> str:
    word = _LABEL_WORDS[label]
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
