"""``GET /reports/<project>?at=YYYY-MM-DD&since=YYYY-MM-DD``: a project's report page for a
reader, the same page `stakegraph report` writes (`stakegraph.queries.report`).

The report's library calls (`stakegraph.queries.report.plan`) are read through the request's
gateway, then the page is built in a worker thread. Readers (and anonymous callers where
anonymous reads are on) get it without personal data; editors and admins get the contact
details of overdue stakeholders as well. Refusals are JSON with ``extensions.code``, as on
``/graphql``.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Any

from stakegraph.api.auth import KeyCache, Principal, Role, credential, resolve
from stakegraph.api.context import check_role
from stakegraph.api.errors import ErrorCode, invalid, not_found
from stakegraph.api.gateway import Gateway
from stakegraph.api.http_limits import coded_refusal, refusal
from stakegraph.queries.library import bind, get_query, native
from stakegraph.queries.report.plan import QueryCall, ReportData, ReportRequest, calls, follow_up
from stakegraph.schema.combined import Model
from stakegraph.schema.errors import StakegraphError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from stakegraph.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

# The HTTP status of each sort of refusal of this route.
STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION: 400,
    ErrorCode.USAGE: 400,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.SETUP: 503,
}
# Library calls of one report read at once: enough to overlap round trips, few enough that the
# heavier questions (Q3 reach, coverage) stay well inside the gateway's read budget on a busy
# server.
CONCURRENT_READS = 4
# The page fetches nothing: the header says so to the browser as well.
CONTENT_SECURITY_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                           "script-src 'unsafe-inline'")


def report_endpoint(
    settings: Settings, keys: KeyCache, model: Callable[[], Model | None]
) -> Callable[[Request], Any]:
    """Returns the route's handler; ``model`` gives the model served (None until it is read)."""

    async def report(request: Request) -> Response:
        served = model()
        if served is None:
            return refusal(503, "the server is starting; try again shortly",
                           ErrorCode.UNAVAILABLE)
        gateway = Gateway(request.app.state.driver, settings.neo4j_database)
        try:
            principal = await _caller(request, settings, keys, gateway)
            rate = getattr(request.app.state, "rate", None)
            if rate is not None:
                rate.check(principal, request.client.host if request.client else None)
            check_role(principal, settings, Role.READER)
            wanted = _request(request, principal)
            data = await _read(gateway, wanted, served)
            # Imported here: the page pulls in matplotlib and the analytics.
            from stakegraph.queries.report.render import report_html

            page = await asyncio.to_thread(report_html, data)
        except StakegraphError as exc:
            code = ErrorCode(exc.code)
            if code == ErrorCode.RATE_LIMITED:
                return coded_refusal(exc)[0]
            return refusal(STATUS.get(code, 500), exc.message, code)
        return HTMLResponse(page, headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            # It may hold personal data: never kept by a shared cache.
            "Cache-Control": "private, no-store",
        })

    return report


async def _caller(request: Request, settings: Settings, keys: KeyCache,
                  gateway: Gateway) -> Principal:
    token = credential(request.headers.get("authorization"), request.headers.get("x-api-key"))
    try:
        return await resolve(token, settings, keys, gateway)
    except StakegraphError as exc:
        if exc.code != ErrorCode.UNAVAILABLE:
            raise
        return Principal(None, "unknown", "unavailable", exc.message)


def _request(request: Request, principal: Principal) -> ReportRequest:
    project = request.path_params["project"]
    at = _date(request.query_params.get("at"), "at") or date.today()
    since = _date(request.query_params.get("since"), "since")
    if since is not None and since > at:
        raise invalid("since", f"{since} is after at {at}")
    unknown = sorted(set(request.query_params) - {"at", "since"})
    if unknown:
        raise invalid(unknown[0], "is not a parameter of a report (at, since)")
    return ReportRequest(project, at, since, include_personal=principal.allows(Role.EDITOR))


def _date(value: str | None, name: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise invalid(name, f"expected a date like 2026-06-30, got {value!r}") from None


async def _read(gateway: Gateway, wanted: ReportRequest, model: Model) -> ReportData:
    """Returns the report's rows, read through the gateway: the plan's calls at once, then the
    ones that depend on them."""
    data = ReportData(wanted, model)
    first = calls(wanted)
    gate = asyncio.Semaphore(CONCURRENT_READS)

    async def limited(call: QueryCall) -> list[dict[str, Any]]:
        async with gate:
            return await _run(gateway, call)

    for call, rows in zip(first, await asyncio.gather(*(limited(c) for c in first)),
                          strict=True):
        data.rows[call.key] = rows
    if not data.get("project"):
        raise not_found("project", wanted.project)
    for call in follow_up(data):
        data.rows[call.key] = await _run(gateway, call)
    return data


async def _run(gateway: Gateway, call: QueryCall) -> list[dict[str, Any]]:
    query = get_query(call.query)
    rows = await gateway.read(query.text, bind(query, call.params))
    return [{key: native(value) for key, value in row.items()} for row in rows]
