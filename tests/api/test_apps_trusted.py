"""Trusted documents: in the mode, only documents registered by hash (a manifest file, an admin's
mutation or the CLI, shared by every worker through the graph) run, named by id or sent as
text; anything else is refused with UNTRUSTED_DOCUMENT before it is parsed, subscriptions
included; admins and the API's own GraphiQL page can be exempted."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from api_support import Client, Graph, Server, run_async, start_workers, stop_server
from neo4j import Driver
from playwright.sync_api import Browser
from stakegraph.schema.model import Label

LOOKUP = "query Lookup($id: ID!) { stakeholder(id: $id) { id name } }"
PROJECT = "query Project($id: ID!) { project(id: $id) { id name } }"
OTHER = "query Other($id: ID!) { stakeholder(id: $id) { id kind } }"
CHANGES = "subscription Changes { changes { seq } }"


def _id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def trusted_api(api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
                driver: Driver, database: str) -> Iterator[Server]:
    """Two workers in trusted-documents mode with a manifest of LOOKUP and CHANGES; admins and
    GraphiQL exempt."""
    folder = tmp_path_factory.mktemp("trusted")
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({_id(LOOKUP): LOOKUP, _id(CHANGES)[7:]: CHANGES}))
    server = start_workers({**api_env, "STAKEGRAPH_API_TRUSTED_DOCUMENTS": "true",
                            "STAKEGRAPH_API_TRUSTED_DOCUMENTS_FILE": str(manifest),
                            "STAKEGRAPH_API_TRUSTED_EXEMPT": "admin,graphiql"}, folder)
    yield server
    stop_server(server)
    driver.execute_query(f"MATCH (d:{Label.TRUSTED_DOCUMENT}) WHERE d.registered_by STARTS WITH "
                         "'key:tkey' OR d.registered_by STARTS WITH 'cli:' DETACH DELETE d",
                         database_=database)


def _post(server: Server, key: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(server.url + "/graphql", json=body, headers={"X-API-Key": key}, timeout=30)


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


def test_only_registered_documents_run(trusted_api: Server, keys: dict[str, str],
                                       graph: Graph) -> None:
    reader = keys["reader"]
    variables = {"id": graph.id("ann")}
    expected = {"stakeholder": {"id": graph.id("ann"), "name": graph.prefix + " Ann Carer"}}
    # The manifest's document, as text, by documentId, by Apollo's persisted query hash, by GET.
    as_text = _post(trusted_api, reader, {"query": LOOKUP, "variables": variables})
    by_id = _post(trusted_api, reader, {"documentId": _id(LOOKUP), "variables": variables})
    apollo = _post(trusted_api, reader, {"variables": variables, "extensions": {
        "persistedQuery": {"version": 1, "sha256Hash": _id(LOOKUP)[7:]}}})
    by_get = httpx.get(trusted_api.url + "/graphql", params={
        "documentId": _id(LOOKUP), "variables": json.dumps(variables)},
        headers={"X-API-Key": reader, "Accept": "application/json"}, timeout=30)
    for answer in (as_text, by_id, apollo, by_get):
        assert answer.status_code == 200 and answer.json()["data"] == expected, answer.text
    # Anything else is refused before it is parsed, with the id it would have.
    other = _post(trusted_api, reader, {"query": OTHER, "variables": variables})
    assert other.status_code == 400 and _code(other) == "UNTRUSTED_DOCUMENT"
    assert other.json()["errors"][0]["extensions"]["documentId"] == _id(OTHER)
    not_json = _post(trusted_api, reader, {"query": "{ { {", "variables": {}})
    assert _code(not_json) == "UNTRUSTED_DOCUMENT"
    unknown = _post(trusted_api, reader, {"documentId": _id("query { nothing }")})
    assert unknown.status_code == 400 and _code(unknown) == "UNTRUSTED_DOCUMENT"
    malformed = _post(trusted_api, reader, {"documentId": "md5:abc"})
    assert _code(malformed) == "UNTRUSTED_DOCUMENT"
    # Admins are exempt here (a setting): they may run anything.
    admin = _post(trusted_api, keys["admin"], {"query": OTHER, "variables": variables})
    assert admin.status_code == 200 and not admin.json().get("errors")


def test_an_admin_registers_a_document_for_every_worker(
    trusted_api: Server, keys: dict[str, str], graph: Graph,
) -> None:
    admin = Client(trusted_api.url, {"X-API-Key": keys["admin"]})
    reader = keys["reader"]
    variables = {"id": graph.id("p1")}
    assert _code(_post(trusted_api, reader, {"query": PROJECT, "variables": variables})) == (
        "UNTRUSTED_DOCUMENT")
    made = admin.data("mutation($d: String!) { registerTrustedDocument(document: $d) "
                      "{ id operations registeredBy } }", {"d": PROJECT})
    assert made["registerTrustedDocument"]["id"] == _id(PROJECT)
    assert made["registerTrustedDocument"]["operations"] == ["Project"]
    # Both workers run it now (new connections land on either).
    for _ in range(6):
        answer = _post(trusted_api, reader, {"documentId": _id(PROJECT), "variables": variables})
        assert answer.json()["data"]["project"]["id"] == graph.id("p1"), answer.text
    listed = admin.data("{ trustedDocuments { id } }")["trustedDocuments"]
    assert _id(PROJECT) in {d["id"] for d in listed}
    # Only admins register.
    refused = _post(trusted_api, keys["editor"], {"query": (
        'mutation { registerTrustedDocument(document: "{ __typename }") { id } }')})
    assert _code(refused) == "UNTRUSTED_DOCUMENT"
    bad = admin.post("mutation($d: String!) { registerTrustedDocument(document: $d) { id } }",
                     {"d": "not graphql {"})
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert admin.data("mutation($i: ID!) { removeTrustedDocument(id: $i) }",
                      {"i": _id(PROJECT)}) == {"removeTrustedDocument": True}
    gone = _post(trusted_api, reader, {"documentId": _id(PROJECT), "variables": variables})
    assert _code(gone) == "UNTRUSTED_DOCUMENT"


def test_the_cli_registers_documents(trusted_api: Server, keys: dict[str, str], graph: Graph,
                                     cli_env: dict[str, str], tmp_path: Path) -> None:
    document = tmp_path / "kinds.graphql"
    document.write_text(OTHER.replace("Other", "Kinds"))
    done = subprocess.run(["stakegraph", "documents", "add", str(document)], env=cli_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ident = _id(document.read_text())
    assert ident in done.stdout and "Kinds" in done.stdout
    answer = _post(trusted_api, keys["reader"], {"documentId": ident,
                                                  "variables": {"id": graph.id("bob")}})
    assert answer.json()["data"]["stakeholder"]["kind"] == "PERSON"
    removed = subprocess.run(["stakegraph", "documents", "remove", ident], env=cli_env,
                             capture_output=True, text=True, timeout=120)
    assert removed.returncode == 0, removed.stderr
    again = subprocess.run(["stakegraph", "documents", "remove", ident], env=cli_env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "no trusted document" in again.stderr


def test_subscriptions_are_checked_too(trusted_api: Server, keys: dict[str, str]) -> None:
    async def subscribe(query: str) -> dict[str, Any] | None:
        url = trusted_api.url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:
            await socket.send(json.dumps({"type": "connection_init",
                                          "payload": {"apiKey": keys["reader"]}}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            await socket.send(json.dumps({"id": "1", "type": "subscribe",
                                          "payload": {"query": query}}))
            try:
                return dict(json.loads(await asyncio.wait_for(socket.recv(), 3)))
            except TimeoutError:
                return None  # subscribed, and nothing changed meanwhile

    refused = run_async(subscribe("subscription { changes { seq at } }"))
    assert refused is not None and "payload" in refused, refused
    errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNTRUSTED_DOCUMENT"
    assert run_async(subscribe(CHANGES)) is None


def test_the_graphiql_page_is_exempt_and_others_are_not(trusted_api: Server,
                                                        keys: dict[str, str],
                                                        graph: Graph, browser: Browser) -> None:
    """A query typed into the API's own GraphiQL page runs: the browser marks its requests
    same-origin from /graphql. The same request from elsewhere is refused."""
    call = """async ([key, id]) => {
      const r = await fetch('/graphql', {method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-API-Key': key},
        body: JSON.stringify({query: 'query($id: ID!) { stakeholder(id: $id) { kind } }',
                              variables: {id}})});
      return {status: r.status, body: await r.json()};
    }"""
    page = browser.new_page()
    try:
        # The page's scripts come from a CDN this machine cannot reach: only its origin and
        # address matter here.
        page.route("**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url
                   else route.continue_())
        page.goto(trusted_api.url + "/graphql", wait_until="domcontentloaded")
        answer = page.evaluate(call, [keys["reader"], graph.id("ann")])
    finally:
        page.close()
    assert answer["status"] == 200, answer
    assert answer["body"]["data"]["stakeholder"]["kind"] == "PERSON"
    outside = _post(trusted_api, keys["reader"], {
        "query": "query($id: ID!) { stakeholder(id: $id) { kind } }",
        "variables": {"id": graph.id("ann")}})
    assert _code(outside) == "UNTRUSTED_DOCUMENT"


def test_document_ids_work_without_the_mode(api: Server, clients: dict[str, Client],
                                            graph: Graph, driver: Driver,
                                            database: str) -> None:
    """On a server not in the mode, any document runs and a registered one can be named."""
    text = "query ById($id: ID!) { stakeholder(id: $id) { id } }"
    clients["admin"].data("mutation($d: String!) { registerTrustedDocument(document: $d) "
                          "{ id } }", {"d": text})
    try:
        answer = httpx.post(api.url + "/graphql", headers=clients["reader"].headers, json={
            "documentId": _id(text), "variables": {"id": graph.id("ann")}}, timeout=30)
        assert answer.json()["data"] == {"stakeholder": {"id": graph.id("ann")}}
        assert clients["reader"].data(OTHER, {"id": graph.id("ann")})["stakeholder"]
    finally:
        driver.execute_query(f"MATCH (d:{Label.TRUSTED_DOCUMENT} {{id: $i}}) DELETE d",
                             i=_id(text), database_=database)
