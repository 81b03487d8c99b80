"""Gould and Fernandez brokerage roles across groups; a pure function on a ``Network``.

A vertex v brokers an open two-path a -> v -> b (a != b, and no arc a -> b). With g() the group:
coordinator g(a) = g(v) = g(b); consultant (itinerant broker) g(a) = g(b) != g(v); representative
g(a) = g(v) != g(b); gatekeeper g(a) != g(v) = g(b); liaison all three differ. A vertex without a
group forms a group of its own. Weights are ignored: a role is counted once per two-path.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from stakegraph.queries.analytics.network import Network

ROLES = ("coordinator", "consultant", "representative", "gatekeeper", "liaison")


def group_codes(groups: Sequence[str | None]) -> list[int]:
    """Returns an integer code per vertex: equal groups share a code, each None gets its own."""
    codes: dict[str, int] = {}
    out: list[int] = []
    for g in groups:
        if g is None:
            out.append(-1 - len(out))  # unique, and never equal to a named group's code
        else:
            out.append(codes.setdefault(g, len(codes)))
    return out


def brokerage(net: Network, groups: Sequence[str | None]) -> dict[str, list[int]]:
    """Returns, per role (and ``total``), how many open two-paths each vertex brokers."""
    if len(groups) != net.n:
        raise ValueError("one group per vertex is needed")
    n = net.n
    g = net.graph
    code = np.asarray(group_codes(groups), dtype=np.int64)
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    arc_keys = np.sort(edges[:, 0] * n + edges[:, 1])
    counts = {role: np.zeros(n, dtype=np.int64) for role in ROLES}
    ins = g.get_adjlist(mode="in")
    outs = g.get_adjlist(mode="out")
    for v in range(n):
        if not ins[v] or not outs[v]:
            continue
        a = np.asarray(ins[v], dtype=np.int64)[:, None]
        b = np.asarray(outs[v], dtype=np.int64)[None, :]
        keys = a * n + b
        pos = np.searchsorted(arc_keys, keys)
        pos[pos == len(arc_keys)] = 0
        open_path = (a != b) & (arc_keys[pos] != keys)
        ga, gb, gv = code[a], code[b], code[v]
        same_a, same_b, ends_same = ga == gv, gb == gv, ga == gb
        counts["coordinator"][v] = int((open_path & same_a & same_b).sum())
        counts["consultant"][v] = int((open_path & ends_same & ~same_a).sum())
        counts["representative"][v] = int((open_path & same_a & ~same_b).sum())
        counts["gatekeeper"][v] = int((open_path & same_b & ~same_a).sum())
        counts["liaison"][v] = int((open_path & ~same_a & ~same_b & ~ends_same).sum())
    out = {role: c.tolist() for role, c in counts.items()}
    out["total"] = np.sum([counts[r] for r in ROLES], axis=0).tolist() if n else []
    return out
