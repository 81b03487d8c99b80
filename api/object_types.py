"""The GraphQL object types of every node and relationship of the model, generated from it.

Each type's property fields come from the model (`stakegraph.schema.combined.Model`): one field
per property, typed, described by the property's doc, a personal one behind the editor role;
a declared property appears with no code of its own. What is written here is behaviour: the
links between types (`stakes`, `ties`, `project`...), which load through request-scoped
DataLoaders (one query per field and level, not per parent), and the few values that are not
properties (a tie's type, a quadrant's advice).

The classes are made in three steps, so that links may point at any type: plain classes with
their property annotations, then the link fields (their resolvers' signatures name the class
objects), then Strawberry's decoration, the Stakeholder interface before its kinds.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import strawberry
from stakegraph.api.context import can_see_personal, ctx
from stakegraph.api.dataloaders import HopPage, HopRequest
from stakegraph.api.enums import StakeholderKind, TieDirection, TieType
from stakegraph.api.errors import forbidden
from stakegraph.api.filters import Filters
from stakegraph.api.gql import (
    annotation,
    camel,
    connection_of,
    converter,
    description,
    list_of,
    optional,
    param,
    python_name,
    resolver,
)
from stakegraph.api.pagination import Connection, connection, wants_total, window
from stakegraph.api.reads import Direction, Hop
from stakegraph.api.vocab import vocabulary_code
from stakegraph.schema.combined import Model
from stakegraph.schema.graphdb import RecordData
from stakegraph.schema.model import Kind, Label, Prop, Rel
from strawberry import Info

# Plain (unpaged) relationship lists stop here; the paged ones use first/after.
LIST_CAP = 500
_KIND_CLASSES = {Kind.PERSON: "Person", Kind.GROUP: "Group", Kind.ORGANISATION: "Organisation"}
_KIND_VALUES = frozenset(k.value for k in Kind)
_ENTITIES = {"Strategy": Label.STRATEGY, "Outcome": Label.OUTCOME, "Objective": Label.OBJECTIVE}
# The relationship behind each relationship type of the API (ties: any tie type).
_REL_TYPES = {
    "StakeAssessment": Rel.ASSESSED, "Tie": Rel.INFLUENCES, "Membership": Rel.MEMBER_OF,
    "Participation": Rel.PARTICIPATED_IN, "StrategyUse": Rel.APPLIED,
    "ObjectivePursuit": Rel.PURSUED, "OutcomeContribution": Rel.CONTRIBUTED_TO,
    "Observation": Rel.OBSERVED,
}
_DOCS = {
    "Project": "A study, programme or implementation effort.",
    "EngagementActivity": "A meeting, workshop, focus group... and the level it reached.",
    "Strategy": "An implementation strategy (ERIC ships; custom ones allowed).",
    "Outcome": "An implementation or engagement outcome (Proctor, I-STEM, custom).",
    "Objective": "An engagement objective (I-STEM ships; custom allowed).",
    "Concept": "A term of a vocabulary; id is 'scheme:code'.",
    "StakeAssessment": "A dated judgement of a stakeholder's stake in a project.",
    "Tie": "A tie between two stakeholders.",
    "Membership": "A member organisation or group link of a person.",
    "Participation": "A stakeholder's part in an activity.",
    "StrategyUse": "An activity applying a strategy.",
    "ObjectivePursuit": "An activity pursuing an objective.",
    "OutcomeContribution": "An activity contributing to an outcome.",
    "Observation": "An outcome observed for a project at a date, with a value.",
    "Stakeholder": "A person, group or organisation with a stake.",
    "Person": "A person.",
    "Group": "A group (a patient group, a network, a team...).",
    "Organisation": "An organisation.",
}


@dataclass(frozen=True)
class _Field:
    """How one property becomes a field: its attribute, where the value is read from and how it
    is converted; ``personal`` fields are resolvers instead of attributes."""

    attribute: str
    prop: str
    convert: Callable[[Any], Any]
    fallback: Any
    personal: bool


def _nullable(prop: Prop, strict: bool = False) -> bool:
    # Absent values read as null, except ids, names, values with a default, and the required
    # properties of what only stakegraph writes (``strict``: vocabulary terms).
    return not (prop.name in ("id", "name") or prop.default is not None
                or (prop.required and (prop.enum is not None or strict)))


def _fields(props: tuple[Prop, ...], strict: bool = False) -> list[_Field]:
    return [
        _Field(python_name(p.name), p.name, converter(p),
               "" if not _nullable(p, strict) and p.default is None and p.enum is None
               else None, p.personal)
        for p in props
    ]


def _personal_resolver(prop: Prop) -> Any:
    def read(root: Any, info: Info[Any, Any]) -> Any:
        if not can_see_personal(info):
            raise forbidden(f"{camel(prop.name)} is personal data: the editor or admin role "
                            "is required")
        return converter(prop)(root.row.get(prop.name))

    return strawberry.field(resolver=resolver(read, [], annotation(prop, nullable=True)),
                            description=description(prop))


class ObjectTypes:
    """The generated object types of one model, and how to build them from rows (a node's
    properties with ``_labels``; a relationship's ``{type, rel, start, end}``)."""

    def __init__(self, model: Model, filters: Filters) -> None:
        self.model = model
        self.filters = filters
        self.classes: dict[str, type] = {}
        self._fields: dict[str, list[_Field]] = {}
        self._served: dict[str, tuple[tuple[str, str, Callable[[Any], Any], Any, Any], ...]] = {}
        self._build()

    def __getitem__(self, name: str) -> type:
        return self.classes[name]

    # --- building objects from rows ---------------------------------------------------------

    def _values(self, name: str, source: RecordData) -> dict[str, Any]:
        # Runs for every object of every answer (hundreds per nested request): the served
        # fields' tuples are made once per type, and a missing value skips its conversion.
        served = self._served.get(name)
        if served is None:
            served = self._served[name] = tuple(
                (f.attribute, f.prop, f.convert, f.fallback, f.convert(None))
                for f in self._fields[name] if not f.personal)
        values: dict[str, Any] = {}
        get = source.get
        for attribute, prop, convert, fallback, missing in served:
            raw = get(prop)
            value = missing if raw is None else convert(raw)
            values[attribute] = fallback if value is None else value
        return values

    def node(self, name: str, row: RecordData) -> Any:
        """Returns the object of type ``name`` for a node row."""
        return self.classes[name](row=row, **self._values(name, row))

    def stakeholder(self, row: RecordData) -> Any:
        """Returns the Person, Group or Organisation object of a stakeholder row."""
        kind = row.get("kind")
        if kind not in _KIND_VALUES:
            kind = _kind_from_labels(row)
        name = _KIND_CLASSES[Kind(kind)]
        values = self._values(name, row)
        values["kind"] = StakeholderKind(kind)
        return self.classes[name](row=row, **values)

    def entity(self, name: str, row: RecordData) -> Any:
        """Returns the Strategy, Outcome or Objective object of a node row."""
        return self.classes[name](row=row, is_vocabulary=Label.CONCEPT in row.get("_labels", ()),
                                  **self._values(name, row))

    def relationship(self, name: str, row: RecordData, **extra: Any) -> Any:
        """Returns the object of relationship type ``name`` for a hop row."""
        return self.classes[name](row=row, **self._values(name, row["rel"]), **extra)

    # --- the classes ------------------------------------------------------------------------

    def _plain(self, name: str, props: tuple[Prop, ...], extra: dict[str, Any] | None = None,
               bases: tuple[type, ...] = (), strict: bool = False) -> type:
        notes: dict[str, Any] = {"row": strawberry.Private[dict[str, Any]]}
        namespace: dict[str, Any] = {}
        for p in props:
            if p.personal:
                namespace[python_name(p.name)] = _personal_resolver(p)
                continue
            notes[python_name(p.name)] = annotation(p, nullable=_nullable(p, strict))
            namespace[python_name(p.name)] = strawberry.field(description=description(p))
        for key, (note, field) in (extra or {}).items():
            notes[key] = note
            namespace[key] = field
        namespace["__annotations__"] = notes
        cls = type(name, bases, namespace)
        self.classes[name] = cls
        self._fields[name] = _fields(props, strict)
        return cls

    def _build(self) -> None:
        model = self.model
        shared = tuple(p for p in model.node(Label.STAKEHOLDER).props if not p.kinds)
        self._plain("Stakeholder", shared)
        self._plain("Project", model.node(Label.PROJECT).props)
        self._plain("EngagementActivity", model.node(Label.ACTIVITY).props)
        vocabulary = (bool, strawberry.field(description="Shipped with the schema (read-only)."))
        for name, label in _ENTITIES.items():
            self._plain(name, model.node(label).props, {"is_vocabulary": vocabulary})
        self._plain("Concept", model.node(Label.CONCEPT).props, strict=True)
        tie_type = (TieType, strawberry.field(description="Which tie it is."))
        for name, rel in _REL_TYPES.items():
            extra = {"type": tie_type} if name == "Tie" else None
            self._plain(name, model.rel(rel).props, extra)
        self._links()
        interface = strawberry.interface(self.classes["Stakeholder"],
                                         description=_DOCS["Stakeholder"])
        for kind, name in _KIND_CLASSES.items():
            own = tuple(p for p in model.node(Label.STAKEHOLDER).props if kind in p.kinds)
            self._plain(name, own, bases=(interface,))
            self._fields[name] = self._fields["Stakeholder"] + _fields(own)
        self._kind_links()
        for name, cls in self.classes.items():
            if name != "Stakeholder":
                strawberry.type(cls, description=_DOCS[name])

    def _link(self, owner: str, name: str, function: Callable[..., Any], returns: Any,
              doc: str, params: list[Any] | None = None) -> None:
        # A fresh function per field: the made signature is set on it, not on a shared one.
        call: Callable[..., Any]
        if inspect.iscoroutinefunction(function):
            async def waited(root: Any, info: Info[Any, Any], **args: Any) -> Any:
                return await function(root, info, **args)

            call = waited
        else:
            def direct(root: Any, info: Info[Any, Any], **args: Any) -> Any:
                return function(root, info, **args)

            call = direct
        setattr(self.classes[owner], name, strawberry.field(
            resolver=resolver(call, params or [], returns), description=doc))

    def _links(self) -> None:
        c = self.classes
        stake, tie, part = c["StakeAssessment"], c["Tie"], c["Participation"]
        page_args = [param("first", optional(int), None), param("after", optional(str), None)]
        stakes_filter = param("filter", optional(self.filters.stake.input), None)
        tie_filter = param("filter", optional(self.filters.tie.input), None)
        # --- Stakeholder
        self._link("Stakeholder", "stakes", self._stakeholder_stakes, list_of(stake),
                   "Stake assessments, newest first: the current one per project, or the whole "
                   "history with history: true; asOf gives the state at a date.",
                   [param("project", optional(strawberry.ID), None),
                    param("history", bool, False), param("as_of", optional(date), None),
                    stakes_filter])
        self._link("Stakeholder", "ties", self._ties, connection_of(tie),
                   "Ties to and from other stakeholders, strongest first.",
                   [param("direction", TieDirection, TieDirection.BOTH),
                    param("types", optional(list_of(TieType)), None), *page_args, tie_filter])
        self._link("Stakeholder", "participations", self._participations, connection_of(part),
                   "Activities the stakeholder took part in, newest first.", page_args)
        # --- Project
        activity, project, observation = c["EngagementActivity"], c["Project"], c["Observation"]
        concept = c["Concept"]
        self._link("Project", "activities", self._project_activities, connection_of(activity),
                   "The project's activities, newest first, optionally filtered.",
                   [param("stage", optional(str), None), param("level", optional(str), None),
                    param("type", optional(str), None),
                    param("date_from", optional(date), None),
                    param("date_to", optional(date), None), *page_args])
        self._link("Project", "stakes", self._project_stakes, connection_of(stake),
                   "Stake assessments in this project: the current one per stakeholder (or the "
                   "history), optionally by quadrant or 9 C category, newest first.",
                   [param("quadrant", optional(str), None),
                    param("category", optional(str), None), param("history", bool, False),
                    param("as_of", optional(date), None), *page_args, stakes_filter])
        self._link("Project", "observations", self._hop_all(
                   Hop(Label.PROJECT, (Rel.OBSERVED,), Direction.OUT, Label.OUTCOME),
                   "Observation", order="REL_DATE_DESC"),
                   list_of(observation),
                   "Outcome observations for the project, newest first.")
        # --- EngagementActivity
        self._link("EngagementActivity", "project", self._hop_one(
                   Hop(Label.ACTIVITY, (Rel.FOR_PROJECT,), Direction.OUT, Label.PROJECT),
                   "end", "Project"),
                   optional(project), "The project the activity belongs to.")
        self._link("EngagementActivity", "participants", self._participants, connection_of(part),
                   "Who took part, with their role.", page_args)
        for field, rel, target, doc in (
            ("strategies", Rel.APPLIED, "StrategyUse",
             "Implementation strategies the activity applied."),
            ("objectives", Rel.PURSUED, "ObjectivePursuit",
             "Engagement objectives the activity pursued."),
            ("outcomes", Rel.CONTRIBUTED_TO, "OutcomeContribution",
             "Outcomes the activity contributed to."),
        ):
            self._link("EngagementActivity", field, self._hop_all(
                Hop(Label.ACTIVITY, (rel,), Direction.OUT, _end_label(rel)), target),
                       list_of(c[target]), doc)
        # --- Strategy, Outcome, Objective
        for owner, field, label, rel, target, doc in (
            ("Strategy", "uses", Label.STRATEGY, Rel.APPLIED, "StrategyUse",
             "Activities that applied the strategy, newest first."),
            ("Outcome", "contributions", Label.OUTCOME, Rel.CONTRIBUTED_TO,
             "OutcomeContribution", "Activities that contributed to the outcome, newest first."),
            ("Objective", "pursuits", Label.OBJECTIVE, Rel.PURSUED, "ObjectivePursuit",
             "Activities that pursued the objective, newest first."),
        ):
            self._link(owner, field, self._entity_uses(label, rel, target),
                       connection_of(c[target]), doc, page_args)
        self._link("Outcome", "observations", self._hop_all(
                   Hop(Label.OUTCOME, (Rel.OBSERVED,), Direction.IN, Label.PROJECT),
                   "Observation", order="REL_DATE_DESC"),
                   list_of(observation),
                   "Observations of the outcome in projects, newest first.")
        # --- Concept
        self._link("Concept", "broader", self._hop_one(
            Hop(Label.CONCEPT, (Rel.BROADER,), Direction.OUT, Label.CONCEPT), "end", "Concept"),
            optional(concept),
                   "The broader term (an ERIC strategy's cluster).")
        self._link("Concept", "narrower", self._hop_all(
            Hop(Label.CONCEPT, (Rel.BROADER,), Direction.IN, Label.CONCEPT), "Concept", "start"),
            list_of(concept),
                   "Narrower terms.")
        # --- relationships: their ends
        stakeholder = c["Stakeholder"]
        self._link("StakeAssessment", "advice", _advice, optional(str),
                   "The engagement advice of the quadrant.")
        ends = (
            ("StakeAssessment", "stakeholder", "start", stakeholder, "The stakeholder."),
            ("StakeAssessment", "project", "end", c["Project"], "The project."),
            ("Tie", "source", "start", stakeholder,
             "Where the tie starts (for COLLABORATES_WITH: as stored)."),
            ("Tie", "target", "end", stakeholder, "Where the tie ends."),
            ("Membership", "member", "start", stakeholder, "The person."),
            ("Membership", "organisation", "end", stakeholder, "The group or organisation."),
            ("Participation", "stakeholder", "start", stakeholder, "Who took part."),
            ("Participation", "activity", "end", activity, "The activity."),
            ("StrategyUse", "activity", "start", activity, "The activity."),
            ("StrategyUse", "strategy", "end", c["Strategy"], "The strategy."),
            ("ObjectivePursuit", "activity", "start", activity, "The activity."),
            ("ObjectivePursuit", "objective", "end", c["Objective"], "The objective."),
            ("OutcomeContribution", "activity", "start", activity, "The activity."),
            ("OutcomeContribution", "outcome", "end", c["Outcome"], "The outcome."),
            ("Observation", "project", "start", c["Project"], "The project."),
            ("Observation", "outcome", "end", c["Outcome"], "The outcome."),
        )
        for owner, field, end, target_type, doc in ends:
            self._link(owner, field, self._end(end, target_type), target_type, doc)

    def _kind_links(self) -> None:
        c = self.classes
        membership = c["Membership"]
        self._link("Person", "memberships", self._hop_all(Hop(
            Label.PERSON, (Rel.MEMBER_OF,), Direction.OUT, Label.STAKEHOLDER), "Membership"),
                   list_of(membership), "Groups and organisations the person belongs to.")
        self._link("Group", "members", self._hop_all(Hop(
            Label.STAKEHOLDER, (Rel.MEMBER_OF,), Direction.IN, Label.STAKEHOLDER), "Membership"),
            list_of(membership),
                   "People who belong to the group.")
        self._link("Organisation", "members", self._hop_all(Hop(
            Label.STAKEHOLDER, (Rel.MEMBER_OF,), Direction.IN, Label.STAKEHOLDER), "Membership"),
                   list_of(membership), "People who belong to the organisation.")
        organisation = c["Organisation"]
        self._link("Organisation", "parent", self._hop_one(Hop(
            Label.ORGANISATION, (Rel.PART_OF,), Direction.OUT, Label.ORGANISATION), "end",
            "Organisation"), optional(organisation),
                   "The parent organisation (PART_OF).")
        self._link("Organisation", "parts", self._hop_all(Hop(
            Label.ORGANISATION, (Rel.PART_OF,), Direction.IN, Label.ORGANISATION), "Organisation",
            "start"), list_of(organisation),
                   "Organisations that are part of this one.")

    # --- link resolvers ---------------------------------------------------------------------

    def _made(self, name: str) -> Callable[[RecordData], Any]:
        """Returns how to build an object of ``name`` (a node type, a relationship type, or a
        stakeholder) from a node or relationship row."""
        if name == "Stakeholder":
            return self.stakeholder
        if name == "Tie":
            return lambda row: self.relationship(name, row, type=TieType(row["type"]))
        if name in _REL_TYPES:
            return lambda row: self.relationship(name, row)
        if name in _ENTITIES:
            return lambda row: self.entity(name, row)
        return lambda row: self.node(name, row)

    def _hop_one(self, hop: Hop, end: str, made: str) -> Callable[..., Any]:
        """Returns the resolver of a link to one node (or None): ``end`` is the side of the
        relationship it is on, ``made`` its type."""
        make = self._made(made)

        async def read(root: Any, info: Info[Any, Any]) -> Any:
            page, _ = await hop_page(info, hop, root.id, order="NAME_ASC", paged=False)
            return make(page.rows[0][end]) if page.rows else None

        return read

    def _hop_all(self, hop: Hop, made: str, end: str | None = None,
                 order: str = "NAME_ASC") -> Callable[..., Any]:
        """Returns the resolver of an unpaged link list: objects of ``made`` built from each
        relationship row (or, with ``end``, from the node on that side)."""
        make = self._made(made)

        async def read(root: Any, info: Info[Any, Any]) -> list[Any]:
            page, _ = await hop_page(info, hop, root.id, order=order, paged=False)
            return [make(r[end] if end else r) for r in page.rows]

        return read

    def _end(self, end: str, target: type) -> Callable[..., Any]:
        make = self._made(target.__name__)

        def read(root: Any, info: Info[Any, Any]) -> Any:
            return make(root.row[end])

        return read

    async def _stakeholder_stakes(
        self, root: Any, info: Info[Any, Any], project: str | None, history: bool,
        as_of: date | None, filter: Any,
    ) -> list[Any]:
        hop = Hop(Label.STAKEHOLDER, (Rel.ASSESSED,), Direction.OUT, Label.PROJECT)
        conditions: dict[str, Any] = {"project": project}
        if as_of is not None:
            conditions["asOf"] = as_of
        page, _ = await hop_page(info, hop, root.id, order="REL_DATE_DESC", conditions=conditions,
                                 flags=() if history else ("latest",), paged=False,
                                 where=self.filters.stake.conditions(self.model, filter))
        make = self._made("StakeAssessment")
        return [make(r) for r in page.rows]

    async def _ties(
        self, root: Any, info: Info[Any, Any], direction: Any, types: list[Any] | None,
        first: int | None, after: str | None, filter: Any,
    ) -> Connection[Any]:
        rels = tuple(Rel(t.value) for t in (types or list(TieType)))
        hop = Hop(Label.STAKEHOLDER, rels, Direction(direction.value), Label.STAKEHOLDER)
        page, offset = await hop_page(info, hop, root.id, order="WEIGHT_DESC", first=first,
                                      after=after,
                                      where=self.filters.tie.conditions(self.model, filter))
        make = self._made("Tie")
        return connection([make(r) for r in page.rows], page.total, offset)

    async def _participations(self, root: Any, info: Info[Any, Any], first: int | None,
                              after: str | None) -> Connection[Any]:
        hop = Hop(Label.STAKEHOLDER, (Rel.PARTICIPATED_IN,), Direction.OUT, Label.ACTIVITY)
        page, offset = await hop_page(info, hop, root.id, order="DATE_DESC", first=first,
                                      after=after)
        make = self._made("Participation")
        return connection([make(r) for r in page.rows], page.total, offset)

    async def _project_activities(
        self, root: Any, info: Info[Any, Any], stage: str | None, level: str | None,
        type: str | None, date_from: date | None, date_to: date | None,
        first: int | None, after: str | None,
    ) -> Connection[Any]:
        model = self.model
        hop = Hop(Label.PROJECT, (Rel.FOR_PROJECT,), Direction.IN, Label.ACTIVITY)
        conditions = {
            "stage": vocabulary_code(model, "stage", "lifecycle_stage", stage),
            "level": vocabulary_code(model, "level", "spectrum_level", level),
            "type": vocabulary_code(model, "type", "activity_type", type),
            "dateFrom": date_from,
            "dateTo": date_to,
        }
        page, offset = await hop_page(info, hop, root.id, order="DATE_DESC",
                                      conditions=conditions, first=first, after=after)
        items = [self.node("EngagementActivity", r["start"]) for r in page.rows]
        return connection(items, page.total, offset)

    async def _project_stakes(
        self, root: Any, info: Info[Any, Any], quadrant: str | None, category: str | None,
        history: bool, as_of: date | None, first: int | None, after: str | None,
        filter: Any,
    ) -> Connection[Any]:
        model = self.model
        hop = Hop(Label.PROJECT, (Rel.ASSESSED,), Direction.IN, Label.STAKEHOLDER)
        conditions: dict[str, Any] = {
            "quadrant": vocabulary_code(model, "quadrant", "quadrant", quadrant),
            "category": vocabulary_code(model, "category", "nine_cs", category),
            "asOf": as_of,
        }
        page, offset = await hop_page(
            info, hop, root.id, order="REL_DATE_DESC", conditions=conditions,
            flags=() if history else ("latest",), first=first, after=after,
            where=self.filters.stake.conditions(model, filter))
        make = self._made("StakeAssessment")
        return connection([make(r) for r in page.rows], page.total, offset)

    async def _participants(self, root: Any, info: Info[Any, Any], first: int | None,
                            after: str | None) -> Connection[Any]:
        hop = Hop(Label.ACTIVITY, (Rel.PARTICIPATED_IN,), Direction.IN, Label.STAKEHOLDER)
        page, offset = await hop_page(info, hop, root.id, order="NAME_ASC", first=first,
                                      after=after)
        make = self._made("Participation")
        return connection([make(r) for r in page.rows], page.total, offset)

    def _entity_uses(self, label: Label, rel: Rel, target: str) -> Callable[..., Any]:
        hop = Hop(label, (rel,), Direction.IN, Label.ACTIVITY)
        make = self._made(target)

        async def read(root: Any, info: Info[Any, Any], first: int | None,
                       after: str | None) -> Connection[Any]:
            page, offset = await hop_page(info, hop, root.id, order="DATE_DESC", first=first,
                                          after=after)
            return connection([make(r) for r in page.rows], page.total, offset)

        return read



def _end_label(rel: Rel) -> Label:
    return {Rel.APPLIED: Label.STRATEGY, Rel.PURSUED: Label.OBJECTIVE,
            Rel.CONTRIBUTED_TO: Label.OUTCOME}[rel]


def _advice(root: Any, info: Info[Any, Any]) -> str | None:
    if not root.quadrant:
        return None
    try:
        advice = ctx(info).model.scheme("quadrant").term(root.quadrant).extra.get("advice")
    except KeyError:
        return None
    return None if advice is None else str(advice)


def _kind_from_labels(row: RecordData) -> str:
    labels = set(row.get("_labels", ()))
    if Label.PERSON in labels:
        return "person"
    return "group" if Label.GROUP in labels else "organisation"


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
    where: tuple[list[str], dict[str, Any]] | None = None,
) -> tuple[HopPage, int]:
    """Returns one parent's page of a hop and the page's offset (batched across parents).
    ``conditions`` are named `HOP_CONDITIONS` with their values (None: not given), ``flags``
    named ones without a value, ``where`` generated fragments on ``r`` with their
    parameters."""
    context = ctx(info)
    if paged:
        offset, limit = window(first, after, context.settings.api_max_page_size)
    else:
        offset, limit = 0, LIST_CAP
    # Plain lists have no totalCount, and a connection counts only when it is asked for.
    count = paged and wants_total(info)
    given = {k: v for k, v in (conditions or {}).items() if v is not None}
    fragments, extra = where or ([], {})
    names = tuple(sorted(given)) + flags + tuple(fragments)
    params = dict(given, **extra)
    if "latest" in flags:
        params.setdefault("asOf", None)
    request = HopRequest(hop, names, tuple(sorted(params.items(), key=lambda kv: kv[0])),
                         order, offset, limit, count)
    page = await context.loaders.hop(request).load(parent_id)
    return page, offset


__all__ = ["LIST_CAP", "ObjectTypes", "hop_page"]
