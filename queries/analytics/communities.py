"""Community detection (Leiden, modularity) on the undirected projection; a pure function."""

from __future__ import annotations

import random
from dataclasses import dataclass

import igraph as ig
from stakegraph.queries.analytics.network import Network


@dataclass(frozen=True)
class Communities:
    """A partition: ``membership[i]`` is vertex i's community (0 = the largest), and its
    modularity on the undirected projection."""

    membership: list[int]
    modularity: float


def undirected(net: Network) -> ig.Graph:
    """Returns the undirected projection: one edge per tied pair, weight = the sum of both arcs'
    weights (unweighted: 1 per edge)."""
    g = net.graph.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
    if not net.weighted:
        g.es["weight"] = [1.0] * g.ecount()
    return g


def communities(
    net: Network, seed: int = 0, resolution: float = 1.0
) -> Communities:
    """Returns Leiden communities maximising modularity (iterated until stable) with a seeded
    random number generator, numbered by size (largest first, ties by lowest vertex)."""
    g = undirected(net)
    weights = g.es["weight"] if g.ecount() else None
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        part = g.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
    raw = list(part.membership)
    first: dict[int, int] = {}
    size: dict[int, int] = {}
    for i, c in enumerate(raw):
        first.setdefault(c, i)
        size[c] = size.get(c, 0) + 1
    order = sorted(size, key=lambda c: (-size[c], first[c]))
    renumber = {c: k for k, c in enumerate(order)}
    membership = [renumber[c] for c in raw]
    q = g.modularity(membership, weights=weights, resolution=resolution) if g.ecount() else 0.0
    return Communities(membership, float(q))
