"""Centrality metrics computed in igraph on a projected ``Network``; pure functions.

Every function returns one value per vertex, in vertex order, with the normalisation networkx
uses (stated per function and in README.md) so the two can be compared number for number.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from stakegraph.queries.analytics.network import Network

DAMPING = 0.85
# Exact betweenness (Brandes, O(n·m)) up to this many vertices; above it, source sampling.
EXACT_BETWEENNESS_MAX = 5_000
DEFAULT_SAMPLES = 100


def degree(net: Network) -> dict[str, list[float]]:
    """Returns in-, out- and total (in + out) degree as arc counts, and with weights the matching
    strengths (sums of arc weights). An undirected tie counts once in and once out."""
    g = net.graph
    cols: dict[str, list[float]] = {
        "in_degree": [float(x) for x in g.indegree()],
        "out_degree": [float(x) for x in g.outdegree()],
        "degree": [float(x) for x in g.degree(mode="all")],
    }
    if net.weighted:
        w = net.weights()
        cols["in_strength"] = list(g.strength(mode="in", weights=w))
        cols["out_strength"] = list(g.strength(mode="out", weights=w))
        cols["strength"] = list(g.strength(mode="all", weights=w))
    return cols


def pagerank(net: Network, damping: float = DAMPING) -> list[float]:
    """Returns PageRank (PRPACK), summing to 1 over the network; a vertex without out-arcs spreads
    its rank uniformly over all vertices; with weights, rank flows in proportion to arc weight."""
    if net.n == 0:
        return []
    return list(net.graph.pagerank(directed=True, damping=damping, weights=net.weights()))


@dataclass(frozen=True)
class BetweennessMethod:
    """How betweenness was computed: exact, or estimated from ``samples`` sampled sources."""

    exact: bool
    samples: int
    seed: int


def betweenness_method(n: int, samples: int | None = None, seed: int = 0) -> BetweennessMethod:
    """Returns exact below EXACT_BETWEENNESS_MAX vertices (or when ``samples`` >= n), else source
    sampling with ``samples`` (default DEFAULT_SAMPLES) seeded sources."""
    if samples is None:
        samples = n if n <= EXACT_BETWEENNESS_MAX else DEFAULT_SAMPLES
    if samples >= n:
        return BetweennessMethod(True, n, seed)
    return BetweennessMethod(False, max(samples, 2), seed)


def sample_sources(n: int, k: int, seed: int) -> list[int]:
    """Returns the sampled source vertices: ``random.Random(seed).sample(range(n), k)``, the same
    draw networkx makes for ``betweenness_centrality(G, k, seed)`` on the same vertex order."""
    return random.Random(seed).sample(range(n), k)


def betweenness(net: Network, method: BetweennessMethod | None = None) -> list[float]:
    """Returns directed betweenness normalised by (n-1)(n-2), the ordered pairs a vertex can lie
    between; path lengths are 1/weight when weighted. Sampled: the dependencies accumulated from
    k sampled sources, scaled by 1/((k-1)(n-2)) for a sampled vertex and 1/(k(n-2)) otherwise
    (networkx >= 3.5's unbiased estimator)."""
    n = net.n
    if n < 3:
        return [0.0] * n
    method = method or betweenness_method(n)
    lengths = net.lengths()
    if method.exact:
        raw = net.graph.betweenness(directed=True, weights=lengths)
        return [x / ((n - 1) * (n - 2)) for x in raw]
    sources = sample_sources(n, method.samples, method.seed)
    raw = net.graph.betweenness(directed=True, weights=lengths, sources=sources)
    k = method.samples
    scale = np.full(n, 1.0 / (k * (n - 2)))
    scale[sources] = 1.0 / ((k - 1) * (n - 2))
    scaled: list[float] = (np.asarray(raw, dtype=np.float64) * scale).tolist()
    return scaled


def eigenvector(net: Network) -> list[float]:
    """Returns eigenvector centrality (in-arcs: a vertex is central when central vertices point
    to it), scaled to unit Euclidean norm; weighted by arc weight when weighted."""
    if net.m == 0:
        return [0.0] * net.n
    values = np.asarray(
        net.graph.eigenvector_centrality(directed=True, weights=net.weights()), dtype=np.float64
    )
    norm = float(np.linalg.norm(values))
    unit: list[float] = (values / norm if norm > 0 else values).tolist()
    return unit


def closeness(net: Network) -> list[float]:
    """Returns closeness on incoming paths (how near the others are to a vertex), Wasserman and
    Faust's form for disconnected graphs: ((r-1)/(n-1)) · ((r-1)/sum of distances from the r-1
    vertices that reach it); 0 when none does. Path lengths are 1/weight when weighted."""
    n = net.n
    if n < 2:
        return [0.0] * n
    lengths = net.lengths()
    g = net.graph
    raw = g.closeness(mode="in", weights=lengths, normalized=False)
    norm = g.closeness(mode="in", weights=lengths, normalized=True)
    out: list[float] = []
    for c_raw, c_norm in zip(raw, norm, strict=True):
        if c_raw is None or math.isnan(c_raw) or c_raw == 0:
            out.append(0.0)
            continue
        reached = c_norm / c_raw  # r - 1, the vertices that reach this one
        out.append(c_norm * reached / (n - 1))
    return out


def constraint(net: Network) -> list[float | None]:
    """Returns Burt's constraint (ties in either direction, weights summed over both directions);
    None for a vertex without ties, where it is undefined."""
    values = net.graph.constraint(weights=net.weights())
    return [None if v is None or math.isnan(v) else float(v) for v in values]
