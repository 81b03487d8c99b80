"""The ASGI app: ``/graphql`` (POST, GET for queries, GraphiQL in a browser) and ``/health``.

The GraphQL schema is the model in force in the graph (declared extensions included), read
when the worker starts: a changed model is served after a restart. Until the model could be
read (Neo4j down at start) ``/graphql`` answers 503 UNAVAILABLE and the worker keeps trying.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from neo4j import AsyncDriver, RoutingControl
from stakegraph.api import logs, metrics, tracing
from stakegraph.api.analysis_jobs import JobLauncher, fail_interrupted
from stakegraph.api.auth import KeyCache, Principal, credential, resolve
from stakegraph.api.browser_files import PATH as BROWSER_FILES_PATH
from stakegraph.api.browser_files import neo4j_browser_file
from stakegraph.api.collector import BetweenRequests, CountRequests, tune_garbage_collector
from stakegraph.api.context import Context
from stakegraph.api.errors import UNAVAILABLE_MESSAGE, ErrorCode
from stakegraph.api.extensions import client_error, format_error
from stakegraph.api.gateway import Gateway, open_api_driver, warm_pool
from stakegraph.api.graphiql import ASSETS_PATH, GraphiQLFiles, graphiql_response
from stakegraph.api.http_limits import BodyLimit, coded_refusal, http_message, refusal
from stakegraph.api.rate_limits import RateLimiter
from stakegraph.api.reports import report_endpoint
from stakegraph.api.schema import build_schema
from stakegraph.api.subscriptions import FeedFollower
from stakegraph.api.trusted import TrustedDocuments, from_graphiql
from stakegraph.schema.combined import Model
from stakegraph.schema.declared import LATEST, model_from_record
from stakegraph.schema.errors import SetupError, StakegraphError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from stakegraph.db import SERVER_COMPONENTS
from stakegraph.settings import Settings, get_settings

log = logging.getLogger("stakegraph.api")
access = logging.getLogger("stakegraph.api.access")

# The context of the request being served: the HTTP view parses the body after making it.
_CONTEXT: ContextVar[Context | None] = ContextVar("stakegraph_context", default=None)
# Headers a page on another origin may send; the ones it may read in the answer.
CORS_HEADERS = ("Authorization", "X-API-Key", "Content-Type", "traceparent")
CORS_EXPOSED = ("X-Request-ID", "Retry-After")


@dataclass
class Runtime:
    """What one worker process keeps beside its schema: the rate limiter (None when no role
    is limited) and the trusted documents (None when there are none to know)."""

    rate: RateLimiter | None = None
    documents: TrustedDocuments | None = None



class TrustedWebSocketHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with trusted documents: a ``subscribe`` message's document (or the
    one its ``documentId`` names) is checked as the HTTP view checks a request's, before it is
    parsed; a refusal is an ``error`` message with the code."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Checks the operation's document, then starts it as Strawberry does."""
        documents: TrustedDocuments | None = getattr(self.view, "documents", None)
        context = self.context
        if documents is not None and self.connection_acknowledged and isinstance(context,
                                                                                Context):
            payload: dict[str, Any] = dict(message.get("payload") or {})
            try:
                if payload.get("query") is None and payload.get("documentId") is not None:
                    payload["query"] = await documents.by_id(payload["documentId"],
                                                             context.gateway)
                    message = {**message, "payload": payload}  # type: ignore[typeddict-item]
                else:
                    await documents.check_text(str(payload.get("query") or ""),
                                               context.principal, context.graphiql,
                                               context.gateway)
            except StakegraphError as exc:
                error = client_error(exc, context.request_id)
                await self.send_message({"id": message["id"], "type": "error",
                                         "payload": [error.formatted]})
                return
        await super().handle_subscribe(message)


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with stakegraph's context (caller, gateway, model, request id)."""

    graphql_transport_ws_handler_class = TrustedWebSocketHandler

    def __init__(self, settings: Settings, model: Model, keys: KeyCache,
                 feed: FeedFollower | None = None, runtime: Runtime | None = None,
                 jobs: JobLauncher | None = None) -> None:
        runtime = runtime or Runtime()
        super().__init__(
            build_schema(settings, model), graphql_ide="graphiql",
            allow_queries_via_get=True, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # Browsers apply no CORS to WebSockets: the handshake's Origin is checked instead.
            allowed_origins=settings.cors_origins,
        )
        self.settings = settings
        self.model = model
        self.keys = keys
        self.feed = feed
        self.rate = runtime.rate
        self.documents = runtime.documents
        self.jobs = jobs or JobLauncher(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serves a request; HTTP-level refusals come back as coded JSON errors, not text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        began = time.perf_counter()
        request = Request(scope, receive)
        response: Response
        with tracing.request_span(request.method, scope["path"], request.headers) as span:
            try:
                response = await self.run(request)
            except HTTPException as exc:
                response = refusal(exc.status_code, http_message(exc.reason))
                request.state.outcome = ErrorCode.VALIDATION.value
            except RecursionError:  # JSON nested thousands deep in the body or its variables
                response = refusal(400, "the request's JSON is nested too deeply")
                request.state.outcome = ErrorCode.VALIDATION.value
            except StakegraphError as exc:  # rate limit, untrusted document, Neo4j away
                response, request.state.outcome = coded_refusal(exc)
            finally:
                # The request's rows are freed now, by reference counting, rather than at a
                # garbage collection that would pause every request in flight.
                context = getattr(request.state, "context", None)
                if context is not None:
                    context.release()
            self._observe(request, response, began, span)
        await response(scope, receive, send)

    def _observe(self, request: Request, response: Response, began: float, span: Any) -> None:
        """Records an answered request in the metrics, its trace and the access log."""
        context: Context | None = getattr(request.state, "context", None)
        outcome = str(getattr(request.state, "outcome", "ok"))
        request_id = context.request_id if context else "-"
        if context is not None and "x-request-id" not in response.headers:
            response.headers["X-Request-ID"] = request_id
        role = "anonymous"
        operation = operation_type = None
        db_seconds, round_trips = 0.0, 0
        if context is not None:
            role = context.principal.role.value if context.principal.role else "anonymous"
            operation, operation_type = context.operation_name, context.operation_type
            db_seconds, round_trips = context.gateway.db_seconds, context.gateway.round_trips
        seconds = time.perf_counter() - began
        if metrics.current is not None:
            metrics.current.request(operation, outcome, role, seconds, db_seconds, round_trips)
        tracing.finish_request(span, response.status_code, operation, operation_type, outcome,
                               request_id)
        if self.settings.api_access_log:
            access.info("request", extra={"fields": {
                "method": request.method, "path": request.url.path,
                "status": response.status_code, "ms": round(seconds * 1000, 2),
                "operation": operation, "outcome": outcome, "role": role,
                "neo4j_ms": round(db_seconds * 1000, 2), "round_trips": round_trips}})

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
        address = request.client.host if request.client else None
        context = Context(gateway=gateway, principal=principal, settings=self.settings,
                          model=self.model, feed=self.feed, rate=self.rate, address=address,
                          graphiql=from_graphiql(request.headers), jobs=self.jobs)
        request.state.request_id = context.request_id
        request.state.context = context
        logs.REQUEST_ID.set(context.request_id)
        _CONTEXT.set(context)
        if isinstance(response, Response):
            response.headers["X-Request-ID"] = context.request_id
        # Once per HTTP request, before the body is even parsed; a WebSocket is checked per
        # subscription it starts (see subscriptions.py).
        if self.rate is not None and not isinstance(request, WebSocket):
            self.rate.check(principal, address)
        return context

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Returns the operation of the request: the document sent, or the registered one its
        ``documentId`` (or ``extensions.persistedQuery.sha256Hash``) names; in trusted-documents
        mode a document that is not registered is refused here, before it is parsed."""
        data = await super().parse_http_body(request)
        context = _CONTEXT.get()
        if isinstance(data, list) or self.documents is None or context is None:
            return data
        if data.query is None:
            ident = await self._document_id(request, data)
            if ident is not None:
                data.query = await self.documents.by_id(ident, context.gateway)
                return data
        if data.query is not None:
            await self.documents.check_text(data.query, context.principal, context.graphiql,
                                            context.gateway)
        return data

    async def _document_id(self, request: AsyncHTTPRequestAdapter,
                           data: GraphQLRequestData) -> object:
        persisted = (data.extensions or {}).get("persistedQuery")
        if isinstance(persisted, dict) and persisted.get("sha256Hash") is not None:
            return persisted["sha256Hash"]
        if request.method == "GET":
            return request.query_params.get("documentId")
        raw = self.parse_json(await request.get_body())
        return raw.get("documentId") if isinstance(raw, dict) else None


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

    def decode_json(self, data: str | bytes) -> object:
        """Returns the parsed JSON of a body, a query string's variables or a WebSocket
        message. orjson refuses text that is not valid Unicode (a lone surrogate escape such as
        \\ud800), which no Neo4j query could carry, so it is a 400 here rather than a failure
        deep in a resolver; and it parses several times faster than the standard library."""
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        """Returns the parsed JSON; raises a 400 naming what is wrong when it is not JSON."""
        try:
            return self.decode_json(data)
        except orjson.JSONDecodeError as exc:
            raise HTTPException(
                400, "the request body is not valid JSON, or holds text that is not valid "
                f"Unicode ({exc})") from exc

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
            coded = [format_error(e, request_id) for e in result.errors]
            body["errors"] = [e.formatted for e in coded]
            # The first error's code is the request's outcome in the metrics and the logs.
            request.state.outcome = str((coded[0].extensions or {}).get("code", "INTERNAL"))
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
        self.runtime = Runtime()

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
        self.app = GraphQLApp(self.settings, model, self.keys, self.feed, self.runtime)
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


def state_dir(settings: Settings) -> tuple[Path, bool]:
    """Returns the directory the workers of this server share (the rate-limit table and the
    metrics' files) and whether it is this process's own: without STAKEGRAPH_API_STATE_DIR
    (which `stakegraph serve` sets) a worker cannot know its siblings and keeps its own."""
    if settings.api_state_dir is not None:
        settings.api_state_dir.mkdir(parents=True, exist_ok=True)
        return settings.api_state_dir, False
    return Path(tempfile.mkdtemp(prefix="stakegraph-api-")), True


def cors(settings: Settings) -> list[Middleware]:
    """Returns the CORS middleware for the allowed origins (none when no origin is listed:
    a browser then refuses every cross-origin call)."""
    origins = settings.cors_origins
    if not origins:
        return []
    if "*" in origins and settings.api_cors_credentials:
        raise SetupError("STAKEGRAPH_API_CORS_CREDENTIALS needs explicit origins, not *")
    return [Middleware(
        CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
        allow_headers=list(CORS_HEADERS), expose_headers=list(CORS_EXPOSED),
        allow_credentials=settings.api_cors_credentials, max_age=settings.api_cors_max_age)]


async def metrics_endpoint(request: Request) -> Response:
    """Returns every worker's metrics in the Prometheus text format (404 when off)."""
    if metrics.current is None:
        return refusal(404, "metrics are off on this server", ErrorCode.NOT_FOUND)
    from prometheus_client import CONTENT_TYPE_LATEST

    body = await asyncio.to_thread(metrics.current.exposition)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def create_app(settings: Settings | None = None, *, span_processor: Any = None) -> Starlette:
    """Returns the ASGI app; its driver is opened at startup and closed at shutdown.
    ``span_processor`` (an OpenTelemetry ``SpanProcessor``) receives the traces instead of the
    OTLP exporter the settings may name."""
    settings = settings or get_settings()
    collector = BetweenRequests(settings.api_gc_young_between if settings.api_gc_tuning else 0,
                                settings.api_gc_in_flight)
    middleware = [Middleware(CountRequests, collector=collector), *cors(settings),
                  Middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)]
    graphql = GraphQLEndpoint(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        logs.configure(settings)
        shared, private = state_dir(settings)
        if private:
            log.info("STAKEGRAPH_API_STATE_DIR is unset: rate limits and metrics are this "
                     "worker's own (stakegraph serve shares them between workers)")
        if settings.api_metrics:
            metrics.current = metrics.Metrics(shared / "metrics", settings.api_workers)
        tracing.setup(settings, span_processor)
        rate = RateLimiter(settings, shared)
        graphql.runtime.rate = app.state.rate = rate if rate.active else None
        # In any mode a client may name a registered document by id.
        graphql.runtime.documents = TrustedDocuments(settings)
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
        if metrics.current is not None:  # after the tuning: its full collection is start-up's
            collector.watch(metrics.current.gc_pause)
        # Connections are opened beside the first requests, never in their way.
        warming = asyncio.create_task(warm_pool(
            app.state.driver, settings.neo4j_database, settings.api_db_warm_connections))
        try:
            yield
        finally:
            warming.cancel()
            collector.close()
            if waiting is not None:
                waiting.cancel()
            if graphql.feed is not None:
                await graphql.feed.stop()
            await app.state.driver.close()
            rate.close()
            tracing.shutdown()
            metrics.current = None
            if private:
                shutil.rmtree(shared, ignore_errors=True)

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/reports/{project}", report_endpoint(
            settings, graphql.keys, lambda: graphql.app.model if graphql.app else None),
            methods=["GET"]),
        Mount(ASSETS_PATH, GraphiQLFiles()),
        Route(BROWSER_FILES_PATH + "/{name}", neo4j_browser_file, methods=["GET"]),
    ]
    if settings.api_metrics:
        routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
