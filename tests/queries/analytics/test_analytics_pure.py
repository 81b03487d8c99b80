"""The pure metric functions against independent, plainly written reference implementations."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from stakegraph.queries.analytics.brokerage import ROLES, brokerage
from stakegraph.queries.analytics.network import Network, build_network
from stakegraph.queries.analytics.reach import key_players, reach, who_reaches


def _random_network(n: int, p: float, seed: int) -> tuple[Network, nx.DiGraph]:
    d = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    ids = [f"v{i:03d}" for i in range(n)]
    edges = list(d.edges())
    net = build_network(ids, ids, [u for u, _ in edges], [v for _, v in edges],
                        [1.0] * len(edges), [False] * len(edges), weighted=False)
    return net, d


def test_parallel_ties_sum_and_undirected_ties_go_both_ways() -> None:
    # a->b twice (two tie types), b-c undirected stored once, c->c dropped.
    net = build_network(["a", "b", "c"], ["A", "B", "C"], [0, 0, 1, 2], [1, 1, 2, 2],
                        [2.0, 3.0, 4.0, 9.0], [False, False, True, False], weighted=True)
    arcs = {(net.ids[e.source], net.ids[e.target]): e["weight"] for e in net.graph.es}
    assert arcs == {("a", "b"): 5.0, ("b", "c"): 4.0, ("c", "b"): 4.0}
    flat = build_network(["a", "b", "c"], ["A", "B", "C"], [0, 0], [1, 1], [2.0, 3.0],
                         [False, False], weighted=False)
    assert [e["weight"] for e in flat.graph.es] == [1.0]


def _plain_greedy(d: nx.DiGraph, k: int, hops: int) -> list[int]:
    ball = {v: set(nx.single_source_shortest_path_length(d, v, cutoff=hops)) for v in d}
    chosen: list[int] = []
    covered: set[int] = set()
    for _ in range(k):
        best = max(sorted(d), key=lambda v: len(ball[v] - covered) - 1 if v not in chosen
                   else -10**9)  # max() keeps the first (lowest) of equal gains
        chosen.append(best)
        covered |= ball[best]
    return chosen


@pytest.mark.parametrize(("seed", "hops"), [(1, 1), (2, 2), (3, 3)])
def test_key_players_are_the_plain_greedy_picks(seed: int, hops: int) -> None:
    net, d = _random_network(60, 0.04, seed)
    for k in (1, 3, 6):
        kp = key_players(net, k, hops)
        assert kp.players == _plain_greedy(d, k, hops)
        reached = set().union(*(nx.single_source_shortest_path_length(d, v, cutoff=hops)
                                for v in kp.players)) - set(kp.players)
        assert kp.reached == len(reached) == sum(kp.gains)


def test_reach_and_who_reaches_match_breadth_first_search() -> None:
    net, d = _random_network(50, 0.05, 4)
    seeds = [3, 17, 40]
    r = reach(net, seeds, 2)
    expected: dict[int, int] = {}
    for s in seeds:
        for v, dist in nx.single_source_shortest_path_length(d, s, cutoff=2).items():
            if v not in seeds:
                expected[v] = min(expected.get(v, dist), dist)
    assert r.distance == expected
    w = who_reaches(net, seeds, 2)
    for v in d:
        hits = [nx.shortest_path_length(d, v, t) for t in seeds
                if v not in seeds and nx.has_path(d, v, t)
                and nx.shortest_path_length(d, v, t) <= 2]
        assert w.reached[v] == len(hits)
        assert w.nearest[v] == (min(hits) if hits else None)


def _brute_brokerage(d: nx.DiGraph, groups: list[str | None]) -> dict[str, list[int]]:
    def same(x: int, y: int) -> bool:
        return groups[x] is not None and groups[x] == groups[y]

    out = {role: [0] * len(d) for role in ROLES}
    for v in d:
        for a in d.predecessors(v):
            for b in d.successors(v):
                if a == b or d.has_edge(a, b) or v in (a, b):
                    continue
                if same(a, v) and same(b, v):
                    out["coordinator"][v] += 1
                elif same(a, b):
                    out["consultant"][v] += 1
                elif same(a, v):
                    out["representative"][v] += 1
                elif same(b, v):
                    out["gatekeeper"][v] += 1
                else:
                    out["liaison"][v] += 1
    return out


def test_brokerage_roles_match_brute_force_enumeration() -> None:
    net, d = _random_network(80, 0.06, 5)
    rng = random.Random(5)
    groups: list[str | None] = [rng.choice(["x", "y", "z", None]) for _ in range(80)]
    got = brokerage(net, groups)
    expected = _brute_brokerage(d, groups)
    for role in ROLES:
        assert got[role] == expected[role], role
    assert got["total"] == [sum(expected[r][v] for r in ROLES) for v in range(80)]
    for role in ROLES:  # the random graph exercises every role
        assert sum(got[role]) > 0, role
