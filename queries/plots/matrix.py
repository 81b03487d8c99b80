"""The interest/impact matrix as a matplotlib Figure, drawn from plain rows (no database here).

Interest runs along x and impact along y, both on the 1..10 scale; a score of
``HIGH_THRESHOLD`` or more counts as high, so the split lines sit half a step below it. Scores are
integers, so many stakeholders share a cell: they are spread on a small ring around the cell
centre, in id order, so the same data always gives the same picture.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from stakegraph.schema.model import HIGH_THRESHOLD, SCALE_MAX, SCALE_MIN, quadrant

# Quadrant shading, light enough for black text on top.
QUADRANT_COLOURS: dict[str, str] = {
    "q1": "#eef1f5",
    "q2": "#e3f0fa",
    "q3": "#fdebd8",
    "q4": "#e2f4e4",
}
POINT_COLOURS: dict[str, str] = {
    "q1": "#6b7a8f",
    "q2": "#2f7fc1",
    "q3": "#d9731a",
    "q4": "#2e9a47",
}
RING_RADIUS = 0.28
SPLIT = HIGH_THRESHOLD - 0.5
LOW_EDGE = SCALE_MIN - 0.5
HIGH_EDGE = SCALE_MAX + 0.5
# A band above and below the scored area carries the quadrant advice, so text never hides a dot.
BAND = 1.7


@dataclass(frozen=True)
class MatrixPoint:
    """One stakeholder's interest and impact scores in a project as of a date."""

    id: str
    name: str
    interest: int
    impact: int

    @property
    def quadrant(self) -> str:
        """Returns the quadrant code (q1..q4) of the scores."""
        return quadrant(self.interest, self.impact)


@dataclass(frozen=True)
class QuadrantText:
    """What the matrix prints in a quadrant: its name and the engagement advice."""

    code: str
    label: str
    advice: str


def spread(points: Iterable[MatrixPoint]) -> dict[str, tuple[float, float]]:
    """Returns each point's drawing position: the cell centre, or a slot on a ring around it
    when several stakeholders share a cell (slots assigned in id order, so deterministic)."""
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for p in points:
        cells[(p.interest, p.impact)].append(p.id)
    positions: dict[str, tuple[float, float]] = {}
    for (x, y), ids in cells.items():
        ids.sort()
        if len(ids) == 1:
            positions[ids[0]] = (float(x), float(y))
            continue
        for slot, ident in enumerate(ids):
            # Half a slot of phase keeps two points side by side rather than stacked.
            angle = 2 * math.pi * (slot + 0.5) / len(ids)
            positions[ident] = (
                x + RING_RADIUS * math.cos(angle),
                y + RING_RADIUS * math.sin(angle),
            )
    return positions


def moves(
    before: Sequence[MatrixPoint], after: Sequence[MatrixPoint]
) -> list[tuple[MatrixPoint, MatrixPoint]]:
    """Returns (before, after) pairs, in id order, for stakeholders whose scores changed."""
    earlier = {p.id: p for p in before}
    changed = [
        (earlier[p.id], p)
        for p in after
        if p.id in earlier
        and (earlier[p.id].interest, earlier[p.id].impact) != (p.interest, p.impact)
    ]
    return sorted(changed, key=lambda pair: pair[1].id)


def matrix_figure(
    points: Sequence[MatrixPoint],
    quadrants: Mapping[str, QuadrantText],
    title: str,
    earlier: Sequence[MatrixPoint] = (),
    subtitle: str = "",
) -> Figure:
    """Returns the matrix Figure: shaded, labelled quadrants, one dot and name per stakeholder,
    and an arrow from each stakeholder's ``earlier`` position to the current one if it moved."""
    fig = Figure(figsize=(13, 9.5), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    _draw_quadrants(ax, quadrants)
    positions = spread(points)
    for before, now in moves(earlier, points):
        x, y = positions[now.id]
        dx, dy = x - now.interest, y - now.impact  # keep the arrow on the same ring slot
        ax.annotate(
            "",
            xy=(x, y),
            xytext=(before.interest + dx, before.impact + dy),
            arrowprops={"arrowstyle": "-|>", "color": "#444444", "lw": 1.2, "alpha": 0.8,
                        "shrinkA": 2, "shrinkB": 6, "connectionstyle": "arc3,rad=0.15"},
            zorder=3,
        )
        ax.plot([before.interest + dx], [before.impact + dy], marker="o", markersize=5,
                markerfacecolor="none", markeredgecolor="#777777", zorder=3)
    for p in sorted(points, key=lambda p: p.id):
        x, y = positions[p.id]
        ax.plot([x], [y], marker="o", markersize=8, color=POINT_COLOURS[p.quadrant],
                markeredgecolor="white", markeredgewidth=0.8, zorder=4)
        # Neighbouring columns put names above and below the dot, so they overlap less.
        near_right_edge = p.interest >= SCALE_MAX - 1
        ax.annotate(
            _short(p.name),
            xy=(x, y),
            xytext=(-5 if near_right_edge else 5, 4 if p.interest % 2 else -9),
            textcoords="offset points",
            ha="right" if near_right_edge else "left",
            fontsize=7,
            zorder=5,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.7},
        )
    ax.set_xlim(LOW_EDGE, HIGH_EDGE)
    ax.set_ylim(LOW_EDGE - BAND, HIGH_EDGE + BAND)
    ax.set_xticks(range(SCALE_MIN, SCALE_MAX + 1))
    ax.set_yticks(range(SCALE_MIN, SCALE_MAX + 1))
    ax.set_xlabel("Interest")
    ax.set_ylabel("Impact")
    ax.set_title(title + (f"\n{subtitle}" if subtitle else ""), fontsize=12)
    fig.tight_layout()
    return fig


def _draw_quadrants(ax: Axes, quadrants: Mapping[str, QuadrantText]) -> None:
    bottom, top = LOW_EDGE - BAND, HIGH_EDGE + BAND
    # code -> (x range, y range, where the band text starts, text alignment)
    boxes = {
        "q1": ((LOW_EDGE, SPLIT), (bottom, SPLIT), (LOW_EDGE + 0.15, LOW_EDGE - 0.12), "left"),
        "q2": ((SPLIT, HIGH_EDGE), (bottom, SPLIT), (HIGH_EDGE - 0.15, LOW_EDGE - 0.12), "right"),
        "q3": ((LOW_EDGE, SPLIT), (SPLIT, top), (LOW_EDGE + 0.15, top - 0.12), "left"),
        "q4": ((SPLIT, HIGH_EDGE), (SPLIT, top), (HIGH_EDGE - 0.15, top - 0.12), "right"),
    }
    for code, ((x0, x1), (y0, y1), (tx, ty), align) in boxes.items():
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=QUADRANT_COLOURS[code],
                               edgecolor="none", zorder=0))
        text = quadrants.get(code)
        if text is None:
            continue
        ax.text(tx, ty, text.label, ha=align, va="top", fontsize=9, fontweight="bold",
                color="#333333", zorder=1)
        if text.advice:
            ax.text(tx, ty - 0.45, textwrap.fill(text.advice, width=70), ha=align, va="top",
                    fontsize=8, color="#444444", style="italic", multialignment=align, zorder=1)
    ax.axvline(SPLIT, color="#888888", lw=1, zorder=1)
    ax.axhline(SPLIT, color="#888888", lw=1, zorder=1)
    for edge in (LOW_EDGE, HIGH_EDGE):
        ax.axhline(edge, color="#bbbbbb", lw=0.8, ls=":", zorder=1)


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
