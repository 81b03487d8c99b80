"""The network summary of a report: size, density, reciprocity, transitivity, components,
diameter and degree centralisation of a projected network.

Another branch adds a `summary` metric to the analytics (`queries/analytics/`); until it is
merged the report computes the figures it shows here, from the same projected `Network`, so the
switch is one call (`network_summary`) to replace.
"""

from __future__ import annotations

from dataclasses import dataclass

from stakegraph.queries.analytics.network import Network


@dataclass(frozen=True)
class NetworkSummary:
    """Whole-network figures of a projected network (arcs: a COLLABORATES_WITH tie is two)."""

    stakeholders: int
    arcs: int
    density: float
    reciprocity: float
    transitivity: float
    components: int
    diameter: int
    centralisation: float


def network_summary(net: Network) -> NetworkSummary:
    """Returns the summary: density of the directed network (arcs over n(n-1)), the share of arcs
    that are reciprocated, the global transitivity and the diameter (longest shortest path,
    counted in ties, between connected stakeholders) of the undirected network, its weakly
    connected components, and Freeman's degree centralisation of the undirected network (1 for a
    star, 0 when every stakeholder has as many ties)."""
    g = net.graph
    n, m = net.n, net.m
    if n == 0:
        return NetworkSummary(0, 0, 0.0, 0.0, 0.0, 0, 0, 0.0)
    plain = g.as_undirected(mode="collapse")
    degrees = plain.degree()
    top = max(degrees)
    centralisation = (
        sum(top - d for d in degrees) / ((n - 1) * (n - 2)) if n > 2 else 0.0
    )
    transitivity = plain.transitivity_undirected()
    return NetworkSummary(
        stakeholders=n,
        arcs=m,
        density=m / (n * (n - 1)) if n > 1 else 0.0,
        reciprocity=float(g.reciprocity(ignore_loops=True)) if m else 0.0,
        transitivity=0.0 if transitivity != transitivity else float(transitivity),  # NaN: none
        components=len(g.connected_components(mode="weak")),
        diameter=int(plain.diameter(directed=False, unconn=True)) if m else 0,
        centralisation=float(centralisation),
    )
