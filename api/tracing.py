"""OpenTelemetry traces: a span per HTTP request with a child span per Neo4j query.

Tracing is on when an OTLP endpoint is configured (the standard ``OTEL_EXPORTER_OTLP_ENDPOINT``
or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``): spans go out in batches over OTLP/HTTP through the
official exporter, an optional extra (``pip install 'stakegraph[otlp]'``: it brings protobuf and
requests). Otherwise ``tracer`` stays None and the request path only tests that. A request that
carries a W3C ``traceparent`` header continues the caller's trace.

The worker keeps its own tracer provider rather than OpenTelemetry's global one, so an app
embedding stakegraph keeps its own tracing, and `install` can hand any span processor (the
tests give the SDK's in-memory exporter).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from stakegraph.schema.errors import SetupError

from stakegraph.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.trace import Span, Tracer

# The worker's tracer (None: tracing off) and its provider (flushed at shutdown).
tracer: Tracer | None = None
_provider: TracerProvider | None = None
# Cypher longer than this is cut in the span (the text is parameterised: no values in it).
MAX_STATEMENT = 4096


def setup(settings: Settings, processor: SpanProcessor | None = None) -> None:
    """Turns tracing on with ``processor``, or with an OTLP exporter when an endpoint is
    configured; leaves it off otherwise (returns nothing)."""
    if processor is None:
        endpoint = settings.traces_endpoint
        if endpoint is None:
            return
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError as exc:
            raise SetupError(
                "an OTLP endpoint is set but the exporter is not installed: "
                "pip install 'stakegraph[otlp]'") from exc
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        processor = BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint))
    install(processor, settings.otel_service_name)


def install(processor: SpanProcessor, service_name: str) -> None:
    """Makes ``processor`` receive the worker's spans (returns nothing)."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    global tracer, _provider
    resource = Resource.create({
        "service.name": service_name,
        "service.instance.id": f"{socket.gethostname()}:{os.getpid()}",
        "process.pid": os.getpid(),
    })
    _provider = TracerProvider(resource=resource)
    _provider.add_span_processor(processor)
    tracer = _provider.get_tracer("stakegraph.api")


def shutdown() -> None:
    """Sends the spans still queued and turns tracing off (returns nothing)."""
    global tracer, _provider
    if _provider is not None:
        _provider.shutdown()
    tracer, _provider = None, None


@contextmanager
def request_span(method: str, path: str, headers: Mapping[str, str]) -> Iterator[Span | None]:
    """Yields the span of one HTTP request, current while the request runs (None when tracing
    is off); it continues the caller's trace when the request carries ``traceparent``."""
    if tracer is None:
        yield None
        return
    from opentelemetry.trace import SpanKind
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    parent = None
    if "traceparent" in headers:
        parent = TraceContextTextMapPropagator().extract({"traceparent": headers["traceparent"]})
    with tracer.start_as_current_span(
        f"{method} {path}", context=parent, kind=SpanKind.SERVER,
        attributes={"http.request.method": method, "url.path": path},
    ) as span:
        yield span


def finish_request(span: Span | None, status: int, operation: str | None,
                   operation_type: str | None, outcome: str, request_id: str) -> None:
    """Names the request's span after its operation and records how it ended (returns
    nothing); server errors mark it failed."""
    if span is None:
        return
    from opentelemetry.trace import StatusCode

    if operation_type:
        span.update_name(f"{operation_type} {operation}" if operation else operation_type)
    attributes: dict[str, Any] = {"http.response.status_code": status,
                                  "stakegraph.outcome": outcome,
                                  "stakegraph.request_id": request_id}
    if operation:
        attributes["graphql.operation.name"] = operation
    if operation_type:
        attributes["graphql.operation.type"] = operation_type
    span.set_attributes(attributes)
    if outcome in ("INTERNAL", "UNAVAILABLE") or status >= 500:
        span.set_status(StatusCode.ERROR, outcome)


@contextmanager
def query_span(kind: str, statement: str, database: str) -> Iterator[None]:
    """Runs one Neo4j query inside a child span of the request's (nothing when tracing is
    off)."""
    if tracer is None:
        yield
        return
    from opentelemetry.trace import SpanKind

    with tracer.start_as_current_span(
        f"neo4j {kind}", kind=SpanKind.CLIENT,
        attributes={"db.system.name": "neo4j", "db.namespace": database,
                    "db.operation.name": kind, "db.query.text": statement[:MAX_STATEMENT]},
    ):
        yield
