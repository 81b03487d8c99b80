"""Roles from API keys and JWTs, personal data per role, anonymous read, and key management."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from api_support import (
    JWT_AUDIENCE,
    JWT_ISSUER,
    Client,
    Graph,
    Server,
    codes,
    jwt_token,
    start_server,
    stop_server,
)

PERSONAL = "query($id: ID!) { stakeholder(id: $id) { id name email phone notes } }"
WRITE = 'mutation($id: ID!) { updateProject(id: $id, patch: {description: "d"}) { id } }'


def test_every_role_against_personal_fields(clients: dict[str, Client], graph: Graph) -> None:
    for role in ("editor", "admin"):
        data = clients[role].data(PERSONAL, {"id": graph.id("ann")})["stakeholder"]
        assert (data["email"], data["phone"], data["notes"]) == (
            "ann@example.org", "+44 1", "prefers evening calls")
    body = clients["reader"].post(PERSONAL, {"id": graph.id("ann")})
    person = body["data"]["stakeholder"]
    assert person["name"].endswith("Ann Carer")
    assert (person["email"], person["phone"], person["notes"]) == (None, None, None)
    assert codes(body) == ["FORBIDDEN"] * 3
    assert {tuple(e["path"]) for e in body["errors"]} == {
        ("stakeholder", f) for f in ("email", "phone", "notes")}


def test_every_role_against_reads_and_writes(clients: dict[str, Client], graph: Graph) -> None:
    read = "query($id: ID!) { project(id: $id) { id } }"
    assert codes(clients["anonymous"].post(read, {"id": graph.id("p1")})) == ["FORBIDDEN"]
    for role in ("reader", "editor", "admin"):
        assert clients[role].data(read, {"id": graph.id("p1")})["project"]
    assert codes(clients["reader"].post(WRITE, {"id": graph.id("p1")})) == ["FORBIDDEN"]
    assert codes(clients["anonymous"].post(WRITE, {"id": graph.id("p1")})) == ["FORBIDDEN"]
    for role in ("editor", "admin"):
        assert clients[role].data(WRITE, {"id": graph.id("p1")})["updateProject"]


def test_bad_keys_are_refused(api: Server, graph: Graph) -> None:
    for headers in ({"X-API-Key": "sgk_not-a-key"}, {"Authorization": "Bearer sgk_nope"}):
        body = Client(api.url, headers).post("{ projects { totalCount } }")
        assert codes(body) == ["FORBIDDEN"] and "unknown or revoked" in str(body)


def test_jwt_roles_and_refusals(api: Server, graph: Graph) -> None:
    def client(token: str) -> Client:
        return Client(api.url, {"Authorization": f"Bearer {token}"})

    assert client(jwt_token("editor")).data(WRITE, {"id": graph.id("p1")})
    body = client(jwt_token("reader")).post(PERSONAL, {"id": graph.id("ann")})
    assert codes(body) == ["FORBIDDEN"] * 3 and body["data"]["stakeholder"]["id"]
    refused = [
        jwt_token("editor", exp=int(time.time()) - 10),
        jwt_token("editor", iss="https://evil.test"),
        jwt_token("editor", aud="other"),
        jwt_token("superuser"),
        jwt.encode({"role": "admin", "iss": JWT_ISSUER, "aud": JWT_AUDIENCE,
                    "exp": int(time.time()) + 60}, "wrong-key-wrong-key-wrong-key-0000",
                   algorithm="HS256"),
    ]
    for token in refused:
        assert codes(client(token).post("{ projects { totalCount } }")) == ["FORBIDDEN"]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "stakegraph")
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=120)


def test_apikey_cli_create_list_revoke(api: Server, api_env: dict[str, str]) -> None:
    made = _cli(api_env, "apikey", "create", "--role", "reader", "--name", "pytest cli key")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    key_id = re.search(r"id (\S+)", made.stdout)
    assert key.startswith("sgk_") and key_id
    try:
        client = Client(api.url, {"X-API-Key": key})
        assert client.data('{ concept(id: "quadrant:q1") { code } }')
        listed = _cli(api_env, "apikey", "list")
        assert key_id.group(1) in listed.stdout and key not in listed.stdout
        assert _cli(api_env, "apikey", "revoke", key_id.group(1)).returncode == 0
        # The test server caches keys for 0 s, so revocation is immediate here.
        assert codes(client.post('{ concept(id: "quadrant:q1") { code } }')) == ["FORBIDDEN"]
        bad = _cli(api_env, "apikey", "create", "--role", "owner", "--name", "x")
        assert bad.returncode != 0 and "role" in bad.stderr and "Traceback" not in bad.stderr
    finally:
        from neo4j import GraphDatabase

        with GraphDatabase.driver(
            api_env["NEO4J_URI"], auth=(api_env["NEO4J_USER"], api_env["NEO4J_PASSWORD"])
        ) as drv:
            drv.execute_query("MATCH (k:ApiKey {id: $id}) DELETE k", id=key_id.group(1))


@pytest.fixture(scope="module")
def open_api(api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`stakegraph serve --allow-anonymous-read` with introspection off."""
    env = dict(api_env, STAKEGRAPH_API_INTROSPECTION="false")
    exe = str(Path(sys.executable).parent / "stakegraph")
    server = start_server(
        env, tmp_path_factory.mktemp("open"),
        [exe, "serve", "--host", "127.0.0.1", "--port", "{port}", "--allow-anonymous-read"],
    )
    yield server
    stop_server(server)


def test_anonymous_read_only_when_allowed(open_api: Server, graph: Graph) -> None:
    anonymous = Client(open_api.url, {})
    data = anonymous.data("query($id: ID!) { project(id: $id) { id } }", {"id": graph.id("p1")})
    assert data["project"]["id"] == graph.id("p1")
    assert codes(anonymous.post(WRITE, {"id": graph.id("p1")})) == ["FORBIDDEN"]
    body = anonymous.post(PERSONAL, {"id": graph.id("ann")})
    assert codes(body) == ["FORBIDDEN"] * 3
    introspection = anonymous.post("{ __schema { types { name } } }")
    assert set(codes(introspection)) == {"VALIDATION"} and introspection["data"] is None
