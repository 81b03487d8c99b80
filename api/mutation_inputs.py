"""The create and update inputs of the mutations, generated from the loader's tables of the model
served: one field per column (declared columns included), typed, described by the model, required
where the column is; a patch has every field but the id optional, left out meaning "unchanged".
Values are checked by the loader's own cell rules when the mutation runs
(`stakegraph.api.validation`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from stakegraph.api.enums import TieType, graphql_enum
from stakegraph.api.gql import SCALAR_TYPES, camel, list_of, optional, python_name
from stakegraph.loaders.tables import Column, Tables, TableSpec
from strawberry import UNSET


def _value_type(table: str, column: Column) -> Any:
    if column.name == "id" or column.ref is not None:
        return strawberry.ID
    if column.enum is not None:
        return graphql_enum(column.enum)
    if table == "ties" and column.name == "type":
        return TieType
    value: Any = SCALAR_TYPES[column.type]
    return list_of(value) if column.many else value


def _input(name: str, description: str, spec: TableSpec, *, patch: bool,
           leave_out: tuple[str, ...] = ()) -> type:
    columns = [c for c in spec.columns if c.name not in leave_out]
    if not patch:
        # Required fields first: they have no default.
        columns.sort(key=lambda c: not c.required)
    notes: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    for c in columns:
        value = _value_type(spec.name, c)
        attr = python_name(c.name)
        doc = c.doc or None
        if patch:
            notes[attr] = optional(value)
            namespace[attr] = strawberry.field(default=UNSET, description=doc, name=camel(c.name))
        elif c.required:
            notes[attr] = value
            namespace[attr] = strawberry.field(description=doc, name=camel(c.name))
        else:
            notes[attr] = optional(value)
            namespace[attr] = strawberry.field(default=None, description=doc,
                                               name=camel(c.name))
    namespace["__annotations__"] = notes
    return strawberry.input(type(name, (), namespace), description=description)


@dataclass(frozen=True)
class MutationInputs:
    """The generated input classes of one model."""

    stakeholder: type
    stakeholder_patch: type
    project: type
    project_patch: type
    activity: type
    activity_patch: type
    entity: type
    entity_patch: type
    assessment: type
    tie: type


def build_inputs(specs: Tables) -> MutationInputs:
    """Returns the mutation inputs of the loader tables ``specs``."""
    stakeholders, projects = specs.spec("stakeholders"), specs.spec("projects")
    activities, strategies = specs.spec("activities"), specs.spec("strategies")
    return MutationInputs(
        stakeholder=_input("StakeholderInput", "A new stakeholder.", stakeholders, patch=False),
        stakeholder_patch=_input(
            "StakeholderPatch", "Changes to a stakeholder: fields left out stay; null removes.",
            stakeholders, patch=True, leave_out=("id",)),
        project=_input("ProjectInput", "A new project.", projects, patch=False),
        project_patch=_input(
            "ProjectPatch", "Changes to a project: fields left out stay; null removes.",
            projects, patch=True, leave_out=("id",)),
        activity=_input("ActivityInput", "A new engagement activity of a project.", activities,
                        patch=False),
        activity_patch=_input(
            "ActivityPatch", "Changes to an activity: fields left out stay; null removes.",
            activities, patch=True, leave_out=("id", "project_id")),
        entity=_input("EntityInput", "A new custom strategy, outcome or objective (cluster: "
                      "strategies only).", strategies, patch=False),
        entity_patch=_input("EntityPatch", "Changes to a custom strategy, outcome or objective.",
                            strategies, patch=True, leave_out=("id",)),
        assessment=_input("AssessStakeInput", "A new dated assessment of a stakeholder's stake "
                          "in a project.", specs.spec("assessments"), patch=False),
        tie=_input("TieInput", "A tie between two stakeholders (added, or updated if present).",
                   specs.spec("ties"), patch=False),
    )
