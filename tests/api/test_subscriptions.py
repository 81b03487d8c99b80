"""Live updates on Community: subscriptions over graphql-transport-ws follow the change feed, so
changes made through another worker, the CLI or a load reach every subscriber once, in commit
order, filtered by project and entity, with personal field names only for editors; a reconnect
with ``after`` gets what was missed."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from api_support import Client, Server, run_async, start_server, stop_server
from stakegraph.schema.graphdb import GraphDB

PROTOCOL = "graphql-transport-ws"
SUBSCRIBE = """subscription($projects: [ID!], $entities: [ChangeEntity!], $after: Int) {
  changes(projects: $projects, entities: $entities, after: $after) {
    seq entity op ids projects fields via } }"""


@pytest.fixture(scope="module")
def two_workers(api_env: dict[str, str], cli_env: dict[str, str],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API in two worker processes (changes made through one reach the other's
    subscribers through the feed)."""
    exe = shutil.which("stakegraph", path=cli_env["PATH"])
    assert exe is not None
    server = start_server(
        {**api_env, "STAKEGRAPH_API_FEED_POLL_S": "0.05"}, tmp_path_factory.mktemp("subs"),
        [exe, "serve", "--host", "127.0.0.1", "--port", "{port}", "--workers", "2"])
    yield server
    stop_server(server)


class Subscriber:
    """One graphql-transport-ws connection with one subscription."""

    def __init__(self, url: str, params: dict[str, str], variables: dict[str, Any]) -> None:
        self.url = url.replace("http://", "ws://") + "/graphql"
        self.params = params
        self.variables = variables
        self.socket: Any = None

    async def __aenter__(self) -> Subscriber:
        self.socket = await websockets.connect(self.url, subprotocols=[PROTOCOL])
        await self.socket.send(json.dumps({"type": "connection_init", "payload": self.params}))
        ack = json.loads(await self.socket.recv())
        assert ack["type"] == "connection_ack", ack
        await self.socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": self.variables}}))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.socket.close()

    async def events(self, n: int, timeout: float = 20) -> list[dict[str, Any]]:
        """Returns the next ``n`` events (fails on an error message or a timeout)."""
        out = []
        while len(out) < n:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            assert message["type"] == "next", message
            assert not message["payload"].get("errors"), message
            out.append(message["payload"]["data"]["changes"])
        return out


def _create(client: Client, p: str, name: str, project: str | None = None) -> None:
    client.data("mutation($i: StakeholderInput!) { createStakeholder(input: $i) { id } }",
                {"i": {"id": p + name, "name": name, "kind": "PERSON", "email": "x@y.org"}})
    if project is not None:
        client.data(
            "mutation($i: AssessStakeInput!) { assessStake(input: $i) { id } }",
            {"i": {"stakeholderId": p + name, "projectId": project, "date": "2026-01-01",
                   "assessor": "team", "interest": 5, "impact": 5}})


def test_changes_reach_every_subscriber_in_commit_order(
    two_workers: Server, keys: dict[str, str], db: GraphDB, scratch: str,
) -> None:
    editor = Client(two_workers.url, {"X-API-Key": keys["editor"]})
    editor.data("mutation($i: ProjectInput!) { createProject(input: $i) { id } }",
                {"i": {"id": scratch + "p", "name": "Feed project"}})

    async def scenario() -> tuple[list[list[dict[str, Any]]], list[dict[str, Any]]]:
        reader = {"Authorization": f"Bearer {keys['reader']}"}
        # Several connections: each lands on either worker.
        subscribers = [Subscriber(two_workers.url, reader, {"projects": [scratch + "p"]})
                       for _ in range(6)]
        everything = Subscriber(two_workers.url, {"apiKey": keys["editor"]},
                                {"entities": ["STAKEHOLDERS"]})
        for s in (*subscribers, everything):
            await s.__aenter__()
        await asyncio.sleep(0.3)
        for name in ("a", "b", "c"):
            await asyncio.to_thread(_create, editor, scratch, name, scratch + "p")
        got = [await s.events(3) for s in subscribers]
        mine = await everything.events(3)
        for s in (*subscribers, everything):
            await s.__aexit__()
        return got, mine

    got, editor_events = run_async(scenario())
    for events in got:
        assert [e["entity"] for e in events] == ["ASSESSMENTS"] * 3
        assert [e["ids"] for e in events] == [sorted([scratch + n, scratch + "p"])
                                              for n in ("a", "b", "c")]
        seqs = [e["seq"] for e in events]
        assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert all(events == got[0] for events in got), "every subscriber gets the same changes"
    # The editor sees personal field names; readers never get stakeholder events here.
    assert [e["op"] for e in editor_events] == ["CREATED"] * 3
    assert "email" in editor_events[0]["fields"] and editor_events[0]["via"] == "api"


def test_a_load_reaches_subscribers_and_a_reconnect_catches_up(
    two_workers: Server, keys: dict[str, str], cli_env: dict[str, str], scratch: str,
    tmp_path: Path,
) -> None:
    reader = {"Authorization": f"Bearer {keys['reader']}"}
    folder = tmp_path / "load"
    folder.mkdir()
    (folder / "stakeholders.csv").write_text(
        f"id,name,kind,email\n{scratch}x,X,person,x@y.org\n{scratch}y,Y,group,\n",
        encoding="utf-8")

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with Subscriber(two_workers.url, reader, {"entities": ["STAKEHOLDERS"]}) as s:
            await asyncio.sleep(0.3)
            loaded = await asyncio.to_thread(
                subprocess.run, ["stakegraph", "load", str(folder)], env=cli_env,
                capture_output=True, text=True, timeout=120)
            assert loaded.returncode == 0, loaded.stderr
            # One change per written batch: the persons and the groups are two.
            events = await s.events(2)
        assert {e["via"] for e in events} == {"load"}
        seen = {**events[-1], "ids": sorted({i for e in events for i in e["ids"]})}
        # Changes made while nobody listened are replayed to a subscriber that says `after`.
        editor = Client(two_workers.url, {"X-API-Key": keys["editor"]})
        await asyncio.to_thread(_create, editor, scratch, "z")
        async with Subscriber(two_workers.url, reader,
                              {"entities": ["STAKEHOLDERS"], "after": seen["seq"]}) as again:
            missed = await again.events(1)
        return seen, missed

    seen, missed = run_async(scenario())
    assert seen["op"] == "LOADED" and set(seen["ids"]) == {scratch + "x", scratch + "y"}
    assert "email" not in seen["fields"] and "name" in seen["fields"], "no personal field names"
    assert missed[0]["seq"] > seen["seq"] and missed[0]["ids"] == [scratch + "z"]
    assert "email" not in missed[0]["fields"]


def test_anonymous_subscribers_are_refused(two_workers: Server) -> None:
    async def scenario() -> dict[str, Any]:
        async with Subscriber(two_workers.url, {}, {}) as s:
            return dict(json.loads(await asyncio.wait_for(s.socket.recv(), 10)))

    message = run_async(scenario())
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
