"""16 concurrent writers on the same stakeholders, ties and stakes (over HTTP to the real API),
and 16 concurrent loads of the same files: no duplicate ids, one tie per (type, source, target),
and every acknowledged assessment kept as its own ASSESSED relationship."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_load import ASSESS, CREATE, CREATE_PROJECT, TIE, UPDATE, Caller
from api_support import JWT_AUDIENCE, JWT_ISSUER, JWT_KEY, Server, start_server, stop_server
from fault_support import api_env, driver_for, snapshot
from neo4j import Driver
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import generate
from stakegraph.schema.graphdb import GraphDB

from stakegraph.settings import Settings

WRITERS = 16
PEOPLE = 6
ROUNDS = 4
TIE_TYPES = ("INFLUENCES", "TRUSTS")


@pytest.fixture
def api(fault_neo4j: Settings, tmp_path: Path) -> Iterator[Server]:
    """The API against the private Neo4j."""
    server = start_server(api_env(fault_neo4j, JWT_KEY, JWT_ISSUER, JWT_AUDIENCE), tmp_path)
    yield server
    stop_server(server)


@pytest.fixture
def fault_driver(fault_neo4j: Settings) -> Iterator[Driver]:
    """A driver to the private Neo4j."""
    driver = driver_for(fault_neo4j)
    yield driver
    driver.close()


def _writer(caller: Caller, prefix: str, n: int, barrier: threading.Barrier) -> None:
    people = [f"{prefix}s{k}" for k in range(PEOPLE)]
    barrier.wait()
    # Every writer races to create every stakeholder; one create per id may win.
    for k, sid in enumerate(people):
        caller.post(CREATE, i={"id": sid, "name": f"Shared {k}", "kind": "PERSON"})
    barrier.wait()
    for r in range(ROUNDS):
        for k, sid in enumerate(people):
            caller.post(UPDATE, id=sid, p={"name": f"Shared {k} by {n}.{r}"})
            target = people[(k + 1 + r) % PEOPLE]
            caller.post(TIE, i={"type": TIE_TYPES[(n + k) % 2], "sourceId": sid,
                                "targetId": target, "weight": float(1 + n % 5)})
            # Own date and assessor: every one must be kept in the history.
            caller.post(ASSESS, i={"stakeholderId": sid, "projectId": f"{prefix}proj",
                                   "date": f"2025-{1 + r:02d}-{1 + k:02d}",
                                   "assessor": f"writer{n}", "interest": 1 + n % 10,
                                   "impact": 1 + r})
            # Same date and assessor for every writer: exactly one may win.
            caller.post(ASSESS, i={"stakeholderId": sid, "projectId": f"{prefix}proj",
                                   "date": f"2025-12-{1 + r:02d}", "assessor": "shared",
                                   "interest": 1 + n % 10, "impact": 5})


def test_sixteen_api_writers_on_the_same_records(api: Server, fault_driver: Driver,
                                                 fault_neo4j: Settings) -> None:
    prefix = f"f{uuid.uuid4().hex[:6]}-"
    callers = [Caller(api.url) for _ in range(WRITERS)]
    try:
        assert callers[0].post(CREATE_PROJECT, i={"id": f"{prefix}proj", "name": "Race"}
                               ).acknowledged
        barrier = threading.Barrier(WRITERS)
        threads = [threading.Thread(target=_writer, args=(c, prefix, n, barrier))
                   for n, c in enumerate(callers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        for caller in callers:
            caller.close()
    calls = [c for caller in callers for c in caller.calls]
    codes = Counter(code for c in calls for code in c.codes)
    print(f"\n{len(calls)} calls, {sum(c.acknowledged for c in calls)} acknowledged, "
          f"error codes {dict(codes)}, slowest {max(c.seconds for c in calls):.2f} s")
    assert not [c for c in calls if c.timed_out]
    # Losing a create race is a CONFLICT; contested assessments too. Nothing else goes wrong.
    assert set(codes) <= {"CONFLICT"}, codes
    assert sum(c.acknowledged for c in calls if c.query == CREATE) == PEOPLE

    db = fault_neo4j.neo4j_database
    ids, _, _ = fault_driver.execute_query(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p RETURN s.id AS id, count(*) AS n",
        p=prefix, database_=db)
    assert len(ids) == PEOPLE and all(r["n"] == 1 for r in ids)
    ties, _, _ = fault_driver.execute_query(
        "MATCH (a:Stakeholder)-[t:INFLUENCES|TRUSTS]->(b) WHERE a.id STARTS WITH $p "
        "RETURN type(t) AS type, a.id AS a, b.id AS b, count(t) AS n", p=prefix, database_=db)
    acked_ties = {(c.variables["i"]["type"], c.variables["i"]["sourceId"],
                   c.variables["i"]["targetId"]) for c in calls if c.query == TIE
                  and c.acknowledged}
    assert {(r["type"], r["a"], r["b"]) for r in ties} == acked_ties
    assert all(r["n"] == 1 for r in ties), [r for r in ties if r["n"] > 1]
    history, _, _ = fault_driver.execute_query(
        "MATCH (:Stakeholder)-[r:ASSESSED]->(:Project {id: $proj}) "
        "RETURN r.id AS id, count(r) AS n, collect(r.interest) AS interest",
        proj=f"{prefix}proj", database_=db)
    kept = {r["id"]: r for r in history}
    assert all(r["n"] == 1 for r in history), [r for r in history if r["n"] > 1]
    acked = [c for c in calls if c.query == ASSESS and c.acknowledged]
    own = [c for c in acked if c.variables["i"]["assessor"] != "shared"]
    assert len(own) == WRITERS * ROUNDS * PEOPLE  # never refused: no two share date+assessor
    for c in acked:
        assert c.data is not None
        row = kept[c.data["assessStake"]["id"]]
        assert row["interest"] == [c.variables["i"]["interest"]]  # its own values, not another's
    contested = [c for c in acked if c.variables["i"]["assessor"] == "shared"]
    assert len(contested) == ROUNDS * PEOPLE  # exactly one winner per contested date
    assert len(kept) == len(own) + len(contested)


def test_sixteen_concurrent_loads_of_the_same_files(
    fault_driver: Driver, fault_neo4j: Settings, tmp_path: Path
) -> None:
    tag = f"f{uuid.uuid4().hex[:6]}"
    racing, clean = f"{tag}r-", f"{tag}c-"
    generate(300, 3, tmp_path / "racing", id_prefix=racing)
    generate(300, 3, tmp_path / "clean", id_prefix=clean)
    db = fault_neo4j.neo4j_database
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def load() -> None:
        barrier.wait()
        try:
            load_paths(GraphDB(fault_driver, db), [tmp_path / "racing"], batch_size=100)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not errors, errors[:3]
    load_paths(GraphDB(fault_driver, db), [tmp_path / "clean"], batch_size=100)
    for label in ("Stakeholder", "Project", "EngagementActivity"):
        dupes, _, _ = fault_driver.execute_query(
            f"MATCH (n:{label}) WHERE n.id STARTS WITH $p WITH n.id AS id, count(*) AS n "
            "WHERE n > 1 RETURN count(*) AS dupes", p=racing, database_=db)
        assert dupes[0]["dupes"] == 0, label
    raced, calm = snapshot(fault_driver, db, racing), snapshot(fault_driver, db, clean)
    print(f"\n16 loads: {raced.node_counts} {raced.rel_counts}")
    assert raced.node_counts == calm.node_counts and raced.rel_counts == calm.rel_counts
    assert raced.nodes == calm.nodes and raced.rels == calm.rels
