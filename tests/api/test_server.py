"""The server itself: /health, GET and POST /graphql, GraphiQL, the committed SDL, request ids
and masked errors."""

from __future__ import annotations

from pathlib import Path

import httpx
from api_support import Client, Server, codes
from stakegraph.api.schema import sdl

SDL_FILE = Path(__file__).resolve().parents[2] / "api" / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_FILE.read_text() == sdl(), (
        "api/schema.graphql is stale: run "
        "`stakegraph schema graphql --shipped > api/schema.graphql`"
    )


def test_health_reports_neo4j(api: Server) -> None:
    response = httpx.get(api.url + "/health", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["neo4j"]["state"] == "online" and body["neo4j"]["version"].startswith("5.")


def test_get_runs_queries_but_not_mutations(api: Server, keys: dict[str, str]) -> None:
    headers = {"X-API-Key": keys["editor"]}
    ok = httpx.get(
        api.url + "/graphql",
        params={"query": '{ concept(id: "quadrant:q4") { code } }'},
        headers=headers,
        timeout=10,
    )
    assert ok.status_code == 200 and ok.json()["data"] == {"concept": {"code": "q4"}}
    assert ok.headers["x-request-id"] == ok.json()["extensions"]["requestId"]
    refused = httpx.get(
        api.url + "/graphql",
        params={"query": 'mutation { deleteProject(id: "x") { deleted } }'},
        headers=headers,
        timeout=10,
    )
    assert refused.status_code in (400, 405) and "data" not in refused.text


def test_graphiql_in_a_browser(api: Server) -> None:
    page = httpx.get(api.url + "/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_errors_have_codes_and_no_internals(clients: dict[str, Client]) -> None:
    body = clients["reader"].post("{ stakeholders { nodes { nosuchfield } } }")
    assert codes(body) == ["VALIDATION"]
    assert body["errors"][0]["extensions"]["requestId"] == body["extensions"]["requestId"]
    body = clients["reader"].post("{ stakeholders(")
    assert codes(body) == ["VALIDATION"]
    body = clients["reader"].post(
        "query($d: Date) { project(id: \"x\") { activities(dateFrom: $d) { totalCount } } }",
        {"d": "2025-13-45"},
    )
    assert codes(body) == ["VALIDATION"]
    text = str(body)
    for leak in ("Traceback", "MATCH", "neo4j", ".py"):
        assert leak not in text
