"""`schema apply` against the real Neo4j: idempotent constraints, vocabularies as nodes."""

from __future__ import annotations

import subprocess

from neo4j import Driver
from stakegraph.schema.apply import apply_schema, list_schema
from stakegraph.schema.constraints import FULLTEXT_INDEX, schema_items
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import NODES
from stakegraph.schema.vocabulary import schemes


def test_apply_twice_gives_the_same_constraints_and_indexes(db: GraphDB) -> None:
    first = apply_schema(db)
    second = apply_schema(db)
    assert (first.constraints, first.indexes) == (second.constraints, second.indexes)
    expected = {item.name for item in schema_items()}
    assert expected <= set(second.constraints) | set(second.indexes)
    assert {f"{n}_id_unique" for n in ("stakeholder", "project", "engagement_activity")} <= set(
        second.constraints
    )
    assert FULLTEXT_INDEX in second.indexes
    assert len([c for c in second.constraints if c.endswith("_id_unique")]) >= len(NODES)


def test_every_vocabulary_term_is_a_concept_node(driver: Driver, database: str) -> None:
    records, _, _ = driver.execute_query(
        "MATCH (c:Concept) RETURN c.scheme AS scheme, count(*) AS n", database_=database
    )
    in_graph = {r["scheme"]: r["n"] for r in records}
    for name, s in schemes().items():
        assert in_graph.get(name) == len(s.terms), name
    assert in_graph["eric"] == 73
    assert in_graph["proctor_outcome"] == 8


def test_eric_strategies_are_strategies_under_their_cluster(driver: Driver, database: str) -> None:
    records, _, _ = driver.execute_query(
        "MATCH (s:Strategy:Concept {scheme: 'eric'})"
        "-[:BROADER]->(c:Concept {scheme: 'eric_cluster'}) "
        "RETURN count(DISTINCT s) AS strategies, count(DISTINCT c) AS clusters",
        database_=database,
    )
    assert (records[0]["strategies"], records[0]["clusters"]) == (73, 9)


def test_uniqueness_is_enforced(driver: Driver, database: str, scratch: str) -> None:
    driver.execute_query(
        "CREATE (:Project {id: $id, name: 'a'})", id=f"{scratch}p", database_=database
    )
    try:
        driver.execute_query(
            "CREATE (:Project {id: $id, name: 'b'})", id=f"{scratch}p", database_=database
        )
    except Exception as exc:  # the driver raises ConstraintError
        assert "already exists" in str(exc)
    else:
        raise AssertionError("a second Project with the same id was accepted")


def test_cli_schema_apply_reports_the_vocabularies(db: GraphDB,
    cli_env: dict[str, str], database: str
) -> None:
    before = list_schema(db)
    out = subprocess.run(
        ["stakegraph", "schema", "apply"], env=cli_env, capture_output=True, text=True, check=True
    )
    assert "eric" in out.stdout and "73" in out.stdout
    assert list_schema(db) == before
