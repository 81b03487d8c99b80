"""Community detection (Leiden or Louvain, modularity) on the undirected projection."""

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


ALGORITHMS = ("leiden", "louvain")


def communities(
    net: Network, seed: int = 0, resolution: float = 1.0, algorithm: str = "leiden"
) -> Communities:
    """Returns communities maximising modularity with a seeded random number generator:
    Leiden (iterated until stable) or Louvain (igraph's multilevel), numbered by size (largest
    first, ties by lowest vertex)."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown community algorithm {algorithm!r}")
    g = undirected(net)
    weights = g.es["weight"] if g.ecount() else None
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        if algorithm == "leiden":
            part = g.community_leiden(
                objective_function="modularity",
                weights=weights,
                resolution=resolution,
                n_iterations=-1,
            )
        else:
            part = g.community_multilevel(weights=weights, resolution=resolution)
    finally:
        ig.set_random_number_generator(random)
    membership = renumber_by_size(list(part.membership))
    q = g.modularity(membership, weights=weights, resolution=resolution) if g.ecount() else 0.0
    return Communities(membership, float(q))


def renumber_by_size(raw: list[int]) -> list[int]:
    """Returns the partition ``raw`` with communities renumbered by size (0 = the largest; equal
    sizes by their lowest vertex), so both engines number alike."""
    first: dict[int, int] = {}
    size: dict[int, int] = {}
    for i, c in enumerate(raw):
        first.setdefault(c, i)
        size[c] = size.get(c, 0) + 1
    order = sorted(size, key=lambda c: (-size[c], first[c]))
    renumber = {c: k for k, c in enumerate(order)}
    return [renumber[c] for c in raw]
