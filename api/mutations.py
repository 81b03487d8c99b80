"""The Mutation root: create, update and delete every entity, record an activity with its
participants, assess a stake (a new dated assessment; history kept), add and remove ties."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import strawberry
from stakegraph.api.auth import Role
from stakegraph.api.context import require
from stakegraph.api.cypher import node_map
from stakegraph.api.errors import ApiError, ErrorCode, invalid, not_found
from stakegraph.api.gateway import Row, Tx
from stakegraph.api.privacy import PrivacyMutation
from stakegraph.api.types import (
    EngagementActivity,
    Objective,
    Outcome,
    Project,
    StakeAssessment,
    Stakeholder,
    StakeholderKind,
    Strategy,
    Tie,
    TieType,
    stakeholder_from_row,
)
from stakegraph.api.validation import (
    clean_id,
    clean_optional,
    clean_row,
    clean_value,
    properties,
)
from stakegraph.loaders.kinds import KINDS, TIE_WORDS, kind_spec
from stakegraph.loaders.plan import assessment_id
from stakegraph.schema.model import Kind, Label, Rel, quadrant
from strawberry import UNSET, Info

# --- inputs ----------------------------------------------------------------------------------


@strawberry.input(description="A new stakeholder.")
class StakeholderInput:
    id: strawberry.ID
    name: str
    kind: StakeholderKind
    sector: str | None = None
    societal: bool | None = None
    seldom_heard: bool | None = None
    country: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    notes: str | None = None


@strawberry.input(description="Changes to a stakeholder: fields left out stay; null removes.")
class StakeholderPatch:
    name: str | None = UNSET
    kind: StakeholderKind | None = UNSET
    sector: str | None = UNSET
    societal: bool | None = UNSET
    seldom_heard: bool | None = UNSET
    country: str | None = UNSET
    role: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    notes: str | None = UNSET


@strawberry.input(description="A new project.")
class ProjectInput:
    id: strawberry.ID
    name: str
    description: str | None = None
    stage: str | None = None
    phase: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    next_review: date | None = None
    engagement_strategy: bool | None = None
    inclusion_strategy: bool | None = None
    coproduction_strategy: bool | None = None


@strawberry.input(description="Changes to a project: fields left out stay; null removes.")
class ProjectPatch:
    name: str | None = UNSET
    description: str | None = UNSET
    stage: str | None = UNSET
    phase: str | None = UNSET
    start_date: date | None = UNSET
    end_date: date | None = UNSET
    next_review: date | None = UNSET
    engagement_strategy: bool | None = UNSET
    inclusion_strategy: bool | None = UNSET
    coproduction_strategy: bool | None = UNSET


@strawberry.input(description="A new engagement activity of a project.")
class ActivityInput:
    id: strawberry.ID
    project_id: strawberry.ID
    name: str
    type: str
    date: date
    stage: str
    level: str
    mode: str | None = None
    duration_minutes: int | None = None
    notes: str | None = None


@strawberry.input(description="Changes to an activity: fields left out stay; null removes.")
class ActivityPatch:
    name: str | None = UNSET
    type: str | None = UNSET
    date: date | None = UNSET
    stage: str | None = UNSET
    level: str | None = UNSET
    mode: str | None = UNSET
    duration_minutes: int | None = UNSET
    notes: str | None = UNSET


@strawberry.input(description="A new custom strategy, outcome or objective.")
class EntityInput:
    id: strawberry.ID
    name: str
    definition: str | None = None
    cluster: str | None = strawberry.field(default=None, description="strategies only")


@strawberry.input(description="Changes to a custom strategy, outcome or objective.")
class EntityPatch:
    name: str | None = UNSET
    definition: str | None = UNSET
    cluster: str | None = UNSET


@strawberry.input(description="A stakeholder taking part in an activity.")
class ParticipantInput:
    stakeholder_id: strawberry.ID
    role: str | None = None


@strawberry.input(description="An activity with everyone who took part and what it applied.")
class RecordActivityInput:
    activity: ActivityInput
    participants: list[ParticipantInput] = strawberry.field(default_factory=list)
    strategy_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    objective_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    outcome_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input(description="A new dated assessment of a stakeholder's stake in a project.")
class AssessStakeInput:
    stakeholder_id: strawberry.ID
    project_id: strawberry.ID
    date: date
    assessor: str
    interest: int
    impact: int
    method: str | None = None
    category: str | None = None
    influence: int | None = None
    attitude: str | None = None
    desired_attitude: str | None = None
    contact_every_days: int | None = None
    note: str | None = None


@strawberry.input(description="A tie between two stakeholders (added, or updated if present).")
class TieInput:
    type: TieType
    source_id: strawberry.ID
    target_id: strawberry.ID
    weight: float | None = None
    date: date | None = None
    evidence: str | None = None


@strawberry.type(description="What a delete removed.")
class Deleted:
    id: strawberry.ID
    deleted: bool


# --- helpers ---------------------------------------------------------------------------------

_MAX_LINKS = 1000


# The loader kind (file format) of each node label: its columns and cell rules check the input.
_KIND_OF: dict[Label, str] = {k.label: k.name for k in KINDS if k.label is not None}


def _values(obj: Any, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    values = {k: v for k, v in vars(obj).items() if k not in drop}
    for key, value in values.items():
        if isinstance(value, StakeholderKind | TieType):
            values[key] = value.value
    return values


def _ids(field: str, values: Sequence[str], kind: str) -> list[str]:
    if len(values) > _MAX_LINKS:
        raise invalid(field, f"at most {_MAX_LINKS} per call")
    column = kind_spec(kind).column("id")
    cleaned = [clean_id(field, v, column) for v in values]
    if len(set(cleaned)) != len(cleaned):
        raise invalid(field, "lists an id twice")
    return cleaned


async def _missing(tx: Tx, label: Label, ids: list[str]) -> list[str]:
    if not ids:
        return []
    rows = await tx.run(
        f"UNWIND $ids AS id OPTIONAL MATCH (n:{label} {{id: id}}) "
        "WITH id, n WHERE n IS NULL RETURN collect(id) AS missing",
        ids=ids,
    )
    return list(rows[0]["missing"]) if rows else []


async def _require_nodes(tx: Tx, label: Label, what: str, ids: list[str]) -> None:
    missing = await _missing(tx, label, ids)
    if missing:
        raise ApiError(
            ErrorCode.NOT_FOUND, f"no {what} with id {missing[0]!r}", ids=missing
        )


async def _create(tx: Tx, labels: str, props: dict[str, Any], what: str) -> Row:
    exists = await tx.run(
        f"MATCH (n:{labels.split(':')[0]} {{id: $id}}) RETURN count(n) AS n", id=props["id"]
    )
    if exists and exists[0]["n"]:
        raise ApiError(ErrorCode.CONFLICT, f"a {what} with id {props['id']!r} already exists")
    rows = await tx.run(f"CREATE (n:{labels}) SET n = $props RETURN {node_map('n')} AS node",
                        props=props)
    node: Row = rows[0]["node"]
    return node


async def _editable(tx: Tx, label: Label, ident: str, what: str) -> None:
    rows = await tx.run(
        f"MATCH (n:{label} {{id: $id}}) RETURN n:{Label.CONCEPT} AS vocabulary", id=ident
    )
    if not rows:
        raise not_found(what, ident)
    if rows[0]["vocabulary"]:
        raise ApiError(
            ErrorCode.CONFLICT, f"{ident!r} is a shipped vocabulary term and cannot be changed"
        )


async def _update(tx: Tx, label: Label, ident: str, props: dict[str, Any], what: str) -> Row:
    await _editable(tx, label, ident, what)
    rows = await tx.run(
        f"MATCH (n:{label} {{id: $id}}) SET n += $props RETURN {node_map('n')} AS node",
        id=ident,
        props=props,
    )
    node: Row = rows[0]["node"]
    return node


async def _delete(info: Info[Any, Any], label: Label, ident: str, what: str) -> Deleted:
    context = require(info, Role.EDITOR)
    ident = clean_id("id", ident)

    async def work(tx: Tx) -> Deleted:
        await _editable(tx, label, ident, what)
        await tx.run(f"MATCH (n:{label} {{id: $id}}) DETACH DELETE n", id=ident)
        return Deleted(id=strawberry.ID(ident), deleted=True)

    return await context.gateway.write(work)


_REL_ROW = (
    "{{type: type(r), rel: properties(r), start: {s}, end: {e}}} AS row".format(
        s=node_map("s"), e=node_map("e")
    )
)


def _entity_props(label: Label, values: dict[str, Any], partial: bool) -> dict[str, Any]:
    if label != Label.STRATEGY and values.get("cluster") not in (None, UNSET):
        raise invalid("cluster", "only strategies have a cluster")
    if label != Label.STRATEGY:
        values.pop("cluster", None)
    kind = _KIND_OF[label]
    return properties(kind, clean_row(kind, values, partial=partial))


async def _create_entity(info: Info[Any, Any], label: Label, data: EntityInput) -> Row:
    context = require(info, Role.EDITOR)
    props = _entity_props(label, _values(data), partial=False)
    props.setdefault("source", "custom")
    return await context.gateway.write(lambda tx: _create(tx, label, props, label.lower()))


async def _update_entity(
    info: Info[Any, Any], label: Label, ident: str, patch: EntityPatch
) -> Row:
    context = require(info, Role.EDITOR)
    props = _entity_props(label, _values(patch), partial=True)
    return await context.gateway.write(
        lambda tx: _update(tx, label, clean_id("id", ident), props, label.lower())
    )


def _activity_row(data: ActivityInput) -> tuple[dict[str, Any], str]:
    """Returns the properties of a new activity and the id of its project."""
    row = clean_row("activities", _values(data))
    return properties("activities", row), row["project_id"]


def _patch(label: Label, patch: Any) -> dict[str, Any]:
    kind = _KIND_OF[label]
    return properties(kind, clean_row(kind, _values(patch), partial=True))


async def _create_activity(tx: Tx, props: dict[str, Any], project_id: str) -> Row:
    await _require_nodes(tx, Label.PROJECT, "project", [project_id])
    node = await _create(tx, Label.ACTIVITY, props, "activity")
    await tx.run(
        f"MATCH (a:{Label.ACTIVITY} {{id: $id}}), (p:{Label.PROJECT} {{id: $project}}) "
        f"CREATE (a)-[:{Rel.FOR_PROJECT}]->(p)",
        id=props["id"],
        project=project_id,
    )
    return node


# --- the root --------------------------------------------------------------------------------


@strawberry.type
class Mutation(PrivacyMutation):
    @strawberry.mutation(description="Creates a stakeholder (CONFLICT if the id is taken).")
    async def create_stakeholder(self, info: Info, input: StakeholderInput) -> Stakeholder:
        context = require(info, Role.EDITOR)
        props = properties("stakeholders", clean_row("stakeholders", _values(input)))
        labels = f"{Label.STAKEHOLDER}:{Kind(props['kind']).label}"
        row = await context.gateway.write(lambda tx: _create(tx, labels, props, "stakeholder"))
        return stakeholder_from_row(row)

    @strawberry.mutation(description="Changes a stakeholder (its kind too).")
    async def update_stakeholder(
        self, info: Info, id: strawberry.ID, patch: StakeholderPatch
    ) -> Stakeholder:
        context = require(info, Role.EDITOR)
        ident = clean_id("id", id)
        props = _patch(Label.STAKEHOLDER, patch)
        kind = props.get("kind")

        async def work(tx: Tx) -> Row:
            row = await _update(tx, Label.STAKEHOLDER, ident, props, "stakeholder")
            if kind is None:
                return row
            # The kind label comes from the Kind enum, never from the input string itself.
            rows = await tx.run(
                f"MATCH (n:{Label.STAKEHOLDER} {{id: $id}}) "
                f"REMOVE n:{Label.PERSON}:{Label.GROUP}:{Label.ORGANISATION} "
                f"SET n:{Kind(kind).label} RETURN {node_map('n')} AS node",
                id=ident,
            )
            node: Row = rows[0]["node"]
            return node

        return stakeholder_from_row(await context.gateway.write(work))

    @strawberry.mutation(description="Deletes a stakeholder and its relationships.")
    async def delete_stakeholder(self, info: Info, id: strawberry.ID) -> Deleted:
        return await _delete(info, Label.STAKEHOLDER, id, "stakeholder")

    @strawberry.mutation(description="Creates a project.")
    async def create_project(self, info: Info, input: ProjectInput) -> Project:
        context = require(info, Role.EDITOR)
        props = properties("projects", clean_row("projects", _values(input)))
        row = await context.gateway.write(lambda tx: _create(tx, Label.PROJECT, props, "project"))
        return Project.from_row(row)

    @strawberry.mutation(description="Changes a project.")
    async def update_project(self, info: Info, id: strawberry.ID, patch: ProjectPatch) -> Project:
        context = require(info, Role.EDITOR)
        props = _patch(Label.PROJECT, patch)
        row = await context.gateway.write(
            lambda tx: _update(tx, Label.PROJECT, clean_id("id", id), props, "project")
        )
        return Project.from_row(row)

    @strawberry.mutation(description="Deletes a project and its relationships.")
    async def delete_project(self, info: Info, id: strawberry.ID) -> Deleted:
        return await _delete(info, Label.PROJECT, id, "project")

    @strawberry.mutation(description="Creates an activity of a project (no participants).")
    async def create_activity(self, info: Info, input: ActivityInput) -> EngagementActivity:
        context = require(info, Role.EDITOR)
        props, project = _activity_row(input)
        row = await context.gateway.write(lambda tx: _create_activity(tx, props, project))
        return EngagementActivity.from_row(row)

    @strawberry.mutation(description="Changes an activity.")
    async def update_activity(
        self, info: Info, id: strawberry.ID, patch: ActivityPatch
    ) -> EngagementActivity:
        context = require(info, Role.EDITOR)
        props = _patch(Label.ACTIVITY, patch)
        row = await context.gateway.write(
            lambda tx: _update(tx, Label.ACTIVITY, clean_id("id", id), props, "activity")
        )
        return EngagementActivity.from_row(row)

    @strawberry.mutation(description="Deletes an activity.")
    async def delete_activity(self, info: Info, id: strawberry.ID) -> Deleted:
        return await _delete(info, Label.ACTIVITY, id, "activity")

    @strawberry.mutation(
        description="Records an activity with its participants, strategies, objectives and "
        "outcomes in one transaction (nothing is written if any id is unknown)."
    )
    async def record_activity(
        self, info: Info, input: RecordActivityInput
    ) -> EngagementActivity:
        context = require(info, Role.EDITOR)
        props, project = _activity_row(input.activity)
        people = _ids("participants", [p.stakeholder_id for p in input.participants],
                      "stakeholders")
        roles = [clean_optional("participation", "role", p.role) for p in input.participants]
        links = {
            Rel.APPLIED: (Label.STRATEGY, "strategy",
                          _ids("strategyIds", input.strategy_ids, "strategies")),
            Rel.PURSUED: (Label.OBJECTIVE, "objective",
                          _ids("objectiveIds", input.objective_ids, "objectives")),
            Rel.CONTRIBUTED_TO: (Label.OUTCOME, "outcome",
                                 _ids("outcomeIds", input.outcome_ids, "outcomes")),
        }

        async def work(tx: Tx) -> Row:
            await _require_nodes(tx, Label.STAKEHOLDER, "stakeholder", people)
            for label, what, ids in links.values():
                await _require_nodes(tx, label, what, ids)
            node = await _create_activity(tx, props, project)
            if people:
                await tx.run(
                    f"MATCH (a:{Label.ACTIVITY} {{id: $id}}) UNWIND $rows AS row "
                    f"MATCH (s:{Label.STAKEHOLDER} {{id: row.id}}) "
                    f"CREATE (s)-[r:{Rel.PARTICIPATED_IN}]->(a) "
                    "SET r.role = row.role",
                    id=props["id"],
                    rows=[{"id": i, "role": r} for i, r in zip(people, roles, strict=True)],
                )
            for rel, (label, _, ids) in links.items():
                if ids:
                    await tx.run(
                        f"MATCH (a:{Label.ACTIVITY} {{id: $id}}) UNWIND $ids AS target "
                        f"MATCH (t:{label} {{id: target}}) CREATE (a)-[:{rel}]->(t)",
                        id=props["id"],
                        ids=ids,
                    )
            return node

        return EngagementActivity.from_row(await context.gateway.write(work))

    @strawberry.mutation(description="Creates a custom implementation strategy.")
    async def create_strategy(self, info: Info, input: EntityInput) -> Strategy:
        return Strategy.from_row(await _create_entity(info, Label.STRATEGY, input))

    @strawberry.mutation(description="Changes a custom strategy (shipped ones are read-only).")
    async def update_strategy(self, info: Info, id: strawberry.ID, patch: EntityPatch) -> Strategy:
        return Strategy.from_row(await _update_entity(info, Label.STRATEGY, id, patch))

    @strawberry.mutation(description="Deletes a custom strategy.")
    async def delete_strategy(self, info: Info, id: strawberry.ID) -> Deleted:
        return await _delete(info, Label.STRATEGY, id, "strategy")

    @strawberry.mutation(description="Creates a custom outcome.")
    async def create_outcome(self, info: Info, input: EntityInput) -> Outcome:
        return Outcome.from_row(await _create_entity(info, Label.OUTCOME, input))

    @strawberry.mutation(description="Changes a custom outcome.")
    async def update_outcome(self, info: Info, id: strawberry.ID, patch: EntityPatch) -> Outcome:
        return Outcome.from_row(await _update_entity(info, Label.OUTCOME, id, patch))

    @strawberry.mutation(description="Deletes a custom outcome.")
    async def delete_outcome(self, info: Info, id: strawberry.ID) -> Deleted:
        return await _delete(info, Label.OUTCOME, id, "outcome")

    @strawberry.mutation(description="Creates a custom engagement objective.")
    async def create_objective(self, info: Info, input: EntityInput) -> Objective:
        return Objective.from_row(await _create_entity(info, Label.OBJECTIVE, input))

    @strawberry.mutation(description="Changes a custom objective.")
    async def update_objective(
        self, info: Info, id: strawberry.ID, patch: EntityPatch
    ) -> Objective:
        return Objective.from_row(await _update_entity(info, Label.OBJECTIVE, id, patch))

    @strawberry.mutation(description="Deletes a custom objective.")
    async def delete_objective(self, info: Info, id: strawberry.ID) -> Deleted:
        return await _delete(info, Label.OBJECTIVE, id, "objective")

    @strawberry.mutation(
        description="Adds a dated assessment of a stakeholder's stake in a project; earlier "
        "ones are kept as history (CONFLICT if the same date and assessor exist)."
    )
    async def assess_stake(self, info: Info, input: AssessStakeInput) -> StakeAssessment:
        context = require(info, Role.EDITOR)
        row = clean_row("assessments", _values(input))
        stakeholder, project = row["stakeholder_id"], row["project_id"]
        props = properties("assessments", row)
        props["quadrant"] = quadrant(props["interest"], props["impact"])
        props["id"] = assessment_id(stakeholder, project, props["date"], props["assessor"])

        async def work(tx: Tx) -> Row:
            await _require_nodes(tx, Label.STAKEHOLDER, "stakeholder", [stakeholder])
            await _require_nodes(tx, Label.PROJECT, "project", [project])
            # The write lock on the stakeholder (taken by SET, released at commit) serialises
            # concurrent assessments of it: without it two callers both find no assessment
            # with this id and both CREATE one (a duplicate, one of them a lost update).
            rows = await tx.run(
                f"MATCH (s:{Label.STAKEHOLDER} {{id: $s}}) SET s._lock = true REMOVE s._lock "
                f"WITH s OPTIONAL MATCH (s)-[r:{Rel.ASSESSED} {{id: $rid}}]->"
                f"(:{Label.PROJECT} {{id: $p}}) RETURN count(r) AS n",
                s=stakeholder, p=project, rid=props["id"],
            )
            if rows[0]["n"]:
                raise ApiError(
                    ErrorCode.CONFLICT,
                    "an assessment with this date and assessor already exists",
                    id=props["id"],
                )
            rows = await tx.run(
                f"MATCH (s:{Label.STAKEHOLDER} {{id: $s}}), (e:{Label.PROJECT} {{id: $p}}) "
                f"CREATE (s)-[r:{Rel.ASSESSED}]->(e) SET r = $props RETURN {_REL_ROW}",
                s=stakeholder, p=project, props=props,
            )
            row: Row = rows[0]["row"]
            return row

        return StakeAssessment.from_row(await context.gateway.write(work))

    @strawberry.mutation(description="Adds a tie, or updates the one of that type and direction.")
    async def add_tie(self, info: Info, input: TieInput) -> Tie:
        context = require(info, Role.EDITOR)
        row = clean_row("ties", _values(input))
        source, target = row["source_id"], row["target_id"]
        rel = TIE_WORDS[row["type"]]
        props = properties("ties", row)
        props.setdefault("weight", 1.0)

        async def work(tx: Tx) -> Row:
            await _require_nodes(tx, Label.STAKEHOLDER, "stakeholder", [source, target])
            rows = await tx.run(
                f"MATCH (s:{Label.STAKEHOLDER} {{id: $s}}), (e:{Label.STAKEHOLDER} {{id: $t}}) "
                f"MERGE (s)-[r:{rel}]->(e) SET r += $props RETURN {_REL_ROW}",
                s=source, t=target, props=props,
            )
            row: Row = rows[0]["row"]
            return row

        return Tie.from_row(await context.gateway.write(work))

    @strawberry.mutation(description="Removes a tie (NOT_FOUND if there is none).")
    async def remove_tie(
        self, info: Info, type: TieType, source_id: strawberry.ID, target_id: strawberry.ID
    ) -> bool:
        context = require(info, Role.EDITOR)
        ties = kind_spec("ties")
        source = clean_id("sourceId", source_id, ties.column("source_id"))
        target = clean_id("targetId", target_id, ties.column("target_id"))
        rel = TIE_WORDS[clean_value("type", ties.column("type"), type.value)]

        async def work(tx: Tx) -> bool:
            rows = await tx.run(
                f"MATCH (:{Label.STAKEHOLDER} {{id: $s}})-[r:{rel}]->"
                f"(:{Label.STAKEHOLDER} {{id: $t}}) DELETE r RETURN count(*) AS n",
                s=source, t=target,
            )
            if not rows or not rows[0]["n"]:
                raise ApiError(
                    ErrorCode.NOT_FOUND, f"no {rel} tie from {source!r} to {target!r}"
                )
            return True

        return await context.gateway.write(work)



