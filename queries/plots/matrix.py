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

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
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
# Names: their size, the white patch behind them, how far a dot's marker reaches (pixels), and
# where `place_labels` looks for room: rings this far apart, this many, at this many angles.
LABEL_FONT_SIZE = 7
LABEL_PAD = 0.15
DOT_PX = 5.0
RING_STEP_PX = 7.0
RINGS = 40
ANGLES = 24
# A name further than this from its dot gets a leader line.
LEADER_FROM_PX = 9.0


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
    ax.set_xlim(LOW_EDGE, HIGH_EDGE)
    ax.set_ylim(LOW_EDGE - BAND, HIGH_EDGE + BAND)
    ax.set_xticks(range(SCALE_MIN, SCALE_MAX + 1))
    ax.set_yticks(range(SCALE_MIN, SCALE_MAX + 1))
    ax.set_xlabel("Interest")
    ax.set_ylabel("Impact")
    ax.set_title(title + (f"\n{subtitle}" if subtitle else ""), fontsize=12)
    fig.tight_layout()
    ordered = sorted(points, key=lambda p: p.id)
    label_points(fig, ax, [short_name(p.name) for p in ordered], [positions[p.id] for p in ordered])
    return fig


def label_points(fig: Figure, ax: Axes, names: Sequence[str],
                 positions: Sequence[tuple[float, float]]) -> None:
    """Writes each name next to its point (data coordinates) where `place_labels` finds room,
    with a leader line to the point when the name had to move away from it (returns
    nothing). Call it last: it measures what the axes already hold."""
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    to_px = ax.transData
    # The quadrant names and advice already written are kept clear as well.
    obstacles = [_extents(t.get_window_extent(renderer).extents) for t in ax.texts]
    texts = []
    sizes = []
    anchors = []
    for name, position in zip(names, positions, strict=True):
        text = ax.text(0, 0, name, fontsize=LABEL_FONT_SIZE, ha="left", va="bottom",
                       zorder=5, bbox={"boxstyle": f"square,pad={LABEL_PAD}",
                                       "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        box = text.get_window_extent(renderer)
        # The white patch behind the text is a little larger than the text itself.
        grow = 2 * LABEL_PAD * LABEL_FONT_SIZE * fig.dpi / 72
        sizes.append((box.width + grow, box.height + grow))
        anchors.append(tuple(to_px.transform(position)))
        texts.append(text)
    frame = ax.get_window_extent(renderer)
    placed = place_labels(anchors, sizes, (frame.x0, frame.y0, frame.x1, frame.y1), obstacles)
    to_data = to_px.inverted()
    grow_half = LABEL_PAD * LABEL_FONT_SIZE * fig.dpi / 72
    for text, (ax_px, ay_px), (lx, ly), (w, h) in zip(texts, anchors, placed, sizes,
                                                      strict=True):
        text.set_position(tuple(to_data.transform((lx + grow_half, ly + grow_half))))
        # A name that sits away from its dot gets a thin line back to it.
        nx = min(max(ax_px, lx), lx + w)
        ny = min(max(ay_px, ly), ly + h)
        if math.hypot(nx - ax_px, ny - ay_px) > LEADER_FROM_PX:
            (dx, dy), (ex, ey) = to_data.transform([(ax_px, ay_px), (nx, ny)])
            ax.plot([dx, ex], [dy, ey], color="#888888", lw=0.5, zorder=3.5)


def _extents(values: Sequence[float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in values)
    return x0, y0, x1, y1


def place_labels(
    anchors: Sequence[tuple[float, float]],
    sizes: Sequence[tuple[float, float]],
    frame: tuple[float, float, float, float],
    obstacles: Sequence[tuple[float, float, float, float]] = (),
) -> list[tuple[float, float]]:
    """Returns the lower-left corner of a box of ``sizes[i]`` for each anchor point (pixels), so
    that no two boxes overlap, no box covers an anchor (a dot) or an obstacle box (x0, y0, x1,
    y1) and every box stays inside ``frame`` (x0, y0, x1, y1) when there is room.

    Deterministic: anchors are labelled in the order given; each tries positions on rings of
    growing radius around its anchor, at fixed angles, and takes the first free one (right of
    the dot first). With nowhere free within reach, it takes the place that overlaps least.
    """
    placed = np.zeros((0, 4))
    dots = np.array([(x - DOT_PX, y - DOT_PX, x + DOT_PX, y + DOT_PX) for x, y in anchors]
                    + [tuple(o) for o in obstacles]).reshape(-1, 4)
    x0, y0, x1, y1 = frame
    out: list[tuple[float, float]] = []
    for (ax_, ay_), (w, h) in zip(anchors, sizes, strict=True):
        best: tuple[float, float] | None = None
        best_cost = math.inf
        for lx, ly in _candidates(ax_, ay_, w, h):
            box = np.array([lx, ly, lx + w, ly + h])
            outside = lx < x0 or ly < y0 or lx + w > x1 or ly + h > y1
            cost = _overlap(box, placed) * 4 + _overlap(box, dots) + (1e6 if outside else 0)
            if cost == 0:
                best = (lx, ly)
                break
            if cost < best_cost:
                best, best_cost = (lx, ly), cost
        assert best is not None  # there is always a candidate
        out.append(best)
        placed = np.vstack([placed, [best[0], best[1], best[0] + w, best[1] + h]])
    return out


def _candidates(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    """Returns lower-left corners of a w by h box around (x, y), nearest first: right, left, above,
    below the dot, then rings of 24 angles further and further out."""
    gap = DOT_PX + 1
    first = [(x + gap, y - h / 2), (x - gap - w, y - h / 2), (x - w / 2, y + gap),
             (x - w / 2, y - gap - h), (x + gap, y + gap * 0.4), (x + gap, y - h - gap * 0.4),
             (x - gap - w, y + gap * 0.4), (x - gap - w, y - h - gap * 0.4)]
    out = list(first)
    for ring in range(1, RINGS + 1):
        radius = gap + ring * RING_STEP_PX
        for step in range(ANGLES):
            angle = 2 * math.pi * step / ANGLES
            cx, cy = x + radius * math.cos(angle), y + radius * math.sin(angle)
            # The box hangs off the point on the side facing away from the dot.
            bx = cx if math.cos(angle) > 0.2 else cx - w if math.cos(angle) < -0.2 else cx - w / 2
            by = cy if math.sin(angle) > 0.2 else cy - h if math.sin(angle) < -0.2 else cy - h / 2
            out.append((bx, by))
    return out


def _overlap(box: npt.NDArray[np.float64], others: npt.NDArray[np.float64]) -> float:
    """Returns the summed area by which ``box`` overlaps the boxes ``others`` (0: free)."""
    if not len(others):
        return 0.0
    wide = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    high = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float(np.sum(np.clip(wide, 0, None) * np.clip(high, 0, None)))


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


def short_name(name: str, limit: int = 28) -> str:
    """Returns the name as the matrix writes it: cut to ``limit`` characters with an ellipsis."""
    return name if len(name) <= limit else name[: limit - 1] + "…"
