"""Network queries (ego_network, shortest_paths, introducers, reach, q3_reach, degree) on one
small hand-made network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The fixtures of tests/queries/conftest.py: build a graph, ask a query.
Build = Callable[..., None]
Ask = Callable[..., list[dict[str, Any]]]

# Stakeholders A Ash, B Beech, C Cherry, D Damson, E Elder, F Fig, G Gean (no ties), H Hazel,
# K Kale, X Xylo. Ties:
#   A -TRUSTS-> B            B -INFLUENCES {2.0}-> C     A -COLLABORATES_WITH-> D
#   D -TRUSTS-> C            C -REFERRED {0.5}-> E       C -TRUSTS-> E
#   E -INFLUENCES-> F        H -TRUSTS-> A               H -TRUSTS-> D
#   X -INFLUENCES {10}-> C   E -INFLUENCES-> K
# Project P: A, B, D, E take part in its activities (B twice); E and F are assessed Q3, A Q4.
# Project Q: X takes part in its activity only.
# Distances from A, any tie type and direction: B, D, H 1; C 2; E, X 3; F, K 4; G never.
NETWORK = """
UNWIND [['A', 'Ash'], ['B', 'Beech'], ['C', 'Cherry'], ['D', 'Damson'], ['E', 'Elder'],
        ['F', 'Fig'], ['G', 'Gean'], ['H', 'Hazel'], ['K', 'Kale'], ['X', 'Xylo']] AS row
CREATE (:Stakeholder:Person {id: $p + row[0], name: row[1], kind: 'person'})
WITH count(*) AS made
UNWIND [['A', 'TRUSTS', 'B', null], ['B', 'INFLUENCES', 'C', 2.0],
        ['A', 'COLLABORATES_WITH', 'D', null], ['D', 'TRUSTS', 'C', null],
        ['C', 'REFERRED', 'E', 0.5], ['C', 'TRUSTS', 'E', null], ['E', 'INFLUENCES', 'F', null],
        ['H', 'TRUSTS', 'A', null], ['H', 'TRUSTS', 'D', null], ['X', 'INFLUENCES', 'C', 10.0],
        ['E', 'INFLUENCES', 'K', null]] AS t
MATCH (s:Stakeholder {id: $p + t[0]}), (o:Stakeholder {id: $p + t[2]})
FOREACH (_ IN CASE WHEN t[1] = 'TRUSTS' THEN [1] ELSE [] END |
  CREATE (s)-[:TRUSTS {weight: t[3]}]->(o))
FOREACH (_ IN CASE WHEN t[1] = 'INFLUENCES' THEN [1] ELSE [] END |
  CREATE (s)-[:INFLUENCES {weight: t[3]}]->(o))
FOREACH (_ IN CASE WHEN t[1] = 'COLLABORATES_WITH' THEN [1] ELSE [] END |
  CREATE (s)-[:COLLABORATES_WITH {weight: t[3]}]->(o))
FOREACH (_ IN CASE WHEN t[1] = 'REFERRED' THEN [1] ELSE [] END |
  CREATE (s)-[:REFERRED {weight: t[3]}]->(o))
WITH count(*) AS tied
CREATE (p:Project {id: $p + 'P', name: 'Pilot'})
CREATE (q:Project {id: $p + 'Q', name: 'Other'})
CREATE (p1:EngagementActivity {id: $p + 'p1', name: 'Kick-off', type: 'meeting',
        date: date('2025-02-01'), stage: 'initiation', level: 'engagement'})-[:FOR_PROJECT]->(p)
CREATE (p2:EngagementActivity {id: $p + 'p2', name: 'Workshop', type: 'workshop',
        date: date('2025-03-01'), stage: 'planning', level: 'involvement'})-[:FOR_PROJECT]->(p)
CREATE (p3:EngagementActivity {id: $p + 'p3', name: 'Forum', type: 'meeting',
        date: date('2025-03-15'), stage: 'planning', level: 'engagement'})-[:FOR_PROJECT]->(p)
CREATE (q1:EngagementActivity {id: $p + 'q1', name: 'Elsewhere', type: 'meeting',
        date: date('2025-03-01'), stage: 'planning', level: 'engagement'})-[:FOR_PROJECT]->(q)
WITH p, p1, p2, p3, q1
UNWIND [['A', 'p1'], ['B', 'p1'], ['B', 'p2'], ['D', 'p2'], ['E', 'p3'], ['X', 'q1']] AS took
MATCH (s:Stakeholder {id: $p + took[0]}), (a:EngagementActivity {id: $p + took[1]})
CREATE (s)-[:PARTICIPATED_IN]->(a)
WITH DISTINCT p
UNWIND [['A', 8, 8, 'q4'], ['E', 2, 9, 'q3'], ['F', 3, 7, 'q3']] AS row
MATCH (s:Stakeholder {id: $p + row[0]})
CREATE (s)-[:ASSESSED {id: s.id + '|P|2025-01-10|x', date: date('2025-01-10'), assessor: 'x',
                       interest: row[1], impact: row[2], quadrant: row[3]}]->(p)
"""


def _short(scratch: str, ids: list[str]) -> list[str]:
    return [i.removeprefix(scratch) for i in ids]


def test_ego_network(graph: Build, ask: Ask, scratch: str) -> None:
    graph(NETWORK)
    # Two hops from A over any tie: B, D, H at 1; C at 2 (through B or D).
    rows = ask("ego_network", stakeholder=scratch + "A", hops=2)
    assert [(r["name"], r["distance"]) for r in rows] == [
        ("Beech", 1),
        ("Damson", 1),
        ("Hazel", 1),
        ("Cherry", 2),
    ]
    cherry = rows[3]
    assert _short(scratch, cherry["via"]) in (["A", "B", "C"], ["A", "D", "C"])
    # Three hops add E and X (through C).
    three = ask("ego_network", stakeholder=scratch + "A", hops="3")
    assert {r["name"] for r in three if r["distance"] == 3} == {"Elder", "Xylo"}
    # Trust ties only: A-B and H-A at 1, D at 2 through H (H trusts D); C at 3 (D trusts C),
    # E at 4 (C trusts E). The tie type is matched whatever its case.
    trust = ask("ego_network", stakeholder=scratch + "A", hops=4, tie_types="trusts")
    assert [(r["name"], r["distance"]) for r in trust] == [
        ("Beech", 1),
        ("Hazel", 1),
        ("Damson", 2),
        ("Cherry", 3),
        ("Elder", 4),
    ]
    assert _short(scratch, trust[2]["via"]) == ["A", "H", "D"]
    # G has no ties at all.
    assert ask("ego_network", stakeholder=scratch + "G", hops=5) == []


def test_shortest_paths(graph: Build, ask: Ask, scratch: str) -> None:
    graph(NETWORK)
    # A to C: two shortest paths of length 2, A-B-C and A-D-C.
    rows = ask("shortest_paths", **{"from": scratch + "A", "to": scratch + "C"})
    assert [(r["hops"], _short(scratch, r["path"])) for r in rows] == [
        (2, ["A", "B", "C"]),
        (2, ["A", "D", "C"]),
    ]
    assert rows[0]["names"] == ["Ash", "Beech", "Cherry"]
    assert rows[0]["ties"] == [
        f"{scratch}A -TRUSTS-> {scratch}B",
        f"{scratch}B -INFLUENCES-> {scratch}C",
    ]
    # Trusted ties only: A-B-C breaks at B-C (influence), A-D at the collaboration, so the
    # one route is A-H-D-C (H trusts A, H trusts D, D trusts C), three hops.
    trusted = ask(
        "shortest_paths", **{"from": scratch + "A", "to": scratch + "C", "trusted_only": "yes"}
    )
    assert [(r["hops"], _short(scratch, r["path"])) for r in trusted] == [(3, ["A", "H", "D", "C"])]
    # Nothing within one hop, and nothing reaches G.
    one_hop = {"from": scratch + "A", "to": scratch + "C", "max_hops": 1}
    assert ask("shortest_paths", **one_hop) == []
    assert ask("shortest_paths", **{"from": scratch + "A", "to": scratch + "G"}) == []


def test_introducers(graph: Build, ask: Ask, scratch: str) -> None:
    graph(NETWORK)
    # Who can introduce us to C in project P? Tied to C: B (influences, 2.0), D (trusts C, 1),
    # E (C referred E 0.5 and C trusts E 1 → 1.5), X (10). X took part only in Q, A has no tie
    # to C. E comes first because C trusts E, then B (2.0) before D (1.0).
    rows = ask("introducers", project=scratch + "P", target=scratch + "C")
    got = [(r["name"], r["trusted_by_target"], r["weight"], r["activities"]) for r in rows]
    assert got == [("Elder", True, 1.5, 1), ("Beech", False, 2.0, 2), ("Damson", False, 1.0, 1)]
    assert set(rows[0]["ties"]) == {
        f"{scratch}C -REFERRED-> {scratch}E",
        f"{scratch}C -TRUSTS-> {scratch}E",
    }
    assert str(rows[1]["last_engaged"]) == "2025-03-01"
    # Project Q engaged only X, who influences C.
    q = ask("introducers", project=scratch + "Q", target=scratch + "C")
    assert [(r["name"], r["weight"]) for r in q] == [("Xylo", 10.0)]


def test_reach(graph: Build, ask: Ask, scratch: str) -> None:
    graph(NETWORK)
    # From {A, F} within two hops: A reaches B, D, H at 1 and C at 2; F reaches E at 1 and C,
    # K at 2 (through E). C is two hops from both.
    rows = ask("reach", stakeholders=f"{scratch}A,{scratch}F", hops=2)
    got = [(r["name"], r["distance"], _short(scratch, r["nearest_from"])) for r in rows]
    assert got == [
        ("Beech", 1, ["A"]),
        ("Damson", 1, ["A"]),
        ("Elder", 1, ["F"]),
        ("Hazel", 1, ["A"]),
        ("Cherry", 2, ["A", "F"]),
        ("Kale", 2, ["F"]),
    ]
    # Directed, three hops from A: A→B, A-D (collaboration counts both ways), then B→C, D→C,
    # then C→E. H only points at A, so it is out.
    directed = ask("reach", stakeholders=[scratch + "A"], hops=3, directed=True)
    assert [(r["name"], r["distance"]) for r in directed] == [
        ("Beech", 1),
        ("Damson", 1),
        ("Cherry", 2),
        ("Elder", 3),
    ]


def test_q3_reach(graph: Build, ask: Ask, scratch: str) -> None:
    graph(NETWORK)
    # Q3 of P: E and F. Within two hops, either direction: from E, C and K at 1, B, D, X at 2
    # (through C); from F, C and K at 2 through E (E itself is Q3, so not listed). C and K
    # reach both; B and D took part in P's activities, X did not.
    rows = ask("q3_reach", project=scratch + "P", at="2025-06-01", hops=2)
    got = [
        (r["name"], r["q3_reached"], _short(scratch, r["reaches"]), r["nearest"], r["engaged"])
        for r in rows
    ]
    assert got == [
        ("Cherry", 2, ["E", "F"], 1, False),
        ("Kale", 2, ["E", "F"], 1, False),
        ("Beech", 1, ["E"], 2, True),
        ("Damson", 1, ["E"], 2, True),
        ("Xylo", 1, ["E"], 2, False),
    ]
    # Directed: only ties pointing towards the Q3 stakeholder. E influences K, so K drops out;
    # C refers to E and, through E, reaches F.
    directed = ask("q3_reach", project=scratch + "P", at="2025-06-01", hops=2, directed="true")
    assert [(r["name"], r["q3_reached"]) for r in directed] == [
        ("Cherry", 2),
        ("Beech", 1),
        ("Damson", 1),
        ("Xylo", 1),
    ]
    # Before the assessments nobody is in Q3.
    assert ask("q3_reach", project=scratch + "P", at="2025-01-01") == []


def test_degree(graph: Build, ask: Ask, scratch: str) -> None:
    graph(NETWORK)
    # P's stakeholders: A, E, F (assessed) and A, B, D, E (took part) = A, B, D, E, F. Ties
    # between two of them: A→B trusts, A-D collaborates, E→F influences.
    #   A: sends A→B and the collaboration; receives the collaboration; 2 ties.
    #   B: receives 1. D: the collaboration counts as sent and received; 1 tie.
    #   E: sends 1. F: receives 1.
    rows = ask("degree", project=scratch + "P")
    assert [(r["name"], r["out_degree"], r["in_degree"], r["degree"]) for r in rows] == [
        ("Ash", 2, 1, 2),
        ("Beech", 0, 1, 1),
        ("Damson", 1, 1, 1),
        ("Elder", 1, 0, 1),
        ("Fig", 0, 1, 1),
    ]
    trust = ask("degree", project=scratch + "P", tie_types=["TRUSTS"])
    assert [(r["name"], r["out_degree"], r["in_degree"], r["degree"]) for r in trust] == [
        ("Ash", 1, 0, 1),
        ("Beech", 0, 1, 1),
        ("Damson", 0, 0, 0),
        ("Elder", 0, 0, 0),
        ("Fig", 0, 0, 0),
    ]
