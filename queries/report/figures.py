"""The report's pictures as inline SVG: the matrix (the same figure as `stakegraph plot
matrix`), a static drawing of the network for print, and the outcome observations over time."""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from stakegraph.queries.analytics.network import Network
from stakegraph.queries.plots.matrix import label_points

# Fixed ids inside the SVGs (clip paths, glyphs), so the same report gives the same bytes.
_SVG_STYLE: dict[str, Any] = {"svg.hashsalt": "stakegraph-report", "svg.fonttype": "path"}
_NETWORK_NAMES = 14


def svg(fig: Figure) -> str:
    """Returns the figure as an SVG element to inline in HTML (no XML prologue, no date)."""
    out = io.StringIO()
    with matplotlib.rc_context(_SVG_STYLE):  # type: ignore[arg-type]
        fig.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg"):]


def network_figure(
    net: Network,
    colours: Mapping[str, str],
    sizes: Mapping[str, float],
    names: Mapping[str, str],
) -> Figure:
    """Returns a static drawing of the network: a deterministic Kamada-Kawai layout of the
    undirected ties, dots coloured and sized as in the interactive view, and the names of the
    largest dots."""
    fig = Figure(figsize=(7.2, 6.2), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    n = net.n
    if n == 0:
        ax.text(0.5, 0.5, "No stakeholders", ha="center", va="center")
        return fig
    plain = net.graph.as_undirected(mode="collapse")
    circle = [(math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)) for i in range(n)]
    layout = plain.layout_kamada_kawai(seed=circle, maxiter=50 * n) if n > 1 else circle
    xs = [p[0] for p in layout]
    ys = [p[1] for p in layout]
    for a, b in plain.get_edgelist():
        ax.plot([xs[a], xs[b]], [ys[a], ys[b]], color="#9aa3ad", lw=0.4, alpha=0.6, zorder=1)
    ids = net.ids
    ax.scatter(xs, ys, s=[(sizes.get(i, 8.0) ** 2) * 0.35 for i in ids],
               c=[colours.get(i, "#b8bec6") for i in ids], edgecolors="white", linewidths=0.5,
               zorder=2)
    biggest = sorted(range(n), key=lambda v: (-sizes.get(ids[v], 0.0), ids[v]))[:_NETWORK_NAMES]
    ax.margins(0.08)
    fig.tight_layout()
    label_points(fig, ax, [names.get(ids[v], ids[v]) for v in biggest],
                 [(xs[v], ys[v]) for v in biggest])
    return fig


def observations_figure(series: Mapping[str, Sequence[tuple[date, float]]]) -> Figure:
    """Returns small multiples, one panel per outcome (by name), of its observed values over
    time; outcomes measured on different scales each keep their own."""
    count = max(len(series), 1)
    columns = min(3, count)
    rows = math.ceil(count / columns)
    fig = Figure(figsize=(7.2, 2.0 * rows + 0.3), dpi=100)
    for index, (name, points) in enumerate(series.items()):
        ax = fig.add_subplot(rows, columns, index + 1)
        dates = [d for d, _ in points]
        values = [v for _, v in points]
        ax.plot(dates, values, marker="o", markersize=3,  # type: ignore[arg-type]
                lw=1.2, color="#2f7fc1")
        ax.set_title(textwrap.fill(name, 34), fontsize=8)
        ax.tick_params(labelsize=6.5)
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
        ax.grid(alpha=0.3)
    if not series:
        fig.add_subplot(1, 1, 1).text(0.5, 0.5, "No outcome observations", ha="center")
    fig.tight_layout()
    return fig
