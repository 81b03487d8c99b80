"""The three reference networks, loaded through our loader, score as networkx scores them.

networkx works on its own undirected graphs; we project each undirected tie as two arcs. The
normalisations in queries/analytics/README.md make the numbers equal (to 1e-6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest
from analytics_reference import davis, florentine, karate, reference_scores
from stakegraph.queries.analytics import Mode, Request, Scope, analyse
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Rel

TOL = 1e-6


def our_scores(db: GraphDB, prefix: str, **request: Any) -> dict[str, dict[
        str, float]]:
    """Returns our scores (keyed by metric, then id without the scratch prefix)."""
    out: dict[str, dict[str, float]] = {}
    for metric in ("degree", "pagerank", "betweenness", "eigenvector", "closeness", "constraint"):
        result = analyse(db, Request(metric=metric, **request))
        for column, values in result.scores.items():
            out[column] = {
                sid.removeprefix(prefix): v for sid, v in zip(result.network.ids, values,
                                                              strict=True)
            }
    return out


def assert_same(ours: dict[str, dict[str, float]], ref: dict[str, dict[str, float]]) -> None:
    for metric, expected in ref.items():
        got = ours[metric]
        assert set(got) == set(expected), metric
        worst = max(abs(got[v] - expected[v]) for v in expected)
        assert worst < TOL, f"{metric}: off by {worst:.3g}"


@pytest.mark.parametrize("weighted", [True, False])
def test_karate_club_scores_equal_networkx(
    db: GraphDB, load_reference: Callable[[str], str], weighted: bool
) -> None:
    prefix = load_reference("karate")
    ours = our_scores(db, prefix, scope=Scope(prefix=prefix + "karate-"),
                      weighted=weighted)
    g = karate()
    assert len(ours["pagerank"]) == 34
    assert_same(ours, reference_scores(g if weighted else nx.Graph(g.edges()), weighted))


def test_florentine_families_scores_equal_networkx_and_the_medici_broker(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("florentine")
    ours = our_scores(db, prefix, scope=Scope(prefix=prefix + "florentine-"),
                      tie_types=(Rel.COLLABORATES_WITH,), weighted=False)
    assert_same(ours, reference_scores(florentine(), weighted=False))
    ranked = analyse(db, Request(
        metric="betweenness", scope=Scope(prefix=prefix + "florentine-"), weighted=False))
    assert ranked.rows[0]["id"] == prefix + "florentine-medici"
    assert ranked.rows[0]["betweenness"] > ranked.rows[1]["betweenness"]


@pytest.mark.parametrize("mode", [Mode.COPARTICIPATION, Mode.ACTIVITIES])
@pytest.mark.parametrize("weighted", [True, False])
def test_southern_women_both_modes_equal_networkx_projections(
    db: GraphDB, load_reference: Callable[[str], str], mode: Mode,
    weighted: bool,
) -> None:
    prefix = load_reference("davis")
    two_mode, women, events = davis()
    nodes = women if mode is Mode.COPARTICIPATION else events
    one_mode = nx.bipartite.weighted_projected_graph(two_mode, nodes)
    if not weighted:
        one_mode = nx.Graph(one_mode.edges())
        one_mode.add_nodes_from(nodes)
    ours = our_scores(db, prefix, scope=Scope(project=prefix + "davis-project"),
                      mode=mode, weighted=weighted)
    assert len(ours["pagerank"]) == len(nodes)
    assert_same(ours, reference_scores(one_mode, weighted))


def test_sampled_betweenness_is_networkx_estimate_from_the_same_sources(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("karate")
    result = analyse(db, Request(
        metric="betweenness", scope=Scope(prefix=prefix + "karate-"), weighted=False,
        samples=12, seed=7))
    assert result.params["exact"] is False and result.params["samples"] == 12
    g = nx.Graph()
    g.add_nodes_from(sorted(karate()))  # networkx samples from its node order: ours, by id
    g.add_edges_from(karate().edges())
    expected = nx.betweenness_centrality(g, k=12, seed=7)
    got = {sid.removeprefix(prefix): v for sid, v in
           zip(result.network.ids, result.scores["betweenness"], strict=True)}
    assert max(abs(got[v] - expected[v]) for v in expected) < TOL


def test_karate_communities_reach_networkx_modularity_and_split_the_two_leaders(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("karate")
    result = analyse(db, Request(
        metric="communities", scope=Scope(prefix=prefix + "karate-"), seed=0))
    g = karate()
    member = {sid.removeprefix(prefix): c for sid, c in
              zip(result.network.ids, result.scores["community"], strict=True)}
    parts = [{v for v, c in member.items() if c == k} for k in set(member.values())]
    q = nx.community.modularity(g, parts, weight="weight")
    assert abs(q - result.summary["modularity"]) < TOL
    louvain = nx.community.louvain_communities(g, weight="weight", seed=0)
    assert q >= nx.community.modularity(g, louvain, weight="weight") - TOL
    assert member["karate-1"] != member["karate-34"]  # Mr Hi and the officer
