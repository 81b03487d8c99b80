"""The file formats: one `KindSpec` per file/sheet kind, its columns and what they mean.

Columns take their type, vocabulary scheme and range from `stakegraph.schema.model`, so the
loader checks exactly what the model promises. `loaders/README.md` documents the same formats.
"""

from __future__ import annotations

from dataclasses import dataclass

from stakegraph.schema.model import (
    Label,
    NodeSpec,
    Prop,
    PropType,
    Rel,
    node_spec,
    rel_spec,
)


@dataclass(frozen=True)
class Column:
    """One column of a kind: how its cells are parsed and checked, and where they are stored.

    ``ref`` marks a reference to the id of a node with that label; ``choices`` a closed list of
    words (not a shipped scheme); ``prop`` the property written (None: used, not stored as is).
    """

    name: str
    type: PropType = PropType.STRING
    required: bool = False
    scheme: str | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    above_zero: bool = False
    ref: Label | None = None
    prop: str | None = None


@dataclass(frozen=True)
class KindSpec:
    """One file/sheet kind: its name (= file stem = sheet name = JSON key) and columns.

    ``order`` is the dependency order of a folder load; ``label`` is the node label written
    (None for relationship-only kinds); ``key`` the columns that identify a row within a load.
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


def _from_prop(p: Prop, *, name: str | None = None, required: bool | None = None) -> Column:
    return Column(
        name=name or p.name,
        type=p.type,
        required=p.required if required is None else required,
        scheme=p.scheme,
        minimum=p.minimum,
        maximum=p.maximum,
        prop=p.name,
    )


def _node_columns(spec: NodeSpec, names: tuple[str, ...]) -> tuple[Column, ...]:
    return tuple(_from_prop(spec.prop(n)) for n in names)


def _rel_prop(rel: Rel, name: str) -> Prop:
    for p in rel_spec(rel).props:
        if p.name == name:
            return p
    raise KeyError(f"{rel} has no property {name!r}")


# Words accepted in the closed-list columns, mapped to what is stored.
STAKEHOLDER_KINDS: tuple[str, ...] = ("person", "group", "organisation")
TIE_WORDS: dict[str, Rel] = {
    "influences": Rel.INFLUENCES,
    "trusts": Rel.TRUSTS,
    "collaborates_with": Rel.COLLABORATES_WITH,
    "referred": Rel.REFERRED,
}
LINK_WORDS: dict[str, tuple[Rel, Label]] = {
    "strategy": (Rel.APPLIED, Label.STRATEGY),
    "objective": (Rel.PURSUED, Label.OBJECTIVE),
    "outcome": (Rel.CONTRIBUTED_TO, Label.OUTCOME),
}

_STRATEGY = node_spec(Label.STRATEGY)
_OUTCOME = node_spec(Label.OUTCOME)
_OBJECTIVE = node_spec(Label.OBJECTIVE)
_STAKEHOLDER = node_spec(Label.STAKEHOLDER)
_PROJECT = node_spec(Label.PROJECT)
_ACTIVITY = node_spec(Label.ACTIVITY)


def _ref(name: str, label: Label) -> Column:
    return Column(name, required=True, ref=label)


KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        "strategies", 1, _node_columns(_STRATEGY, ("id", "name", "cluster", "definition")),
        ("id",), Label.STRATEGY, "custom implementation strategies",
    ),
    KindSpec(
        "outcomes", 1, _node_columns(_OUTCOME, ("id", "name", "definition")),
        ("id",), Label.OUTCOME, "custom outcomes",
    ),
    KindSpec(
        "objectives", 1, _node_columns(_OBJECTIVE, ("id", "name", "definition")),
        ("id",), Label.OBJECTIVE, "custom engagement objectives",
    ),
    KindSpec(
        "stakeholders", 2,
        (
            *_node_columns(_STAKEHOLDER, ("id", "name")),
            Column("kind", required=True, choices=STAKEHOLDER_KINDS, prop="kind"),
            *_node_columns(
                _STAKEHOLDER,
                ("sector", "societal", "seldom_heard", "country", "role", "email", "phone",
                 "notes"),
            ),
        ),
        ("id",), Label.STAKEHOLDER, "people, groups and organisations with a stake",
    ),
    KindSpec(
        "memberships", 3,
        (
            _ref("member_id", Label.STAKEHOLDER),
            _ref("organisation_id", Label.STAKEHOLDER),
            _from_prop(_rel_prop(Rel.MEMBER_OF, "role")),
            _from_prop(_rel_prop(Rel.MEMBER_OF, "since")),
        ),
        ("member_id", "organisation_id"), None,
        "person MEMBER_OF group/organisation; organisation PART_OF organisation",
    ),
    KindSpec(
        "projects", 3,
        _node_columns(
            _PROJECT,
            ("id", "name", "description", "stage", "phase", "start_date", "end_date",
             "next_review", "engagement_strategy", "inclusion_strategy", "coproduction_strategy"),
        ),
        ("id",), Label.PROJECT, "studies, programmes, implementation efforts",
    ),
    KindSpec(
        "assessments", 4,
        (
            _ref("stakeholder_id", Label.STAKEHOLDER),
            _ref("project_id", Label.PROJECT),
            *(
                _from_prop(_rel_prop(Rel.ASSESSED, n))
                for n in ("date", "assessor", "method", "category", "interest", "impact",
                          "influence", "attitude", "desired_attitude", "contact_every_days",
                          "note")
            ),
        ),
        ("stakeholder_id", "project_id", "date", "assessor"), None,
        "dated stake assessments (interest, impact, 9 C category, attitude)",
    ),
    KindSpec(
        "ties", 4,
        (
            _ref("source_id", Label.STAKEHOLDER),
            _ref("target_id", Label.STAKEHOLDER),
            Column("type", required=True, choices=tuple(TIE_WORDS)),
            Column("weight", PropType.FLOAT, maximum=1_000_000.0, above_zero=True, prop="weight"),
            _from_prop(_rel_prop(Rel.INFLUENCES, "date")),
            _from_prop(_rel_prop(Rel.INFLUENCES, "evidence")),
        ),
        ("type", "source_id", "target_id"), None,
        "influences, trusts, collaborates_with, referred between stakeholders",
    ),
    KindSpec(
        "activities", 5,
        (
            *_node_columns(_ACTIVITY, ("id",)),
            _ref("project_id", Label.PROJECT),
            *_node_columns(
                _ACTIVITY,
                ("name", "type", "date", "mode", "duration_minutes", "stage", "level", "notes"),
            ),
        ),
        ("id",), Label.ACTIVITY, "engagement activities and the spectrum level they reached",
    ),
    KindSpec(
        "participation", 6,
        (
            _ref("activity_id", Label.ACTIVITY),
            _ref("stakeholder_id", Label.STAKEHOLDER),
            _from_prop(_rel_prop(Rel.PARTICIPATED_IN, "role")),
        ),
        ("stakeholder_id", "activity_id"), None, "who took part in which activity",
    ),
    KindSpec(
        "activity_links", 6,
        (
            _ref("activity_id", Label.ACTIVITY),
            Column("link", required=True, choices=tuple(LINK_WORDS)),
            # The label of the target depends on `link`; checked against that label.
            Column("target_id", required=True),
            Column("note"),
        ),
        ("activity_id", "link", "target_id"), None,
        "strategies applied, objectives pursued, outcomes contributed to",
    ),
    KindSpec(
        "observations", 7,
        (
            _ref("project_id", Label.PROJECT),
            _ref("outcome_id", Label.OUTCOME),
            *(_from_prop(_rel_prop(Rel.OBSERVED, n)) for n in ("date", "value", "evidence")),
        ),
        ("project_id", "outcome_id", "date"), None, "dated outcome values of a project",
    ),
)

LOAD_ORDER: tuple[str, ...] = tuple(k.name for k in sorted(KINDS, key=lambda k: k.order))


def kind_spec(name: str) -> KindSpec:
    """Returns the spec of the kind called ``name`` (a file stem, sheet name or JSON key)."""
    for k in KINDS:
        if k.name == name:
            return k
    raise KeyError(name)
