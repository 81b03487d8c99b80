"""Both engines, the same answers: GDS (in the test Neo4j) beside igraph and networkx.

On karate, the Florentine families and Davis's Southern women, every metric GDS computes with our
definition equals igraph's and networkx's to 1e-6. Where the definitions part (dangling rank in
PageRank, GDS's weighted eigenvector, float ties in weighted betweenness, sampled sources,
randomised communities), the tests pin what GDS does instead (queries/analytics/README.md).
GDS must be loaded in the test Neo4j: without it these tests fail, they are never skipped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pytest
from analytics_reference import davis, florentine, karate, reference_scores
from neo4j import Driver
from stakegraph.queries.analytics import Mode, Request, Scope, analyse, gds
from stakegraph.queries.analytics import engine as engine_module
from stakegraph.queries.analytics.errors import AnalyticsError
from stakegraph.queries.analytics.network import Network
from stakegraph.queries.analytics.projection import project_network
from stakegraph.queries.analytics.reach import key_players
from stakegraph.queries.library import query_text
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, Rel
from test_analytics_directed import ARCS, project  # noqa: F401  (the fixture, by name)

TOL = 1e-6
PER_VERTEX = ("degree", "pagerank", "betweenness", "eigenvector", "closeness")


def scores(db: GraphDB, prefix: str, engine: str, metrics: tuple[str, ...],
           **request: Any) -> dict[str, dict[str, float]]:
    """Returns the engine's scores keyed by column, then id without the scratch prefix."""
    out: dict[str, dict[str, float]] = {}
    for metric in metrics:
        result = analyse(db, Request(metric=metric, engine=engine, **request))
        assert result.params["engine"] == engine
        for column, values in result.scores.items():
            out[column] = {sid.removeprefix(prefix): float(v)
                           for sid, v in zip(result.network.ids, values, strict=True)}
    return out


def worst(a: dict[str, float], b: dict[str, float]) -> float:
    assert set(a) == set(b)
    return max(abs(a[v] - b[v]) for v in a)


def assert_three_agree(gds_scores: dict[str, dict[str, float]],
                       igraph_scores: dict[str, dict[str, float]],
                       ref: dict[str, dict[str, float]]) -> None:
    for column, expected in ref.items():
        if column not in gds_scores:
            continue
        assert worst(gds_scores[column], igraph_scores[column]) < TOL, f"{column}: gds/igraph"
        assert worst(gds_scores[column], expected) < TOL, f"{column}: gds/networkx"


def test_gds_is_there(db: GraphDB) -> None:
    assert gds.require_gds(db).startswith("2.13.")


@pytest.mark.parametrize("weighted", [True, False])
def test_karate_gds_equals_igraph_and_networkx(
    db: GraphDB, load_reference: Callable[[str], str], weighted: bool
) -> None:
    prefix = load_reference("karate")
    # Weighted: eigenvector and closeness are GDS's other measures (refused; pinned below),
    # betweenness splits float ties differently (pinned below).
    metrics = PER_VERTEX if not weighted else ("degree", "pagerank")
    req = {"scope": Scope(prefix=prefix + "karate-"), "weighted": weighted}
    ours = scores(db, prefix, "gds", metrics, **req)
    theirs = scores(db, prefix, "igraph", metrics, **req)
    g = karate()
    ref = reference_scores(g if weighted else nx.Graph(g.edges()), weighted)
    assert set(ours) >= {"in_degree", "degree", "pagerank"}
    assert_three_agree(ours, theirs, ref)


def test_florentine_gds_equals_igraph_and_networkx(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("florentine")
    req = {"scope": Scope(prefix=prefix + "florentine-"), "tie_types": (Rel.COLLABORATES_WITH,),
           "weighted": False}
    ours = scores(db, prefix, "gds", PER_VERTEX, **req)
    theirs = scores(db, prefix, "igraph", PER_VERTEX, **req)
    ref = reference_scores(florentine(), weighted=False)
    assert set(ours) == {"in_degree", "out_degree", "degree", "pagerank", "betweenness",
                         "eigenvector", "closeness"}
    assert_three_agree(ours, theirs, ref)
    top = analyse(db, Request(metric="betweenness", engine="gds", **req)).rows[0]
    assert top["id"] == prefix + "florentine-medici"


@pytest.mark.parametrize("weighted", [True, False])
def test_southern_women_gds_equals_igraph_and_networkx(
    db: GraphDB, load_reference: Callable[[str], str], weighted: bool
) -> None:
    prefix = load_reference("davis")
    two_mode, women, _ = davis()
    one_mode = nx.bipartite.weighted_projected_graph(two_mode, women)
    if not weighted:
        one_mode = nx.Graph(one_mode.edges())
        one_mode.add_nodes_from(women)
    metrics = PER_VERTEX if not weighted else ("degree", "pagerank")
    req = {"scope": Scope(project=prefix + "davis-project"), "mode": Mode.COPARTICIPATION,
           "weighted": weighted}
    ours = scores(db, prefix, "gds", metrics, **req)
    theirs = scores(db, prefix, "igraph", metrics, **req)
    assert len(ours["pagerank"]) == 18
    assert_three_agree(ours, theirs, reference_scores(one_mode, weighted))


def test_project_scope_projection_merges_parallel_and_undirected_ties_as_igraph_does(
    db: GraphDB, project: str, scratch: str  # noqa: F811  (the fixture)
) -> None:
    req = {"scope": Scope(project=project)}
    metrics = ("degree", "pagerank", "betweenness")
    ours = scores(db, scratch, "gds", metrics, **req)
    theirs = scores(db, scratch, "igraph", metrics, **req)
    for column, values in theirs.items():
        assert worst(ours[column], values) < TOL, column
    out_strength: dict[str, float] = {}
    for (source, _), weight in ARCS.items():
        out_strength[source] = out_strength.get(source, 0.0) + weight
    assert ours["out_strength"] == {v: out_strength.get(v, 0.0) for v in "abcdef"}
    with gds.projected(db, Scope(project=project), TIE_TYPES, True) as g:
        assert (g.nodes, g.arcs) == (6, len(ARCS))


def test_weighted_betweenness_gds_equals_networkx_on_float_lengths(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    # igraph compares path lengths with a tolerance (1/3 + 1/6 == 1/2) and so equals networkx
    # on exact fractions; GDS, like networkx on floats, compares exactly and splits those ties.
    prefix = load_reference("karate")
    req = {"scope": Scope(prefix=prefix + "karate-"), "weighted": True}
    ours = scores(db, prefix, "gds", ("betweenness",), **req)["betweenness"]
    theirs = scores(db, prefix, "igraph", ("betweenness",), **req)["betweenness"]
    g = karate()
    for _, _, d in g.edges(data=True):
        d["length"] = 1.0 / d["weight"]
    floats = nx.betweenness_centrality(g, weight="length")
    assert worst(ours, floats) < TOL
    assert worst(ours, theirs) > 1e-3  # the documented difference, on this network 1.9e-3


def _sink_network(driver: Driver, database: str, prefix: str) -> None:
    # a -> b -> c <- d, c has no out-tie (dangling), e is isolated.
    driver.execute_query(
        "UNWIND ['a', 'b', 'c', 'd', 'e'] AS x CREATE (:Stakeholder:Person {id: $p + x, name: x}) "
        "WITH count(*) AS made "
        "UNWIND [['a', 'b'], ['b', 'c'], ['d', 'c']] AS t "
        "MATCH (s:Stakeholder {id: $p + t[0]}), (o:Stakeholder {id: $p + t[1]}) "
        "CREATE (s)-[:INFLUENCES {weight: 1.0}]->(o)",
        p=prefix, database_=database)


def test_gds_pagerank_loses_dangling_rank_yet_rescaled_equals_igraph(
    db: GraphDB, driver: Driver, database: str, scratch: str
) -> None:
    _sink_network(driver, database, scratch)
    scope = Scope(prefix=scratch)
    order = ["a", "b", "c", "d", "e"]
    arcs = [(0, 1), (1, 2), (3, 2)]
    # GDS: score = (1 - d) + d * sum(score(u) / outdeg(u)) over in-arcs; the sink's rank leaks.
    x = np.ones(5)
    for _ in range(200):
        nxt = np.full(5, 0.15)
        for u, v in arcs:
            nxt[v] += 0.85 * x[u]
        x = nxt
    with gds.projected(db, scope, TIE_TYPES, True) as graph:
        records = db.write(query_text("analytics_gds_pagerank"), {
            "graph": graph.name, "damping": 0.85, "tolerance": 1e-12, "max_iterations": 1000,
            "weight_property": None})
    raw = {r["id"].removeprefix(scratch): float(r["score"]) for r in records}
    assert worst(raw, dict(zip(order, x.tolist(), strict=True))) < TOL
    assert sum(raw.values()) < 4.0  # 5 without the leak
    # With uniform teleport, spreading the dangling rank uniformly (igraph, networkx) only
    # rescales that solution, so GDS rescaled to sum 1 is their PageRank.
    ours = scores(db, scratch, "gds", ("pagerank",), scope=scope)["pagerank"]
    g = nx.DiGraph(arcs)
    g.add_nodes_from(range(5))
    spread = nx.pagerank(g, alpha=0.85, tol=1e-13, max_iter=10_000)
    assert worst(ours, {order[i]: v for i, v in spread.items()}) < TOL
    assert worst(ours, scores(db, scratch, "igraph", ("pagerank",), scope=scope)["pagerank"]) \
        < TOL


def test_gds_weighted_eigenvector_is_another_measure_and_refused(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("karate")
    scope = Scope(prefix=prefix + "karate-")
    with pytest.raises(AnalyticsError, match="another measure"):
        analyse(db, Request(metric="eigenvector", engine="gds", scope=scope, weighted=True))
    with pytest.raises(AnalyticsError, match="hops only"):
        analyse(db, Request(metric="closeness", engine="gds", scope=scope, weighted=True))
    g = karate()
    nodes = sorted(g)
    a = nx.to_numpy_array(g, nodelist=nodes, weight="weight")
    p = a / a.sum(axis=1, keepdims=True)  # GDS: each out-weight over the source's out-strength
    x = np.ones(len(nodes))
    for _ in range(5000):
        x = p.T @ x
        x /= np.linalg.norm(x)
    with gds.projected(db, scope, TIE_TYPES, True) as graph:
        records = db.write(query_text("analytics_gds_eigenvector"), {
            "graph": graph.name, "tolerance": 1e-12, "max_iterations": 10_000,
            "weight_property": "weight"})
    got = {r["id"].removeprefix(prefix): float(r["score"]) for r in records}
    norm = math.sqrt(sum(v * v for v in got.values()))
    assert worst({k: v / norm for k, v in got.items()},
                 dict(zip(nodes, x.tolist(), strict=True))) < TOL
    weighted = nx.eigenvector_centrality(g, weight="weight", tol=1e-13, max_iter=100_000)
    assert worst({k: v / norm for k, v in got.items()}, weighted) > 0.05


def test_gds_sampled_betweenness_estimates_from_its_own_sources(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("karate")
    req = {"scope": Scope(prefix=prefix + "karate-"), "weighted": False}
    exact = scores(db, prefix, "gds", ("betweenness",), **req)["betweenness"]
    every = scores(db, prefix, "gds", ("betweenness",), samples=34, **req)["betweenness"]
    assert worst(every, exact) < TOL  # all 34 sources: the exact values
    result = analyse(db, Request(metric="betweenness", engine="gds", samples=20, seed=3, **req))
    assert result.params["exact"] is False and result.params["samples"] == 20
    sampled = {sid.removeprefix(prefix): v for sid, v in
               zip(result.network.ids, result.scores["betweenness"], strict=True)}
    ours = scores(db, prefix, "igraph", ("betweenness",), samples=20, seed=3, **req)
    # Other sources than igraph's draw, so other numbers; both estimate the exact values.
    assert worst(sampled, ours["betweenness"]) > TOL
    assert abs(sum(sampled.values()) - sum(exact.values())) < 0.35 * sum(exact.values())
    top = sorted(exact, key=lambda v: -exact[v])[:2]
    assert set(sorted(sampled, key=lambda v: -sampled[v])[:2]) == set(top)


@pytest.mark.parametrize("algorithm", ["leiden", "louvain"])
def test_gds_communities_reach_igraphs_modularity_with_other_partitions(
    db: GraphDB, load_reference: Callable[[str], str], algorithm: str
) -> None:
    prefix = load_reference("karate")
    scope = Scope(prefix=prefix + "karate-")
    g = karate()
    found = {}
    for engine in ("gds", "igraph"):
        result = analyse(db, Request(metric="communities", engine=engine, scope=scope,
                                     algorithm=algorithm, seed=0))
        member = {sid.removeprefix(prefix): c for sid, c in
                  zip(result.network.ids, result.scores["community"], strict=True)}
        parts = [{v for v, c in member.items() if c == k} for k in set(member.values())]
        q = nx.community.modularity(g, parts, weight="weight")
        assert abs(q - result.summary["modularity"]) < TOL, engine  # each engine's own Q is true
        assert member["karate-1"] != member["karate-34"]
        found[engine] = q
    # Randomised heuristics: not the same partition, but as good a one (within 0.02).
    assert found["gds"] > found["igraph"] - 0.02


def test_gds_celf_reaches_what_greedy_key_players_reach_without_a_hop_limit(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("karate")
    scope = Scope(prefix=prefix + "karate-")
    result = analyse(db, Request(metric="key-players", engine="gds", scope=scope, k=3))
    net: Network = project_network(db, scope)
    greedy = key_players(net, 3, hops=net.n)
    assert result.summary["reached"] == greedy.reached == 31
    assert [r["gain"] for r in result.rows] == greedy.gains


def test_auto_picks_by_size_and_says_why(
    db: GraphDB, load_reference: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = load_reference("florentine")
    scope = Scope(prefix=prefix + "florentine-")
    monkeypatch.delitem(engine_module.AUTO_GDS_FROM, "pagerank", raising=False)
    measured = analyse(db, Request(metric="pagerank", scope=scope))
    assert measured.params["engine"] == "igraph"
    assert "igraph was faster for pagerank at every size measured" in \
        measured.params["engine_reason"]
    monkeypatch.setitem(engine_module.AUTO_GDS_FROM, "pagerank", 1000)
    small = analyse(db, Request(metric="pagerank", scope=scope))
    assert small.params["engine"] == "igraph"
    assert "15 stakeholders, below the 1,000" in small.params["engine_reason"]
    weighted = analyse(db, Request(metric="eigenvector", scope=scope))
    assert weighted.params["engine"] == "igraph" and "another measure" in \
        weighted.params["engine_reason"]
    assert "GDS has no constraint" in analyse(
        db, Request(metric="constraint", scope=scope)).params["engine_reason"]
    # The rule with a threshold this network passes: GDS, and the same numbers.
    monkeypatch.setitem(engine_module.AUTO_GDS_FROM, "pagerank", 10)
    big = analyse(db, Request(metric="pagerank", scope=scope))
    assert big.params["engine"] == "gds" and "at least the 10" in big.params["engine_reason"]
    assert max(abs(a - b) for a, b in zip(
        [r["pagerank"] for r in big.rows], [r["pagerank"] for r in small.rows], strict=True)
    ) < TOL


def test_gds_refuses_what_it_does_not_compute(db: GraphDB, project: str) -> None:  # noqa: F811
    for metric, mode, message in (
        ("brokerage", Mode.TIES, "GDS has no brokerage"),
        ("summary", Mode.TIES, "GDS has no summary"),
        ("pagerank", Mode.ACTIVITIES, "not the activities network"),
    ):
        with pytest.raises(AnalyticsError, match=message):
            analyse(db, Request(metric=metric, engine="gds", scope=Scope(project=project),
                                mode=mode))
