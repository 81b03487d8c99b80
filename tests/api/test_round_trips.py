"""No N+1: a nested query costs the same number of database round trips for 10 and for 100
stakeholders (counted by the server's gateway, returned in ``extensions`` in debug mode)."""

from __future__ import annotations

from typing import Any

from api_support import Client
from neo4j import Driver

NESTED = """
query($prefix: String!, $first: Int!) {
  stakeholders(filter: {idPrefix: $prefix}, first: $first, orderBy: ID_ASC) {
    totalCount
    nodes { id name
      stakes(history: true) { date quadrant
        project { id
          activities(first: 5) { totalCount nodes { id level date } } } } } } }
"""

SEED = """
CREATE (p1:Project {id: $p + 'proj1', name: 'P one'})
CREATE (p2:Project {id: $p + 'proj2', name: 'P two'})
WITH p1, p2
UNWIND range(1, 4) AS a
CREATE (act:EngagementActivity {id: $p + 'act' + a, name: 'A' + a, type: 'meeting',
        date: date('2025-01-01') + duration({days: a}), stage: 'planning', level: 'engagement'})
WITH p1, p2, act, CASE WHEN a % 2 = 0 THEN p1 ELSE p2 END AS target
CREATE (act)-[:FOR_PROJECT]->(target)
WITH DISTINCT p1, p2
UNWIND range(100, 199) AS i
CREATE (s:Stakeholder:Person {id: $p + 's' + i, name: 'S' + i, kind: 'person'})
CREATE (s)-[:ASSESSED {id: $p + 's' + i + '|1', date: date('2025-02-01'), assessor: 'x',
        interest: i % 10 + 1, impact: 5, quadrant: 'q1'}]->(p1)
CREATE (s)-[:ASSESSED {id: $p + 's' + i + '|2', date: date('2025-03-01'), assessor: 'x',
        interest: 9, impact: 9, quadrant: 'q4'}]->(p2)
"""


def _run(client: Client, prefix: str, first: int) -> tuple[int, dict[str, Any]]:
    body = client.post(NESTED, {"prefix": prefix, "first": first})
    assert not body.get("errors"), body["errors"]
    return int(body["extensions"]["roundTrips"]), body["data"]


def test_round_trips_do_not_grow_with_the_number_of_stakeholders(
    clients: dict[str, Client], driver: Driver, database: str, scratch: str
) -> None:
    driver.execute_query(SEED, p=scratch, database_=database)
    reader = clients["reader"]
    small_trips, small = _run(reader, scratch + "s", 10)
    large_trips, large = _run(reader, scratch + "s", 100)
    assert len(small["stakeholders"]["nodes"]) == 10
    assert len(large["stakeholders"]["nodes"]) == 100
    every_stake = [s for n in large["stakeholders"]["nodes"] for s in n["stakes"]]
    assert len(every_stake) == 200
    assert all(s["project"]["activities"]["totalCount"] == 2 for s in every_stake)
    assert small_trips == large_trips
    # The key lookup, then one query per level: stakeholders, stakes, activities.
    assert large_trips == 4, large_trips
