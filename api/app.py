"""The ASGI app: ``/graphql`` (POST, GET for queries, GraphiQL in a browser) and ``/health``.

The GraphQL schema is the model in force in the graph (declared extensions included), read
when the worker starts: a changed model is served after a restart. Until the model could be
read (Neo4j down at start) ``/graphql`` answers 503 UNAVAILABLE and the worker keeps trying.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from neo4j import AsyncDriver, RoutingControl
from stakegraph.api.analysis_jobs import JobLauncher, fail_interrupted
from stakegraph.api.auth import KeyCache, Principal, credential, resolve
from stakegraph.api.browser_files import PATH as BROWSER_FILES_PATH
from stakegraph.api.browser_files import neo4j_browser_file
from stakegraph.api.context import Context
from stakegraph.api.errors import UNAVAILABLE_MESSAGE, ErrorCode
from stakegraph.api.extensions import format_error
from stakegraph.api.gateway import Gateway, open_api_driver
from stakegraph.api.graphiql import ASSETS_PATH, GraphiQLFiles, graphiql_response
from stakegraph.api.http_limits import BodyLimit, http_message, refusal
from stakegraph.api.reports import report_endpoint
from stakegraph.api.schema import build_schema
from stakegraph.api.subscriptions import FeedFollower
from stakegraph.schema.combined import Model
from stakegraph.schema.declared import LATEST, model_from_record
from stakegraph.schema.errors import StakegraphError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from stakegraph.db import SERVER_COMPONENTS
from stakegraph.settings import Settings, get_settings

log = logging.getLogger("stakegraph.api")



class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with stakegraph's context (caller, gateway, model, request id)."""

    def __init__(self, settings: Settings, model: Model, keys: KeyCache,
                 feed: FeedFollower | None = None, jobs: JobLauncher | None = None) -> None:
        super().__init__(
            build_schema(settings, model), graphql_ide="graphiql", allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.settings = settings
        self.model = model
        self.keys = keys
        self.feed = feed
        self.jobs = jobs or JobLauncher(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serves a request; HTTP-level refusals come back as coded JSON errors, not text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response: Response = await self.run(Request(scope, receive))
        except HTTPException as exc:
            response = refusal(exc.status_code, http_message(exc.reason))
        except RecursionError:  # JSON nested thousands deep in the body or its variables
            response = refusal(400, "the request's JSON is nested too deeply")
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        driver: AsyncDriver = request.app.state.driver
        gateway = Gateway(driver, self.settings.neo4j_database)
        token = credential(request.headers.get("authorization"), request.headers.get("x-api-key"))
        try:
            principal = await resolve(token, self.settings, self.keys, gateway)
        except StakegraphError as exc:
            if exc.code != ErrorCode.UNAVAILABLE:
                raise
            principal = Principal(None, "unknown", "unavailable", exc.message)
        context = Context(gateway=gateway, principal=principal, settings=self.settings,
                          model=self.model, feed=self.feed, jobs=self.jobs)
        request.state.request_id = context.request_id
        if isinstance(response, Response):
            response.headers["X-Request-ID"] = context.request_id
        return context


    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Takes the caller's credential from the connection_init payload (``Authorization``
        or ``apiKey``), when the WebSocket handshake carried none; returns nothing to add to
        the acknowledgement."""
        params = context.connection_params or {}
        token = credential(_text(params.get("Authorization") or params.get("authorization")),
                           _text(params.get("apiKey") or params.get("X-API-Key")))
        if token is not None and context.principal.role is None:
            try:
                context.principal = await resolve(token, self.settings, self.keys,
                                                  context.gateway)
            except StakegraphError as exc:
                if exc.code != ErrorCode.UNAVAILABLE:
                    raise ConnectionRejectionError from None
        unset: UnsetType = UNSET
        return unset

    async def render_graphql_ide(self, request: Request) -> Response:
        """Returns the GraphiQL page, whose files the API serves itself (no CDN)."""
        return graphiql_response()

    def encode_json(self, data: object) -> bytes:
        """Returns the response body: orjson writes a 100-stakeholder page several times faster
        than the standard library (NaN and infinities, which JSON lacks, become null)."""
        return orjson.dumps(data)

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Returns the response body with every error coded and masked (see format_error)."""
        request_id = str(getattr(request.state, "request_id", "-"))
        body: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(e, request_id).formatted for e in result.errors]
        if result.extensions:
            body["extensions"] = result.extensions
        return body


async def health(request: Request) -> JSONResponse:
    """Returns 200 with Neo4j's version and state when it answers, 503 when it does not."""
    settings: Settings = request.app.state.settings
    driver: AsyncDriver = request.app.state.driver
    try:
        records, _, _ = await asyncio.wait_for(
            driver.execute_query(
                SERVER_COMPONENTS, database_=settings.neo4j_database, routing_=RoutingControl.READ
            ),
            timeout=settings.api_db_timeout_s * 2,
        )
    except Exception as exc:  # any failure to answer is "unavailable" to a load balancer
        log.warning("health: Neo4j does not answer: %r", exc)
        return JSONResponse(
            {"status": "unavailable", "neo4j": {"state": "unreachable"}}, status_code=503
        )
    first = records[0] if records else None
    neo4j: dict[str, Any] = {
        "state": "online",
        "database": settings.neo4j_database,
        "version": first["version"] if first else None,
        "edition": first["edition"] if first else None,
    }
    return JSONResponse({"status": "ok", "neo4j": neo4j})


class GraphQLEndpoint:
    """``/graphql``: the schema of the model in force, once it has been read from the graph
    (503 UNAVAILABLE until then)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = KeyCache(settings.api_key_cache_s)
        self.app: GraphQLApp | None = None
        self.feed: FeedFollower | None = None

    async def load(self, driver: AsyncDriver) -> None:
        """Reads the model in force and builds its schema (returns nothing); raises when Neo4j
        does not answer."""
        records, _, _ = await driver.execute_query(
            LATEST, database_=self.settings.neo4j_database, routing_=RoutingControl.READ)
        model = Model.shipped() if not records else model_from_record(
            records[0]["version"], records[0]["declaration"], records[0]["sha256"])
        self.feed = FeedFollower(driver, self.settings.neo4j_database,
                                 self.settings.api_feed_poll_s,
                                 timedelta(days=self.settings.api_feed_retention_days))
        # Jobs whose process died with an earlier run of this API are failed, never left
        # running.
        await fail_interrupted(driver, self.settings.neo4j_database)
        self.app = GraphQLApp(self.settings, model, self.keys, self.feed)
        log.info("serving the model %s", model.key)

    async def keep_trying(self, driver: AsyncDriver) -> None:
        """Tries `load` every second until it succeeds (returns then)."""
        while self.app is None:
            try:
                await self.load(driver)
            except Exception as exc:  # Neo4j not there yet: try again
                log.warning("cannot read the model from Neo4j yet: %r", exc)
                await asyncio.sleep(1.0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1013})  # try again later
                return
            response = refusal(503, UNAVAILABLE_MESSAGE, ErrorCode.UNAVAILABLE)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def tune_garbage_collector() -> None:
    """Sets the collector for a server process (returns nothing): what startup built is frozen
    out of every later collection, and young objects are collected after 20,000 net
    allocations instead of 700. With the defaults the benchmark's nested page (100
    stakeholders) set off about 6 young collections per request, each scanning the half-built
    response, and every tenth an older one; tuned, it is 0.1, and the request's CPU drops by
    about a fifth (10.2 to 8.3 ms in-process)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


def create_app(settings: Settings | None = None) -> Starlette:
    """Returns the ASGI app; its driver is opened at startup and closed at shutdown."""
    settings = settings or get_settings()

    graphql = GraphQLEndpoint(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.driver = open_api_driver(settings)
        waiting: asyncio.Task[None] | None = None
        try:
            await graphql.load(app.state.driver)
        except Exception as exc:  # Neo4j not there yet: serve 503s and keep trying
            log.warning("cannot read the model from Neo4j at start: %r", exc)
            waiting = asyncio.create_task(graphql.keep_trying(app.state.driver))
        if settings.api_gc_tuning:
            tune_garbage_collector()
        try:
            yield
        finally:
            if waiting is not None:
                waiting.cancel()
            if graphql.feed is not None:
                await graphql.feed.stop()
            await app.state.driver.close()

    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/reports/{project}", report_endpoint(
                settings, graphql.keys, lambda: graphql.app.model if graphql.app else None),
                methods=["GET"]),
            Mount(ASSETS_PATH, GraphiQLFiles()),
            Route(BROWSER_FILES_PATH + "/{name}", neo4j_browser_file, methods=["GET"]),
        ],
        lifespan=lifespan,
        middleware=[Middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)],
    )
