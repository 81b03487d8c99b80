"""The Mutation root, built for the model served: create, update and delete every entity, record
an activity with its participants, assess a stake (a new dated assessment; history kept), add and
remove ties. Inputs are the generated ones (`stakegraph.api.mutation_inputs`), checked by the
loader's rules (`stakegraph.api.validation`); the Cypher comes from `stakegraph.api.writes`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import strawberry
from stakegraph.api import writes
from stakegraph.api.analysis_jobs import AnalysisJobMutation
from stakegraph.api.auth import Role
from stakegraph.api.context import Context, require
from stakegraph.api.enums import TieType
from stakegraph.api.errors import ApiError, ErrorCode, invalid, not_found
from stakegraph.api.gateway import Tx
from stakegraph.api.gql import param, resolver
from stakegraph.api.mutation_inputs import MutationInputs
from stakegraph.api.object_types import ObjectTypes
from stakegraph.api.privacy import PrivacyMutation
from stakegraph.api.trusted import TrustedDocumentMutation
from stakegraph.api.validation import clean_id, clean_optional, clean_row, clean_value, properties
from stakegraph.loaders.plan import assessment_id
from stakegraph.loaders.tables import TIE_WORDS, Tables, tables
from stakegraph.loaders.validate import kind_problem
from stakegraph.schema import change_feed
from stakegraph.schema.graphdb import RecordData
from stakegraph.schema.model import Kind, Label, Rel, quadrant
from strawberry import UNSET, Info

_MAX_LINKS = 1000


@strawberry.type(description="What a delete removed.")
class Deleted:
    id: strawberry.ID
    deleted: bool


@strawberry.input(description="A stakeholder taking part in an activity.")
class ParticipantInput:
    stakeholder_id: strawberry.ID
    role: str | None = None


def _specs(context: Context) -> Tables:
    return tables(context.model)


def _values(obj: Any, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    values = {k: v for k, v in vars(obj).items() if k not in drop}
    for key, value in values.items():
        if hasattr(value, "value") and not isinstance(value, str | int | float):
            values[key] = value.value  # a GraphQL enum member: its stored value
    return values


def _ids(specs: Tables, field: str, values: Sequence[str], table: str) -> list[str]:
    if len(values) > _MAX_LINKS:
        raise invalid(field, f"at most {_MAX_LINKS} per call")
    column = specs.spec(table).column("id")
    cleaned = [clean_id(field, v, column) for v in values]
    if len(set(cleaned)) != len(cleaned):
        raise invalid(field, "lists an id twice")
    return cleaned


async def _changed(tx: Tx, context: Context, entity: str, op: str, ids: Sequence[str], *,
                   projects: Sequence[str] = (), fields: Iterable[str] = ()) -> None:
    """Records the mutation in the change feed, in its transaction (subscriptions follow it)."""
    event = change_feed.change(entity, op, ids, projects=projects, fields=fields, via="api",
                               actor=context.principal.subject)
    await tx.run(change_feed.RECORD, events=[event])


async def _activity_projects(tx: Tx, ident: str) -> list[str]:
    rows = await tx.run(writes.project_of_activity(), id=ident)
    return list(rows[0]["ids"]) if rows else []


async def _require_nodes(tx: Tx, label: Label, what: str, ids: list[str]) -> None:
    if not ids:
        return
    rows = await tx.run(writes.missing_ids(label), ids=ids)
    missing = list(rows[0]["missing"]) if rows else []
    if missing:
        raise not_found(what, missing)


async def _create(tx: Tx, labels: tuple[Label, ...], props: dict[str, Any], what: str
                  ) -> RecordData:
    exists = await tx.run(writes.count_id(labels[0]), id=props["id"])
    if exists and exists[0]["n"]:
        raise ApiError(ErrorCode.CONFLICT, f"a {what} with id {props['id']!r} already exists")
    rows = await tx.run(writes.create_node(labels), props=props)
    node: RecordData = rows[0]["node"]
    return node


async def _editable(tx: Tx, label: Label, ident: str, what: str) -> RecordData:
    rows = await tx.run(writes.is_vocabulary(label), id=ident)
    if not rows:
        raise not_found(what, ident)
    if rows[0]["vocabulary"]:
        raise ApiError(
            ErrorCode.CONFLICT, f"{ident!r} is a shipped vocabulary term and cannot be changed"
        )
    return rows[0]


async def _update(tx: Tx, label: Label, ident: str, props: dict[str, Any], what: str
                  ) -> RecordData:
    await _editable(tx, label, ident, what)
    rows = await tx.run(writes.update_node(label), id=ident, props=props)
    node: RecordData = rows[0]["node"]
    return node


def _patch(specs: Tables, table: str, patch: Any) -> dict[str, Any]:
    return properties(specs, table, clean_row(specs, table, _values(patch), partial=True))


def _entity_props(specs: Tables, label: Label, values: dict[str, Any], partial: bool
                  ) -> dict[str, Any]:
    if label != Label.STRATEGY and values.get("cluster") not in (None, UNSET):
        raise invalid("cluster", "only strategies have a cluster")
    if label != Label.STRATEGY:
        values.pop("cluster", None)
    table = specs.of_label(label).name
    return properties(specs, table, clean_row(specs, table, values, partial=partial))


async def _create_activity(tx: Tx, props: dict[str, Any], project_id: str) -> RecordData:
    await _require_nodes(tx, Label.PROJECT, "project", [project_id])
    node = await _create(tx, (Label.ACTIVITY,), props, "activity")
    await tx.run(writes.link_to_project(), id=props["id"], project=project_id)
    return node


class _Builder:
    """Makes the mutation fields of one model (its object types and inputs)."""

    def __init__(self, types: ObjectTypes, inputs: MutationInputs) -> None:
        self.types = types
        self.inputs = inputs
        self.fields: dict[str, Any] = {}

    def add(self, name: str, function: Callable[..., Awaitable[Any]], params: list[Any],
            returns: Any, doc: str) -> None:
        self.fields[name] = strawberry.mutation(
            resolver=resolver(function, params, returns), description=doc)

    def entity_fields(self, label: Label, noun: str, cls: str, notes: tuple[str, str, str]
                      ) -> None:
        types, inputs = self.types, self.inputs

        async def create(root: Any, info: Info[Any, Any], input: Any) -> Any:
            context = require(info, Role.EDITOR)
            props = _entity_props(_specs(context), label, _values(input), partial=False)
            props.setdefault("source", "custom")
            entity = _specs(context).of_label(label).name

            async def work(tx: Tx) -> RecordData:
                row = await _create(tx, (label,), props, noun)
                await _changed(tx, context, entity, "created", [props["id"]], fields=props)
                return row

            return types.entity(cls, await context.gateway.write(work))

        async def update(root: Any, info: Info[Any, Any], id: str, patch: Any) -> Any:
            context = require(info, Role.EDITOR)
            props = _entity_props(_specs(context), label, _values(patch), partial=True)
            ident, entity = clean_id("id", id), _specs(context).of_label(label).name

            async def work(tx: Tx) -> RecordData:
                row = await _update(tx, label, ident, props, noun)
                await _changed(tx, context, entity, "updated", [ident], fields=props)
                return row

            return types.entity(cls, await context.gateway.write(work))

        async def delete(root: Any, info: Info[Any, Any], id: str) -> Deleted:
            return await _delete(info, label, id, noun)

        target = types[cls]
        self.add(f"create_{noun}", create, [param("input", inputs.entity)], target, notes[0])
        self.add(f"update_{noun}", update,
                 [param("id", strawberry.ID), param("patch", inputs.entity_patch)], target,
                 notes[1])
        self.add(f"delete_{noun}", delete, [param("id", strawberry.ID)], Deleted, notes[2])


async def _delete(info: Info[Any, Any], label: Label, ident: str, what: str) -> Deleted:
    context = require(info, Role.EDITOR)
    ident = clean_id("id", ident)
    entity = tables(context.model).of_label(label).name

    async def work(tx: Tx) -> Deleted:
        await _editable(tx, label, ident, what)
        projects = [ident] if label is Label.PROJECT else (
            await _activity_projects(tx, ident) if label is Label.ACTIVITY else [])
        await tx.run(writes.delete_node(label), id=ident)
        await _changed(tx, context, entity, "deleted", [ident], projects=projects)
        return Deleted(id=strawberry.ID(ident), deleted=True)

    return await context.gateway.write(work)


def build_mutation(types: ObjectTypes, inputs: MutationInputs) -> type:
    """Returns the Mutation root type for the model of ``types`` and ``inputs``."""
    build = _Builder(types, inputs)
    stakeholder, project, activity = types["Stakeholder"], types["Project"], types[
        "EngagementActivity"]

    async def create_stakeholder(root: Any, info: Info[Any, Any], input: Any) -> Any:
        context = require(info, Role.EDITOR)
        specs = _specs(context)
        props = properties(specs, "stakeholders", clean_row(specs, "stakeholders",
                                                            _values(input)))
        labels = (Label.STAKEHOLDER, Kind(props["kind"]).label)

        async def work(tx: Tx) -> RecordData:
            row = await _create(tx, labels, props, "stakeholder")
            await _changed(tx, context, "stakeholders", "created", [props["id"]], fields=props)
            return row

        return types.stakeholder(await context.gateway.write(work))

    async def update_stakeholder(root: Any, info: Info[Any, Any], id: str, patch: Any
                                 ) -> Any:
        context = require(info, Role.EDITOR)
        ident = clean_id("id", id)
        specs = _specs(context)
        props = _patch(specs, "stakeholders", patch)
        kind = props.get("kind")

        async def work(tx: Tx) -> RecordData:
            found = await _editable(tx, Label.STAKEHOLDER, ident, "stakeholder")
            # A value of a column only some kinds have must fit the kind it will have.
            broken = kind_problem(specs.spec("stakeholders"), kind or found.get("kind"), props)
            if broken is not None:
                column, expected = broken
                raise invalid(column, f"expected {expected}")
            row = await _update(tx, Label.STAKEHOLDER, ident, props, "stakeholder")
            if kind is not None:
                # The kind label comes from the Kind enum, never from the input string itself.
                rows = await tx.run(writes.relabel_stakeholder(Kind(kind)), id=ident)
                row = rows[0]["node"]
            await _changed(tx, context, "stakeholders", "updated", [ident], fields=props)
            return row

        return types.stakeholder(await context.gateway.write(work))

    async def delete_stakeholder(root: Any, info: Info[Any, Any], id: str) -> Deleted:
        return await _delete(info, Label.STAKEHOLDER, id, "stakeholder")

    async def create_project(root: Any, info: Info[Any, Any], input: Any) -> Any:
        context = require(info, Role.EDITOR)
        specs = _specs(context)
        props = properties(specs, "projects", clean_row(specs, "projects", _values(input)))

        async def work(tx: Tx) -> RecordData:
            row = await _create(tx, (Label.PROJECT,), props, "project")
            await _changed(tx, context, "projects", "created", [props["id"]],
                           projects=[props["id"]], fields=props)
            return row

        return types.node("Project", await context.gateway.write(work))

    async def update_project(root: Any, info: Info[Any, Any], id: str, patch: Any) -> Any:
        context = require(info, Role.EDITOR)
        props = _patch(_specs(context), "projects", patch)
        ident = clean_id("id", id)

        async def work(tx: Tx) -> RecordData:
            row = await _update(tx, Label.PROJECT, ident, props, "project")
            await _changed(tx, context, "projects", "updated", [ident], projects=[ident],
                           fields=props)
            return row

        return types.node("Project", await context.gateway.write(work))

    async def delete_project(root: Any, info: Info[Any, Any], id: str) -> Deleted:
        return await _delete(info, Label.PROJECT, id, "project")

    def activity_row(specs: Tables, data: Any) -> tuple[dict[str, Any], str]:
        row = clean_row(specs, "activities", _values(data))
        return properties(specs, "activities", row), row["project_id"]

    async def create_activity(root: Any, info: Info[Any, Any], input: Any) -> Any:
        context = require(info, Role.EDITOR)
        props, project_id = activity_row(_specs(context), input)

        async def work(tx: Tx) -> RecordData:
            row = await _create_activity(tx, props, project_id)
            await _changed(tx, context, "activities", "created", [props["id"]],
                           projects=[project_id], fields=props)
            return row

        return types.node("EngagementActivity", await context.gateway.write(work))

    async def update_activity(root: Any, info: Info[Any, Any], id: str, patch: Any) -> Any:
        context = require(info, Role.EDITOR)
        props = _patch(_specs(context), "activities", patch)
        ident = clean_id("id", id)

        async def work(tx: Tx) -> RecordData:
            row = await _update(tx, Label.ACTIVITY, ident, props, "activity")
            await _changed(tx, context, "activities", "updated", [ident],
                           projects=await _activity_projects(tx, ident), fields=props)
            return row

        return types.node("EngagementActivity", await context.gateway.write(work))

    async def delete_activity(root: Any, info: Info[Any, Any], id: str) -> Deleted:
        return await _delete(info, Label.ACTIVITY, id, "activity")

    async def record_activity(root: Any, info: Info[Any, Any], input: Any) -> Any:
        context = require(info, Role.EDITOR)
        specs = _specs(context)
        props, project_id = activity_row(specs, input.activity)
        people = _ids(specs, "participants", [p.stakeholder_id for p in input.participants],
                      "stakeholders")
        roles = [clean_optional(specs, "participation", "role", p.role)
                 for p in input.participants]
        links = {
            Rel.APPLIED: (Label.STRATEGY, "strategy",
                          _ids(specs, "strategyIds", input.strategy_ids, "strategies")),
            Rel.PURSUED: (Label.OBJECTIVE, "objective",
                          _ids(specs, "objectiveIds", input.objective_ids, "objectives")),
            Rel.CONTRIBUTED_TO: (Label.OUTCOME, "outcome",
                                 _ids(specs, "outcomeIds", input.outcome_ids, "outcomes")),
        }

        async def work(tx: Tx) -> RecordData:
            await _require_nodes(tx, Label.STAKEHOLDER, "stakeholder", people)
            for label, what, ids in links.values():
                await _require_nodes(tx, label, what, ids)
            node = await _create_activity(tx, props, project_id)
            if people:
                await tx.run(writes.add_participants(), id=props["id"], rows=[
                    {"id": i, "role": r} for i, r in zip(people, roles, strict=True)])
            for rel, (label, _, ids) in links.items():
                if ids:
                    await tx.run(writes.add_links(rel, label), id=props["id"], ids=ids)
            await _changed(tx, context, "activities", "created", [props["id"], *people],
                           projects=[project_id], fields=props)
            return node

        return types.node("EngagementActivity", await context.gateway.write(work))

    async def assess_stake(root: Any, info: Info[Any, Any], input: Any) -> Any:
        context = require(info, Role.EDITOR)
        specs = _specs(context)
        row = clean_row(specs, "assessments", _values(input))
        stakeholder_id, project_id = row["stakeholder_id"], row["project_id"]
        props = properties(specs, "assessments", row)
        props["quadrant"] = quadrant(props["interest"], props["impact"])
        props["id"] = assessment_id(stakeholder_id, project_id, props["date"], props["assessor"])

        async def work(tx: Tx) -> RecordData:
            # One round trip checks both ends, locks the stakeholder and looks for the same
            # assessment: a mutation's round trips are what other writers may wait behind.
            rows = await tx.run(writes.lock_and_find_assessment(), s=stakeholder_id,
                                p=project_id, rid=props["id"])
            if not rows[0]["stakeholder"]:
                raise not_found("stakeholder", [stakeholder_id])
            if not rows[0]["project"]:
                raise not_found("project", [project_id])
            if rows[0]["n"]:
                raise ApiError(ErrorCode.CONFLICT,
                               "an assessment with this date and assessor already exists",
                               id=props["id"])
            rows = await tx.run(writes.create_assessment(), s=stakeholder_id, p=project_id,
                                props=props)
            if not rows:  # the project was deleted since the check (it is not locked)
                raise not_found("project", [project_id])
            await _changed(tx, context, "assessments", "created", [stakeholder_id, project_id],
                           projects=[project_id], fields=props)
            made: RecordData = rows[0]["row"]
            return made

        return types.relationship("StakeAssessment", await context.gateway.write(work))

    async def add_tie(root: Any, info: Info[Any, Any], input: Any) -> Any:
        context = require(info, Role.EDITOR)
        specs = _specs(context)
        row = clean_row(specs, "ties", _values(input))
        source, target = row["source_id"], row["target_id"]
        rel = TIE_WORDS[row["type"]]
        props = properties(specs, "ties", row)
        props.setdefault("weight", 1.0)

        async def work(tx: Tx) -> RecordData:
            rows = await tx.run(writes.merge_tie(rel), s=source, t=target, props=props)
            if not rows:  # an end is missing and nothing was written: say which
                await _require_nodes(tx, Label.STAKEHOLDER, "stakeholder", [source, target])
                raise not_found("stakeholder", [source, target])  # unreachable: one is missing
            await _changed(tx, context, "ties", "created" if rows[0]["created"] else "updated",
                           [source, target], fields=props)
            made: RecordData = rows[0]["row"]
            return made

        made = await context.gateway.write(work)
        return types.relationship("Tie", made, type=TieType(made["type"]))

    async def remove_tie(root: Any, info: Info[Any, Any], type: Any, source_id: str,
                         target_id: str) -> bool:
        context = require(info, Role.EDITOR)
        ties = _specs(context).spec("ties")
        source = clean_id("sourceId", source_id, ties.column("source_id"))
        target = clean_id("targetId", target_id, ties.column("target_id"))
        rel = TIE_WORDS[clean_value("type", ties.column("type"), type.value)]

        async def work(tx: Tx) -> bool:
            rows = await tx.run(writes.delete_tie(rel), s=source, t=target)
            if not rows or not rows[0]["n"]:
                raise ApiError(ErrorCode.NOT_FOUND, f"no {rel} tie from {source!r} to {target!r}")
            await _changed(tx, context, "ties", "deleted", [source, target])
            return True

        return await context.gateway.write(work)

    record_input = _record_activity_input(inputs)
    i = inputs
    build.add("create_stakeholder", create_stakeholder, [param("input", i.stakeholder)],
              stakeholder, "Creates a stakeholder (CONFLICT if the id is taken).")
    build.add("update_stakeholder", update_stakeholder,
              [param("id", strawberry.ID), param("patch", i.stakeholder_patch)], stakeholder,
              "Changes a stakeholder (its kind too).")
    build.add("delete_stakeholder", delete_stakeholder, [param("id", strawberry.ID)], Deleted,
              "Deletes a stakeholder and its relationships.")
    build.add("create_project", create_project, [param("input", i.project)], project,
              "Creates a project.")
    build.add("update_project", update_project,
              [param("id", strawberry.ID), param("patch", i.project_patch)], project,
              "Changes a project.")
    build.add("delete_project", delete_project, [param("id", strawberry.ID)], Deleted,
              "Deletes a project and its relationships.")
    build.add("create_activity", create_activity, [param("input", i.activity)], activity,
              "Creates an activity of a project (no participants).")
    build.add("update_activity", update_activity,
              [param("id", strawberry.ID), param("patch", i.activity_patch)], activity,
              "Changes an activity.")
    build.add("delete_activity", delete_activity, [param("id", strawberry.ID)], Deleted,
              "Deletes an activity.")
    build.add("record_activity", record_activity, [param("input", record_input)], activity,
              "Records an activity with its participants, strategies, objectives and outcomes "
              "in one transaction (nothing is written if any id is unknown).")
    build.entity_fields(Label.STRATEGY, "strategy", "Strategy", (
        "Creates a custom implementation strategy.",
        "Changes a custom strategy (shipped ones are read-only).",
        "Deletes a custom strategy."))
    build.entity_fields(Label.OUTCOME, "outcome", "Outcome", (
        "Creates a custom outcome.", "Changes a custom outcome.", "Deletes a custom outcome."))
    build.entity_fields(Label.OBJECTIVE, "objective", "Objective", (
        "Creates a custom engagement objective.", "Changes a custom objective.",
        "Deletes a custom objective."))
    build.add("assess_stake", assess_stake, [param("input", i.assessment)],
              types["StakeAssessment"],
              "Adds a dated assessment of a stakeholder's stake in a project; earlier ones are "
              "kept as history (CONFLICT if the same date and assessor exist).")
    build.add("add_tie", add_tie, [param("input", i.tie)], types["Tie"],
              "Adds a tie, or updates the one of that type and direction.")
    build.add("remove_tie", remove_tie,
              [param("type", TieType), param("source_id", strawberry.ID),
               param("target_id", strawberry.ID)], bool,
              "Removes a tie (NOT_FOUND if there is none).")
    return strawberry.type(type("Mutation", (PrivacyMutation, TrustedDocumentMutation,
                                             AnalysisJobMutation), build.fields))


def _record_activity_input(inputs: MutationInputs) -> type:
    namespace: dict[str, Any] = {
        "__annotations__": {
            "activity": inputs.activity,
            "participants": list[ParticipantInput],
            "strategy_ids": list[strawberry.ID],
            "objective_ids": list[strawberry.ID],
            "outcome_ids": list[strawberry.ID],
        },
        "participants": strawberry.field(default_factory=list),
        "strategy_ids": strawberry.field(default_factory=list),
        "objective_ids": strawberry.field(default_factory=list),
        "outcome_ids": strawberry.field(default_factory=list),
    }
    return strawberry.input(type("RecordActivityInput", (), namespace),
                            description="An activity with everyone who took part and what it "
                            "applied.")
