"""A small directed project network built by hand, with answers worked out by hand.

Stakeholders a, b, c (members of organisation X), d, e (members of Y) are assessed in project P;
f only took part in one of P's activities; o is outside P. Ties (type, weight):
a->b INFLUENCES 2 and TRUSTS 3, a->c REFERRED, b->c INFLUENCES, c-d COLLABORATES_WITH 2,
d->e REFERRED, e->a INFLUENCES, b->f TRUSTS, f->d INFLUENCES (no weight), f->a REFERRED,
a->o INFLUENCES (o is outside the project).
"""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction

import networkx as nx
import pytest
from neo4j import Driver
from stakegraph.queries.analytics import Request, Scope, analyse, write_result
from stakegraph.queries.library import query_text as cypher
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Rel

ARCS = {
    ("a", "b"): 5.0, ("a", "c"): 1.0, ("b", "c"): 1.0, ("c", "d"): 2.0, ("d", "c"): 2.0,
    ("d", "e"): 1.0, ("e", "a"): 1.0, ("b", "f"): 1.0, ("f", "d"): 1.0, ("f", "a"): 1.0,
}
# (interest, impact): d and e are Q3 (impacted, disengaged); a has an older Q3 assessment.
ASSESSMENTS = [
    ("a", "2024-01-01", 2, 9, "champions"), ("a", "2025-01-01", 5, 5, "collaborators"),
    ("b", "2025-01-01", 7, 7, "collaborators"), ("c", "2025-01-01", 8, 3, "channels"),
    ("d", "2025-01-01", 2, 9, "consumers"), ("e", "2025-01-01", 3, 8, "consumers"),
]


@pytest.fixture
def project(driver: Driver, database: str, scratch: str) -> str:
    """Builds the network above under the scratch prefix; returns the project id."""
    p = scratch
    driver.execute_query(
        """
        CREATE (proj:Project {id: $p + 'P', name: 'P'})
        CREATE (act:EngagementActivity {id: $p + 'act', name: 'workshop', type: 'workshop',
                date: date('2025-02-01'), stage: 'planning', level: 'involvement'})
        CREATE (act)-[:FOR_PROJECT]->(proj)
        FOREACH (x IN ['a', 'b', 'c', 'd', 'e', 'f', 'o'] |
          CREATE (:Stakeholder:Person {id: $p + x, name: toUpper(x), kind: 'person'}))
        FOREACH (x IN ['X', 'Y'] |
          CREATE (:Stakeholder:Organisation {id: $p + x, name: x, kind: 'organisation'}))
        WITH proj, act
        UNWIND $assessments AS r
        MATCH (s:Stakeholder {id: $p + r[0]})
        CREATE (s)-[:ASSESSED {id: $p + r[0] + r[1], date: date(r[1]), assessor: 'test',
                interest: r[2], impact: r[3], category: r[4],
                quadrant: CASE WHEN r[3] >= 6 AND r[2] < 6 THEN 'q3' ELSE 'other' END}]->(proj)
        """,
        p=p, assessments=[list(a) for a in ASSESSMENTS], database_=database,
    )
    driver.execute_query(
        """
        MATCH (f:Stakeholder {id: $p + 'f'}), (act:EngagementActivity {id: $p + 'act'})
        CREATE (f)-[:PARTICIPATED_IN]->(act)
        WITH 1 AS one
        UNWIND [['a', 'X'], ['b', 'X'], ['c', 'X'], ['d', 'Y'], ['e', 'Y']] AS m
        MATCH (s:Stakeholder {id: $p + m[0]}), (o:Stakeholder {id: $p + m[1]})
        CREATE (s)-[:MEMBER_OF]->(o)
        """,
        p=p, database_=database,
    )
    ties = [("a", "b", "INFLUENCES", 2.0), ("a", "b", "TRUSTS", 3.0),
            ("a", "c", "REFERRED", 1.0), ("b", "c", "INFLUENCES", 1.0),
            ("c", "d", "COLLABORATES_WITH", 2.0), ("d", "e", "REFERRED", 1.0),
            ("e", "a", "INFLUENCES", 1.0), ("b", "f", "TRUSTS", 1.0),
            ("f", "d", "INFLUENCES", None), ("f", "a", "REFERRED", 1.0),
            ("a", "o", "INFLUENCES", 1.0)]
    for rel in (Rel.INFLUENCES, Rel.TRUSTS, Rel.COLLABORATES_WITH, Rel.REFERRED):
        rows = [{"s": p + s, "t": p + t, "w": w} for s, t, kind, w in ties if kind == rel.value]
        driver.execute_query(
            f"UNWIND $rows AS r MATCH (s:Stakeholder {{id: r.s}}), (t:Stakeholder {{id: r.t}}) "
            f"CREATE (s)-[x:{rel}]->(t) SET x.weight = r.w",
            rows=rows, database_=database,
        )
    return p + "P"


def _short(ids: list[str], scratch: str) -> list[str]:
    return [i.removeprefix(scratch) for i in ids]


def test_project_projection_combines_ties_as_documented(db: GraphDB, project: str, scratch: str
) -> None:
    res = analyse(db, Request(metric="degree", scope=Scope(project=project)))
    net = res.network
    assert _short(net.ids, scratch) == ["a", "b", "c", "d", "e", "f"]  # o is outside P
    arcs = {(net.ids[e.source].removeprefix(scratch), net.ids[e.target].removeprefix(scratch)):
            e["weight"] for e in net.graph.es}
    assert arcs == ARCS
    only = analyse(db, Request(
        metric="degree", scope=Scope(project=project), tie_types=(Rel.INFLUENCES,)))
    assert {(only.network.ids[e.source].removeprefix(scratch),
             only.network.ids[e.target].removeprefix(scratch)): e["weight"]
            for e in only.network.graph.es} == {("a", "b"): 2.0, ("b", "c"): 1.0,
                                                ("e", "a"): 1.0, ("f", "d"): 1.0}


def test_directed_scores_equal_networkx_digraph(db: GraphDB, project: str, scratch: str
) -> None:
    d = nx.DiGraph()
    for (u, v), w in ARCS.items():
        d.add_edge(u, v, weight=w, length=Fraction(1) / Fraction(w))
    expected = {
        "pagerank": nx.pagerank(d, weight="weight", tol=1e-13, max_iter=100_000),
        "betweenness": nx.betweenness_centrality(d, weight="length"),
        "eigenvector": nx.eigenvector_centrality(d, weight="weight", tol=1e-13,
                                                 max_iter=100_000),
        "closeness": nx.closeness_centrality(d, distance="length"),
        "constraint": nx.constraint(d, weight="weight"),
        "in_strength": dict(d.in_degree(weight="weight")),
        "out_degree": dict(d.out_degree()),
    }
    for metric in ("pagerank", "betweenness", "eigenvector", "closeness", "constraint",
                   "degree"):
        res = analyse(db, Request(metric=metric, scope=Scope(project=project)))
        for column, values in res.scores.items():
            if column not in expected:
                continue
            got = dict(zip(_short(res.network.ids, scratch), values, strict=True))
            for v, x in expected[column].items():
                assert abs(got[v] - float(x)) < 1e-6, (column, v)


def test_brokerage_roles_by_organisation_worked_by_hand(db: GraphDB, project: str, scratch: str
) -> None:
    res = analyse(db, Request(
        metric="brokerage", scope=Scope(project=project), tie_types=(
            Rel.INFLUENCES, Rel.TRUSTS, Rel.COLLABORATES_WITH, Rel.REFERRED)))
    by_id = {row["id"].removeprefix(scratch): row for row in res.rows}
    roles = ("coordinator", "consultant", "representative", "gatekeeper", "liaison")
    table = {v: tuple(by_id[v][r] for r in roles) for v in by_id}
    # a->b->c is closed by a->c, so b coordinates nothing; f has no organisation.
    assert table == {
        "a": (0, 0, 0, 4, 0), "b": (0, 0, 1, 0, 0), "c": (0, 0, 2, 0, 0),
        "d": (0, 0, 0, 2, 1), "e": (0, 0, 1, 0, 0), "f": (0, 1, 0, 0, 1),
    }
    assert by_id["a"]["group"] == scratch + "X" and by_id["f"]["group"] is None
    assert res.rows[0]["id"] == scratch + "a"  # most brokerage first


def test_brokerage_by_category_uses_the_latest_assessment(db: GraphDB, project: str, scratch: str
) -> None:
    res = analyse(db, Request(
        metric="brokerage", scope=Scope(project=project), group_by="category"))
    groups = {row["id"].removeprefix(scratch): row["group"] for row in res.rows}
    assert groups == {"a": "collaborators", "b": "collaborators", "c": "channels",
                      "d": "consumers", "e": "consumers", "f": None}
    # Directed tie types only by default: c-d (COLLABORATES_WITH) is left out.
    assert res.params["tie_types"] == ["INFLUENCES", "TRUSTS", "REFERRED"]


def test_key_players_reach_and_who_reaches_q3(db: GraphDB, project: str, scratch: str
) -> None:
    scope = Scope(project=project)
    kp = analyse(db, Request(metric="key-players", scope=scope, k=2, hops=1))
    assert [(r["id"].removeprefix(scratch), r["gain"]) for r in kp.rows] == [("a", 2), ("d", 1)]
    assert kp.summary["reached"] == 3
    r = analyse(db, Request(metric="reach", scope=scope, seeds=(scratch + "e",),
                                          hops=2))
    assert [(x["id"].removeprefix(scratch), x["distance"]) for x in r.rows] == [
        ("a", 1), ("b", 2), ("c", 2)]
    q3 = analyse(db, Request(metric="reach-q3", scope=scope, hops=2))
    assert _short(q3.summary["q3_ids"], scratch) == ["d", "e"]  # a's Q3 assessment is old
    assert [(x["id"].removeprefix(scratch), x["q3_reached"], x["nearest"]) for x in q3.rows] == [
        ("c", 2, 1), ("f", 2, 1), ("a", 1, 2), ("b", 1, 2)]


def test_write_keeps_every_run_and_the_latest_is_current(db: GraphDB,
    driver: Driver, database: str, project: str, scratch: str
) -> None:
    req = Request(metric="pagerank", scope=Scope(project=project))
    first = analyse(db, req)
    run1 = write_result(db, req, first)
    req2 = Request(metric="pagerank", scope=Scope(project=project), weighted=False)
    second = analyse(db, req2)
    run2 = write_result(db, req2, second)
    assert run1.id.startswith(project + "/pagerank/") and run1.id != run2.id
    records, _, _ = driver.execute_query(
        "MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p AND s.score_pagerank IS NOT NULL "
        "RETURN s.id AS id, s.score_pagerank AS value, s.score_pagerank_run AS run",
        p=scratch, database_=database,
    )
    current = {r["id"]: (r["value"], r["run"]) for r in records}
    latest = dict(zip(second.network.ids, second.scores["pagerank"], strict=True))
    assert current == {sid: (latest[sid], run2.id) for sid in latest}
    history, _, _ = driver.execute_query(
        cypher("analytics_score_history"), id=scratch + "a", metric="pagerank",
        database_=database,
    )
    assert [h["run"] for h in history] == [run2.id, run1.id]
    runs, _, _ = driver.execute_query(
        "MATCH (r:AnalyticsRun) WHERE r.id IN $ids RETURN r.complete AS complete, "
        "r.nodes AS nodes, r.metric AS metric", ids=[run1.id, run2.id], database_=database)
    assert [(r["complete"], r["nodes"], r["metric"]) for r in runs] == [(True, 6, "pagerank")] * 2
    assert json.loads(history[1]["params"])["weighted"] is True
    assert history[1]["scores"]["pagerank"] == first.scores["pagerank"][0]


def _cli(cli_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Wide terminal: rich would wrap the one-line error at 80 columns.
    return subprocess.run(["stakegraph", "analyse", *args], env={**cli_env, "COLUMNS": "250"},
                          capture_output=True,
                          text=True, timeout=120, check=False)


def test_cli_ranks_writes_and_reports_bad_input_in_one_line(db: GraphDB,
    driver: Driver, database: str, project: str, scratch: str, cli_env: dict[str, str]
) -> None:
    done = _cli(cli_env, "betweenness", "--project", project, "--format", "json", "--top", "3",
                "--write")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    expected = analyse(db, Request(metric="betweenness",
                                                 scope=Scope(project=project)))
    assert [r["id"] for r in doc["rows"]] == [r["id"] for r in expected.rows[:3]]
    assert doc["run"].startswith(project + "/betweenness/")
    records, _, _ = driver.execute_query(
        "MATCH (r:AnalyticsRun {id: $run})-[sc:SCORED]->(s) RETURN count(sc) AS n",
        run=doc["run"], database_=database)
    assert records[0]["n"] == 6
    table = _cli(cli_env, "key-players", "--project", project, "--k", "2", "--hops", "1")
    assert table.returncode == 0 and scratch + "a" in table.stdout
    for args, message in [
        (("brokerage", "--project", project, "--engine", "gds"), "GDS has no brokerage"),
        (("influence",), "unknown metric"),
        (("pagerank", "--tie-type", "likes"), "unknown tie type"),
        (("reach", "--project", project), "--seeds"),
        (("reach", "--project", project, "--seeds", "nobody"), "not in the projected network"),
        (("pagerank", "--project", scratch + "missing"), "no project"),
        (("key-players", "--project", project, "--write"), "no per-stakeholder score"),
    ]:
        bad = _cli(cli_env, *args)
        assert bad.returncode == 1, (args, bad.stdout)
        lines = bad.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, bad.stderr)
