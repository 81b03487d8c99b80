"""GraphiQL at /graphql works without internet access: every file it needs comes from the API.

A headless Chromium blocks every request that leaves the API's origin, opens /graphql, runs a
query typed into the editor and reads the answer on the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from api_support import Server, start_server, stop_server
from neo4j import Driver
from playwright.sync_api import Browser, Route
from stakegraph.api.graphiql_assets import PACKAGES, SCRIPTS, STYLESHEETS


@pytest.fixture(scope="module")
def open_api(
    api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The API with anonymous read, as `stakegraph up` serves it for the demo."""
    server = start_server(
        {**api_env, "STAKEGRAPH_API_ALLOW_ANONYMOUS_READ": "true"},
        tmp_path_factory.mktemp("graphiql"),
    )
    yield server
    stop_server(server)


def test_page_and_files_come_from_the_api_with_their_licences(open_api: Server) -> None:
    page = httpx.get(open_api.url + "/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "unpkg.com" not in page.text and "https://" not in page.text
    for name in (*STYLESHEETS, *SCRIPTS):
        assert f'"/graphiql/{name}"' in page.text
        served = httpx.get(f"{open_api.url}/graphiql/{name}", timeout=10)
        assert served.status_code == 200 and len(served.content) > 1000, name
    licences = [served for p in PACKAGES for _, served in p.files if served.startswith("LICENSE")]
    assert len(licences) == 4
    for name in licences:
        text = httpx.get(f"{open_api.url}/graphiql/{name}", timeout=10).text
        assert "MIT License" in text and "Permission is hereby granted" in text, name
    assert httpx.get(open_api.url + "/graphiql/../app.py", timeout=10).status_code == 404


def test_a_query_typed_into_graphiql_answers_with_external_requests_blocked(
    open_api: Server, browser: Browser, driver: Driver, database: str, scratch: str,
    tmp_path: Path,
) -> None:
    driver.execute_query(
        "CREATE (:Stakeholder:Organisation {id: $id, name: 'Offline Trust', kind: 'organisation'})",
        id=f"{scratch}trust", database_=database,
    )
    origin = urlsplit(open_api.url).netloc
    blocked: list[str] = []
    served: list[str] = []

    def only_the_api(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == origin and url.startswith("http://"):
            served.append(url)
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", only_the_api)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(open_api.url + "/graphql")
        editor = page.locator(".graphiql-query-editor .CodeMirror")
        editor.wait_for(timeout=30_000)
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(f'{{ stakeholder(id: "{scratch}trust") {{ id name kind }} }}')
        page.locator(".graphiql-execute-button").click()
        answer = page.locator(".graphiql-response")
        answer.get_by_text('"Offline Trust"').wait_for(timeout=30_000)
        text = answer.inner_text()
        page.screenshot(path=str(tmp_path / "graphiql.png"))
    finally:
        context.close()
    shown = json.loads(text.replace("\xa0", " "))  # the editor shows spaces as no-break ones
    assert shown["data"] == {
        "stakeholder": {"id": f"{scratch}trust", "name": "Offline Trust", "kind": "ORGANISATION"}
    }, shown
    assert blocked == [], blocked
    assert errors == [], errors
    assert any(u.endswith("/graphiql/graphiql.min.js") for u in served)
    assert any(u.endswith("/graphql") for u in served)
