"""Register and matrix queries (stakeholders_by_category, quadrants, matrix_movement,
overdue_contacts, readiness_checklist) on one small hand-made project."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from stakegraph.schema.vocabulary import scheme

# The fixtures of tests/queries/conftest.py: build a graph, ask a query.
Build = Callable[..., None]
Ask = Callable[..., list[dict[str, Any]]]

D = dt.date

# Project P and, to prove the scoping, project Q. Assessments of P (id = who|P|date|assessor):
#   a Alder   2025-01-10 x: commissioners, interest 8 impact 8 (q4)
#             2025-03-01 x: champions,     interest 3 impact 8 (q3), contact every 30 days
#   b Birch   2025-01-10 x: commissioners, 2/2 (q1)
#             2025-01-10 y: contributors,  2/3 (q1), every 12 days  <- same day, larger id wins
#   c Cedar   2025-02-01 x: customers, 7/3 (q2), every 60 days
#   d Dogwood 2025-05-01 x: consumers, 9/9 (q4)            <- after the dates we ask about
#   e Elm     2025-01-05 x: no category, 5/5 (q1); sector patients_public
#   f Fir     2025-03-15 x: channels, 8/9 (q4)
#   g Gorse   2025-02-01 x: collaborators, 4/4 (q1), every 7 days
# Project Q: a assessed 2025-01-01 as competitors (must never show up for P).
# Activities of P: 2025-03-10 with a; 2025-03-20 with b; 2025-01-15 with c; 2025-04-10 with c.
# Activity of Q: 2025-03-30 with c (does not count as contact for P).
REGISTER = """
CREATE (p:Project {id: $p + 'P', name: 'Pilot', engagement_strategy: true,
                   inclusion_strategy: false, next_review: date('2025-06-01')})
CREATE (q:Project {id: $p + 'Q', name: 'Other'})
CREATE (r:Project {id: $p + 'R', name: 'Empty'})
WITH p, q
UNWIND [['a', 'Alder', null], ['b', 'Birch', null], ['c', 'Cedar', null],
        ['d', 'Dogwood', null], ['e', 'Elm', 'patients_public'], ['f', 'Fir', null],
        ['g', 'Gorse', null]] AS row
CREATE (s:Stakeholder:Person {id: $p + row[0], name: row[1], kind: 'person', sector: row[2]})
WITH p, q, collect(s) AS people
UNWIND [['a', '2025-01-10', 'x', 'commissioners', 8, 8, 'q4', null],
        ['a', '2025-03-01', 'x', 'champions', 3, 8, 'q3', 30],
        ['b', '2025-01-10', 'x', 'commissioners', 2, 2, 'q1', null],
        ['b', '2025-01-10', 'y', 'contributors', 2, 3, 'q1', 12],
        ['c', '2025-02-01', 'x', 'customers', 7, 3, 'q2', 60],
        ['d', '2025-05-01', 'x', 'consumers', 9, 9, 'q4', null],
        ['e', '2025-01-05', 'x', null, 5, 5, 'q1', null],
        ['f', '2025-03-15', 'x', 'channels', 8, 9, 'q4', null],
        ['g', '2025-02-01', 'x', 'collaborators', 4, 4, 'q1', 7]] AS a
MATCH (s:Stakeholder {id: $p + a[0]})
CREATE (s)-[:ASSESSED {id: s.id + '|P|' + a[1] + '|' + a[2], date: date(a[1]), assessor: a[2],
                       category: a[3], interest: a[4], impact: a[5], quadrant: a[6],
                       contact_every_days: a[7]}]->(p)
WITH DISTINCT p, q
MATCH (a:Stakeholder {id: $p + 'a'}), (b:Stakeholder {id: $p + 'b'}),
      (c:Stakeholder {id: $p + 'c'})
CREATE (a)-[:ASSESSED {id: a.id + '|Q|2025-01-01|x', date: date('2025-01-01'), assessor: 'x',
                       category: 'competitors', interest: 1, impact: 1, quadrant: 'q1'}]->(q)
CREATE (a)-[:PARTICIPATED_IN]->(:EngagementActivity {id: $p + 'act1', name: 'Meeting',
        type: 'meeting', date: date('2025-03-10'), stage: 'planning', level: 'engagement'})
        -[:FOR_PROJECT]->(p)
CREATE (b)-[:PARTICIPATED_IN]->(:EngagementActivity {id: $p + 'act2', name: 'Workshop',
        type: 'workshop', date: date('2025-03-20'), stage: 'planning', level: 'involvement'})
        -[:FOR_PROJECT]->(p)
CREATE (c)-[:PARTICIPATED_IN]->(:EngagementActivity {id: $p + 'act3', name: 'Interview',
        type: 'interview', date: date('2025-01-15'), stage: 'initiation', level: 'participation'})
        -[:FOR_PROJECT]->(p)
CREATE (c)-[:PARTICIPATED_IN]->(:EngagementActivity {id: $p + 'act4', name: 'Survey',
        type: 'survey', date: date('2025-04-10'), stage: 'execution', level: 'participation'})
        -[:FOR_PROJECT]->(p)
CREATE (c)-[:PARTICIPATED_IN]->(:EngagementActivity {id: $p + 'actq', name: 'Elsewhere',
        type: 'meeting', date: date('2025-03-30'), stage: 'planning', level: 'engagement'})
        -[:FOR_PROJECT]->(q)
"""


def _ids(scratch: str, *names: str) -> list[str]:
    return [scratch + n for n in names]


def test_stakeholders_by_category(graph: Build, ask: Ask, scratch: str) -> None:
    graph(REGISTER)
    # As of 2025-04-01: a's 2025-03-01 assessment (champions) is current; b's two same-day
    # assessments resolve to 'y' (larger id): contributors; d (May) and Q's assessment do not
    # count; e has no category. Rows follow the 9 Cs order, the uncategorised last.
    rows = ask("stakeholders_by_category", project=scratch + "P", at="2025-04-01")
    got = [(r["category"], r["stakeholders"], r["ids"]) for r in rows]
    assert got == [
        ("customers", 1, _ids(scratch, "c")),
        ("collaborators", 1, _ids(scratch, "g")),
        ("contributors", 1, _ids(scratch, "b")),
        ("channels", 1, _ids(scratch, "f")),
        ("champions", 1, _ids(scratch, "a")),
        (None, 1, _ids(scratch, "e")),
    ]
    assert rows[0]["category_name"] == scheme("nine_cs").term("customers").label
    # As of 2025-02-01 a is still a commissioner, f not yet assessed.
    earlier = ask("stakeholders_by_category", project=scratch + "P", at=D(2025, 2, 1))
    assert [(r["category"], r["ids"]) for r in earlier] == [
        ("commissioners", _ids(scratch, "a")),
        ("customers", _ids(scratch, "c")),
        ("collaborators", _ids(scratch, "g")),
        ("contributors", _ids(scratch, "b")),
        (None, _ids(scratch, "e")),
    ]


def test_quadrants_with_advice(graph: Build, ask: Ask, scratch: str) -> None:
    graph(REGISTER)
    # As of 2025-04-01: Fir q4; Alder q3 (moved there on 03-01, 3/8); Cedar q2; Birch ('y',
    # 2/3), Elm, Gorse q1. Rows run Q4 → Q1, by name inside a quadrant.
    rows = ask("quadrants", project=scratch + "P", at="2025-04-01")
    assert [(r["name"], r["quadrant"]) for r in rows] == [
        ("Fir", "q4"),
        ("Alder", "q3"),
        ("Cedar", "q2"),
        ("Birch", "q1"),
        ("Elm", "q1"),
        ("Gorse", "q1"),
    ]
    quadrant = scheme("quadrant")
    for row in rows:
        assert row["advice"] == quadrant.term(row["quadrant"]).extra["advice"]
        assert row["quadrant_name"] == quadrant.term(row["quadrant"]).label
    alder = rows[1]
    assert (alder["interest"], alder["impact"], alder["assessed_on"]) == (3, 8, D(2025, 3, 1))
    assert rows[3]["assessor"] == "y"


def test_matrix_movement(graph: Build, ask: Ask, scratch: str) -> None:
    graph(REGISTER)
    # Between 2025-02-01 and 2025-04-01 only Alder changed place (q4 → q3); Fir was first
    # assessed in between, so it has no earlier place and is not a move.
    span = {"from": "2025-02-01", "to": "2025-04-01"}
    rows = ask("matrix_movement", project=scratch + "P", **span)
    assert len(rows) == 1
    row = rows[0]
    assert (row["id"], row["from_quadrant"], row["to_quadrant"]) == (scratch + "a", "q4", "q3")
    assert (row["from_interest"], row["to_interest"]) == (8, 3)
    assert (row["from_assessed_on"], row["to_assessed_on"]) == (D(2025, 1, 10), D(2025, 3, 1))
    # Before Alder's second assessment nothing has moved.
    span = {"from": "2025-01-10", "to": "2025-02-28"}
    assert ask("matrix_movement", project=scratch + "P", **span) == []


def test_overdue_contacts(graph: Build, ask: Ask, scratch: str) -> None:
    graph(REGISTER)
    # As of 2025-04-01, against the current assessments' contact_every_days:
    #   Alder every 30, last P activity 03-10 → due 04-09: not overdue.
    #   Birch every 12, last 03-20 → due 04-01 = today: not yet overdue.
    #   Cedar every 60, last P activity on or before 04-01 is 01-15 (the 04-10 one is later,
    #     the 03-30 one is Q's) → due 03-16: 16 days overdue.
    #   Gorse every 7, never took part → overdue, listed first.
    #   Elm, Fir, Dogwood: no planned frequency (Dogwood not even assessed yet).
    rows = ask("overdue_contacts", project=scratch + "P", at="2025-04-01")
    assert [(r["name"], r["last_contact"], r["due"], r["days_overdue"]) for r in rows] == [
        ("Gorse", None, None, None),
        ("Cedar", D(2025, 1, 15), D(2025, 3, 16), 16),
    ]
    assert rows[1]["contact_every_days"] == 60
    # One day later Birch is overdue by one day too.
    later = ask("overdue_contacts", project=scratch + "P", at="2025-04-02")
    assert [(r["name"], r["days_overdue"]) for r in later] == [
        ("Gorse", None),
        ("Cedar", 17),
        ("Birch", 1),
    ]


def test_readiness_checklist(graph: Build, ask: Ask, scratch: str) -> None:
    graph(REGISTER)
    # P as of 2025-04-01: 6 stakeholders assessed by then (all but Dogwood), Elm is in the
    # patients_public sector; engagement strategy yes, inclusion no, co-production not recorded;
    # next review 2025-06-01 is not past.
    rows = ask("readiness_checklist", project=scratch + "P", at="2025-04-01")
    assert [(r["item"], r["ok"]) for r in rows] == [
        ("stakeholder_list", True),
        ("patients_public_identified", True),
        ("engagement_strategy", True),
        ("inclusion_strategy", False),
        ("coproduction_strategy", False),
        ("next_review_set", True),
    ]
    assert rows[0]["detail"] == "6 stakeholders assessed"
    assert rows[4]["detail"] == "not recorded"
    # After the review date the last item fails and says when it was due.
    late = ask("readiness_checklist", project=scratch + "P", at="2025-07-01")
    assert (late[5]["ok"], late[5]["detail"]) == (False, "review was due 2025-06-01")
    # On 2025-01-06 only Elm had been assessed, and Elm is patients/public.
    early = ask("readiness_checklist", project=scratch + "P", at="2025-01-06")
    assert early[0]["detail"] == "1 stakeholders assessed" and early[1]["ok"] is True
    # An empty project fails every item.
    empty = ask("readiness_checklist", project=scratch + "R", at="2025-04-01")
    assert [r["ok"] for r in empty] == [False] * 6
    assert empty[5]["detail"] == "no review date"
