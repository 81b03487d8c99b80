"""The Query root: lookups by id and filtered, ordered, paged lists of every node type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from stakegraph.api.auth import Role
from stakegraph.api.context import require
from stakegraph.api.cypher import NODE_CONDITIONS, page_query
from stakegraph.api.inputs import (
    ActivityFilter,
    ActivityOrder,
    ConceptFilter,
    EntityFilter,
    NodeOrder,
    ProjectFilter,
    StakeholderFilter,
    activity_params,
    concept_params,
    entity_params,
    lucene_query,
    project_params,
    stakeholder_params,
)
from stakegraph.api.library_fields import LibraryQuery
from stakegraph.api.pagination import Connection, connection, wants_total, window
from stakegraph.api.privacy import PrivacyQuery
from stakegraph.api.types import (
    Concept,
    EngagementActivity,
    Objective,
    Outcome,
    Project,
    Stakeholder,
    Strategy,
    stakeholder_from_row,
)
from stakegraph.schema.model import Label
from strawberry import Info

T = TypeVar("T")


async def list_nodes(
    info: Info[Any, Any],
    label: Label,
    params: dict[str, Any],
    order: str,
    search: str | None,
    first: int | None,
    after: str | None,
    make: Callable[[dict[str, Any]], T],
) -> Connection[T]:
    """Returns one page of nodes of ``label`` matching ``params`` (one round trip)."""
    context = require(info, Role.READER)
    offset, limit = window(first, after, context.settings.api_max_page_size)
    conditions = [k for k, v in params.items() if v is not None and k in NODE_CONDITIONS]
    values = dict(params, skip=offset, limit=limit)
    if search is not None:
        values["search"] = lucene_query(search)
    count = wants_total(info)
    if not count:
        values["limit"] = limit + 1  # one more than the page tells whether a next page exists
    query = page_query(label, conditions, order, search is not None, count)
    rows = await context.gateway.read(query, values, maps_only=True)
    total, page = (rows[0]["total"], rows[0]["page"]) if rows else (0, [])
    if not count:
        # totalCount is not selected: a total that gives hasNextPage right is enough.
        total = offset + len(page)
        page = page[:limit]
    return connection([make(r) for r in page], total, offset)


async def by_id(info: Info[Any, Any], label: Label, ident: str) -> dict[str, Any] | None:
    """Returns the row of the node of ``label`` with id ``ident`` (batched), or None."""
    context = require(info, Role.READER)
    return await context.loaders.node(label).load(ident)


def _maybe(row: dict[str, Any] | None, make: Callable[[dict[str, Any]], T]) -> T | None:
    return None if row is None else make(row)


@strawberry.type
class Query(LibraryQuery, PrivacyQuery):
    @strawberry.field(description="A stakeholder by id.")
    async def stakeholder(self, info: Info, id: strawberry.ID) -> Stakeholder | None:
        return _maybe(await by_id(info, Label.STAKEHOLDER, id), stakeholder_from_row)

    @strawberry.field(description="Stakeholders, filtered and ordered, one page at a time.")
    async def stakeholders(
        self,
        info: Info,
        filter: StakeholderFilter | None = None,
        order_by: NodeOrder = NodeOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Stakeholder]:
        return await list_nodes(
            info, Label.STAKEHOLDER, stakeholder_params(filter), order_by.value,
            filter.search if filter else None, first, after, stakeholder_from_row,
        )

    @strawberry.field(description="A project by id.")
    async def project(self, info: Info, id: strawberry.ID) -> Project | None:
        return _maybe(await by_id(info, Label.PROJECT, id), Project.from_row)

    @strawberry.field(description="Projects, filtered and ordered, one page at a time.")
    async def projects(
        self,
        info: Info,
        filter: ProjectFilter | None = None,
        order_by: NodeOrder = NodeOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Project]:
        return await list_nodes(
            info, Label.PROJECT, project_params(filter), order_by.value,
            filter.search if filter else None, first, after, Project.from_row,
        )

    @strawberry.field(description="An engagement activity by id.")
    async def activity(self, info: Info, id: strawberry.ID) -> EngagementActivity | None:
        return _maybe(await by_id(info, Label.ACTIVITY, id), EngagementActivity.from_row)

    @strawberry.field(description="Engagement activities, filtered and ordered (newest first).")
    async def activities(
        self,
        info: Info,
        filter: ActivityFilter | None = None,
        order_by: ActivityOrder = ActivityOrder.DATE_DESC,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[EngagementActivity]:
        return await list_nodes(
            info, Label.ACTIVITY, activity_params(filter), order_by.value,
            filter.search if filter else None, first, after, EngagementActivity.from_row,
        )

    @strawberry.field(description="An implementation strategy by id (ERIC's are 'eric:<code>').")
    async def strategy(self, info: Info, id: strawberry.ID) -> Strategy | None:
        return _maybe(await by_id(info, Label.STRATEGY, id), Strategy.from_row)

    @strawberry.field(description="Implementation strategies.")
    async def strategies(
        self,
        info: Info,
        filter: EntityFilter | None = None,
        order_by: NodeOrder = NodeOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Strategy]:
        return await list_nodes(
            info, Label.STRATEGY, entity_params(filter), order_by.value,
            filter.search if filter else None, first, after, Strategy.from_row,
        )

    @strawberry.field(description="An outcome by id.")
    async def outcome(self, info: Info, id: strawberry.ID) -> Outcome | None:
        return _maybe(await by_id(info, Label.OUTCOME, id), Outcome.from_row)

    @strawberry.field(description="Outcomes.")
    async def outcomes(
        self,
        info: Info,
        filter: EntityFilter | None = None,
        order_by: NodeOrder = NodeOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Outcome]:
        params = entity_params(filter)
        params.pop("cluster")
        return await list_nodes(
            info, Label.OUTCOME, params, order_by.value,
            filter.search if filter else None, first, after, Outcome.from_row,
        )

    @strawberry.field(description="An engagement objective by id.")
    async def objective(self, info: Info, id: strawberry.ID) -> Objective | None:
        return _maybe(await by_id(info, Label.OBJECTIVE, id), Objective.from_row)

    @strawberry.field(description="Engagement objectives.")
    async def objectives(
        self,
        info: Info,
        filter: EntityFilter | None = None,
        order_by: NodeOrder = NodeOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Objective]:
        params = entity_params(filter)
        params.pop("cluster")
        return await list_nodes(
            info, Label.OBJECTIVE, params, order_by.value,
            filter.search if filter else None, first, after, Objective.from_row,
        )

    @strawberry.field(description="A vocabulary term by id ('scheme:code').")
    async def concept(self, info: Info, id: strawberry.ID) -> Concept | None:
        return _maybe(await by_id(info, Label.CONCEPT, id), Concept.from_row)

    @strawberry.field(description="Vocabulary terms, in their scheme's order.")
    async def concepts(
        self,
        info: Info,
        filter: ConceptFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Concept]:
        return await list_nodes(
            info, Label.CONCEPT, concept_params(filter), "ORDER_ASC", None, first, after,
            Concept.from_row,
        )
