"""The projected stakeholder network: vertex ids and names, and a directed igraph graph.

Pure construction from arrays; no database access here (see ``projection``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import igraph as ig
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Network:
    """A projected network: vertex ``i`` is ``ids[i]``; ``graph`` is directed and simple, with an
    edge attribute ``weight`` (the summed tie weights; 1.0 on every arc when unweighted)."""

    ids: list[str]
    names: list[str]
    graph: ig.Graph
    weighted: bool
    # Set when the arcs stayed in the server (GDS): the graph then holds the vertices only.
    arc_count: int | None = None
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        """Returns the number of vertices."""
        return len(self.ids)

    @property
    def m(self) -> int:
        """Returns the number of arcs."""
        return int(self.graph.ecount()) if self.arc_count is None else self.arc_count

    def index(self, stakeholder_id: str) -> int:
        """Returns the vertex index of a stakeholder id; KeyError if it is not in the network."""
        if not self._index:
            self._index.update({v: i for i, v in enumerate(self.ids)})
        return self._index[stakeholder_id]

    def weights(self) -> list[float] | None:
        """Returns the arc weights for weighted algorithms, or None when unweighted."""
        return list(self.graph.es["weight"]) if self.weighted and self.m else None

    def lengths(self) -> list[float] | None:
        """Returns arc lengths for path-based metrics (1 / weight: a strong tie is a short one),
        or None when unweighted (every arc has length 1)."""
        w = self.weights()
        return None if w is None else [1.0 / x for x in w]


def vertices_only(
    ids: Sequence[str], names: Sequence[str], arcs: int, weighted: bool
) -> Network:
    """Returns a network known by its vertices and arc count only: what a computation in the
    server (GDS) hands back, whose arcs never left Neo4j."""
    return Network(list(ids), list(names), ig.Graph(len(ids), directed=True), weighted, arcs)


def build_network(
    ids: Sequence[str],
    names: Sequence[str],
    sources: Sequence[int] | IntArray,
    targets: Sequence[int] | IntArray,
    weights: Sequence[float] | FloatArray,
    both_ways: Sequence[bool] | npt.NDArray[np.bool_],
    weighted: bool,
) -> Network:
    """Returns the simple directed network of ties given as parallel arrays of vertex indices.

    A tie with ``both_ways`` set (an undirected type such as COLLABORATES_WITH) becomes two arcs.
    Parallel arcs (several tie types, or a tie stored in both directions) merge into one arc whose
    weight is the sum of their weights; unweighted networks keep one arc of weight 1. Self-ties
    are dropped.
    """
    n = len(ids)
    src = np.asarray(sources, dtype=np.int64)
    dst = np.asarray(targets, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    twice = np.asarray(both_ways, dtype=bool)
    src, dst, w = (
        np.concatenate([src, dst[twice]]),
        np.concatenate([dst, src[twice]]),
        np.concatenate([w, w[twice]]),
    )
    keep = src != dst
    keys = src[keep] * n + dst[keep]
    unique, inverse = np.unique(keys, return_inverse=True)
    summed = np.bincount(inverse, weights=w[keep], minlength=len(unique))
    graph = ig.Graph(n, directed=True)
    if len(unique):
        graph.add_edges(np.column_stack([unique // n, unique % n]))
    graph.es["weight"] = summed.tolist() if weighted else [1.0] * len(unique)
    return Network(list(ids), list(names), graph, weighted)
