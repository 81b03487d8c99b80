"""Every string filter and input reaches Cypher as a parameter: injection attempts are data."""

from __future__ import annotations

from typing import Any

from api_support import Client, Graph, codes
from neo4j import Driver

ATTEMPTS = [
    "x' OR 1=1 //",
    "\") MATCH (n) DETACH DELETE n //",
    "x'}) RETURN 1 UNION MATCH (n) RETURN n //",
    "` MATCH (n) SET n.pwned = true //",
    "$ids",
    "*",
    "name:(a OR b)~ AND \\ \"",
    "x\u0000y",
    "NOT",
]


def _count(driver: Driver, database: str, prefix: str) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.id STARTS WITH $p RETURN count(n) AS n", p=prefix, database_=database
    )
    return int(records[0]["n"])


def _no_internal(body: dict[str, Any]) -> None:
    assert "INTERNAL" not in codes(body), body


def test_injection_through_filters(
    clients: dict[str, Client], graph: Graph, driver: Driver, database: str
) -> None:
    c = clients["reader"]
    before = _count(driver, database, graph.prefix)
    queries = [
        ("query($v: String!) { stakeholders(filter: {idPrefix: $v}) { totalCount } }", 0),
        ("query($v: String!) { stakeholders(filter: {country: $v}) { totalCount } }", 0),
        ("query($v: ID!) { stakeholders(filter: {project: $v}) { totalCount } }", 0),
        ("query($v: ID!) { stakeholders(filter: {ids: [$v]}) { totalCount } }", 0),
        ("query($v: String!) { stakeholders(filter: {search: $v}) { totalCount } }", None),
        ("query($v: String!) { projects(filter: {search: $v}) { totalCount } }", None),
        ("query($v: String!) { activities(filter: {idPrefix: $v}) { totalCount } }", 0),
        ("query($v: ID!) { activities(filter: {participant: $v}) { totalCount } }", 0),
        ("query($v: ID!) { activities(filter: {project: $v}) { totalCount } }", 0),
        ("query($v: String!) { concepts(filter: {scheme: $v}) { totalCount } }", 0),
        ("query($v: ID!) { stakeholder(id: $v) { id } }", None),
        ("query($v: ID!) { stakeholder(id: $v) { id stakes(project: $v) { id } } }", None),
    ]
    for attempt in ATTEMPTS:
        for query, expected in queries:
            body = c.post(query, {"v": attempt})
            _no_internal(body)
            if expected is not None and not body.get("errors"):
                assert next(iter(body["data"].values()))["totalCount"] == expected
        for vocab in ("sector", "quadrant", "category"):
            body = c.post(
                f"query($v: String!) {{ stakeholders(filter: {{{vocab}: $v}}) {{ totalCount }} }}",
                {"v": attempt},
            )
            assert codes(body) == ["VALIDATION"]
    assert _count(driver, database, graph.prefix) == before


def test_injection_through_inputs_is_stored_verbatim(
    clients: dict[str, Client], graph: Graph, driver: Driver, database: str
) -> None:
    c = clients["editor"]
    for n, attempt in enumerate(a for a in ATTEMPTS if "\u0000" not in a):
        ident = graph.id(f"inj{n}")
        made = c.post(
            "mutation($i: StakeholderInput!) { createStakeholder(input: $i) { id name country "
            "notes } }",
            {"i": {"id": ident, "name": attempt, "kind": "PERSON", "country": attempt,
                   "notes": attempt}},
        )
        _no_internal(made)
        if attempt.strip():
            assert made["data"]["createStakeholder"] == {
                "id": ident, "name": attempt.strip(), "country": attempt.strip(),
                "notes": attempt.strip()}
        stake = c.post(
            "mutation($i: AssessStakeInput!) { assessStake(input: $i) { assessor note } }",
            {"i": {"stakeholderId": ident, "projectId": graph.id("p1"), "date": "2025-01-01",
                   "assessor": attempt, "interest": 5, "impact": 5, "note": attempt}},
        )
        _no_internal(stake)
        assert stake["data"]["assessStake"]["assessor"] == attempt.strip()
        tie = c.post(
            "mutation($i: TieInput!) { addTie(input: $i) { evidence } }",
            {"i": {"type": "TRUSTS", "sourceId": ident, "targetId": graph.id("bob"),
                   "evidence": attempt}},
        )
        _no_internal(tie)
        assert tie["data"]["addTie"]["evidence"] == attempt.strip()
        for mutation in (
            "mutation($v: ID!) { deleteProject(id: $v) { id } }",
            "mutation($v: ID!) { removeTie(type: TRUSTS, sourceId: $v, targetId: $v) }",
            'mutation($v: ID!) { updateActivity(id: $v, patch: {name: "n"}) { id } }',
        ):
            body = c.post(mutation, {"v": attempt})
            _no_internal(body)
            assert set(codes(body)) <= {"NOT_FOUND", "VALIDATION"}
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.pwned IS NOT NULL RETURN count(n) AS n", database_=database
    )
    assert records[0]["n"] == 0
    assert _count(driver, database, graph.prefix + "p") == 3  # p1, p2, parent
