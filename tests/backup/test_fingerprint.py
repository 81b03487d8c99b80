"""The fingerprint on the real Neo4j: the same for the same graph whatever its internal ids and
the order it was written in; different for any change of label, property, type or tie."""

from __future__ import annotations

from collections.abc import Callable

from stakegraph.schema.graphdb import GraphDB

from stakegraph.backup.fingerprint import fingerprint

GRAPH = [
    "CREATE (:Stakeholder:Person {id: 's1', name: 'Ann', born: date('1980-01-02')})",
    "CREATE (:Stakeholder:Organisation {id: 's2', name: 'Trust', kind: 'organisation'})",
    "CREATE (:Project {id: 'p1', name: 'Study', tags: ['a', 'b']})",
    "MATCH (a {id: 's1'}), (b {id: 's2'}) CREATE (a)-[:INFLUENCES {weight: 2.0}]->(b)",
    "MATCH (a {id: 's1'}), (b {id: 'p1'}) CREATE (a)-[:ASSESSED {id: 'x', interest: 7}]->(b)",
    "MATCH (a {id: 's2'}), (b {id: 'p1'}) CREATE (a)-[:ASSESSED {id: 'y', interest: 3}]->(b)",
]


def _write(db: GraphDB, statements: list[str]) -> None:
    for statement in statements:
        db.write(statement)


def test_the_same_graph_written_in_another_order_has_the_same_fingerprint(
    empty_db: GraphDB, wipe: Callable[[GraphDB], None],
) -> None:
    _write(empty_db, GRAPH)
    first = fingerprint(empty_db)
    assert (first.nodes, first.relationships) == (3, 3)
    wipe(empty_db)
    # Other internal ids (nodes made and deleted first) and the reverse order.
    _write(empty_db, ["UNWIND range(1, 50) AS i CREATE (:Scratch {i: i})",
                      "MATCH (n:Scratch) DELETE n"])
    _write(empty_db, [*GRAPH[2::-1], *GRAPH[:2:-1]])
    assert fingerprint(empty_db) == first


def test_every_change_changes_the_fingerprint(
    empty_db: GraphDB, wipe: Callable[[GraphDB], None],
) -> None:
    changes = [
        "MATCH (n {id: 's2'}) SET n:Group",  # a label
        "MATCH (n {id: 's1'}) SET n.name = 'Anne'",  # a value
        "MATCH ()-[r:ASSESSED {id: 'x'}]->() SET r.interest = 7.0",  # an integer as a float
        "MATCH (n {id: 's1'}) SET n.born = '1980-01-02'",  # a date as text
        "MATCH (n {id: 'p1'}) SET n.tags = ['b', 'a']",  # a list's order
        "MATCH (a {id: 's1'})-[r:INFLUENCES]->(b) DELETE r CREATE (b)-[:INFLUENCES "
        "{weight: 2.0}]->(a)",  # a tie's direction
        "MATCH (a {id: 's1'}), (b {id: 's2'}) CREATE (a)-[:INFLUENCES {weight: 2.0}]->(b)",
        "MATCH ()-[r:ASSESSED {id: 'x'}]->() DELETE r",
    ]
    _write(empty_db, GRAPH)
    seen = {fingerprint(empty_db).digest}
    for change in changes:
        wipe(empty_db)
        _write(empty_db, [*GRAPH, change])
        digest = fingerprint(empty_db).digest
        assert digest not in seen, change
        seen.add(digest)


def test_excluded_labels_leave_out_their_nodes_and_ties(empty_db: GraphDB) -> None:
    _write(empty_db, GRAPH)
    whole = fingerprint(empty_db)
    without = fingerprint(empty_db, exclude=["Project"])
    assert (without.nodes, without.relationships) == (2, 1)
    assert without.digest != whole.digest
