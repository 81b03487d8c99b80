"""A backup taken while 8 API clients write (over HTTP to the real API): the file is one
consistent moment of the graph. No relationship without both its ends; each client's writes
in it are a prefix of what that client did (nothing later without everything before); every
write acknowledged before the backup began is in it, and none begun after it ended; and it
restores to the fingerprint its manifest promises."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from api_load import ASSESS, CREATE, TIE, Caller
from api_support import JWT_AUDIENCE, JWT_ISSUER, JWT_KEY, Server, start_server, stop_server
from stakegraph.loaders import load_paths
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB

from stakegraph.backup.archive import BackupFile
from stakegraph.backup.backup import take_backup
from stakegraph.backup.fingerprint import fingerprint
from stakegraph.backup.restore import restore
from stakegraph.backup.stream import key_label

WRITERS = 8
SOURCE = Path(__file__).resolve().parents[1] / "schema" / "fixtures" / "model_v1" / "source"
PROJECT = "demo-icbt"


@dataclass
class Op:
    """One write of a client: what it should leave in the graph and when it ran."""

    kind: str  # node, tie or assessment
    key: tuple[str, ...]
    began: float
    ended: float = 0.0
    acknowledged: bool = False
    codes: list[str] = field(default_factory=list)


def _client(caller: Caller, n: int, stop: threading.Event, ops: list[Op]) -> None:
    i = 0
    while not stop.is_set():
        sid = f"w{n}-{i}"
        steps: list[tuple[str, tuple[str, ...], str, dict[str, Any]]] = [
            ("node", (sid,), CREATE, {"i": {"id": sid, "name": f"Writer {n} #{i}",
                                            "kind": "PERSON"}})]
        if i:
            steps.append(("tie", (f"w{n}-{i - 1}", sid), TIE, {"i": {
                "type": "INFLUENCES", "sourceId": f"w{n}-{i - 1}", "targetId": sid,
                "weight": 1.5}}))
        steps.append(("assessment", (sid,), ASSESS, {"i": {
            "stakeholderId": sid, "projectId": PROJECT, "date": "2026-01-01",
            "assessor": f"writer {n}", "interest": 1 + i % 10, "impact": 1 + n}}))
        for kind, key, query, variables in steps:
            while True:
                op = Op(kind, key, time.monotonic())
                call = caller.post(query, **variables)
                op.ended, op.acknowledged = time.monotonic(), call.acknowledged
                op.codes = call.codes
                ops.append(op)
                if op.acknowledged:
                    break
                if op.codes != ["UNAVAILABLE"] or stop.is_set():
                    return  # anything else would leave the later steps without their base
                # Held back longer than its budget by the backup: try again, as an app would.
        i += 1


@pytest.fixture
def api(private_env: dict[str, str], tmp_path: Path) -> Iterator[Server]:
    """The API against the private Neo4j."""
    env = {**private_env, "STAKEGRAPH_API_JWT_KEY": JWT_KEY, "STAKEGRAPH_API_JWT_ISSUER":
           JWT_ISSUER, "STAKEGRAPH_API_JWT_AUDIENCE": JWT_AUDIENCE,
           "STAKEGRAPH_API_KEY_CACHE_S": "0"}
    server = start_server(env, tmp_path)
    yield server
    stop_server(server)


End = tuple[str | None, str]


def _read_file(path: Path) -> tuple[set[End], list[tuple[str, End, End, dict[str, Any]]]]:
    nodes: set[End] = set()
    rels: list[tuple[str, End, End, dict[str, Any]]] = []
    with BackupFile(path) as file:
        for raw in file.lines():
            line = orjson.loads(raw)
            if line[0] == "N":
                nodes.add((key_label(line[1]), line[2]["id"]))
            else:
                rels.append((line[1], (key_label(line[2]), line[3]),
                             (key_label(line[4]), line[5]), line[6]))
    return nodes, rels


def test_backup_while_eight_clients_write_is_one_consistent_moment(
    empty_db: GraphDB, api: Server, workdir: Path,
) -> None:
    apply_schema(empty_db, actor="pytest")
    load_paths(empty_db, [SOURCE])
    stop = threading.Event()
    callers = [Caller(api.url) for _ in range(WRITERS)]
    ops: list[list[Op]] = [[] for _ in range(WRITERS)]
    threads = [threading.Thread(target=_client, args=(callers[n], n, stop, ops[n]))
               for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3.0)
        began = time.monotonic()
        report = take_backup(empty_db, workdir / "busy.zip", actor="pytest")
        ended = time.monotonic()
        time.sleep(2.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        for caller in callers:
            caller.close()
    every = [op for client in ops for op in client]
    during = [op for op in every if op.began < ended and op.ended > began]
    print(f"\n{len(every)} writes, {sum(op.acknowledged for op in every)} acknowledged, "
          f"{len(during)} overlapping the backup ({ended - began:.2f} s), slowest of those "
          f"{max((op.ended - op.began for op in during), default=0):.2f} s")
    # Writes during the backup waited for it (no error) unless it outlasted their budget.
    assert all(op.acknowledged or set(op.codes) == {"UNAVAILABLE"} for op in during)
    assert all(op.acknowledged for op in every if op not in during)

    nodes, rels = _read_file(report.path)
    # No relationship without both its ends.
    assert all(start in nodes and end in nodes for _, start, end, _ in rels)
    present = {("node", ident) for label, ident in nodes if label == "Stakeholder"}
    present |= {("tie", start[1], end[1]) for rel, start, end, _ in rels if rel == "INFLUENCES"}
    present |= {("assessment", start[1]) for rel, start, _, props in rels
                if rel == "ASSESSED" and str(props.get("assessor", "")).startswith("writer ")}
    for client in ops:
        inside = [(op.kind, *op.key) in present for op in client]
        # A prefix: once one write of a client is missing, so is every later one.
        assert inside == sorted(inside, reverse=True), inside
        for op, there in zip(client, inside, strict=True):
            if op.acknowledged and op.ended < began:
                assert there, op  # acknowledged before the backup began
            if op.began > ended:
                assert not there, op  # begun after it ended
    assert any(op.began > ended for op in every), "no write came after the backup"

    # Restored, it is the graph the manifest describes.
    restored = restore(empty_db, report.path, actor="pytest", replace=True)
    assert restored.fingerprint == report.fingerprint == fingerprint(empty_db)
