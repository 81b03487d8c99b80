"""Reach within h hops: of a set, greedy key players (KPP-Pos), and who can reach a target set.

Reach follows arcs forward (from the set towards those it influences, trusts, refers or works
with); an undirected tie goes both ways. Pure functions on a ``Network``.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from stakegraph.queries.analytics.network import Network


@dataclass(frozen=True)
class Reach:
    """The vertices a set reaches within ``hops``: distance per reached vertex outside the set."""

    seeds: list[int]
    hops: int
    distance: dict[int, int]

    @property
    def count(self) -> int:
        """Returns how many vertices outside the set are reached."""
        return len(self.distance)


def reach(net: Network, seeds: Sequence[int], hops: int) -> Reach:
    """Returns the vertices outside ``seeds`` within ``hops`` arcs of one of them, each with its
    distance from the nearest seed."""
    _check_hops(hops)
    chosen = sorted(set(seeds))
    distance: dict[int, int] = {}
    frontier = chosen
    seen = np.zeros(net.n, dtype=bool)
    seen[chosen] = True
    for step in range(1, hops + 1):
        nxt: list[int] = []
        for v in frontier:
            for u in net.graph.neighbors(v, mode="out"):
                if not seen[u]:
                    seen[u] = True
                    distance[u] = step
                    nxt.append(u)
        if not nxt:
            break
        frontier = nxt
    return Reach(chosen, hops, distance)


@dataclass(frozen=True)
class KeyPlayers:
    """The greedy key-player set in selection order, with the reach gained by each pick."""

    players: list[int]
    gains: list[int]
    reached: int
    hops: int


def key_players(net: Network, k: int, hops: int) -> KeyPlayers:
    """Returns k vertices chosen greedily (KPP-Pos, Borgatti 2006) to maximise the number of other
    vertices reached within ``hops``: each pick adds the most not-yet-reached vertices (ties go to
    the lowest vertex index). Lazy evaluation (CELF) gives the same picks as the plain greedy
    because reach is submodular."""
    _check_hops(hops)
    if k < 1:
        raise ValueError("k must be at least 1")
    k = min(k, net.n)
    g = net.graph
    covered = np.zeros(net.n, dtype=bool)
    # Gain of adding v = |ball(v) \ covered| - 1: its ball counts v itself, which joins the set.
    bounds = g.neighborhood_size(order=hops, mode="out")
    heap = [(-(b - 1), v, -1) for v, b in enumerate(bounds)]
    heapq.heapify(heap)
    players: list[int] = []
    gains: list[int] = []
    while len(players) < k and heap:
        neg_gain, v, fresh_at = heapq.heappop(heap)
        if fresh_at == len(players):
            players.append(v)
            gains.append(-neg_gain)
            covered[g.neighborhood(v, order=hops, mode="out")] = True
            continue
        ball = np.asarray(g.neighborhood(v, order=hops, mode="out"), dtype=np.int64)
        gain = int((~covered[ball]).sum()) - 1
        heapq.heappush(heap, (-gain, v, len(players)))
    return KeyPlayers(players, gains, int(covered.sum()) - len(players), hops)


@dataclass(frozen=True)
class Reachers:
    """For each vertex outside the targets: how many targets it reaches within ``hops`` and its
    distance to the nearest (None where it reaches none)."""

    targets: list[int]
    hops: int
    reached: list[int]
    nearest: list[int | None]


def who_reaches(net: Network, targets: Sequence[int], hops: int) -> Reachers:
    """Returns, per vertex, the number of ``targets`` it reaches within ``hops`` arcs and the
    distance to the nearest one; the targets themselves get 0 and None."""
    _check_hops(hops)
    chosen = sorted(set(targets))
    reached = np.zeros(net.n, dtype=np.int64)
    nearest = np.full(net.n, np.iinfo(np.int64).max, dtype=np.int64)
    for t in chosen:
        # Those within `hops` arcs of t going backwards are those that reach t going forwards.
        dist = _bfs_in(net, t, hops)
        for v, d in dist.items():
            reached[v] += 1
            nearest[v] = min(nearest[v], d)
    mask = np.zeros(net.n, dtype=bool)
    mask[chosen] = True
    reached[mask] = 0
    near: list[int | None] = [
        None if mask[i] or nearest[i] == np.iinfo(np.int64).max else int(nearest[i])
        for i in range(net.n)
    ]
    return Reachers(chosen, hops, reached.tolist(), near)


def _bfs_in(net: Network, source: int, hops: int) -> dict[int, int]:
    dist = {source: 0}
    frontier = [source]
    for step in range(1, hops + 1):
        nxt = []
        for v in frontier:
            for u in net.graph.neighbors(v, mode="in"):
                if u not in dist:
                    dist[u] = step
                    nxt.append(u)
        frontier = nxt
    del dist[source]
    return dist


def _check_hops(hops: int) -> None:
    if hops < 1:
        raise ValueError("hops must be at least 1")
