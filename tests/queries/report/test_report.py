"""The project report on the demo: every section in a page that asks for nothing outside the
file, figures equal to the library queries' own answers, a matrix whose names never overlap, an
A4 PDF, and one-line errors."""

from __future__ import annotations

import itertools
import subprocess
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from playwright.sync_api import Browser, Page, Route
from stakegraph.queries.analytics import Request, Scope, analyse
from stakegraph.queries.library import run_query
from stakegraph.queries.plots import data
from stakegraph.queries.plots.matrix import matrix_figure, short_name
from stakegraph.queries.report.render import SECTIONS
from stakegraph.schema.graphdb import GraphDB

PROJECT = "demo-icbt"
AT = "2026-11-23"
SINCE = "2025-12-31"
# A4 is 210 mm wide; the report's @page leaves 12 mm each side: 186 mm = 703 CSS pixels.
A4_CONTENT_PX = 703
A4_POINTS = (595.3, 841.9)


@pytest.fixture(scope="module")
def report_file(demo_graph: GraphDB, cli_env: dict[str, str],
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo roll-out's report, written by the CLI."""
    out = tmp_path_factory.mktemp("report") / "icbt.html"
    done = subprocess.run(
        ["stakegraph", "report", "--project", PROJECT, "--at", AT, "--since", SINCE, str(out)],
        env=cli_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "10 sections" in " ".join(done.stdout.split())
    return out


def _blocked_page(browser: Browser, page_file: Path, width: int = 1100) -> tuple[Page, list[str]]:
    """Opens the file with every other request blocked (and recorded)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    blocked: list[str] = []

    def guard(route: Route) -> None:
        if route.request.url == page_file.as_uri():
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(page_file.as_uri())
    return page, blocked


def _figures(page: Page) -> dict[str, str]:
    found: dict[str, str] = page.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('[data-figure]'))"
        ".map(e => [e.dataset.figure, e.textContent.trim()]))")
    return found


def _ask(db: GraphDB, name: str, **params: Any) -> list[dict[str, Any]]:
    return run_query(db, name, params)


def test_the_page_is_offline_has_every_section_and_the_queries_figures(
    report_file: Path, browser: Browser, demo_graph: GraphDB
) -> None:
    db = demo_graph
    page, blocked = _blocked_page(browser, report_file)
    try:
        page.wait_for_selector("#sg-network[data-ready=true]", timeout=60_000)
        for key, heading in SECTIONS:
            section = page.locator(f"section#{key}")
            assert section.count() == 1, key
            assert page.locator(f"section#{key} > h2").inner_text() == heading
        for extra in ("#q3-reach", "#network-summary", "#outcomes"):
            assert page.locator(extra).count() == 1
        shown = _figures(page)
        node_count = page.get_attribute("#sg-network", "data-node-count")
    finally:
        page.close()
    assert blocked == []
    at = date.fromisoformat(AT)
    head = _ask(db, "report_headline", project=PROJECT, at=at)[0]
    assert shown["stakeholders"] == str(head["stakeholders"])
    assert shown["activities"] == str(head["activities"])
    share = 100 * head["seldom_heard"] / head["stakeholders"]
    assert shown["seldom-heard-share"] == f"{share:.1f}%"
    for row in _ask(db, "deepest_level", project=PROJECT, at=at, by="kind"):
        assert shown[f"kind:{row['group']}"] == str(row["stakeholders"])
    by_sector = _ask(db, "deepest_level", project=PROJECT, at=at, by="sector")
    for row in by_sector:
        assert shown[f"sector:{row['group']}"] == str(row["stakeholders"])
        assert shown[f"deepest:{row['group']}"] == (row["deepest_level_name"] or "none yet")
    for row in _ask(db, "stakeholders_by_category", project=PROJECT, at=at):
        assert shown[f"category:{row['category'] or 'none'}"] == str(row["stakeholders"])
    for row in _ask(db, "report_activities", project=PROJECT, at=at):
        assert shown[f"activities:{row['stage']}:{row['level']}"] == str(row["activities"])
    quadrants = _ask(db, "quadrants", project=PROJECT, at=at)
    for code in ("q1", "q2", "q3", "q4"):
        assert shown[f"quadrant:{code}"] == str(sum(r["quadrant"] == code for r in quadrants))
    movement = _ask(db, "matrix_movement", project=PROJECT, to=at,
                    **{"from": date.fromisoformat(SINCE)})
    assert shown["quadrant-moves"] == str(len(movement)) and movement
    assert {f"moved:{r['id']}" for r in movement} <= set(shown)
    coverage = _ask(db, "coverage", project=PROJECT, at=at)
    for row in coverage[::7]:
        assert shown[f"coverage:{row['stage']}:{row['category']}"] == str(row["activities"])
    assert shown["coverage-gaps"] == str(sum(1 for r in coverage if not r["activities"]))
    neglected = _ask(db, "neglected_high_impact", project=PROJECT, at=at)
    assert shown["neglected-count"] == str(len(neglected))
    assert {f"neglected:{r['id']}" for r in neglected} <= set(shown)
    overdue = _ask(db, "overdue_contacts", project=PROJECT, at=at)
    assert shown["overdue-count"] == str(len(overdue)) and overdue
    assert not any(key.startswith("personal:") for key in shown)
    for row in _ask(db, "readiness_checklist", project=PROJECT, at=at):
        assert shown[f"readiness:{row['item']}"] == ("yes" if row["ok"] else "no")
    assert shown["readiness:inclusion_strategy"] == "no"  # the demo's story
    q3 = _ask(db, "q3_reach", project=PROJECT, at=at)
    assert shown["q3-reachers"] == str(len(q3))
    assert shown[f"q3-reacher:{q3[0]['id']}"] == q3[0]["name"]
    players = analyse(db, Request("key-players", scope=Scope(project=PROJECT), k=5, hops=2))
    picked = [r["name"] for r in players.rows]
    assert [shown[f"key-player:{i}"] for i in range(1, 6)] == picked[:5]
    nodes = _ask(db, "plot_network_stakeholders", project=PROJECT, at=at)
    ties = _ask(db, "plot_network_ties", project=PROJECT)
    assert shown["network-stakeholders"] == node_count == str(len(nodes))
    assert shown["network-ties"] == str(len(ties))
    assert shown["summary:stakeholders"] == str(len(nodes))
    observations = _ask(db, "report_observations", project=PROJECT, at=at)
    assert shown["observations"] == str(len(observations)) and observations
    pathways = _ask(db, "pathways", project=PROJECT, at=at)
    assert shown["pathway-rows"] == str(len(pathways))


def test_matrix_names_never_overlap_in_the_crowded_q4(demo_graph: GraphDB) -> None:
    at = date.fromisoformat(AT)
    points = data.matrix_points(demo_graph, PROJECT, at)
    earlier = data.matrix_points(demo_graph, PROJECT, date.fromisoformat(SINCE))
    in_q4 = [p for p in points if p.quadrant == "q4"]
    assert len(in_q4) >= 40  # the crowded quadrant this is about
    fig = matrix_figure(points, data.quadrant_texts(), "t", earlier=earlier)
    renderer = FigureCanvasAgg(fig).get_renderer()
    names = {short_name(p.name) for p in points}
    labels = [t for t in fig.axes[0].texts if isinstance(t, Text) and t.get_text() in names]
    assert {t.get_text() for t in labels} == names
    boxes = {t.get_text(): t.get_window_extent(renderer) for t in labels}
    q4_names = {short_name(p.name) for p in in_q4}
    overlapping = [(a, b) for a, b in itertools.combinations(sorted(boxes), 2)
                   if boxes[a].overlaps(boxes[b])]
    assert [pair for pair in overlapping if set(pair) & q4_names] == []
    assert overlapping == []
    frame = fig.axes[0].get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
               for b in boxes.values())


def test_the_pdf_is_a4_with_every_section(
    demo_graph: GraphDB, cli_env: dict[str, str], tmp_path: Path, report_file: Path,
    browser: Browser
) -> None:
    out = tmp_path / "icbt.pdf"
    done = subprocess.run(
        ["stakegraph", "report", "-p", PROJECT, "--at", AT, "--since", SINCE, str(out)],
        env=cli_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    reader = pypdf.PdfReader(out)
    assert 6 <= len(reader.pages) <= 30
    for pdf_page in reader.pages:
        size = (float(pdf_page.mediabox.width), float(pdf_page.mediabox.height))
        assert abs(size[0] - A4_POINTS[0]) < 2 and abs(size[1] - A4_POINTS[1]) < 2
    # NFKC undoes the typesetter's ligatures (the "fi" of "figures" is one glyph).
    text = unicodedata.normalize(
        "NFKC", " ".join(" ".join(p.extract_text().split()) for p in reader.pages))
    for _, heading in SECTIONS:
        assert heading in text, heading
    assert "Fernhill online CBT roll-out" in text
    # Nothing is wider than A4's printable width when the page is laid out for print.
    page, blocked = _blocked_page(browser, report_file, width=A4_CONTENT_PX)
    try:
        page.emulate_media(media="print")
        widths = page.evaluate(
            "Array.from(document.querySelectorAll('section.report-section, table, figure'))"
            ".map(e => [e.scrollWidth, e.getBoundingClientRect().right])")
    finally:
        page.close()
    assert blocked == []
    assert all(scroll <= A4_CONTENT_PX and right <= A4_CONTENT_PX + 0.5
               for scroll, right in widths)


def test_errors_are_one_line_and_write_nothing(
    demo_graph: GraphDB, cli_env: dict[str, str], tmp_path: Path
) -> None:
    cases = [
        (["--project", "no-such-project", str(tmp_path / "r.html")], "no project"),
        (["--project", PROJECT, str(tmp_path / "r.docx")], ".html or .pdf"),
        (["--project", PROJECT, "--at", "2026-02-30", str(tmp_path / "r.html")], "not a date"),
        (["--project", PROJECT, "--at", "2025-01-01", "--since", "2025-02-01",
          str(tmp_path / "r.html")], "after --at"),
    ]
    for args, message in cases:
        done = subprocess.run(["stakegraph", "report", *args], env=cli_env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
