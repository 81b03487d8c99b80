"""Fields answering the analyst questions of the query library, running its Cypher text as-is.

One typed field per question (``stakegraph.api.questions``: ``quadrants(project: ...)``) and the
two analytics questions (``stakegraph.api.questions_analytics``: ``influenceScores``,
``keyPlayers``) are mixed in here. `question(name, params)` stays the untyped way in: it runs
``get_query(name).text`` with parameters checked by the library's own ``bind`` and JSON rows;
`questions` lists what can be asked. Internal queries (export, plot and analytics projections,
personal-data rights) are not exposed: exports carry personal data and projections feed other
code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

import strawberry
from neo4j.graph import Node, Path, Relationship
from stakegraph.api.auth import Role
from stakegraph.api.context import require
from stakegraph.api.errors import ApiError, ErrorCode
from stakegraph.api.questions import QuestionFields
from stakegraph.api.questions_analytics import AnalyticsQuery
from stakegraph.queries.library import (
    bind,
    get_query,
    is_question,
    questions,
)
from strawberry import Info
from strawberry.scalars import JSON


def exposed(name: str) -> bool:
    """Returns True when the library query ``name`` is an analyst question the API serves
    (privacy_ queries carry personal data and write the audit trail: admin-only mutations)."""
    return is_question(name)


def plain(value: Any) -> Any:
    """Returns a JSON-ready copy of a Neo4j value (dates as ISO 8601, nodes as their props)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    native = getattr(value, "to_native", None)
    if callable(native):
        value = native()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Node):
        return {"id": value.get("id"), "labels": sorted(value.labels), **plain(dict(value))}
    if isinstance(value, Relationship):
        return {"type": value.type, **plain(dict(value))}
    if isinstance(value, Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


@strawberry.type(description="A parameter of a library question.")
class QuestionParam:
    name: str
    type: str
    required: bool
    doc: str
    choices: list[str]


@strawberry.type(description="A question of the query library.")
class QuestionInfo:
    name: str
    purpose: str
    params: list[QuestionParam]
    cypher: str = strawberry.field(description="the exact text the API runs")


@strawberry.type(description="The answer to a library question: its columns and rows.")
class QuestionResult:
    name: str
    columns: list[str]
    rows: list[JSON]


@strawberry.type
class LibraryQuery(QuestionFields, AnalyticsQuery):  # type: ignore[misc]
    @strawberry.field(description="The analyst questions of the query library.")
    def questions(self, info: Info) -> list[QuestionInfo]:
        require(info, Role.READER)
        return [
            QuestionInfo(
                name=q.name,
                purpose=q.purpose,
                params=[
                    QuestionParam(name=p.name, type=p.type, required=p.required, doc=p.doc,
                                  choices=list(p.choices))
                    for p in q.params
                ],
                cypher=q.text,
            )
            for q in questions().values()
        ]

    @strawberry.field(
        description="Runs a library question (see `questions`) with its parameters, e.g. "
        '`question(name: "quadrants", params: {project: "p1", at: "2025-06-30"})`.'
    )
    async def question(
        self, info: Info, name: str, params: JSON | None = None
    ) -> QuestionResult:
        context = require(info, Role.READER)
        if not exposed(name):
            raise ApiError(ErrorCode.NOT_FOUND, f"no question called {name!r}")
        if params is not None and not isinstance(params, dict):
            raise ApiError(ErrorCode.VALIDATION, "params must be an object", field="params")
        query = get_query(name)
        bound = bind(query, params or {})
        rows = await context.gateway.read(query.text, bound)
        columns = list(rows[0]) if rows else []
        return QuestionResult(name=name, columns=columns, rows=[plain(r) for r in rows])
