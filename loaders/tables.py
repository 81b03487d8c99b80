"""The file formats: one `TableSpec` per table (a CSV file, a sheet, a JSON key), its columns and
what they mean, derived from a `Model`.

Columns take their type, vocabulary, range and personal flag from the model's properties (the
shipped ones, then an organisation's declared ones, `Prop.custom`), so the loader checks exactly
what the model promises and a declared property is a column without a code change.
`loaders/README.md` documents the shipped tables.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, replace
from enum import StrEnum

from stakegraph.schema.combined import Model
from stakegraph.schema.model import TIE_TYPES, Kind, Label, Prop, PropType, Rel
from stakegraph.schema.vocabulary import Scheme


@dataclass(frozen=True)
class Column:
    """One column of a table: how its cells are parsed and checked, and where they are stored.

    ``ref`` marks a reference to the id of a node with that label; ``choices`` a closed list of
    words (not a vocabulary); ``vocabulary`` the scheme whose terms the cells hold (a list of
    them with ``many``); ``prop`` the property written (None: used, not stored as is);
    ``kinds`` the stakeholder kinds a value is allowed for (empty: all).
    """

    name: str
    type: PropType = PropType.STRING
    required: bool = False
    vocabulary: Scheme | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    above_zero: bool = False
    ref: Label | None = None
    prop: str | None = None
    many: bool = False
    kinds: tuple[Kind, ...] = ()
    personal: bool = False
    custom: bool = False
    enum: builtins.type[StrEnum] | None = None
    doc: str = ""

    @property
    def scheme(self) -> str | None:
        """Returns the name of the column's vocabulary, if it has one."""
        return None if self.vocabulary is None else self.vocabulary.name


@dataclass(frozen=True)
class TableSpec:
    """One table: its name (= file stem = sheet name = JSON key) and columns.

    ``order`` is the dependency order of a folder load; ``label`` is the node label written
    (None for relationship-only tables); ``key`` the columns that identify a row within a load.
    """

    name: str
    order: int
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    label: Label | None = None
    doc: str = ""

    def column(self, name: str) -> Column:
        """Returns the column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        """Returns the column names in template order."""
        return tuple(c.name for c in self.columns)


# Words accepted in the closed-list columns, mapped to what is stored.
TIE_WORDS: dict[str, Rel] = {rel.value.lower(): rel for rel in TIE_TYPES}
LINK_WORDS: dict[str, tuple[Rel, Label]] = {
    "strategy": (Rel.APPLIED, Label.STRATEGY),
    "objective": (Rel.PURSUED, Label.OBJECTIVE),
    "outcome": (Rel.CONTRIBUTED_TO, Label.OUTCOME),
}
# The tables in the dependency order of a folder load (nodes before what links them).
LOAD_ORDER: tuple[str, ...] = (
    "strategies", "outcomes", "objectives", "stakeholders", "memberships", "projects",
    "assessments", "ties", "activities", "participation", "activity_links", "observations",
)


@dataclass(frozen=True)
class Tables:
    """The tables of one model, in load order."""

    model: Model
    specs: tuple[TableSpec, ...]

    def spec(self, name: str) -> TableSpec:
        """Returns the table called ``name``."""
        for spec in self.specs:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Returns the table names in load order."""
        return tuple(s.name for s in self.specs)

    def of_label(self, label: Label) -> TableSpec:
        """Returns the table that writes nodes of ``label``."""
        for spec in self.specs:
            if spec.label == label:
                return spec
        raise KeyError(label)


# Made once per model, keyed by the model's content hash: equal models share their tables.
_MADE: dict[str, Tables] = {}


def tables(model: Model) -> Tables:
    """Returns the tables of ``model`` (made once per model)."""
    made = _MADE.get(model.key)
    if made is None:
        made = _MADE[model.key] = Tables(model, tuple(_specs(model)))
    return made


def _column(model: Model, p: Prop, *, name: str | None = None) -> Column:
    return Column(
        name=name or p.name,
        type=p.type,
        required=p.required,
        vocabulary=model.scheme(p.scheme) if p.scheme is not None else None,
        choices=tuple(m.value for m in p.enum) if p.enum is not None else (),
        minimum=p.minimum,
        maximum=p.maximum,
        prop=p.name,
        many=p.many,
        kinds=p.kinds,
        personal=p.personal,
        custom=p.custom,
        enum=p.enum,
        doc=p.doc,
    )


def _ref(name: str, label: Label) -> Column:
    return Column(name, required=True, ref=label, doc=f"Id of the {_WORDS[label]}.")


_WORDS = {Label.STAKEHOLDER: "stakeholder", Label.PROJECT: "project",
          Label.ACTIVITY: "activity", Label.OUTCOME: "outcome"}


def _specs(model: Model) -> list[TableSpec]:
    def node(label: Label) -> tuple[Column, ...]:
        # Every property a file can give, shipped ones then declared ones, in model order.
        return tuple(_column(model, p) for p in model.node(label).props if not p.derived)

    def rel(rel_type: Rel) -> tuple[Column, ...]:
        return tuple(_column(model, p) for p in model.rel(rel_type).props if not p.derived)

    activity = node(Label.ACTIVITY)
    tie = {c.name: c for c in rel(Rel.INFLUENCES)}
    weight = tie.pop("weight")
    return [
        TableSpec("strategies", 1, node(Label.STRATEGY), ("id",), Label.STRATEGY,
                  "custom implementation strategies"),
        TableSpec("outcomes", 1, node(Label.OUTCOME), ("id",), Label.OUTCOME, "custom outcomes"),
        TableSpec("objectives", 1, node(Label.OBJECTIVE), ("id",), Label.OBJECTIVE,
                  "custom engagement objectives"),
        TableSpec("stakeholders", 2, node(Label.STAKEHOLDER), ("id",), Label.STAKEHOLDER,
                  "people, groups and organisations with a stake"),
        TableSpec(
            "memberships", 3,
            (_ref("member_id", Label.STAKEHOLDER), _ref("organisation_id", Label.STAKEHOLDER),
             *rel(Rel.MEMBER_OF)),
            ("member_id", "organisation_id"), None,
            "person MEMBER_OF group/organisation; organisation PART_OF organisation",
        ),
        TableSpec("projects", 3, node(Label.PROJECT), ("id",), Label.PROJECT,
                  "studies, programmes, implementation efforts"),
        TableSpec(
            "assessments", 4,
            (_ref("stakeholder_id", Label.STAKEHOLDER), _ref("project_id", Label.PROJECT),
             *rel(Rel.ASSESSED)),
            ("stakeholder_id", "project_id", "date", "assessor"), None,
            "dated stake assessments (interest, impact, 9 C category, attitude)",
        ),
        TableSpec(
            "ties", 4,
            (
                _ref("source_id", Label.STAKEHOLDER),
                _ref("target_id", Label.STAKEHOLDER),
                Column("type", required=True, choices=tuple(TIE_WORDS), doc="Which tie it is."),
                # A weight of 0 would be a tie that is not there: above zero, unlike the range.
                replace(weight, minimum=None, above_zero=True),
                *tie.values(),
            ),
            ("type", "source_id", "target_id"), None,
            "influences, trusts, collaborates_with, referred between stakeholders",
        ),
        TableSpec(
            "activities", 5, (activity[0], _ref("project_id", Label.PROJECT), *activity[1:]),
            ("id",), Label.ACTIVITY, "engagement activities and the spectrum level they reached",
        ),
        TableSpec(
            "participation", 6,
            (_ref("activity_id", Label.ACTIVITY), _ref("stakeholder_id", Label.STAKEHOLDER),
             *rel(Rel.PARTICIPATED_IN)),
            ("stakeholder_id", "activity_id"), None, "who took part in which activity",
        ),
        TableSpec(
            "activity_links", 6,
            (
                _ref("activity_id", Label.ACTIVITY),
                Column("link", required=True, choices=tuple(LINK_WORDS),
                       doc="strategy, objective or outcome."),
                # The label of the target depends on `link`; checked against that label.
                Column("target_id", required=True, doc="Id of the strategy, objective or "
                       "outcome."),
                Column("note", doc="How a strategy was applied, or the evidence of a "
                       "contribution."),
            ),
            ("activity_id", "link", "target_id"), None,
            "strategies applied, objectives pursued, outcomes contributed to",
        ),
        TableSpec(
            "observations", 7,
            (_ref("project_id", Label.PROJECT), _ref("outcome_id", Label.OUTCOME),
             *rel(Rel.OBSERVED)),
            ("project_id", "outcome_id", "date"), None, "dated outcome values of a project",
        ),
    ]
