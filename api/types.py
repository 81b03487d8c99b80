"""GraphQL object types for every node and relationship of the model.

Objects are built from rows (a node's properties plus ``_labels``); relationship fields load
through request-scoped DataLoaders, so each field costs one query per level, not per parent.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from stakegraph.api.context import can_see_personal, ctx
from stakegraph.api.cypher import Direction, Hop
from stakegraph.api.dataloaders import HopPage, HopRequest
from stakegraph.api.errors import forbidden
from stakegraph.api.pagination import Connection, connection, wants_total, window
from stakegraph.api.values import to_date, to_float, to_int
from stakegraph.api.vocab import vocabulary_code
from stakegraph.schema.model import Label, Rel
from stakegraph.schema.vocabulary import scheme
from strawberry import Info

# Plain (unpaged) relationship lists stop here; the paged ones use first/after.
LIST_CAP = 500


@strawberry.enum(description="The kinds of stakeholder.")
class StakeholderKind(Enum):
    PERSON = "person"
    GROUP = "group"
    ORGANISATION = "organisation"


@strawberry.enum(description="Ties between stakeholders.")
class TieType(Enum):
    INFLUENCES = Rel.INFLUENCES.value
    TRUSTS = Rel.TRUSTS.value
    COLLABORATES_WITH = Rel.COLLABORATES_WITH.value
    REFERRED = Rel.REFERRED.value


@strawberry.enum(description="Which ties: where the stakeholder is source, target, or either.")
class TieDirection(Enum):
    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


Row = dict[str, Any]


async def hop_page(
    info: Info[Any, Any],
    hop: Hop,
    parent_id: str,
    *,
    order: str,
    conditions: dict[str, Any] | None = None,
    flags: tuple[str, ...] = (),
    first: int | None = None,
    after: str | None = None,
    paged: bool = True,
) -> tuple[HopPage, int]:
    """Returns one parent's page of a hop and the page's offset (batched across parents)."""
    context = ctx(info)
    if paged:
        offset, limit = window(first, after, context.settings.api_max_page_size)
    else:
        offset, limit = 0, LIST_CAP
    # Plain lists have no totalCount, and a connection counts only when it is asked for.
    count = paged and wants_total(info)
    given = {k: v for k, v in (conditions or {}).items() if v is not None}
    names = tuple(sorted(given)) + flags
    params = dict(given)
    if "latest" in flags:
        params.setdefault("asOf", None)
    request = HopRequest(hop, names, tuple(sorted(params.items())), order, offset, limit, count)
    page = await context.loaders.hop(request).load(parent_id)
    return page, offset


def _personal(info: Info[Any, Any], row: Row, name: str) -> str | None:
    if not can_see_personal(info):
        raise forbidden(f"{name} is personal data: the editor or admin role is required")
    value = row.get(name)
    return None if value is None else str(value)


# --- nodes -----------------------------------------------------------------------------------


@strawberry.interface(description="A person, group or organisation with a stake.")
class Stakeholder:
    row: strawberry.Private[Row]
    id: strawberry.ID
    name: str
    kind: StakeholderKind
    sector: str | None = strawberry.field(description="code of the `sector` vocabulary")
    societal: bool | None = strawberry.field(description="patients, public or carers")
    seldom_heard: bool | None
    country: str | None
    role: str | None = strawberry.field(description="code of the `cfir_role` vocabulary")

    @strawberry.field(description="Personal data: editor or admin only (null + FORBIDDEN else).")
    def email(self, info: Info) -> str | None:
        return _personal(info, self.row, "email")

    @strawberry.field(description="Personal data: editor or admin only (null + FORBIDDEN else).")
    def phone(self, info: Info) -> str | None:
        return _personal(info, self.row, "phone")

    @strawberry.field(description="Personal data: editor or admin only (null + FORBIDDEN else).")
    def notes(self, info: Info) -> str | None:
        return _personal(info, self.row, "notes")

    @strawberry.field(
        description="Stake assessments, newest first: the current one per project, or the whole "
        "history with history: true; asOf gives the state at a date."
    )
    async def stakes(
        self,
        info: Info,
        project: strawberry.ID | None = None,
        history: bool = False,
        as_of: date | None = None,
    ) -> list[StakeAssessment]:
        hop = Hop(Label.STAKEHOLDER, (Rel.ASSESSED,), Direction.OUT, Label.PROJECT)
        conditions: dict[str, Any] = {"project": project}
        if as_of is not None:
            conditions["asOf"] = as_of
        page, _ = await hop_page(
            info, hop, self.id, order="REL_DATE_DESC", conditions=conditions,
            flags=() if history else ("latest",), paged=False,
        )
        return [StakeAssessment.from_row(r) for r in page.rows]

    @strawberry.field(description="Ties to and from other stakeholders, strongest first.")
    async def ties(
        self,
        info: Info,
        direction: TieDirection = TieDirection.BOTH,
        types: list[TieType] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Tie]:
        rels = tuple(Rel(t.value) for t in (types or list(TieType)))
        hop = Hop(Label.STAKEHOLDER, rels, Direction(direction.value), Label.STAKEHOLDER)
        page, offset = await hop_page(
            info, hop, self.id, order="WEIGHT_DESC", first=first, after=after
        )
        return connection([Tie.from_row(r) for r in page.rows], page.total, offset)

    @strawberry.field(description="Activities the stakeholder took part in, newest first.")
    async def participations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Participation]:
        hop = Hop(Label.STAKEHOLDER, (Rel.PARTICIPATED_IN,), Direction.OUT, Label.ACTIVITY)
        page, offset = await hop_page(
            info, hop, self.id, order="DATE_DESC", first=first, after=after
        )
        return connection([Participation.from_row(r) for r in page.rows], page.total, offset)


def _stakeholder_fields(row: Row) -> dict[str, Any]:
    return {
        "row": row,
        "id": row["id"],
        "name": row.get("name") or "",
        "kind": StakeholderKind(row.get("kind") or _kind_from_labels(row)),
        "sector": row.get("sector"),
        "societal": row.get("societal"),
        "seldom_heard": row.get("seldom_heard"),
        "country": row.get("country"),
        "role": row.get("role"),
    }


def _kind_from_labels(row: Row) -> str:
    labels = set(row.get("_labels", ()))
    if Label.PERSON in labels:
        return "person"
    return "group" if Label.GROUP in labels else "organisation"


@strawberry.type(description="A member organisation or group link of a person.")
class Membership:
    row: strawberry.Private[Row]
    role: str | None
    since: date | None

    @strawberry.field(description="The person.")
    def member(self) -> Stakeholder:
        return stakeholder_from_row(self.row["start"])

    @strawberry.field(description="The group or organisation.")
    def organisation(self) -> Stakeholder:
        return stakeholder_from_row(self.row["end"])

    @classmethod
    def from_row(cls, row: Row) -> Membership:
        rel = row["rel"]
        return cls(row=row, role=rel.get("role"), since=to_date(rel.get("since")))


async def _memberships(info: Info[Any, Any], ident: str, direction: Direction) -> list[Membership]:
    start = Label.PERSON if direction == Direction.OUT else Label.STAKEHOLDER
    hop = Hop(start, (Rel.MEMBER_OF,), direction, Label.STAKEHOLDER)
    page, _ = await hop_page(info, hop, ident, order="NAME_ASC", paged=False)
    return [Membership.from_row(r) for r in page.rows]


@strawberry.type(description="A person.")
class Person(Stakeholder):
    @strawberry.field(description="Groups and organisations the person belongs to.")
    async def memberships(self, info: Info) -> list[Membership]:
        return await _memberships(info, self.id, Direction.OUT)


@strawberry.type(description="A group (a patient group, a network, a team...).")
class Group(Stakeholder):
    @strawberry.field(description="People who belong to the group.")
    async def members(self, info: Info) -> list[Membership]:
        return await _memberships(info, self.id, Direction.IN)


@strawberry.type(description="An organisation.")
class Organisation(Stakeholder):
    @strawberry.field(description="People who belong to the organisation.")
    async def members(self, info: Info) -> list[Membership]:
        return await _memberships(info, self.id, Direction.IN)

    @strawberry.field(description="The parent organisation (PART_OF).")
    async def parent(self, info: Info) -> Organisation | None:
        hop = Hop(Label.ORGANISATION, (Rel.PART_OF,), Direction.OUT, Label.ORGANISATION)
        page, _ = await hop_page(info, hop, self.id, order="NAME_ASC", paged=False)
        return Organisation(**_stakeholder_fields(page.rows[0]["end"])) if page.rows else None

    @strawberry.field(description="Organisations that are part of this one.")
    async def parts(self, info: Info) -> list[Organisation]:
        hop = Hop(Label.ORGANISATION, (Rel.PART_OF,), Direction.IN, Label.ORGANISATION)
        page, _ = await hop_page(info, hop, self.id, order="NAME_ASC", paged=False)
        return [Organisation(**_stakeholder_fields(r["start"])) for r in page.rows]


def stakeholder_from_row(row: Row) -> Stakeholder:
    """Returns the Person, Group or Organisation object of a stakeholder row."""
    fields = _stakeholder_fields(row)
    kind = fields["kind"]
    if kind == StakeholderKind.PERSON:
        return Person(**fields)
    if kind == StakeholderKind.GROUP:
        return Group(**fields)
    return Organisation(**fields)


@strawberry.type(description="A study, programme or implementation effort.")
class Project:
    row: strawberry.Private[Row]
    id: strawberry.ID
    name: str
    description: str | None
    stage: str | None = strawberry.field(description="code of `lifecycle_stage`")
    phase: str | None = strawberry.field(description="code of `implementation_phase`")
    start_date: date | None
    end_date: date | None
    next_review: date | None
    engagement_strategy: bool | None
    inclusion_strategy: bool | None
    coproduction_strategy: bool | None

    @classmethod
    def from_row(cls, row: Row) -> Project:
        return cls(
            row=row,
            id=row["id"],
            name=row.get("name") or "",
            description=row.get("description"),
            stage=row.get("stage"),
            phase=row.get("phase"),
            start_date=to_date(row.get("start_date")),
            end_date=to_date(row.get("end_date")),
            next_review=to_date(row.get("next_review")),
            engagement_strategy=row.get("engagement_strategy"),
            inclusion_strategy=row.get("inclusion_strategy"),
            coproduction_strategy=row.get("coproduction_strategy"),
        )

    @strawberry.field(description="The project's activities, newest first, optionally filtered.")
    async def activities(
        self,
        info: Info,
        stage: str | None = None,
        level: str | None = None,
        type: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[EngagementActivity]:
        hop = Hop(Label.PROJECT, (Rel.FOR_PROJECT,), Direction.IN, Label.ACTIVITY)
        conditions = {
            "stage": vocabulary_code("stage", "lifecycle_stage", stage),
            "level": vocabulary_code("level", "spectrum_level", level),
            "type": vocabulary_code("type", "activity_type", type),
            "dateFrom": date_from,
            "dateTo": date_to,
        }
        page, offset = await hop_page(
            info, hop, self.id, order="DATE_DESC", conditions=conditions, first=first, after=after
        )
        items = [EngagementActivity.from_row(r["start"]) for r in page.rows]
        return connection(items, page.total, offset)

    @strawberry.field(
        description="Stake assessments in this project: the current one per stakeholder (or the "
        "history), optionally by quadrant or 9 C category, newest first."
    )
    async def stakes(
        self,
        info: Info,
        quadrant: str | None = None,
        category: str | None = None,
        history: bool = False,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StakeAssessment]:
        hop = Hop(Label.PROJECT, (Rel.ASSESSED,), Direction.IN, Label.STAKEHOLDER)
        conditions: dict[str, Any] = {
            "quadrant": vocabulary_code("quadrant", "quadrant", quadrant),
            "category": vocabulary_code("category", "nine_cs", category),
            "asOf": as_of,
        }
        page, offset = await hop_page(
            info, hop, self.id, order="REL_DATE_DESC", conditions=conditions,
            flags=() if history else ("latest",), first=first, after=after,
        )
        items = [StakeAssessment.from_row(r) for r in page.rows]
        return connection(items, page.total, offset)

    @strawberry.field(description="Outcome observations for the project, newest first.")
    async def observations(self, info: Info) -> list[Observation]:
        hop = Hop(Label.PROJECT, (Rel.OBSERVED,), Direction.OUT, Label.OUTCOME)
        page, _ = await hop_page(info, hop, self.id, order="REL_DATE_DESC", paged=False)
        return [Observation.from_row(r) for r in page.rows]


@strawberry.type(description="A meeting, workshop, focus group... and the level it reached.")
class EngagementActivity:
    row: strawberry.Private[Row]
    id: strawberry.ID
    name: str
    type: str | None = strawberry.field(description="code of `activity_type`")
    date: date | None
    mode: str | None = strawberry.field(description="code of `engagement_mode`")
    duration_minutes: int | None
    stage: str | None = strawberry.field(description="code of `lifecycle_stage`")
    level: str | None = strawberry.field(description="code of `spectrum_level`")
    notes: str | None

    @classmethod
    def from_row(cls, row: Row) -> EngagementActivity:
        return cls(
            row=row,
            id=row["id"],
            name=row.get("name") or "",
            type=row.get("type"),
            date=to_date(row.get("date")),
            mode=row.get("mode"),
            duration_minutes=to_int(row.get("duration_minutes")),
            stage=row.get("stage"),
            level=row.get("level"),
            notes=row.get("notes"),
        )

    @strawberry.field(description="The project the activity belongs to.")
    async def project(self, info: Info) -> Project | None:
        hop = Hop(Label.ACTIVITY, (Rel.FOR_PROJECT,), Direction.OUT, Label.PROJECT)
        page, _ = await hop_page(info, hop, self.id, order="NAME_ASC", paged=False)
        return Project.from_row(page.rows[0]["end"]) if page.rows else None

    @strawberry.field(description="Who took part, with their role.")
    async def participants(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Participation]:
        hop = Hop(Label.ACTIVITY, (Rel.PARTICIPATED_IN,), Direction.IN, Label.STAKEHOLDER)
        page, offset = await hop_page(
            info, hop, self.id, order="NAME_ASC", first=first, after=after
        )
        return connection([Participation.from_row(r) for r in page.rows], page.total, offset)

    @strawberry.field(description="Implementation strategies the activity applied.")
    async def strategies(self, info: Info) -> list[StrategyUse]:
        hop = Hop(Label.ACTIVITY, (Rel.APPLIED,), Direction.OUT, Label.STRATEGY)
        page, _ = await hop_page(info, hop, self.id, order="NAME_ASC", paged=False)
        return [StrategyUse.from_row(r) for r in page.rows]

    @strawberry.field(description="Engagement objectives the activity pursued.")
    async def objectives(self, info: Info) -> list[ObjectivePursuit]:
        hop = Hop(Label.ACTIVITY, (Rel.PURSUED,), Direction.OUT, Label.OBJECTIVE)
        page, _ = await hop_page(info, hop, self.id, order="NAME_ASC", paged=False)
        return [ObjectivePursuit.from_row(r) for r in page.rows]

    @strawberry.field(description="Outcomes the activity contributed to.")
    async def outcomes(self, info: Info) -> list[OutcomeContribution]:
        hop = Hop(Label.ACTIVITY, (Rel.CONTRIBUTED_TO,), Direction.OUT, Label.OUTCOME)
        page, _ = await hop_page(info, hop, self.id, order="NAME_ASC", paged=False)
        return [OutcomeContribution.from_row(r) for r in page.rows]


def _entity_fields(row: Row) -> dict[str, Any]:
    return {
        "row": row,
        "id": row["id"],
        "name": row.get("name") or "",
        "definition": row.get("definition"),
        "source": row.get("source"),
        "is_vocabulary": Label.CONCEPT in row.get("_labels", ()),
    }


async def _activity_links(
    info: Info[Any, Any], ident: str, start: Label, rel: Rel, first: int | None, after: str | None
) -> tuple[HopPage, int]:
    hop = Hop(start, (rel,), Direction.IN, Label.ACTIVITY)
    return await hop_page(info, hop, ident, order="DATE_DESC", first=first, after=after)


@strawberry.type(description="An implementation strategy (ERIC ships; custom ones allowed).")
class Strategy:
    row: strawberry.Private[Row]
    id: strawberry.ID
    name: str
    cluster: str | None = strawberry.field(description="code of `eric_cluster`")
    definition: str | None
    source: str | None
    is_vocabulary: bool = strawberry.field(description="shipped with the schema (read-only)")

    @classmethod
    def from_row(cls, row: Row) -> Strategy:
        return cls(cluster=row.get("cluster"), **_entity_fields(row))

    @strawberry.field(description="Activities that applied the strategy, newest first.")
    async def uses(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[StrategyUse]:
        page, offset = await _activity_links(
            info, self.id, Label.STRATEGY, Rel.APPLIED, first, after
        )
        return connection([StrategyUse.from_row(r) for r in page.rows], page.total, offset)


@strawberry.type(description="An implementation or engagement outcome (Proctor, I-STEM, custom).")
class Outcome:
    row: strawberry.Private[Row]
    id: strawberry.ID
    name: str
    definition: str | None
    source: str | None
    is_vocabulary: bool

    @classmethod
    def from_row(cls, row: Row) -> Outcome:
        return cls(**_entity_fields(row))

    @strawberry.field(description="Activities that contributed to the outcome, newest first.")
    async def contributions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OutcomeContribution]:
        page, offset = await _activity_links(
            info, self.id, Label.OUTCOME, Rel.CONTRIBUTED_TO, first, after
        )
        return connection([OutcomeContribution.from_row(r) for r in page.rows], page.total, offset)

    @strawberry.field(description="Observations of the outcome in projects, newest first.")
    async def observations(self, info: Info) -> list[Observation]:
        hop = Hop(Label.OUTCOME, (Rel.OBSERVED,), Direction.IN, Label.PROJECT)
        page, _ = await hop_page(info, hop, self.id, order="REL_DATE_DESC", paged=False)
        return [Observation.from_row(r) for r in page.rows]


@strawberry.type(description="An engagement objective (I-STEM ships; custom allowed).")
class Objective:
    row: strawberry.Private[Row]
    id: strawberry.ID
    name: str
    definition: str | None
    source: str | None
    is_vocabulary: bool

    @classmethod
    def from_row(cls, row: Row) -> Objective:
        return cls(**_entity_fields(row))

    @strawberry.field(description="Activities that pursued the objective, newest first.")
    async def pursuits(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ObjectivePursuit]:
        page, offset = await _activity_links(
            info, self.id, Label.OBJECTIVE, Rel.PURSUED, first, after
        )
        return connection([ObjectivePursuit.from_row(r) for r in page.rows], page.total, offset)


@strawberry.type(description="A term of a shipped vocabulary; id is 'scheme:code'.")
class Concept:
    row: strawberry.Private[Row]
    id: strawberry.ID
    scheme: str
    code: str
    name: str
    definition: str | None
    order: int | None

    @classmethod
    def from_row(cls, row: Row) -> Concept:
        return cls(
            row=row,
            id=row["id"],
            scheme=row.get("scheme") or "",
            code=row.get("code") or "",
            name=row.get("name") or "",
            definition=row.get("definition"),
            order=to_int(row.get("order")),
        )

    @strawberry.field(description="The broader term (an ERIC strategy's cluster).")
    async def broader(self, info: Info) -> Concept | None:
        hop = Hop(Label.CONCEPT, (Rel.BROADER,), Direction.OUT, Label.CONCEPT)
        page, _ = await hop_page(info, hop, self.id, order="NAME_ASC", paged=False)
        return Concept.from_row(page.rows[0]["end"]) if page.rows else None

    @strawberry.field(description="Narrower terms.")
    async def narrower(self, info: Info) -> list[Concept]:
        hop = Hop(Label.CONCEPT, (Rel.BROADER,), Direction.IN, Label.CONCEPT)
        page, _ = await hop_page(info, hop, self.id, order="NAME_ASC", paged=False)
        return [Concept.from_row(r["start"]) for r in page.rows]


# --- relationships ---------------------------------------------------------------------------


@strawberry.type(description="A dated judgement of a stakeholder's stake in a project.")
class StakeAssessment:
    row: strawberry.Private[Row]
    id: strawberry.ID
    date: date | None
    assessor: str | None
    method: str | None
    category: str | None = strawberry.field(description="9 C category (`nine_cs`)")
    interest: int | None
    impact: int | None
    influence: int | None
    quadrant: str | None = strawberry.field(description="q1..q4, from interest and impact")
    attitude: str | None
    desired_attitude: str | None
    contact_every_days: int | None
    note: str | None

    @classmethod
    def from_row(cls, row: Row) -> StakeAssessment:
        rel = row["rel"]
        return cls(
            row=row,
            id=strawberry.ID(rel.get("id") or ""),
            date=to_date(rel.get("date")),
            assessor=rel.get("assessor"),
            method=rel.get("method"),
            category=rel.get("category"),
            interest=to_int(rel.get("interest")),
            impact=to_int(rel.get("impact")),
            influence=to_int(rel.get("influence")),
            quadrant=rel.get("quadrant"),
            attitude=rel.get("attitude"),
            desired_attitude=rel.get("desired_attitude"),
            contact_every_days=to_int(rel.get("contact_every_days")),
            note=rel.get("note"),
        )

    @strawberry.field(description="The engagement advice of the quadrant.")
    def advice(self) -> str | None:
        if not self.quadrant:
            return None
        try:
            advice = scheme("quadrant").term(self.quadrant).extra.get("advice")
        except KeyError:
            return None
        return None if advice is None else str(advice)

    @strawberry.field
    def stakeholder(self) -> Stakeholder:
        return stakeholder_from_row(self.row["start"])

    @strawberry.field
    def project(self) -> Project:
        return Project.from_row(self.row["end"])


@strawberry.type(description="A tie between two stakeholders.")
class Tie:
    row: strawberry.Private[Row]
    type: TieType
    weight: float
    date: date | None
    evidence: str | None

    @classmethod
    def from_row(cls, row: Row) -> Tie:
        rel = row["rel"]
        weight = to_float(rel.get("weight"))
        return cls(
            row=row,
            type=TieType(row["type"]),
            weight=1.0 if weight is None else weight,
            date=to_date(rel.get("date")),
            evidence=rel.get("evidence"),
        )

    @strawberry.field(description="Where the tie starts (for COLLABORATES_WITH: as stored).")
    def source(self) -> Stakeholder:
        return stakeholder_from_row(self.row["start"])

    @strawberry.field
    def target(self) -> Stakeholder:
        return stakeholder_from_row(self.row["end"])


@strawberry.type(description="A stakeholder's part in an activity.")
class Participation:
    row: strawberry.Private[Row]
    role: str | None

    @classmethod
    def from_row(cls, row: Row) -> Participation:
        return cls(row=row, role=row["rel"].get("role"))

    @strawberry.field
    def stakeholder(self) -> Stakeholder:
        return stakeholder_from_row(self.row["start"])

    @strawberry.field
    def activity(self) -> EngagementActivity:
        return EngagementActivity.from_row(self.row["end"])


@strawberry.type(description="An activity applying a strategy.")
class StrategyUse:
    row: strawberry.Private[Row]
    note: str | None

    @classmethod
    def from_row(cls, row: Row) -> StrategyUse:
        return cls(row=row, note=row["rel"].get("note"))

    @strawberry.field
    def activity(self) -> EngagementActivity:
        return EngagementActivity.from_row(self.row["start"])

    @strawberry.field
    def strategy(self) -> Strategy:
        return Strategy.from_row(self.row["end"])


@strawberry.type(description="An activity pursuing an objective.")
class ObjectivePursuit:
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> ObjectivePursuit:
        return cls(row=row)

    @strawberry.field
    def activity(self) -> EngagementActivity:
        return EngagementActivity.from_row(self.row["start"])

    @strawberry.field
    def objective(self) -> Objective:
        return Objective.from_row(self.row["end"])


@strawberry.type(description="An activity contributing to an outcome.")
class OutcomeContribution:
    row: strawberry.Private[Row]
    evidence: str | None

    @classmethod
    def from_row(cls, row: Row) -> OutcomeContribution:
        return cls(row=row, evidence=row["rel"].get("evidence"))

    @strawberry.field
    def activity(self) -> EngagementActivity:
        return EngagementActivity.from_row(self.row["start"])

    @strawberry.field
    def outcome(self) -> Outcome:
        return Outcome.from_row(self.row["end"])


@strawberry.type(description="An outcome observed for a project at a date, with a value.")
class Observation:
    row: strawberry.Private[Row]
    id: strawberry.ID
    date: date | None
    value: float | None
    evidence: str | None

    @classmethod
    def from_row(cls, row: Row) -> Observation:
        rel = row["rel"]
        return cls(
            row=row,
            id=strawberry.ID(rel.get("id") or ""),
            date=to_date(rel.get("date")),
            value=to_float(rel.get("value")),
            evidence=rel.get("evidence"),
        )

    @strawberry.field
    def project(self) -> Project:
        return Project.from_row(self.row["start"])

    @strawberry.field
    def outcome(self) -> Outcome:
        return Outcome.from_row(self.row["end"])


ALL_TYPES = (Person, Group, Organisation)
