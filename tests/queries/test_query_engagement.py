"""Engagement-quality and pathway queries (neglected_high_impact, coverage, deepest_level,
pathways, strategies_before_outcome_change) and the look-ups (stakeholder_lookup, name_search),
on one small hand-made project."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from stakegraph.schema.vocabulary import scheme

# The fixtures of tests/queries/conftest.py: build a graph, ask a query.
Build = Callable[..., None]
Ask = Callable[..., list[dict[str, Any]]]

D = dt.date

# Project P (and Q, to prove the scoping). Stakeholders, all assessed for P on 2025-01-10:
#   a Ash      organisation, commissioner,     commissioners, 8/8 q4
#   b Birch    person in e, patients_public,   customers,     3/2 q1, seldom heard
#   c Cedar    person in a, care_provider,     collaborators, 2/9 q3
#   d Dogwood  person in a, care_provider,     collaborators, 9/2 q2
#   e Elm      group, patients_public,         customers,     7/7 q4
#   f Fir      person, no sector, no group,    collaborators, 1/10 q3
# Activities of P (spectrum order: engagement 1 < participation 2 < involvement 3 <
# co-production 4):
#   act1 2025-02-01 initiation engagement    a b c   applied s1, contributed to o1
#   act2 2025-03-01 planning   involvement   a d     applied s1 s2, contributed to o2
#   act3 2025-04-01 planning   coproduction  e d     applied s2
#   act4 2025-05-01 execution  participation c       contributed to o2
# Activity of Q: 2025-02-15 co-production with b (must not count for P).
# Observations of P: o2 2.0 (01-15), 3.0 (03-15, rose), 2.5 (04-15, fell), 4.0 (06-01, rose);
#                    o1 1.0 (01-01), 1.0 (02-20, no change).
ENGAGEMENT = """
CREATE (p:Project {id: $p + 'P', name: 'Pilot'})
CREATE (q:Project {id: $p + 'Q', name: 'Other'})
WITH p, q
UNWIND [['a', 'Ash', 'organisation', 'commissioner', false, 'commissioners', 8, 8, 'q4'],
        ['b', 'Birch', 'person', 'patients_public', true, 'customers', 3, 2, 'q1'],
        ['c', 'Cedar', 'person', 'care_provider', false, 'collaborators', 2, 9, 'q3'],
        ['d', 'Dogwood', 'person', 'care_provider', false, 'collaborators', 9, 2, 'q2'],
        ['e', 'Elm', 'group', 'patients_public', false, 'customers', 7, 7, 'q4'],
        ['f', 'Fir', 'person', null, false, 'collaborators', 1, 10, 'q3']] AS row
CREATE (s:Stakeholder {id: $p + row[0], name: row[1], kind: row[2], sector: row[3],
                       seldom_heard: row[4], email: row[1] + '@example.org'})
FOREACH (_ IN CASE WHEN row[2] = 'person' THEN [1] ELSE [] END | SET s:Person)
FOREACH (_ IN CASE WHEN row[2] = 'group' THEN [1] ELSE [] END | SET s:Group)
FOREACH (_ IN CASE WHEN row[2] = 'organisation' THEN [1] ELSE [] END | SET s:Organisation)
CREATE (s)-[:ASSESSED {id: s.id + '|P|2025-01-10|x', date: date('2025-01-10'), assessor: 'x',
                       category: row[5], interest: row[6], impact: row[7],
                       quadrant: row[8]}]->(p)
WITH DISTINCT p, q
UNWIND [['b', 'e'], ['c', 'a'], ['d', 'a']] AS m
MATCH (person:Stakeholder {id: $p + m[0]}), (org:Stakeholder {id: $p + m[1]})
CREATE (person)-[:MEMBER_OF]->(org)
WITH DISTINCT p, q
CREATE (:Strategy {id: $p + 's1', name: 'Hold consensus discussions'})
CREATE (:Strategy {id: $p + 's2', name: 'Build a coalition'})
CREATE (o1:Outcome {id: $p + 'o1', name: 'Acceptability'})
CREATE (o2:Outcome {id: $p + 'o2', name: 'Feasibility'})
CREATE (qa:EngagementActivity {id: $p + 'qa', name: 'Elsewhere', type: 'codesign_session',
        date: date('2025-02-15'), stage: 'planning', level: 'coproduction'})-[:FOR_PROJECT]->(q)
WITH p, o1, o2
UNWIND [['act1', '2025-02-01', 'initiation', 'engagement'],
        ['act2', '2025-03-01', 'planning', 'involvement'],
        ['act3', '2025-04-01', 'planning', 'coproduction'],
        ['act4', '2025-05-01', 'execution', 'participation']] AS row
CREATE (:EngagementActivity {id: $p + row[0], name: row[0], type: 'meeting',
        date: date(row[1]), stage: row[2], level: row[3]})-[:FOR_PROJECT]->(p)
WITH DISTINCT p, o1, o2
UNWIND [['a', 'act1'], ['b', 'act1'], ['c', 'act1'], ['a', 'act2'], ['d', 'act2'],
        ['e', 'act3'], ['d', 'act3'], ['c', 'act4'], ['b', 'qa']] AS took
MATCH (s:Stakeholder {id: $p + took[0]}), (act:EngagementActivity {id: $p + took[1]})
CREATE (s)-[:PARTICIPATED_IN]->(act)
WITH DISTINCT p, o1, o2
UNWIND [['act1', 's1'], ['act2', 's1'], ['act2', 's2'], ['act3', 's2']] AS used
MATCH (act:EngagementActivity {id: $p + used[0]}), (s:Strategy {id: $p + used[1]})
CREATE (act)-[:APPLIED]->(s)
WITH DISTINCT p, o1, o2
UNWIND [['act1', 'o1'], ['act2', 'o2'], ['act4', 'o2']] AS led
MATCH (act:EngagementActivity {id: $p + led[0]}), (o:Outcome {id: $p + led[1]})
CREATE (act)-[:CONTRIBUTED_TO]->(o)
WITH DISTINCT p, o1, o2
UNWIND [[o2, '2025-01-15', 2.0], [o2, '2025-03-15', 3.0], [o2, '2025-04-15', 2.5],
        [o2, '2025-06-01', 4.0], [o1, '2025-01-01', 1.0], [o1, '2025-02-20', 1.0]] AS obs
WITH p, obs[0] AS o, obs[1] AS day, obs[2] AS value
CREATE (p)-[:OBSERVED {id: p.id + '|' + o.id + '|' + day, date: date(day), value: value}]->(o)
"""


def _short(scratch: str, ids: list[str]) -> list[str]:
    return [i.removeprefix(scratch) for i in ids]


def test_neglected_high_impact(graph: Build, ask: Ask, scratch: str) -> None:
    graph(ENGAGEMENT)
    # Candidates: a, e (q4), c, f (q3), b (seldom heard); d (q2) is not one.
    # Deepest level in P by 2025-06-01: a involvement (3), b engagement (1: Q's co-production
    # does not count), c participation (2, act4), e co-production (4), f none.
    # Neglected (at most engagement): f (never took part) and b. Highest impact first.
    rows = ask("neglected_high_impact", project=scratch + "P", at="2025-06-01")
    got = [(r["name"], r["deepest_level"], r["activities"], r["seldom_heard"]) for r in rows]
    assert got == [("Fir", None, 0, False), ("Birch", "engagement", 1, True)]
    # On 2025-04-15 act4 has not happened, so c has only been told about the study.
    earlier = ask("neglected_high_impact", project=scratch + "P", at="2025-04-15")
    assert [(r["name"], r["impact"]) for r in earlier] == [
        ("Fir", 10),
        ("Cedar", 9),
        ("Birch", 2),
    ]
    # Counting participation as still shallow brings c back on 2025-06-01.
    wider = ask(
        "neglected_high_impact", project=scratch + "P", at="2025-06-01", up_to="Participation"
    )
    assert [r["name"] for r in wider] == ["Fir", "Cedar", "Birch"]


def test_coverage(graph: Build, ask: Ask, scratch: str) -> None:
    graph(ENGAGEMENT)
    # Categories: a commissioners; b, e customers; c, d, f collaborators.
    #   initiation: act1 (a, b, c) → commissioners 1/1, customers 1/1, collaborators 1/1
    #   planning:   act2 (a, d), act3 (e, d) → commissioners 1/1, customers 1/1 (e),
    #               collaborators 2 activities / 1 participant (d)
    #   execution:  act4 (c) → collaborators 1/1
    # Every other stage x category cell is zero, and every cell is listed.
    rows = ask("coverage", project=scratch + "P", at="2025-06-01")
    stages, categories = scheme("lifecycle_stage"), scheme("nine_cs")
    assert [(r["stage"], r["category"]) for r in rows] == [
        (s, c) for s in stages.codes for c in categories.codes
    ]
    filled = {(r["stage"], r["category"]): (r["activities"], r["participants"]) for r in rows}
    filled = {cell: counts for cell, counts in filled.items() if counts != (0, 0)}
    assert filled == {
        ("initiation", "commissioners"): (1, 1),
        ("initiation", "customers"): (1, 1),
        ("initiation", "collaborators"): (1, 1),
        ("planning", "commissioners"): (1, 1),
        ("planning", "customers"): (1, 1),
        ("planning", "collaborators"): (2, 1),
        ("execution", "collaborators"): (1, 1),
    }


def test_deepest_level(graph: Build, ask: Ask, scratch: str) -> None:
    graph(ENGAGEMENT)
    # Own deepest level: a 3, b 1, c 2, d 4 (act3), e 4, f none.
    # By sector: care_provider {c, d} → 4 by d; patients_public {b, e} → 4 by e;
    # commissioner {a} → 3; f has no sector → (none), nothing reached.
    rows = ask("deepest_level", project=scratch + "P", at="2025-06-01")
    got = [(r["group"], r["stakeholders"], r["deepest_level"], r["reached_by"]) for r in rows]
    assert got == [
        ("care_provider", 2, "coproduction", [scratch + "d"]),
        ("patients_public", 2, "coproduction", [scratch + "e"]),
        ("commissioner", 1, "involvement", [scratch + "a"]),
        ("(none)", 1, None, []),
    ]
    assert rows[0]["deepest_level_name"] == scheme("spectrum_level").term("coproduction").label
    # By organisation: a stands for itself and has c, d as members → 4 by d; e has b → 4 by e;
    # f belongs to nothing.
    orgs = ask("deepest_level", project=scratch + "P", by="organisation", at="2025-06-01")
    assert [(r["group"], r["stakeholders"], r["reached_by"]) for r in orgs] == [
        (scratch + "a", 3, [scratch + "d"]),
        (scratch + "e", 2, [scratch + "e"]),
        ("(none)", 1, []),
    ]
    # By 9 C category on 2025-03-15 (before act3 and act4): collaborators c 1, d 3 → 3 by d;
    # commissioners a 3 → 3; customers b 1 → 1 (e has not taken part yet).
    cats = ask("deepest_level", project=scratch + "P", by="category", at="2025-03-15")
    assert [(r["group"], r["deepest_level"], r["reached_by"]) for r in cats] == [
        ("collaborators", "involvement", [scratch + "d"]),
        ("commissioners", "involvement", [scratch + "a"]),
        ("customers", "engagement", [scratch + "b"]),
    ]


def test_pathways(graph: Build, ask: Ask, scratch: str) -> None:
    graph(ENGAGEMENT)
    # Complete chains: act1-s1-o1, act2-s1-o2, act2-s2-o2. act3 has no outcome and act4 no
    # strategy: they appear only when incomplete chains are asked for.
    rows = ask("pathways", project=scratch + "P", at="2025-06-01")
    chain = [
        tuple(_short(scratch, [r["activity"], r["strategy"] or "-", r["outcome"] or "-"]))
        for r in rows
    ]
    assert chain == [("act1", "s1", "o1"), ("act2", "s1", "o2"), ("act2", "s2", "o2")]
    assert rows[0]["strategy_name"] == "Hold consensus discussions"
    assert rows[0]["date"] == D(2025, 2, 1)
    everything = ask("pathways", project=scratch + "P", at="2025-06-01", complete_only="false")
    assert [(r["activity"], r["strategy"], r["outcome"]) for r in everything][3:] == [
        (scratch + "act3", scratch + "s2", None),
        (scratch + "act4", None, scratch + "o2"),
    ]
    assert len(ask("pathways", project=scratch + "P", at="2025-02-15")) == 1


def test_strategies_before_outcome_change(graph: Build, ask: Ask, scratch: str) -> None:
    graph(ENGAGEMENT)
    # o2 rose 2.0 → 3.0 between 01-15 and 03-15: activities in [01-15, 03-15) are act1 (s1)
    # and act2 (s1, s2). It rose again 2.5 → 4.0 between 04-15 and 06-01, but the only activity
    # in that window (act4) applied no strategy. o1 did not change.
    rows = ask("strategies_before_outcome_change", project=scratch + "P")
    got = [
        (r["outcome"], r["from_value"], r["to_value"], r["strategy"], r["activities"]) for r in rows
    ]
    assert got == [
        (scratch + "o2", 2.0, 3.0, scratch + "s1", [scratch + "act1", scratch + "act2"]),
        (scratch + "o2", 2.0, 3.0, scratch + "s2", [scratch + "act2"]),
    ]
    assert (rows[0]["from_date"], rows[0]["to_date"]) == (D(2025, 1, 15), D(2025, 3, 15))
    # Counting every earlier activity, the second rise is preceded by s1 (act1, act2) and
    # s2 (act2, act3).
    every = ask("strategies_before_outcome_change", project=scratch + "P", since_previous=False)
    assert [
        (str(r["to_date"]), _short(scratch, [r["strategy"], *r["activities"]])) for r in every
    ] == [
        ("2025-03-15", ["s1", "act1", "act2"]),
        ("2025-03-15", ["s2", "act2"]),
        ("2025-06-01", ["s1", "act1", "act2"]),
        ("2025-06-01", ["s2", "act2", "act3"]),
    ]
    # The fall 3.0 → 2.5 (03-15 → 04-15) followed act3's s2.
    fell = ask("strategies_before_outcome_change", project=scratch + "P", change="fell")
    assert [(r["to_value"], r["strategy"]) for r in fell] == [(2.5, scratch + "s2")]
    assert (
        ask("strategies_before_outcome_change", project=scratch + "P", outcome=scratch + "o1") == []
    )


def test_stakeholder_lookup(graph: Build, ask: Ask, scratch: str) -> None:
    graph(ENGAGEMENT)
    graph(
        """
        MATCH (b:Stakeholder {id: $p + 'b'}), (a:Stakeholder {id: $p + 'a'}),
              (q:Project {id: $p + 'Q'})
        CREATE (b)-[:TRUSTS]->(a)
        CREATE (b)-[:ASSESSED {id: b.id + '|Q|2025-02-01|x', date: date('2025-02-01'),
                assessor: 'x', category: 'commentators', interest: 5, impact: 5,
                quadrant: 'q1'}]->(q)
        CREATE (b)-[:ASSESSED {id: b.id + '|Q|2025-07-01|x', date: date('2025-07-01'),
                assessor: 'x', category: 'champions', interest: 9, impact: 9,
                quadrant: 'q4'}]->(q)
        """
    )
    # Birch as of 2025-06-01: member of Elm; in P the 01-10 assessment, in Q the 02-01 one
    # (the 07-01 one is later); trusts Ash (one tie out). The e-mail address is personal data
    # and is not returned.
    rows = ask("stakeholder_lookup", id=scratch + "b", at="2025-06-01")
    assert len(rows) == 1
    birch = rows[0]
    assert "email" not in birch
    assert (birch["name"], birch["kind"], birch["sector"], birch["seldom_heard"]) == (
        "Birch",
        "person",
        "patients_public",
        True,
    )
    assert birch["member_of"] == [scratch + "e"]
    assert [
        (a["project"], a["category"], a["quadrant"], a["date"]) for a in birch["assessments"]
    ] == [
        (scratch + "P", "customers", "q1", D(2025, 1, 10)),
        (scratch + "Q", "commentators", "q1", D(2025, 2, 1)),
    ]
    assert (birch["ties_out"], birch["ties_in"]) == (1, 0)
    assert ask("stakeholder_lookup", id=scratch + "nobody") == []


def test_name_search(graph: Build, ask: Ask, scratch: str) -> None:
    token = scratch.rstrip("-")
    graph(
        """
        CREATE (:Stakeholder:Group {id: $p + 'forum', name: 'Zebra ' + $token + ' Forum',
                                    kind: 'group'})
        CREATE (:Project {id: $p + 'study', name: 'Zebra ' + $token + ' Study'})
        CREATE (:Stakeholder:Organisation {id: $p + 'qa', name: 'Q&A (night) ' + $token,
                                           kind: 'organisation'})
        """,
        token=token,
    )
    # Both "Zebra <token> ..." names start words with "zebra" and the token; the label narrows
    # to the stakeholder.
    both = ask("name_search", text=f"zebra {token}")
    assert sorted(r["id"] for r in both) == [scratch + "forum", scratch + "study"]
    only = ask("name_search", text=f"ZEB {token}", label="stakeholder")
    assert [r["id"] for r in only] == [scratch + "forum"]
    assert "Group" in only[0]["labels"]
    # Lucene syntax in the text is searched as plain words, never parsed: "(night" finds the
    # Q&A organisation, brackets and wildcards are spaces, and "AND"/"OR" are words that no
    # name here has (so nothing is found rather than an error).
    assert [r["id"] for r in ask("name_search", text=f'"(night {token}')] == [scratch + "qa"]
    assert [r["id"] for r in ask("name_search", text=f"{token} zebra* [forum]~")] == [
        scratch + "forum"
    ]
    assert ask("name_search", text=f"{token} AND OR NOT") == []
    assert ask("name_search", text=f"{token} nosuchword") == []
    assert ask("name_search", text="  * ") == []
    assert len(ask("name_search", text=token, limit=1)) == 1
