"""From checked records to write steps: the rows each `UNWIND` statement receives, in order.

Derived values are made here: assessment and observation ids, the quadrant, the relationship
type of a membership, a tie or an activity link, and the default tie weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from stakegraph.loaders.cypher import NodeTarget, RelTarget
from stakegraph.loaders.kinds import LINK_WORDS, LOAD_ORDER, TIE_WORDS, kind_spec
from stakegraph.loaders.validate import Dataset, Record
from stakegraph.schema.model import Label, Rel, quadrant

Row = dict[str, Any]
DEFAULT_WEIGHT = 1.0
# What an activity link's note is stored as, per relationship type (see the model's props).
_LINK_NOTE: dict[Rel, str | None] = {
    Rel.APPLIED: "note",
    Rel.CONTRIBUTED_TO: "evidence",
    Rel.PURSUED: None,
}


@dataclass(frozen=True)
class Step:
    """One write step: a kind's nodes or relationships, with the rows for its statement."""

    kind: str
    target: NodeTarget | RelTarget
    rows: list[Row]

    @property
    def is_nodes(self) -> bool:
        """Returns whether this step writes nodes (else relationships)."""
        return isinstance(self.target, NodeTarget)


@cache
def _prop_columns(kind: str) -> tuple[tuple[str, str], ...]:
    return tuple((c.name, c.prop) for c in kind_spec(kind).columns if c.prop is not None)


def _props(record: Record, exclude: tuple[str, ...] = ()) -> Row:
    values = record.values
    return {
        prop: values[name]
        for name, prop in _prop_columns(record.kind)
        if name in values and name not in exclude
    }


def assessment_id(stakeholder_id: str, project_id: str, day: date, assessor: str) -> str:
    """Returns the id of an assessment: ``stakeholder|project|date|assessor``."""
    return f"{stakeholder_id}|{project_id}|{day.isoformat()}|{assessor}"


def observation_id(project_id: str, outcome_id: str, day: date) -> str:
    """Returns the id of an observation: ``project|outcome|date``."""
    return f"{project_id}|{outcome_id}|{day.isoformat()}"


def _node_row(record: Record) -> Row:
    row: Row = {"id": record.values["id"], "props": _props(record)}
    if record.kind == "stakeholders":
        row["kind"] = record.values["kind"]
    return row


def _rel_row(record: Record, kinds: dict[str, str]) -> Row:
    v = record.values
    props = _props(record)
    if record.kind == "memberships":
        person = kinds.get(str(v["member_id"])) == "person"
        return {"start": v["member_id"], "end": v["organisation_id"],
                "type": str(Rel.MEMBER_OF if person else Rel.PART_OF),
                "props": props if person else {}}
    if record.kind == "assessments":
        props["id"] = assessment_id(v["stakeholder_id"], v["project_id"], v["date"],
                                    v["assessor"])
        props["quadrant"] = quadrant(v["interest"], v["impact"])
        return {"start": v["stakeholder_id"], "end": v["project_id"],
                "type": str(Rel.ASSESSED), "props": props}
    if record.kind == "ties":
        if props.get("weight") is None:
            props["weight"] = DEFAULT_WEIGHT
        return {"start": v["source_id"], "end": v["target_id"],
                "type": str(TIE_WORDS[v["type"]]), "props": props}
    if record.kind == "participation":
        return {"start": v["stakeholder_id"], "end": v["activity_id"],
                "type": str(Rel.PARTICIPATED_IN), "props": props}
    if record.kind == "activity_links":
        rel = LINK_WORDS[v["link"]][0]
        note_prop = _LINK_NOTE[rel]
        link_props = {note_prop: v["note"]} if note_prop and "note" in v else {}
        return {"start": v["activity_id"], "end": v["target_id"], "type": str(rel),
                "props": link_props}
    if record.kind == "observations":
        props["id"] = observation_id(v["project_id"], v["outcome_id"], v["date"])
        return {"start": v["project_id"], "end": v["outcome_id"],
                "type": str(Rel.OBSERVED), "props": props}
    raise KeyError(record.kind)


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
    in the dependency order of the kinds."""
    node_steps: list[Step] = []
    rel_steps: list[Step] = []
    for kind in LOAD_ORDER:
        records = dataset.records.get(kind)
        if not records:
            continue
        label = kind_spec(kind).label
        if label is not None:
            node_steps.append(
                Step(kind, NodeTarget(label, kind_labels=label is Label.STAKEHOLDER),
                     [_node_row(r) for r in records])
            )
        if kind == "activities":
            rows = [{"start": r.values["id"], "end": r.values["project_id"],
                     "type": str(Rel.FOR_PROJECT), "props": {}} for r in records]
            rel_steps.append(Step(kind, _REL_TARGETS[kind], rows))
        elif label is None:
            kinds = dataset.stakeholder_kinds
            rel_steps.append(
                Step(kind, _REL_TARGETS[kind], [_rel_row(r, kinds) for r in records])
            )
    return node_steps + rel_steps
