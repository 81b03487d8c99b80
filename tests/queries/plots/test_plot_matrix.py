"""The interest/impact matrix: placement, movement arrows, quadrant advice, and the CLI."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from plot_graph import PlotGraph
from stakegraph.queries.plots import data
from stakegraph.queries.plots.matrix import (
    RING_RADIUS,
    MatrixPoint,
    matrix_figure,
    moves,
    spread,
)
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.vocabulary import scheme


def _arrows(fig: Figure) -> list[Annotation]:
    ax = fig.axes[0]
    return [t for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is not None]


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts if isinstance(t, Text)]


def test_points_sharing_a_cell_are_spread_on_a_ring_in_id_order() -> None:
    points = [MatrixPoint("b", "B", 4, 4), MatrixPoint("a", "A", 4, 4), MatrixPoint("c", "C", 9, 1)]
    pos = spread(points)
    assert pos["c"] == (9.0, 1.0)
    for ident in ("a", "b"):
        x, y = pos[ident]
        assert abs(((x - 4) ** 2 + (y - 4) ** 2) ** 0.5 - RING_RADIUS) < 1e-9
    assert pos["a"] != pos["b"]
    # Same input in another order: same picture.
    assert spread(list(reversed(points))) == pos


def test_moves_are_the_stakeholders_whose_scores_changed() -> None:
    before = [MatrixPoint("a", "A", 3, 8), MatrixPoint("b", "B", 7, 2)]
    after = [MatrixPoint("a", "A", 8, 8), MatrixPoint("b", "B", 7, 2), MatrixPoint("n", "N", 1, 1)]
    assert [(old.id, new.interest) for old, new in moves(before, after)] == [("a", 8)]


def test_matrix_points_read_the_latest_assessment_as_of_a_date(db: GraphDB, plot_graph: PlotGraph
) -> None:
    ids = plot_graph.ids
    early = data.matrix_points(db, plot_graph.project, date(2025, 3, 1))
    assert [(p.id, p.interest, p.impact) for p in early] == [
        (ids["ana"], 3, 8), (ids["ben"], 7, 2), (ids["cat"], 2, 2)]
    late = data.matrix_points(db, plot_graph.project, date(2025, 7, 1))
    assert [(p.id, p.interest, p.impact, p.quadrant) for p in late] == [
        (ids["ana"], 8, 8, "q4"), (ids["ben"], 7, 2, "q2"), (ids["cat"], 2, 2, "q1"),
        (ids["dan"], 9, 9, "q4")]


def test_figure_has_advice_names_and_one_arrow_per_mover(db: GraphDB, plot_graph: PlotGraph
) -> None:
    project = plot_graph.project
    early = data.matrix_points(db, project, date(2025, 3, 1))
    late = data.matrix_points(db, project, date(2025, 7, 1))
    fig = matrix_figure(late, data.quadrant_texts(), "Scratch roll-out", earlier=early)
    texts = _texts(fig)
    for term in scheme("quadrant").terms:
        assert term.label in texts
        assert any(term.extra["advice"].split()[0] in t for t in texts)
    for name in plot_graph.names.values():
        if name != "Eve Outsider":
            assert name in texts
    assert "Eve Outsider" not in texts
    (arrow,) = _arrows(fig)  # only ana moved; dan is new, ben stayed
    assert arrow.xy == (8.0, 8.0) and arrow.xyann == (3.0, 8.0)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Interest" and ax.get_ylabel() == "Impact"


def test_cli_writes_png_and_svg(
    cli_env: dict[str, str], plot_graph: PlotGraph, tmp_path: Path
) -> None:
    png = tmp_path / "matrix.png"
    out = subprocess.run(
        ["stakegraph", "plot", "matrix", "--project", plot_graph.project, "--at", "2025-07-01",
         "--since", "2025-03-01", str(png)],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "4 stakeholders, 1 moved" in " ".join(out.stdout.split())
    svg = tmp_path / "matrix.svg"
    out = subprocess.run(
        ["stakegraph", "plot", "matrix", "-p", plot_graph.project, "--at", "2025-07-01",
         str(svg)],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert ET.parse(svg).getroot().tag.endswith("svg")


def test_cli_errors_are_one_line(
    cli_env: dict[str, str], plot_graph: PlotGraph, tmp_path: Path
) -> None:
    cases = [
        (["--project", "no-such-project", str(tmp_path / "m.png")], "no project"),
        (["--project", plot_graph.project, str(tmp_path / "m.pdf")], ".png or .svg"),
        (["--project", plot_graph.project, "--at", "2025-13-01", str(tmp_path / "m.png")],
         "not a date"),
        (["--project", plot_graph.project, "--at", "2025-01-01", "--since", "2025-02-01",
          str(tmp_path / "m.png")], "after --at"),
        (["--project", plot_graph.project, "--at", "2024-01-01", str(tmp_path / "m.png")],
         "no assessments"),
    ]
    for args, message in cases:
        out = subprocess.run(["stakegraph", "plot", "matrix", *args], env=cli_env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 1, (args, out.stderr)
        assert message in out.stderr and "Traceback" not in out.stderr
    assert not list(tmp_path.iterdir())
