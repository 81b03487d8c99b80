"""The Query root, built for the model served: lookups by id and filtered, ordered, paged lists
of every node type (filters generated from the model), plus the library's questions and the
personal-data audit trail."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from stakegraph.api.analysis_jobs import AnalysisJobQuery
from stakegraph.api.auth import Role
from stakegraph.api.context import require
from stakegraph.api.filters import Filters, FilterSet
from stakegraph.api.gql import connection_of, optional, param, resolver
from stakegraph.api.library_fields import LibraryQuery
from stakegraph.api.object_types import ObjectTypes
from stakegraph.api.pagination import Connection, connection, wants_total, window
from stakegraph.api.privacy import PrivacyQuery
from stakegraph.api.reads import page_query
from stakegraph.api.trusted import TrustedDocumentQuery
from stakegraph.schema.graphdb import RecordData
from stakegraph.schema.model import Label
from strawberry import Info

T = TypeVar("T")


@strawberry.enum(description="Orders of node lists (RELEVANCE only with a search).")
class NodeOrder(Enum):
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    ID_ASC = "ID_ASC"
    ID_DESC = "ID_DESC"
    RELEVANCE = "RELEVANCE"


@strawberry.enum(description="Orders of activity lists.")
class ActivityOrder(Enum):
    DATE_DESC = "DATE_DESC"
    DATE_ASC = "DATE_ASC"
    NAME_ASC = "NAME_ASC"
    ID_ASC = "ID_ASC"
    RELEVANCE = "RELEVANCE"


async def list_nodes(
    info: Info[Any, Any],
    label: Label,
    filters: FilterSet,
    given: Any,
    order: str,
    first: int | None,
    after: str | None,
    make: Callable[[RecordData], T],
    drop: tuple[str, ...] = (),
) -> Connection[T]:
    """Returns one page of nodes of ``label`` meeting the filter ``given`` (one round trip);
    ``drop`` names parameters this list ignores."""
    context = require(info, Role.READER)
    offset, limit = window(first, after, context.settings.api_max_page_size)
    conditions, params = filters.conditions(context.model, given)
    for name in drop:
        params.pop(name, None)
        conditions = [c for c in conditions if f"${name}" not in c]
    search = params.pop("search", None)
    values = dict(params, skip=offset, limit=limit)
    if search is not None:
        values["search"] = search
    count = wants_total(info)
    if not count:
        values["limit"] = limit + 1  # one more than the page tells whether a next page exists
    query = page_query(context.model, label, conditions, order, search is not None, count)
    rows = await context.gateway.read(query, values, maps_only=True)
    total, page = (rows[0]["total"], rows[0]["page"]) if rows else (0, [])
    if not count:
        # totalCount is not selected: a total that gives hasNextPage right is enough.
        total = offset + len(page)
        page = page[:limit]
    return connection([make(r) for r in page], total, offset)


def build_query(types: ObjectTypes, filters: Filters) -> type:
    """Returns the Query root type for the model of ``types`` and ``filters``."""
    fields: dict[str, Any] = {}

    def lookup(name: str, label: Label, make: Callable[[RecordData], Any], doc: str) -> None:
        async def read(root: Any, info: Info[Any, Any], id: str) -> Any:
            context = require(info, Role.READER)
            row = await context.loaders.node(label).load(id)
            return None if row is None else make(row)

        returns = optional(types[_type_of(label)])
        fields[name] = strawberry.field(
            resolver=resolver(read, [param("id", strawberry.ID)], returns), description=doc)

    def listing(name: str, label: Label, make: Callable[[RecordData], Any], filter_set: FilterSet,
                order: type[Enum], default: Enum, doc: str, drop: tuple[str, ...] = ()) -> None:
        async def read(root: Any, info: Info[Any, Any], filter: Any, order_by: Enum,
                       first: int | None, after: str | None) -> Connection[Any]:
            return await list_nodes(info, label, filter_set, filter, str(order_by.value), first,
                                    after, make, drop)

        params = [param("filter", optional(filter_set.input), None),
                  param("order_by", order, default),
                  param("first", optional(int), None), param("after", optional(str), None)]
        returns = connection_of(types[_type_of(label)])
        fields[name] = strawberry.field(resolver=resolver(read, params, returns),
                                        description=doc)

    lookup("stakeholder", Label.STAKEHOLDER, types.stakeholder, "A stakeholder by id.")
    listing("stakeholders", Label.STAKEHOLDER, types.stakeholder, filters.stakeholder, NodeOrder,
            NodeOrder.NAME_ASC, "Stakeholders, filtered and ordered, one page at a time.")
    node = types.node
    lookup("project", Label.PROJECT, lambda r: node("Project", r), "A project by id.")
    listing("projects", Label.PROJECT, lambda r: node("Project", r), filters.project, NodeOrder,
            NodeOrder.NAME_ASC, "Projects, filtered and ordered, one page at a time.")
    lookup("activity", Label.ACTIVITY, lambda r: node("EngagementActivity", r),
           "An engagement activity by id.")
    listing("activities", Label.ACTIVITY, lambda r: node("EngagementActivity", r),
            filters.activity, ActivityOrder, ActivityOrder.DATE_DESC,
            "Engagement activities, filtered and ordered (newest first).")
    for one, many, label, cls, doc in (
        ("strategy", "strategies", Label.STRATEGY, "Strategy",
         ("An implementation strategy by id (ERIC's are 'eric:<code>').",
          "Implementation strategies.")),
        ("outcome", "outcomes", Label.OUTCOME, "Outcome", ("An outcome by id.", "Outcomes.")),
        ("objective", "objectives", Label.OBJECTIVE, "Objective",
         ("An engagement objective by id.", "Engagement objectives.")),
    ):
        def entity(row: RecordData, cls: str = cls) -> Any:
            return types.entity(cls, row)

        # Only strategies have a cluster: the other lists leave that filter out.
        drop = () if label is Label.STRATEGY else ("f_cluster",)
        lookup(one, label, entity, doc[0])
        listing(many, label, entity, filters.entity, NodeOrder, NodeOrder.NAME_ASC, doc[1], drop)
    lookup("concept", Label.CONCEPT, lambda r: node("Concept", r),
           "A vocabulary term by id ('scheme:code').")

    async def concepts(root: Any, info: Info[Any, Any], filter: Any, first: int | None,
                       after: str | None) -> Connection[Any]:
        return await list_nodes(info, Label.CONCEPT, filters.concept, filter, "ORDER_ASC", first,
                                after, lambda r: node("Concept", r))

    fields["concepts"] = strawberry.field(
        resolver=resolver(concepts, [
            param("filter", optional(filters.concept.input), None),
            param("first", optional(int), None), param("after", optional(str), None)],
            connection_of(types["Concept"])),
        description="Vocabulary terms, in their scheme's order.")
    return strawberry.type(type(
        "Query", (LibraryQuery, PrivacyQuery, TrustedDocumentQuery, AnalysisJobQuery), fields))


def _type_of(label: Label) -> str:
    return {Label.STAKEHOLDER: "Stakeholder", Label.PROJECT: "Project",
            Label.ACTIVITY: "EngagementActivity", Label.STRATEGY: "Strategy",
            Label.OUTCOME: "Outcome", Label.OBJECTIVE: "Objective",
            Label.CONCEPT: "Concept"}[label]
