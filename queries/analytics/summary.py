"""The network as a whole: what Kumu's summary panel and every SNA report give; a pure function.

Definitions (each equal to networkx's on the same graph; see README.md):

- ``stakeholders``, ``arcs`` (the simple directed projection), ``pairs`` (tied pairs, direction
  ignored);
- ``density`` = arcs / (n(n-1)); ``reciprocity`` = the share of arcs whose reverse is an arc too;
- ``transitivity`` = 3 x triangles / connected triples, on the undirected pairs;
- ``components`` (weakly connected), ``largest_component`` and its ``largest_share`` of n;
- ``diameter`` and ``average_path_length`` in hops, direction ignored, within the largest
  component: exact up to ``EXACT_PATHS_MAX`` stakeholders in it, above that from ``samples``
  seeded sources (the longest distance found, a lower bound, and the mean distance from them);
- ``degree_centralisation``: Freeman's, on the undirected pairs: sum(max degree - degree) /
  ((n-1)(n-2)); 1 for a star, 0 when every degree is equal.
"""

from __future__ import annotations

import random
from typing import Any

import igraph as ig
import numpy as np
from stakegraph.queries.analytics.network import Network

EXACT_PATHS_MAX = 5_000
PATH_SAMPLES = 100
# Sources per call when sampling: a distance matrix of 20 rows by a million stakeholders is
# 80 MB; all 100 at once would be 400 MB.
_CHUNK = 20

MEASURES = (
    "stakeholders", "arcs", "pairs", "density", "reciprocity", "transitivity", "components",
    "largest_component", "largest_share", "diameter", "average_path_length", "paths_exact",
    "path_sources", "degree_centralisation",
)


def summarise(net: Network, samples: int | None = None, seed: int = 0) -> dict[str, Any]:
    """Returns the whole-network measures of MEASURES (see the module docstring) for ``net``."""
    n, m = net.n, net.m
    g = net.graph
    und = g.as_undirected(mode="collapse")
    out: dict[str, Any] = {
        "stakeholders": n,
        "arcs": m,
        "pairs": und.ecount(),
        "density": m / (n * (n - 1)) if n > 1 else 0.0,
        "reciprocity": float(g.reciprocity(ignore_loops=True)) if m else 0.0,
        "transitivity": _transitivity(und),
    }
    if n == 0:
        out.update(components=0, largest_component=0, largest_share=0.0, diameter=0,
                   average_path_length=0.0, paths_exact=True, path_sources=0,
                   degree_centralisation=0.0)
        return out
    parts = g.connected_components(mode="weak")
    sizes = parts.sizes()
    biggest = int(np.argmax(sizes))
    members = [v for v, c in enumerate(parts.membership) if c == biggest]
    out["components"] = len(sizes)
    out["largest_component"] = len(members)
    out["largest_share"] = len(members) / n
    out.update(_paths(und.induced_subgraph(members), samples, seed))
    out["degree_centralisation"] = _centralisation(und)
    return out


def _transitivity(und: ig.Graph) -> float:
    value = und.transitivity_undirected(mode="zero") if und.ecount() else 0.0
    return float(value)


def _paths(core: ig.Graph, samples: int | None, seed: int) -> dict[str, Any]:
    size = core.vcount()
    if size < 2:
        return {"diameter": 0, "average_path_length": 0.0, "paths_exact": True,
                "path_sources": size}
    if samples is None:
        samples = size if size <= EXACT_PATHS_MAX else PATH_SAMPLES
    if samples >= size:
        return {
            "diameter": int(core.diameter(directed=False, unconn=False)),
            "average_path_length": float(core.average_path_length(directed=False)),
            "paths_exact": True,
            "path_sources": size,
        }
    sources = sorted(random.Random(seed).sample(range(size), samples))
    longest = 0
    total = 0.0
    for start in range(0, len(sources), _CHUNK):
        block = np.asarray(core.distances(source=sources[start:start + _CHUNK]),
                           dtype=np.float64)
        longest = max(longest, int(block.max()))
        total += float(block.sum())
    return {
        "diameter": longest,
        # Each source reaches the size - 1 others of the (connected) component.
        "average_path_length": total / (len(sources) * (size - 1)),
        "paths_exact": False,
        "path_sources": len(sources),
    }


def _centralisation(und: ig.Graph) -> float:
    n = und.vcount()
    if n < 3:
        return 0.0
    degrees = np.asarray(und.degree(), dtype=np.float64)
    return float((degrees.max() - degrees).sum() / ((n - 1) * (n - 2)))


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Returns after - before for every numeric measure (None where a value is not a number)."""
    out: dict[str, Any] = {}
    for key in MEASURES:
        a, b = before.get(key), after.get(key)
        if isinstance(a, bool) or not isinstance(a, int | float) or not isinstance(b, int | float):
            out[key] = None
            continue
        out[key] = b - a
    return out
