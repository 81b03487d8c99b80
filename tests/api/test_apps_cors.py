"""Browsers on other origins: a page served from an allowed origin calls the API with an API key
in headless Chromium and reads the answer; the same page from another origin is refused by the
browser itself. Preflights are answered for the allow-list only, and cached."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import websockets
from api_support import Graph, Server, start_workers, stop_server
from playwright.sync_api import Browser

from stakegraph.localdb.instance import free_port

PROTOCOL = "graphql-transport-ws"
PAGE = b"<!doctype html><html><head><title>app</title></head><body>an app</body></html>"
# What the page runs: a POST with the key header (so the browser sends a preflight first).
CALL = """async ([api, key, id]) => {
  try {
    const response = await fetch(api + '/graphql', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-API-Key': key},
      body: JSON.stringify({query: 'query($id: ID!) { stakeholder(id: $id) { id name } }',
                            variables: {id}}),
    });
    return {status: response.status, body: await response.json(),
            requestId: response.headers.get('X-Request-ID')};
  } catch (error) {
    return {error: String(error)};
  }
}"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@dataclass
class Origin:
    """A local web server serving the app page: its origin (scheme, host, port)."""

    url: str
    server: ThreadingHTTPServer


def _serve_page() -> Origin:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Origin(f"http://127.0.0.1:{server.server_address[1]}", server)


@pytest.fixture(scope="module")
def origins() -> Iterator[tuple[Origin, Origin]]:
    """Two app origins: the first is allowed, the second is not."""
    allowed, other = _serve_page(), _serve_page()
    yield allowed, other
    for origin in (allowed, other):
        origin.server.shutdown()
        origin.server.server_close()


@pytest.fixture(scope="module")
def cors_api(api_env: dict[str, str], origins: tuple[Origin, Origin],
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API in two workers, allowing the first origin only."""
    server = start_workers({**api_env, "STAKEGRAPH_API_CORS_ORIGINS": origins[0].url,
                            "STAKEGRAPH_API_CORS_MAX_AGE": "321"},
                           tmp_path_factory.mktemp("cors"))
    yield server
    stop_server(server)


def test_a_page_on_an_allowed_origin_reads_the_api_and_another_origin_is_refused(
    cors_api: Server, origins: tuple[Origin, Origin], browser: Browser,
    keys: dict[str, str], graph: Graph,
) -> None:
    allowed, other = origins
    answers = {}
    for origin in (allowed, other):
        page = browser.new_page()
        page.goto(origin.url + "/app.html")
        answers[origin.url] = page.evaluate(CALL, [cors_api.url, keys["reader"],
                                                   graph.id("ann")])
        page.close()
    good = answers[allowed.url]
    assert good["status"] == 200, good
    assert good["body"]["data"]["stakeholder"] == {"id": graph.id("ann"),
                                                   "name": graph.prefix + " Ann Carer"}
    # The exposed header is readable by the page, and names the request.
    assert good["requestId"] == good["body"]["extensions"]["requestId"]
    # The browser refuses the other origin: the page learns nothing but a network error.
    assert "error" in answers[other.url] and "Failed to fetch" in answers[other.url]["error"]


def test_preflight_answers_the_allow_list_only_and_is_cached(
    cors_api: Server, origins: tuple[Origin, Origin],
) -> None:
    allowed, other = origins
    asked = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type,x-api-key,authorization"}
    ok = httpx.options(cors_api.url + "/graphql", headers={"Origin": allowed.url, **asked})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == allowed.url
    assert ok.headers["access-control-max-age"] == "321"
    allowed_headers = {h.strip().lower()
                       for h in ok.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "x-api-key", "content-type"} <= allowed_headers
    assert set(ok.headers["access-control-allow-methods"].replace(" ", "").split(",")) >= {
        "GET", "POST"}
    # Credentials (cookies) are not on by default; the key travels in a header.
    assert "access-control-allow-credentials" not in ok.headers

    refused = httpx.options(cors_api.url + "/graphql", headers={"Origin": other.url, **asked})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers

    # A simple request from the other origin runs, but carries no permission to read it.
    simple = httpx.post(cors_api.url + "/graphql", json={"query": "{ __typename }"},
                        headers={"Origin": other.url})
    assert "access-control-allow-origin" not in simple.headers
    answered = httpx.post(cors_api.url + "/graphql", json={"query": "{ __typename }"},
                          headers={"Origin": allowed.url})
    assert answered.headers["access-control-allow-origin"] == allowed.url
    assert "X-Request-ID" in answered.headers["access-control-expose-headers"]


def test_websocket_handshakes_follow_the_allow_list(
    cors_api: Server, origins: tuple[Origin, Origin],
) -> None:
    """Browsers apply no CORS to WebSockets: the handshake's Origin is checked by the server."""
    allowed, other = origins
    url = cors_api.url.replace("http://", "ws://") + "/graphql"

    async def handshake(origin: str) -> str:
        try:
            async with websockets.connect(url, subprotocols=[PROTOCOL],
                                          origin=origin) as socket:  # type: ignore[arg-type]
                await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
                return str(json.loads(await socket.recv())["type"])
        except websockets.InvalidStatus as exc:
            return f"refused {exc.response.status_code}"

    # In a thread of its own: Playwright's sync API keeps an event loop in this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, handshake(allowed.url)).result() == "connection_ack"
        assert pool.submit(asyncio.run, handshake(other.url)).result().startswith("refused 403")


def test_without_an_allow_list_no_origin_is_allowed(api: Server) -> None:
    """The default server (no STAKEGRAPH_API_CORS_ORIGINS) gives a preflight nothing usable."""
    answer = httpx.options(api.url + "/graphql", headers={
        "Origin": "http://127.0.0.1:9", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key"})
    assert "access-control-allow-origin" not in answer.headers
    assert answer.status_code >= 400
