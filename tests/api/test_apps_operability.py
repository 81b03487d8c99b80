"""Operability: /metrics in the Prometheus text format summed over two workers (read with the
official client's parser), JSON log lines naming the request id, and OpenTelemetry traces (a
span per request, a child span per Neo4j query): in-process through the SDK's in-memory
exporter, and from two workers over OTLP/HTTP to a local receiver."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import pytest
import uvicorn
import websockets
from api_support import Graph, Server, run_async, start_workers, stop_server, worker_pids
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families
from stakegraph.api.app import create_app

from stakegraph.localdb.instance import free_port
from stakegraph.settings import Settings

NESTED = """query Nested($p: ID!) { project(id: $p) { id stakes(first: 10) { nodes { date
  stakeholder { id name } } } activities(first: 5) { nodes { id participants { nodes {
  role } } } } } }"""


@pytest.fixture(scope="module")
def observed_api(api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Server]:
    """Two workers with the access log on, collecting garbage between requests early."""
    server = start_workers({**api_env, "STAKEGRAPH_API_ACCESS_LOG": "true",
                            "STAKEGRAPH_API_GC_YOUNG_BETWEEN": "500"},
                           tmp_path_factory.mktemp("observed"))
    deadline = time.monotonic() + 60  # the first worker answers before the second has started
    while (_value(_metrics(server), "stakegraph_worker_starts_total") < 2
           and time.monotonic() < deadline):
        time.sleep(0.3)
    yield server
    stop_server(server)


def _metrics(server: Server) -> dict[str, list[Any]]:
    text = httpx.get(server.url + "/metrics", timeout=30)
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/plain")
    out: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text.text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append(sample)
    return out


def _value(samples: dict[str, list[Any]], name: str, **labels: str) -> float:
    return sum(s.value for s in samples.get(name, [])
               if all(s.labels.get(k) == v for k, v in labels.items()))


def _post(server: Server, key: str, query: str, variables: dict[str, Any]) -> httpx.Response:
    return httpx.post(server.url + "/graphql", json={"query": query, "variables": variables},
                      headers={"X-API-Key": key}, timeout=30)


def test_collections_between_requests_are_measured(observed_api: Server,
                                                   keys: dict[str, str], graph: Graph) -> None:
    pauses = "stakegraph_gc_pause_seconds_count"
    before = _value(_metrics(observed_api), pauses, when="between_requests")
    for _ in range(20):  # one at a time: as each ends, nothing else is in flight
        answer = _post(observed_api, keys["reader"], NESTED.replace("Nested", "Collected"),
                       {"p": graph.id("p1")})
        assert answer.status_code == 200
    after = _metrics(observed_api)
    assert _value(after, pauses, when="between_requests") > before
    assert {s.labels["generation"] for s in after[pauses]} <= {"0", "1", "2"}
    assert {s.labels["when"] for s in after[pauses]} <= {"between_requests", "automatic"}
    # Each pause is in one bucket or another: none took a second.
    assert _value(after, "stakegraph_gc_pause_seconds_bucket", le="1.0") == _value(
        after, pauses)


def test_metrics_sum_both_workers(observed_api: Server, keys: dict[str, str],
                                  graph: Graph) -> None:
    assert len(worker_pids(observed_api, {"X-API-Key": keys["admin"]})) == 2
    before = _metrics(observed_api)
    assert _value(before, "stakegraph_worker_starts_total") == 2
    assert _value(before, "stakegraph_worker_restarts_total") == 0
    with ThreadPoolExecutor(4) as pool:  # concurrent, so both workers take some
        answers = list(pool.map(
            lambda _: _post(observed_api, keys["reader"], NESTED, {"p": graph.id("p1")}),
            range(12)))
    assert {r.status_code for r in answers} == {200}
    served = {r.json()["extensions"]["worker"] for r in answers}
    after = _metrics(observed_api)
    bad = _post(observed_api, keys["reader"], "query Broken { nothing }", {})
    assert bad.json()["errors"][0]["extensions"]["code"] == "VALIDATION"

    requests = "stakegraph_requests_total"
    assert _value(after, requests, operation="Nested", outcome="ok", role="reader") == 12
    assert _value(_metrics(observed_api), requests, operation="Broken", outcome="VALIDATION",
                  role="reader") == 1
    assert _value(after, "stakegraph_request_duration_seconds_count", operation="Nested") == 12
    assert _value(after, "stakegraph_request_duration_seconds_bucket", operation="Nested",
                  le="+Inf") == 12
    # Each nested request read Neo4j several times, each level one batched query.
    trips = sum(r.json()["extensions"]["roundTrips"] for r in answers)
    assert _value(after, "stakegraph_neo4j_queries_per_request_sum") - _value(
        before, "stakegraph_neo4j_queries_per_request_sum") == trips
    assert _value(after, "stakegraph_neo4j_duration_seconds_sum") > _value(
        before, "stakegraph_neo4j_duration_seconds_sum")
    hops = _value(after, "stakegraph_dataloader_batch_size_count", loader="hop") - _value(
        before, "stakegraph_dataloader_batch_size_count", loader="hop")
    assert hops >= 12 * 3  # stakes, activities, participants: one batch each per request
    assert len(served) == 2, "the figures above are sums over both workers"

    # A subscriber is counted while it listens, and the events it is sent.
    async def listen() -> tuple[float, float]:
        url = observed_api.url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:
            await socket.send(json.dumps({"type": "connection_init",
                                          "payload": {"apiKey": keys["reader"]}}))
            await socket.recv()
            await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                "query": "subscription { changes(entities: [PROJECTS]) { seq } }"}}))
            await asyncio.sleep(0.5)
            open_now = _value(await asyncio.to_thread(_metrics, observed_api),
                              "stakegraph_subscriptions")
            await asyncio.to_thread(
                _post, observed_api, keys["editor"],
                "mutation($i: ProjectInput!) { createProject(input: $i) { id } }",
                {"i": {"id": graph.id("pm"), "name": "Metered"}})
            await asyncio.wait_for(socket.recv(), 20)
            events = _value(await asyncio.to_thread(_metrics, observed_api),
                            "stakegraph_subscription_events_total")
            return open_now, events

    open_now, events = run_async(listen())
    assert open_now == 1 and events >= 1
    time.sleep(0.5)
    assert _value(_metrics(observed_api), "stakegraph_subscriptions") == 0


def test_a_worker_that_dies_is_counted_as_restarted(observed_api: Server,
                                                    keys: dict[str, str]) -> None:
    pids = worker_pids(observed_api, {"X-API-Key": keys["admin"]})
    served = _value(_metrics(observed_api), "stakegraph_requests_total", role="reader")
    os.kill(min(pids), signal.SIGKILL)  # a worker of the server this module started
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            samples = _metrics(observed_api)
            if _value(samples, "stakegraph_worker_starts_total") == 3:
                break
        except (httpx.TransportError, AssertionError):
            pass
        time.sleep(0.5)
    assert _value(samples, "stakegraph_worker_starts_total") == 3
    assert _value(samples, "stakegraph_worker_restarts_total") == 1
    # The counts of the worker that died are kept.
    assert _value(samples, "stakegraph_requests_total", role="reader") == served


def test_log_lines_are_json_with_the_request_id(observed_api: Server, keys: dict[str, str],
                                                graph: Graph) -> None:
    answer = _post(observed_api, keys["reader"], NESTED, {"p": graph.id("p1")})
    refused = _post(observed_api, keys["reader"], "query Nope { nope }", {})
    ids = [answer.headers["X-Request-ID"], refused.headers["X-Request-ID"]]
    time.sleep(0.5)
    lines = [json.loads(line) for line in observed_api.log_text().splitlines()
             if line.startswith("{")]
    assert lines and all({"time", "level", "logger", "message", "request_id", "worker"} <= set(x)
                         for x in lines)
    access = {x["request_id"]: x for x in lines if x["logger"] == "stakegraph.api.access"}
    ok = access[ids[0]]
    assert ok["status"] == 200 and ok["operation"] == "Nested" and ok["outcome"] == "ok"
    assert ok["role"] == "reader" and ok["round_trips"] >= 3 and ok["ms"] > 0
    assert access[ids[1]]["outcome"] == "VALIDATION"
    # The refusal's own line (format_error's) names the same request.
    assert any(x["request_id"] == ids[1] and x["logger"] == "stakegraph.api"
               and "nope" in x["message"] for x in lines)


@pytest.fixture
def in_process(settings: Settings, keys: dict[str, str]
               ) -> Iterator[tuple[str, InMemorySpanExporter]]:
    """The app served by uvicorn in this process, its spans kept by the SDK's in-memory
    exporter."""
    exporter = InMemorySpanExporter()
    served = settings.model_copy(update={"api_debug": True, "api_gc_tuning": False,
                                         "api_metrics": False, "api_key_cache_s": 0.0})
    app = create_app(served, span_processor=SimpleSpanProcessor(exporter))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    yield url, exporter
    server.should_exit = True
    thread.join(timeout=30)


def test_a_request_is_a_span_with_a_child_span_per_neo4j_query(
    in_process: tuple[str, InMemorySpanExporter], keys: dict[str, str], graph: Graph,
) -> None:
    url, exporter = in_process
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    answer = httpx.post(url + "/graphql", json={"query": NESTED, "variables": {
        "p": graph.id("p1")}}, headers={"X-API-Key": keys["reader"],
                                        "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
        timeout=30)
    assert answer.status_code == 200, answer.text
    spans = exporter.get_finished_spans()
    (request,) = [s for s in spans if s.kind == SpanKind.SERVER]
    assert request.name == "query Nested"
    assert format(request.context.trace_id, "032x") == trace_id, "continues the caller's trace"
    assert request.attributes["graphql.operation.name"] == "Nested"
    assert request.attributes["http.response.status_code"] == 200
    assert request.attributes["stakegraph.request_id"] == answer.headers["X-Request-ID"]
    children = [s for s in spans if s.parent is not None
                and s.parent.span_id == request.context.span_id]
    assert len(children) == answer.json()["extensions"]["roundTrips"] >= 3
    assert {s.name for s in children} == {"neo4j read"}
    for child in children:
        assert child.attributes["db.system.name"] == "neo4j"
        assert "MATCH" in child.attributes["db.query.text"]
        # Parameters stay out of spans: the ids asked for are nowhere in them.
        assert graph.prefix not in json.dumps(dict(child.attributes))


class _Receiver(BaseHTTPRequestHandler):
    bodies: ClassVar[list[bytes]] = []  # what every request posted, in order

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length", "0"))
        _Receiver.bodies.append(self.rfile.read(size))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return None


def test_two_workers_export_their_spans_over_otlp(
    api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory, keys: dict[str, str],
    graph: Graph,
) -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", free_port()), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{receiver.server_address[1]}"
    server = start_workers({**api_env, "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
                            "OTEL_BSP_SCHEDULE_DELAY": "200"}, tmp_path_factory.mktemp("otlp"))
    try:
        assert len(worker_pids(server, {"X-API-Key": keys["admin"]})) == 2
        for _ in range(6):
            assert _post(server, keys["reader"], NESTED, {"p": graph.id("p1")}).status_code == 200
        deadline = time.monotonic() + 30
        spans: list[tuple[str, Any]] = []
        while time.monotonic() < deadline:
            spans = []
            for body in list(_Receiver.bodies):
                request = ExportTraceServiceRequest.FromString(body)
                for resource in request.resource_spans:
                    instance = next(a.value.string_value for a in resource.resource.attributes
                                    if a.key == "service.instance.id")
                    spans += [(instance, s) for scope in resource.scope_spans
                              for s in scope.spans]
            if sum(s.name == "query Nested" for _, s in spans) >= 6:
                break
            time.sleep(0.3)
    finally:
        stop_server(server)
        receiver.shutdown()
        receiver.server_close()
    nested = [(i, s) for i, s in spans if s.name == "query Nested"]
    assert len(nested) >= 6
    assert len({i for i, _ in spans}) == 2, "both workers export"
    for _, request in nested:
        children = [s for _, s in spans if s.parent_span_id == request.span_id]
        assert children and {c.name for c in children} == {"neo4j read"}
        assert all(c.trace_id == request.trace_id for c in children)
