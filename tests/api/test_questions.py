"""The typed question fields over HTTP: one field per analyst question of the query library
(built from its `.cypher` header) and the two analytics questions, each checked against an
answer worked out by hand on a small scratch graph, with argument errors and the reader role.

The graph (ids under the test's scratch prefix, names start with its token):

    project p "Pilot" (next review 2025-09-01, engagement strategy yes, inclusion strategy no)
    project q "Quiet" (nobody in it)
    ann   person, patients_public, societal, seldom heard, UK
    bob   person, care_provider, member of org
    cat   person, care_provider, member of org
    org   organisation "Trust", commissioner
    dan   person, not in p

    assessments in p: ann 2025-01-10 q3 (3/8, customers, contact every 30 days)
                          2025-05-01 q4 (8/8, customers, every 30)
                      bob 2025-01-10 q2 (7/2, collaborators, every 14)
                      cat 2025-01-10 q1 (2/3, no category)
                      org 2025-01-10 q3 (2/9, commissioners, every 60)
    ties: ann -INFLUENCES 3.0-> bob, bob -TRUSTS 1.0-> org, org -TRUSTS-> cat (no weight),
          cat -COLLABORATES_WITH 2.0- org, dan -REFERRED-> ann
    activities of p: w1 2025-02-01 planning coproduction (ann, bob), applied s1, contributed to oc
                     w2 2025-03-01 execution engagement (cat), applied s2
    observations of oc in p: 2025-01-15 0.2, 2025-04-01 0.5, 2025-06-01 0.4
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from api_support import Client, codes
from neo4j import Driver
from stakegraph.api.questions import question_fields
from stakegraph.queries.library import HeaderError, parse_query, questions
from strawberry.utils.str_converters import to_camel_case

SEED = """
CREATE (p:Project {id: $p + 'p', name: $t + ' Pilot', next_review: date('2025-09-01'),
                   engagement_strategy: true, inclusion_strategy: false})
CREATE (:Project {id: $p + 'q', name: $t + ' Quiet'})
CREATE (ann:Stakeholder:Person {id: $p + 'ann', name: $t + ' Ann', kind: 'person',
        sector: 'patients_public', societal: true, seldom_heard: true, country: 'UK'})
CREATE (bob:Stakeholder:Person {id: $p + 'bob', name: $t + ' Bob', kind: 'person',
        sector: 'care_provider'})
CREATE (cat:Stakeholder:Person {id: $p + 'cat', name: $t + ' Cat', kind: 'person',
        sector: 'care_provider', seldom_heard: false})
CREATE (org:Stakeholder:Organisation {id: $p + 'org', name: $t + ' Trust',
        kind: 'organisation', sector: 'commissioner'})
CREATE (dan:Stakeholder:Person {id: $p + 'dan', name: $t + ' Dan', kind: 'person'})
CREATE (bob)-[:MEMBER_OF]->(org)
CREATE (cat)-[:MEMBER_OF]->(org)
CREATE (ann)-[:ASSESSED {id: $p + 'a1', date: date('2025-01-10'), assessor: 'team',
        interest: 3, impact: 8, quadrant: 'q3', category: 'customers',
        contact_every_days: 30}]->(p)
CREATE (ann)-[:ASSESSED {id: $p + 'a2', date: date('2025-05-01'), assessor: 'team',
        interest: 8, impact: 8, quadrant: 'q4', category: 'customers',
        contact_every_days: 30}]->(p)
CREATE (bob)-[:ASSESSED {id: $p + 'b1', date: date('2025-01-10'), assessor: 'team',
        interest: 7, impact: 2, quadrant: 'q2', category: 'collaborators',
        contact_every_days: 14}]->(p)
CREATE (cat)-[:ASSESSED {id: $p + 'c1', date: date('2025-01-10'), assessor: 'desk review',
        interest: 2, impact: 3, quadrant: 'q1'}]->(p)
CREATE (org)-[:ASSESSED {id: $p + 'o1', date: date('2025-01-10'), assessor: 'team',
        interest: 2, impact: 9, quadrant: 'q3', category: 'commissioners',
        contact_every_days: 60}]->(p)
CREATE (ann)-[:INFLUENCES {weight: 3.0}]->(bob)
CREATE (bob)-[:TRUSTS {weight: 1.0}]->(org)
CREATE (org)-[:TRUSTS]->(cat)
CREATE (cat)-[:COLLABORATES_WITH {weight: 2.0}]->(org)
CREATE (dan)-[:REFERRED]->(ann)
CREATE (w1:EngagementActivity {id: $p + 'w1', name: $t + ' Design workshop', type: 'workshop',
        date: date('2025-02-01'), stage: 'planning', level: 'coproduction'})-[:FOR_PROJECT]->(p)
CREATE (w2:EngagementActivity {id: $p + 'w2', name: $t + ' Newsletter', type: 'newsletter',
        date: date('2025-03-01'), stage: 'execution', level: 'engagement'})-[:FOR_PROJECT]->(p)
CREATE (ann)-[:PARTICIPATED_IN]->(w1)
CREATE (bob)-[:PARTICIPATED_IN]->(w1)
CREATE (cat)-[:PARTICIPATED_IN]->(w2)
CREATE (s1:Strategy {id: $p + 's1', name: $t + ' Mentoring'})
CREATE (s2:Strategy {id: $p + 's2', name: $t + ' Audit'})
CREATE (oc:Outcome {id: $p + 'oc', name: $t + ' Feasibility'})
CREATE (w1)-[:APPLIED]->(s1)
CREATE (w2)-[:APPLIED]->(s2)
CREATE (w1)-[:CONTRIBUTED_TO]->(oc)
CREATE (p)-[:OBSERVED {id: $p + 'x1', date: date('2025-01-15'), value: 0.2}]->(oc)
CREATE (p)-[:OBSERVED {id: $p + 'x2', date: date('2025-04-01'), value: 0.5}]->(oc)
CREATE (p)-[:OBSERVED {id: $p + 'x3', date: date('2025-06-01'), value: 0.4}]->(oc)
"""

Q3_ADVICE = (
    "Give them the most careful attention: find out what stops them engaging and make a "
    "deliberate effort to bring them in."
)


@dataclass(frozen=True)
class G:
    """The scratch graph: ``g.x`` is the id of node x, ``g.name(x)`` its name."""

    prefix: str

    @property
    def token(self) -> str:
        """Returns the word every name of the graph starts with."""
        return self.prefix.rstrip("-")

    def __getattr__(self, short: str) -> str:
        if short.startswith("_"):
            raise AttributeError(short)
        return self.prefix + short

    def name(self, label: str) -> str:
        """Returns the full name of a node whose name ends with ``label``."""
        return f"{self.token} {label}"


@pytest.fixture
def g(driver: Driver, database: str, scratch: str) -> Iterator[G]:
    """The scratch graph of this module, deleted after the test."""
    driver.execute_query(SEED, p=scratch, t=scratch.rstrip("-"), database_=database)
    yield G(scratch)


@pytest.fixture
def reader(clients: dict[str, Client]) -> Client:
    """A client with the reader role."""
    return clients["reader"]


def ask(client: Client, query: str, **variables: Any) -> Any:
    """Returns the one field a successful request asked for."""
    data = client.data(query, variables)
    assert len(data) == 1
    return next(iter(data.values()))


# ---- the register and the matrix ------------------------------------------------------------


def test_stakeholders_by_category(reader: Client, g: G) -> None:
    rows = ask(reader, """query($p: ID!) { stakeholdersByCategory(project: $p, at: "2025-06-30")
        { category categoryName stakeholders ids } }""", p=g.p)
    # In the nine_cs vocabulary's order; a stakeholder without a category comes last.
    assert rows == [
        {"category": "commissioners", "categoryName": "Commissioners", "stakeholders": 1,
         "ids": [g.org]},
        {"category": "customers", "categoryName": "Customers", "stakeholders": 1,
         "ids": [g.ann]},
        {"category": "collaborators", "categoryName": "Collaborators", "stakeholders": 1,
         "ids": [g.bob]},
        {"category": None, "categoryName": None, "stakeholders": 1, "ids": [g.cat]},
    ]


def test_quadrants(reader: Client, g: G) -> None:
    query = """query($p: ID!, $at: Date) { quadrants(project: $p, at: $at) {
        id name interest impact quadrant quadrantName advice assessedOn assessor } }"""
    rows = ask(reader, query, p=g.p, at="2025-03-01")
    # Highest quadrant first, then by name: ann and org in Q3, bob in Q2, cat in Q1.
    assert [(r["id"], r["quadrant"]) for r in rows] == [
        (g.ann, "q3"), (g.org, "q3"), (g.bob, "q2"), (g.cat, "q1")]
    assert rows[0] == {
        "id": g.ann, "name": g.name("Ann"), "interest": 3, "impact": 8, "quadrant": "q3",
        "quadrantName": "Q3 low interest, high impact", "advice": Q3_ADVICE,
        "assessedOn": "2025-01-10", "assessor": "team"}
    assert rows[3]["assessor"] == "desk review"
    later = ask(reader, query, p=g.p, at="2025-06-30")
    assert (later[0]["id"], later[0]["quadrant"], later[0]["assessedOn"]) == (
        g.ann, "q4", "2025-05-01")
    # Before anyone was assessed there is no matrix; an unknown project has none either.
    assert ask(reader, query, p=g.p, at="2024-12-31") == []
    assert ask(reader, query, p=g.prefix + "nothing", at="2025-06-30") == []


def test_matrix_movement(reader: Client, g: G) -> None:
    query = """query($p: ID!, $from: Date!) { matrixMovement(project: $p, from: $from,
        to: "2025-06-30") { id name fromQuadrant toQuadrant fromInterest toInterest fromImpact
        toImpact fromAssessedOn toAssessedOn } }"""
    assert ask(reader, query, p=g.p, **{"from": "2025-02-01"}) == [
        {"id": g.ann, "name": g.name("Ann"), "fromQuadrant": "q3", "toQuadrant": "q4",
         "fromInterest": 3, "toInterest": 8, "fromImpact": 8, "toImpact": 8,
         "fromAssessedOn": "2025-01-10", "toAssessedOn": "2025-05-01"}]
    # From a date after ann's second assessment nothing has moved.
    assert ask(reader, query, p=g.p, **{"from": "2025-05-02"}) == []


# ---- the network ----------------------------------------------------------------------------


def test_ego_network(reader: Client, g: G) -> None:
    query = """query($s: ID!, $hops: Int!, $types: [TieType!]!) {
        egoNetwork(stakeholder: $s, hops: $hops, tieTypes: $types) {
          id name kind distance via } }"""
    one = ask(reader, query, s=g.bob, hops=1, types=[])
    assert one == [
        {"id": g.ann, "name": g.name("Ann"), "kind": "person", "distance": 1,
         "via": [g.bob, g.ann]},
        {"id": g.org, "name": g.name("Trust"), "kind": "organisation", "distance": 1,
         "via": [g.bob, g.org]},
    ]
    two = ask(reader, query, s=g.bob, hops=2, types=[])
    assert [(r["id"], r["distance"]) for r in two] == [
        (g.ann, 1), (g.org, 1), (g.cat, 2), (g.dan, 2)]
    trusted = ask(reader, query, s=g.bob, hops=2, types=["TRUSTS"])
    assert [(r["id"], r["via"]) for r in trusted] == [
        (g.org, [g.bob, g.org]), (g.cat, [g.bob, g.org, g.cat])]


def test_shortest_paths(reader: Client, g: G) -> None:
    query = """query($a: ID!, $b: ID!, $trusted: Boolean!) {
        shortestPaths(from: $a, to: $b, trustedOnly: $trusted) { hops path names ties } }"""
    rows = ask(reader, query, a=g.ann, b=g.cat, trusted=False)
    # Two paths of 3 ties over the same stakeholders: org and cat are tied twice.
    assert [(r["hops"], r["path"]) for r in rows] == [(3, [g.ann, g.bob, g.org, g.cat])] * 2
    assert rows[0]["names"] == [g.name("Ann"), g.name("Bob"), g.name("Trust"), g.name("Cat")]
    assert sorted(r["ties"][2] for r in rows) == [
        f"{g.cat} -COLLABORATES_WITH-> {g.org}", f"{g.org} -TRUSTS-> {g.cat}"]
    assert rows[0]["ties"][:2] == [f"{g.ann} -INFLUENCES-> {g.bob}", f"{g.bob} -TRUSTS-> {g.org}"]
    assert ask(reader, query, a=g.bob, b=g.cat, trusted=True) == [
        {"hops": 2, "path": [g.bob, g.org, g.cat], "names": [g.name(n) for n in
         ("Bob", "Trust", "Cat")], "ties": [f"{g.bob} -TRUSTS-> {g.org}",
                                            f"{g.org} -TRUSTS-> {g.cat}"]}]
    assert ask(reader, query, a=g.ann, b=g.cat, trusted=True) == []


def test_introducers(reader: Client, g: G) -> None:
    rows = ask(reader, """query($p: ID!, $t: ID!) { introducers(project: $p, target: $t) {
        id name trustedByTarget weight ties activities lastEngaged } }""", p=g.p, t=g.org)
    # cat is trusted by the trust and tied to it twice (1 for the unweighted tie + 2.0);
    # bob trusts it (1.0). Both took part in one activity of p.
    assert [r["id"] for r in rows] == [g.cat, g.bob]
    cat, bob = rows
    assert sorted(cat.pop("ties")) == [
        f"{g.cat} -COLLABORATES_WITH-> {g.org}", f"{g.org} -TRUSTS-> {g.cat}"]
    assert cat == {"id": g.cat, "name": g.name("Cat"), "trustedByTarget": True, "weight": 3.0,
                   "activities": 1, "lastEngaged": "2025-03-01"}
    assert bob == {"id": g.bob, "name": g.name("Bob"), "trustedByTarget": False, "weight": 1.0,
                   "ties": [f"{g.bob} -TRUSTS-> {g.org}"], "activities": 1,
                   "lastEngaged": "2025-02-01"}


def test_reach(reader: Client, g: G) -> None:
    query = """query($s: [ID!]!, $hops: Int!, $directed: Boolean!) {
        reach(stakeholders: $s, hops: $hops, directed: $directed) {
          id name distance nearestFrom } }"""
    assert ask(reader, query, s=[g.ann], hops=1, directed=False) == [
        {"id": g.bob, "name": g.name("Bob"), "distance": 1, "nearestFrom": [g.ann]},
        {"id": g.dan, "name": g.name("Dan"), "distance": 1, "nearestFrom": [g.ann]},
    ]
    assert [r["id"] for r in ask(reader, query, s=[g.ann], hops=1, directed=True)] == [g.bob]
    both = ask(reader, query, s=[g.ann, g.cat], hops=1, directed=False)
    assert [(r["id"], r["nearestFrom"]) for r in both] == [
        (g.bob, [g.ann]), (g.dan, [g.ann]), (g.org, [g.cat])]


def test_q3_reach(reader: Client, g: G) -> None:
    query = """query($p: ID!, $directed: Boolean!) { q3Reach(project: $p, at: "2025-03-01",
        hops: 1, directed: $directed) { id name q3Reached reaches nearest engaged } }"""
    # As of 2025-03-01 ann and org are in Q3. bob is tied to both; cat to org; dan to ann.
    assert ask(reader, query, p=g.p, directed=False) == [
        {"id": g.bob, "name": g.name("Bob"), "q3Reached": 2, "reaches": [g.ann, g.org],
         "nearest": 1, "engaged": True},
        {"id": g.cat, "name": g.name("Cat"), "q3Reached": 1, "reaches": [g.org],
         "nearest": 1, "engaged": True},
        {"id": g.dan, "name": g.name("Dan"), "q3Reached": 1, "reaches": [g.ann],
         "nearest": 1, "engaged": False},
    ]
    # Directed, only ties pointing at a Q3 stakeholder count: bob -> org, cat <-> org,
    # dan -> ann (ann -> bob points away from ann).
    directed = ask(reader, query, p=g.p, directed=True)
    assert [(r["id"], r["reaches"]) for r in directed] == [
        (g.bob, [g.org]), (g.cat, [g.org]), (g.dan, [g.ann])]


def test_degree(reader: Client, g: G) -> None:
    query = """query($p: ID!, $types: [TieType!]!) { degree(project: $p, tieTypes: $types) {
        id name outDegree inDegree degree } }"""
    # Among p's stakeholders (dan is not one): ann -> bob, bob -> org, org -> cat, cat <-> org.
    assert ask(reader, query, p=g.p, types=[]) == [
        {"id": g.org, "name": g.name("Trust"), "outDegree": 2, "inDegree": 2, "degree": 3},
        {"id": g.bob, "name": g.name("Bob"), "outDegree": 1, "inDegree": 1, "degree": 2},
        {"id": g.cat, "name": g.name("Cat"), "outDegree": 1, "inDegree": 2, "degree": 2},
        {"id": g.ann, "name": g.name("Ann"), "outDegree": 1, "inDegree": 0, "degree": 1},
    ]
    trusts = ask(reader, query, p=g.p, types=["TRUSTS"])
    assert [(r["id"], r["outDegree"], r["inDegree"]) for r in trusts] == [
        (g.org, 1, 1), (g.bob, 1, 0), (g.cat, 0, 1), (g.ann, 0, 0)]


# ---- engagement quality ---------------------------------------------------------------------


def test_neglected_high_impact(reader: Client, g: G) -> None:
    query = """query($p: ID!, $upTo: SpectrumLevel!) { neglectedHighImpact(project: $p,
        at: "2025-06-30", upTo: $upTo) {
          id name seldomHeard quadrant impact deepestLevel activities } }"""
    org = {"id": g.org, "name": g.name("Trust"), "seldomHeard": False, "quadrant": "q3",
           "impact": 9, "deepestLevel": None, "activities": 0}
    # ann (Q4, seldom heard) co-produced in w1, so only org is neglected at engagement level.
    assert ask(reader, query, p=g.p, upTo="ENGAGEMENT") == [org]
    assert ask(reader, query, p=g.p, upTo="COPRODUCTION") == [
        org, {"id": g.ann, "name": g.name("Ann"), "seldomHeard": True, "quadrant": "q4",
              "impact": 8, "deepestLevel": "coproduction", "activities": 1}]


def test_coverage(reader: Client, g: G) -> None:
    rows = ask(reader, """query($p: ID!) { coverage(project: $p, at: "2025-06-30") {
        stage category activities participants } }""", p=g.p)
    # Every cell of 5 stages x 9 categories; only w1 (planning: ann, a customer, and bob, a
    # collaborator) counts: cat, in w2, has no category.
    assert len(rows) == 45
    assert (rows[0]["stage"], rows[0]["category"]) == ("initiation", "commissioners")
    assert [r for r in rows if r["activities"]] == [
        {"stage": "planning", "category": "customers", "activities": 1, "participants": 1},
        {"stage": "planning", "category": "collaborators", "activities": 1, "participants": 1},
    ]


def test_deepest_level(reader: Client, g: G) -> None:
    query = """query($p: ID!, $by: LevelGrouping!) { deepestLevel(project: $p, by: $by,
        at: "2025-06-30") { group stakeholders deepestLevel deepestLevelName reachedBy } }"""
    assert ask(reader, query, p=g.p, by="SECTOR") == [
        {"group": "care_provider", "stakeholders": 2, "deepestLevel": "coproduction",
         "deepestLevelName": "Co-production", "reachedBy": [g.bob]},
        {"group": "patients_public", "stakeholders": 1, "deepestLevel": "coproduction",
         "deepestLevelName": "Co-production", "reachedBy": [g.ann]},
        {"group": "commissioner", "stakeholders": 1, "deepestLevel": None,
         "deepestLevelName": None, "reachedBy": []},
    ]
    by_org = ask(reader, query, p=g.p, by="ORGANISATION")
    assert [(r["group"], r["stakeholders"], r["reachedBy"]) for r in by_org] == [
        ("(none)", 1, [g.ann]), (g.org, 3, [g.bob])]


def test_overdue_contacts(reader: Client, g: G) -> None:
    rows = ask(reader, """query($p: ID!) { overdueContacts(project: $p, at: "2025-06-30") {
        id name contactEveryDays lastContact due daysOverdue } }""", p=g.p)
    # org was never contacted; bob (every 14 days) was due 2025-02-15, ann (every 30) on
    # 2025-03-03, both after w1 on 2025-02-01. cat plans no contact.
    assert rows == [
        {"id": g.org, "name": g.name("Trust"), "contactEveryDays": 60, "lastContact": None,
         "due": None, "daysOverdue": None},
        {"id": g.bob, "name": g.name("Bob"), "contactEveryDays": 14,
         "lastContact": "2025-02-01", "due": "2025-02-15", "daysOverdue": 135},
        {"id": g.ann, "name": g.name("Ann"), "contactEveryDays": 30,
         "lastContact": "2025-02-01", "due": "2025-03-03", "daysOverdue": 119},
    ]


def test_readiness_checklist(reader: Client, g: G) -> None:
    query = """query($p: ID!, $at: Date!) { readinessChecklist(project: $p, at: $at) {
        item ok detail } }"""
    assert ask(reader, query, p=g.p, at="2025-06-30") == [
        {"item": "stakeholder_list", "ok": True, "detail": "4 stakeholders assessed"},
        {"item": "patients_public_identified", "ok": True,
         "detail": "1 patients, public or carers among them"},
        {"item": "engagement_strategy", "ok": True, "detail": ""},
        {"item": "inclusion_strategy", "ok": False, "detail": ""},
        {"item": "coproduction_strategy", "ok": False, "detail": "not recorded"},
        {"item": "next_review_set", "ok": True, "detail": "next review 2025-09-01"},
    ]
    late = ask(reader, query, p=g.p, at="2025-10-01")
    assert late[-1] == {"item": "next_review_set", "ok": False,
                        "detail": "review was due 2025-09-01"}


# ---- pathways -------------------------------------------------------------------------------


def test_pathways(reader: Client, g: G) -> None:
    query = """query($p: ID!, $complete: Boolean!) { pathways(project: $p, at: "2025-06-30",
        completeOnly: $complete) { activity activityName date strategy strategyName outcome
        outcomeName } }"""
    w1 = {"activity": g.w1, "activityName": g.name("Design workshop"), "date": "2025-02-01",
          "strategy": g.s1, "strategyName": g.name("Mentoring"), "outcome": g.oc,
          "outcomeName": g.name("Feasibility")}
    assert ask(reader, query, p=g.p, complete=True) == [w1]
    assert ask(reader, query, p=g.p, complete=False) == [
        w1, {"activity": g.w2, "activityName": g.name("Newsletter"), "date": "2025-03-01",
             "strategy": g.s2, "strategyName": g.name("Audit"), "outcome": None,
             "outcomeName": None}]


def test_strategies_before_outcome_change(reader: Client, g: G) -> None:
    query = """query($p: ID!, $change: ChangeDirection!, $since: Boolean!) {
        strategiesBeforeOutcomeChange(project: $p, change: $change, sincePrevious: $since) {
          outcome outcomeName fromDate toDate fromValue toValue strategy strategyName
          activities } }"""
    rose = {"outcome": g.oc, "outcomeName": g.name("Feasibility"), "fromDate": "2025-01-15",
            "toDate": "2025-04-01", "fromValue": 0.2, "toValue": 0.5}
    # It rose between 2025-01-15 and 2025-04-01, when w1 (s1) and w2 (s2) took place.
    assert ask(reader, query, p=g.p, change="ROSE", since=True) == [
        {**rose, "strategy": g.s1, "strategyName": g.name("Mentoring"), "activities": [g.w1]},
        {**rose, "strategy": g.s2, "strategyName": g.name("Audit"), "activities": [g.w2]},
    ]
    # It fell on 2025-06-01: nothing was applied since 2025-04-01; both were applied before.
    assert ask(reader, query, p=g.p, change="FELL", since=True) == []
    fell = ask(reader, query, p=g.p, change="FELL", since=False)
    assert [(r["fromValue"], r["toValue"], r["strategy"]) for r in fell] == [
        (0.5, 0.4, g.s1), (0.5, 0.4, g.s2)]
    only = ask(reader, """query($p: ID!, $o: ID) { strategiesBeforeOutcomeChange(project: $p,
        outcome: $o) { strategy } }""", p=g.p, o=g.prefix + "other")
    assert only == []


# ---- look-ups -------------------------------------------------------------------------------


def test_stakeholder_lookup(reader: Client, g: G) -> None:
    query = """query($id: ID!) { stakeholderLookup(id: $id, at: "2025-06-30") { id name kind
        sector societal seldomHeard country role memberOf
        assessments { project date category interest impact quadrant attitude }
        tiesOut tiesIn } }"""
    assert ask(reader, query, id=g.ann) == [{
        "id": g.ann, "name": g.name("Ann"), "kind": "person", "sector": "patients_public",
        "societal": True, "seldomHeard": True, "country": "UK", "role": None, "memberOf": [],
        "assessments": [{"project": g.p, "date": "2025-05-01", "category": "customers",
                         "interest": 8, "impact": 8, "quadrant": "q4", "attitude": None}],
        "tiesOut": 1, "tiesIn": 1}]
    bob = ask(reader, query, id=g.bob)[0]
    assert (bob["memberOf"], bob["societal"], bob["tiesOut"], bob["tiesIn"]) == (
        [g.org], None, 1, 1)
    assert ask(reader, query, id=g.prefix + "nobody") == []


def test_name_search(reader: Client, g: G) -> None:
    query = """query($text: String!, $label: SearchLabel, $limit: Int!) {
        nameSearch(text: $text, label: $label, limit: $limit) { id name labels score } }"""
    [ann] = ask(reader, query, text=f"{g.token} ann", label=None, limit=20)
    assert (ann["id"], ann["name"], sorted(ann["labels"])) == (
        g.ann, g.name("Ann"), ["Person", "Stakeholder"])
    assert ann["score"] > 0
    projects = ask(reader, query, text=g.token, label="PROJECT", limit=20)
    assert sorted(r["id"] for r in projects) == [g.p, g.q]
    activities = ask(reader, query, text=g.token, label="ENGAGEMENT_ACTIVITY", limit=20)
    assert sorted(r["id"] for r in activities) == [g.w1, g.w2]
    assert len(ask(reader, query, text=g.token, label="STAKEHOLDER", limit=2)) == 2


# ---- analytics ------------------------------------------------------------------------------

INFLUENCE = """query($p: ID!, $weighted: Boolean!, $order: InfluenceMeasure!, $first: Int) {
    influenceScores(project: $p, weighted: $weighted, orderBy: $order, first: $first) {
      project stakeholders arcs weighted tieTypes orderBy
      scores { id name inDegree outDegree degree inStrength outStrength strength pagerank
               betweenness eigenvector closeness constraint } } }"""


def test_influence_scores(reader: Client, g: G) -> None:
    result = ask(reader, INFLUENCE, p=g.p, weighted=True, order="PAGERANK", first=None)
    # The network of p: arcs ann->bob 3, bob->org 1, org->cat 3 (TRUSTS 1 + COLLABORATES 2),
    # cat->org 2; dan is not in p.
    assert {k: v for k, v in result.items() if k != "scores"} == {
        "project": g.p, "stakeholders": 4, "arcs": 4, "weighted": True,
        "tieTypes": ["INFLUENCES", "TRUSTS", "COLLABORATES_WITH", "REFERRED"],
        "orderBy": "PAGERANK"}
    scores = {s["id"]: s for s in result["scores"]}
    assert [s["id"] for s in result["scores"]] == [g.org, g.cat, g.bob, g.ann]
    # PageRank (damping 0.85, no dangling vertex): ann = 0.15/4, bob = 0.0375 + 0.85 ann,
    # and org = 0.0375 + 0.85 (bob + cat), cat = 0.0375 + 0.85 org.
    expected_pagerank = {g.ann: 0.0375, g.bob: 0.069375, g.org: 0.4625, g.cat: 0.430625}
    # Betweenness: bob lies on ann->org and ann->cat, org on ann->cat and bob->cat; / (3 * 2).
    expected_betweenness = {g.ann: 0.0, g.bob: 1 / 3, g.org: 1 / 3, g.cat: 0.0}
    # Eigenvector on in-arcs: only the org <-> cat cycle (weights 3 and 2) carries any, with
    # org / cat = 2 / sqrt(6); unit norm gives cat = sqrt(3/5), org = sqrt(2/5).
    expected_eigenvector = {g.ann: 0.0, g.bob: 0.0, g.org: math.sqrt(2 / 5),
                            g.cat: math.sqrt(3 / 5)}
    # Closeness on incoming paths, arc length 1/weight: bob is reached by ann at 1/3; org by
    # bob (1), ann (4/3), cat (1/2); cat by org (1/3), bob (4/3), ann (5/3).
    expected_closeness = {g.ann: 0.0, g.bob: (1 / 3) * 3, g.org: 3 / (17 / 6),
                          g.cat: 3 / (10 / 3)}
    # Burt's constraint with both directions summed: ann and cat have one tie (1); bob's are
    # 3 (ann) and 1 (org); org's 1 (bob) and 5 (cat); no two of anyone's contacts are tied.
    expected_constraint = {g.ann: 1.0, g.bob: (3 / 4) ** 2 + (1 / 4) ** 2,
                           g.org: (1 / 6) ** 2 + (5 / 6) ** 2, g.cat: 1.0}
    for sid, score in scores.items():
        assert score["pagerank"] == pytest.approx(expected_pagerank[sid], abs=1e-9)
        assert score["betweenness"] == pytest.approx(expected_betweenness[sid], abs=1e-9)
        assert score["eigenvector"] == pytest.approx(expected_eigenvector[sid], abs=1e-6)
        assert score["closeness"] == pytest.approx(expected_closeness[sid], abs=1e-9)
        assert score["constraint"] == pytest.approx(expected_constraint[sid], abs=1e-9)
    degrees = {sid: (s["inDegree"], s["outDegree"], s["degree"]) for sid, s in scores.items()}
    assert degrees == {g.ann: (0, 1, 1), g.bob: (1, 1, 2), g.org: (2, 1, 3), g.cat: (1, 1, 2)}
    strengths = {sid: (s["inStrength"], s["outStrength"], s["strength"])
                 for sid, s in scores.items()}
    assert strengths == {g.ann: (0.0, 3.0, 3.0), g.bob: (3.0, 1.0, 4.0),
                         g.org: (3.0, 3.0, 6.0), g.cat: (3.0, 2.0, 5.0)}
    assert scores[g.ann]["name"] == g.name("Ann")


def test_influence_scores_order_weights_and_scope(reader: Client, g: G) -> None:
    brokers = ask(reader, INFLUENCE, p=g.p, weighted=True, order="CONSTRAINT", first=2)
    # Lowest constraint first (bob 0.625, then org 0.72); ties by id.
    assert [s["id"] for s in brokers["scores"]] == [g.bob, g.org]
    plain = ask(reader, INFLUENCE, p=g.p, weighted=False, order="STRENGTH", first=None)
    assert plain["weighted"] is False
    assert [(s["id"], s["strength"]) for s in plain["scores"]] == [
        (g.org, 3.0), (g.bob, 2.0), (g.cat, 2.0), (g.ann, 1.0)]
    trusts = ask(reader, """query($p: ID!) { influenceScores(project: $p,
        tieTypes: [TRUSTS, TRUSTS]) { arcs tieTypes scores { id degree } } }""", p=g.p)
    assert trusts["arcs"] == 2 and trusts["tieTypes"] == ["TRUSTS"]
    empty = ask(reader, INFLUENCE, p=g.q, weighted=True, order="PAGERANK", first=None)
    assert (empty["stakeholders"], empty["arcs"], empty["scores"]) == (0, 0, [])


def test_network_summary(reader: Client, g: G) -> None:
    query = """query($p: ID!) { networkSummary(project: $p) { project at stakeholders arcs pairs
        density reciprocity transitivity components largestComponent largestShare diameter
        averagePathLength pathsExact pathSources degreeCentralisation } }"""
    # Arcs ann->bob, bob->org, org<->cat: the path ann - bob - org - cat, undated ties.
    assert ask(reader, query, p=g.p) == {
        "project": g.p, "at": None, "stakeholders": 4, "arcs": 4, "pairs": 3,
        "density": 4 / 12, "reciprocity": 0.5, "transitivity": 0.0, "components": 1,
        "largestComponent": 4, "largestShare": 1.0, "diameter": 3,
        "averagePathLength": 10 / 6, "pathsExact": True, "pathSources": 4,
        "degreeCentralisation": 1 / 3}
    dated = ask(reader, """query($p: ID!) { networkSummary(project: $p, at: "2020-01-01") {
        at arcs } }""", p=g.p)
    assert dated == {"at": "2020-01-01", "arcs": 4}  # undated ties count at every date


def test_key_players(reader: Client, g: G) -> None:
    query = """query($p: ID!, $k: Int!, $hops: Int!) { keyPlayers(project: $p, k: $k,
        hops: $hops) { project stakeholders arcs k hops reached share
          players { rank id name gain } } }"""
    # Within 2 arcs ann reaches bob and org, bob reaches org and cat: a tie, and ann has the
    # lower id.
    assert ask(reader, query, p=g.p, k=1, hops=2) == {
        "project": g.p, "stakeholders": 4, "arcs": 4, "k": 1, "hops": 2, "reached": 2,
        "share": 2 / 3,
        "players": [{"rank": 1, "id": g.ann, "name": g.name("Ann"), "gain": 2}]}
    # One arc: ann reaches bob; then bob would only add org (but leave the reached ones),
    # cat adds itself and org: cat is second.
    two = ask(reader, query, p=g.p, k=2, hops=1)
    assert [(p["id"], p["gain"]) for p in two["players"]] == [(g.ann, 1), (g.cat, 1)]
    assert (two["reached"], two["share"]) == (2, 1.0)


# ---- errors and roles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        "{ quadrants { id } }",  # a required argument left out
        '{ quadrants(project: null) { id } }',
        '{ quadrants(project: "p", at: "2025-02-30") { id } }',
        '{ quadrants(project: "p", at: 20250101) { id } }',
        '{ egoNetwork(stakeholder: "s", hops: null) { id } }',
        '{ egoNetwork(stakeholder: "s", tieTypes: [FRIENDS]) { id } }',
        '{ egoNetwork(stakeholder: "s", hops: "two") { id } }',
        '{ quadrants(project: "p", bogus: 1) { id } }',
        '{ quadrants(project: "p") { nosuch } }',
        '{ deepestLevel(project: "p", by: sector) { group } }',
        "{ influenceScores { arcs } }",
        '{ keyPlayers(project: "p", tieTypes: [FRIENDS]) { k } }',
    ],
)
def test_invalid_arguments_are_validation_errors(reader: Client, document: str) -> None:
    body = reader.post(document)
    assert codes(body) == ["VALIDATION"], body
    assert body.get("data") is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{ egoNetwork(stakeholder: "s", hops: 9) { id } }', "between 1 and 5, got 9"),
        ('{ shortestPaths(from: "a", to: "b", maxHops: 0) { hops } }', "between 1 and 6"),
        ('{ nameSearch(text: "x", limit: 500) { id } }', "between 1 and 200"),
        ('{ keyPlayers(project: "p", k: 0) { k } }', "k: must be between 1 and 50"),
        ('{ keyPlayers(project: "p", hops: 6) { k } }', "hops: must be between 1 and 5"),
        ('{ influenceScores(project: "p", first: 0) { arcs } }', "first: must be at least 1"),
    ],
)
def test_out_of_range_arguments_are_the_library_rules(
    reader: Client, document: str, message: str
) -> None:
    body = reader.post(document)
    assert codes(body) == ["VALIDATION"], body
    assert message in body["errors"][0]["message"]


def test_analytics_of_an_unknown_project(reader: Client, g: G) -> None:
    for document in ('query($p: ID!) { influenceScores(project: $p) { arcs } }',
                     'query($p: ID!) { keyPlayers(project: $p) { k } }'):
        body = reader.post(document, {"p": g.prefix + "nothing"})
        assert codes(body) == ["NOT_FOUND"]
        assert g.prefix + "nothing" in body["errors"][0]["message"]


def test_analytics_refuse_a_network_above_the_cap(
    reader: Client, driver: Driver, database: str, scratch: str
) -> None:
    driver.execute_query(
        """
        CREATE (p:Project {id: $p + 'big', name: 'big'})
        WITH p UNWIND range(1, 5001) AS i
        CREATE (:Stakeholder:Person {id: $p + 's' + i, name: 's' + i, kind: 'person'})
               -[:ASSESSED {id: $p + 'a' + i, date: date('2025-01-01'), assessor: 'x',
                            interest: 1, impact: 1, quadrant: 'q1'}]->(p)
        """,
        p=scratch,
        database_=database,
    )
    body = reader.post('query($p: ID!) { keyPlayers(project: $p) { k } }', {"p": scratch + "big"})
    assert codes(body) == ["VALIDATION"]
    error = body["errors"][0]
    assert "5001 stakeholders" in error["message"] and "at most 5000" in error["message"]
    assert (error["extensions"]["stakeholders"], error["extensions"]["limit"]) == (5001, 5000)


@pytest.mark.parametrize(
    "document",
    [
        '{ quadrants(project: "p") { id } }',
        '{ stakeholderLookup(id: "s") { id } }',
        '{ influenceScores(project: "p") { arcs } }',
        '{ keyPlayers(project: "p") { k } }',
    ],
)
def test_the_reader_role_is_required(clients: dict[str, Client], document: str) -> None:
    assert codes(clients["anonymous"].post(document)) == ["FORBIDDEN"]
    for role in ("reader", "editor", "admin"):
        assert "FORBIDDEN" not in codes(clients[role].post(document))


# ---- the fields follow the library ----------------------------------------------------------


def _fields(client: Client, type_name: str) -> dict[str, Any]:
    found = client.data(
        """query($n: String!) { __type(name: $n) { fields { name
             args { name defaultValue type { kind name ofType { kind name } } }
             type { kind name ofType { kind name ofType { kind name ofType { name } } } } } } }""",
        {"n": type_name},
    )["__type"]
    assert found is not None, type_name
    return {f["name"]: f for f in found["fields"]}


def test_every_question_is_a_typed_field(reader: Client) -> None:
    root = _fields(reader, "Query")
    for name, query in questions().items():
        field = root[to_camel_case(name)]
        # [<Name>Row!]!
        row = field["type"]["ofType"]["ofType"]["ofType"]["name"]
        assert row == "".join(p[:1].upper() + p[1:] for p in name.split("_")) + "Row"
        assert list(_fields(reader, row)) == [to_camel_case(c.name) for c in query.returns]
        args = {a["name"]: a for a in field["args"]}
        assert list(args) == [to_camel_case(p.name) for p in query.params]
        for param in query.params:
            non_null = args[to_camel_case(param.name)]["type"]["kind"] == "NON_NULL"
            assert non_null == (param.required or param.default not in (None, "today"))
    assert root["quadrants"]["args"][0]["type"]["ofType"]["name"] == "ID"
    assert {"influenceScores", "keyPlayers", "question", "questions"} <= set(root)


def test_a_typed_field_answers_as_the_generic_question(reader: Client, g: G) -> None:
    typed = reader.post("""query($p: ID!) { q3Reach(project: $p, at: "2025-03-01", hops: 1) {
        id name q3Reached reaches nearest engaged } }""", {"p": g.p})
    generic = reader.post(
        "query($p: JSON) { question(name: \"q3_reach\", params: $p) { rows } }",
        {"p": {"project": g.p, "at": "2025-03-01", "hops": 1}},
    )
    as_typed = [{to_camel_case(k): v for k, v in row.items()}
                for row in generic["data"]["question"]["rows"]]
    assert typed["data"]["q3Reach"] == as_typed and len(as_typed) == 3
    # One read each (plus the key look-up every request makes).
    assert typed["extensions"]["roundTrips"] == generic["extensions"]["roundTrips"] == 2


# ---- a header makes a field (built in process: no server needed) ----------------------------

NEW_QUESTION = """// name: team_size
// purpose: How many members each organisation of a project has, as of $at.
// param: project id — id of the project
// param: kinds list<string> = [] one of person|group as MemberKind — kinds to count
// param: at date = today — the date to count on
// returns: organisation id — the organisation's id
// returns: members int — how many members it has
// returns: since date? — the earliest membership date (null: none recorded)
// example:
// :param project => 'p'

MATCH (:Project {id: $project}) WITH 1 AS one WHERE size($kinds) >= 0 AND $at IS NOT NULL
RETURN 'o' AS organisation, 1 AS members, null AS since
"""


def test_a_new_header_makes_a_new_typed_field() -> None:
    # A question without `// returns:` lines gets no typed field (only `question(name, ...)`).
    legacy = re.sub(r"// returns:.*\n", "", NEW_QUESTION.replace("team_size", "legacy"))
    undeclared = parse_query("legacy.cypher", legacy)
    assert undeclared.returns == ()
    fields, rows = question_fields(
        {"team_size": parse_query("team_size.cypher", NEW_QUESTION), "legacy": undeclared})
    assert list(fields) == ["team_size"] and list(rows) == ["team_size"]
    root = strawberry.type(type("Root", (), {"__module__": __name__, **fields}))
    sdl = strawberry.Schema(query=root).as_str()
    assert "teamSize(\n" in sdl and "): [TeamSizeRow!]!" in sdl
    for argument in ('project: ID!', 'kinds: [MemberKind!]! = []', 'at: Date = null'):
        assert f"    {argument}\n" in sdl, argument
    for field in ('organisation: ID!', 'members: Int!', 'since: Date'):
        assert f"  {field}\n" in sdl, field
    assert "enum MemberKind {\n  PERSON\n  GROUP\n}" in sdl
    assert "How many members each organisation of a project has, as of `at`. Runs" in sdl


def test_a_choice_set_must_mean_the_same_everywhere() -> None:
    other = NEW_QUESTION.replace("team_size", "team_count").replace(
        "one of person|group as", "one of person|organisation as")
    with pytest.raises(HeaderError, match="choice set MemberKind"):
        question_fields({"team_size": parse_query("team_size.cypher", NEW_QUESTION),
                         "team_count": parse_query("team_count.cypher", other)})
    # A set named like one of the schema's enums must have its values.
    ties = NEW_QUESTION.replace("as MemberKind", "as TieType")
    with pytest.raises(HeaderError, match="choice set TieType"):
        question_fields({"team_size": parse_query("team_size.cypher", ties)})
