"""The interactive network view: data, colours and sizes, and the page in headless Chromium."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from playwright.sync_api import Browser, Page
from plot_graph import PlotGraph
from stakegraph.queries.plots import data
from stakegraph.queries.plots.network import (
    MAX_SIZE,
    MIN_SIZE,
    ColourBy,
    NetEdge,
    NetNode,
    SizeBy,
    network_html,
    view_data,
)
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Rel


def _open(browser: Browser, page_file: Path) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    page.wait_for_selector("#sg-network[data-ready=true]", timeout=30_000)
    return page, requests


def test_network_records_scope_the_project(db: GraphDB, plot_graph: PlotGraph
) -> None:
    ids = plot_graph.ids
    nodes, edges = data.network_records(db, plot_graph.project, date(2025, 7, 1))
    assert {n.id: n.quadrant for n in nodes} == {
        ids["ana"]: "q4", ids["ben"]: "q2", ids["cat"]: "q1", ids["dan"]: "q4"}
    assert {(e.source, e.target, e.type, e.weight) for e in edges} == {
        (ids["ana"], ids["ben"], Rel.INFLUENCES, 2.0),
        (ids["ben"], ids["cat"], Rel.TRUSTS, 1.0),
        (ids["cat"], ids["dan"], Rel.COLLABORATES_WITH, 1.0),
    }  # eve's referral stays out: eve is not in the project
    scored = data.with_scores(db, plot_graph.project, nodes, True, True)
    ranks = {n.id: n.pagerank for n in scored}
    assert abs(sum(r or 0.0 for r in ranks.values()) - 1.0) < 1e-9
    # A chain ana -> ben -> cat <-> dan: rank gathers at the collaborating end, so cat and dan
    # outrank ana, whom nobody in the project points to.
    assert min(ranks[ids["cat"]] or 0, ranks[ids["dan"]] or 0) > (ranks[ids["ana"]] or 0)
    assert all(n.community is not None for n in scored)


def test_view_data_colours_sizes_and_arrows() -> None:
    nodes = [
        NetNode("a", "A", "person", sector="charity", quadrant="q4", pagerank=0.5),
        NetNode("b", "B", "group", sector="charity", quadrant="q1", pagerank=0.125),
        NetNode("c", "C", "organisation", sector=None, quadrant=None, pagerank=0.0),
    ]
    edges = [NetEdge("a", "b", Rel.INFLUENCES, 3.0), NetEdge("b", "c", Rel.COLLABORATES_WITH),
             NetEdge("a", "zz", Rel.TRUSTS)]  # a tie to a node outside the view is dropped
    view = view_data(nodes, edges, ColourBy.SECTOR, SizeBy.PAGERANK, "t")
    by_id = {n["id"]: n for n in view["nodes"]}
    assert by_id["a"]["color"] == by_id["b"]["color"] != by_id["c"]["color"]
    assert [(e["key"], e["count"]) for e in view["legend"]] == [("charity", 2), ("none", 1)]
    assert by_id["a"]["size"] == MAX_SIZE and by_id["c"]["size"] == MIN_SIZE
    assert by_id["b"]["size"] == MIN_SIZE + (MAX_SIZE - MIN_SIZE) * 0.5  # sqrt(0.125 / 0.5)
    assert [(e["from"], e["to"], e["arrows"]) for e in view["edges"]] == [
        ("a", "b", "to"), ("b", "c", "")]
    assert by_id["b"]["details"]["degree"] == "2"
    assert by_id["a"]["title"].splitlines()[2] == "quadrant: Q4 high interest, high impact"


def test_page_is_self_contained_and_escapes_names() -> None:
    nasty = NetNode("x", "</script><img src=x onerror=alert(1)>", "person")
    page = network_html([nasty], [], title="<b>t</b>")
    assert "</script><img" not in page
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page
    assert "http://" not in page.split("<script>")[0] and "src=\"http" not in page


def test_cli_page_renders_every_node_and_a_click_selects_one(
    cli_env: dict[str, str], plot_graph: PlotGraph, tmp_path: Path, browser: Browser
) -> None:
    html = tmp_path / "network.html"
    out = subprocess.run(
        ["stakegraph", "plot", "network", "--project", plot_graph.project, "--colour-by",
         "community", "--size-by", "pagerank", "--at", "2025-07-01", str(html)],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    page, requests = _open(browser, html)
    try:
        assert page.get_attribute("#sg-network", "data-node-count") == "4"
        assert page.evaluate("window.stakegraphView.nodeCount()") == 4
        assert page.get_attribute("#sg-network", "data-edge-count") == "3"
        target = plot_graph.ids["cat"]
        point = page.evaluate(f"window.stakegraphView.pagePosition({target!r})")
        page.mouse.click(point["x"], point["y"])
        page.wait_for_selector("#sg-selected-name", timeout=5_000)
        assert page.inner_text("#sg-selected-name") == "Cat Charity"
        assert page.evaluate("window.stakegraphView.selected()") == target
        assert page.get_attribute("#sg-network", "data-selected") == target
        # Clicking empty canvas clears the selection.
        box = page.locator("#sg-network").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 3, box["y"] + 3)
        assert page.evaluate("window.stakegraphView.selected()") is None
        assert page.locator("#sg-selected-name").count() == 0
    finally:
        page.close()
    # Offline: the page asked for nothing but itself.
    assert requests == [html.as_uri()]


def test_cli_whole_graph_and_quadrant_errors(
    cli_env: dict[str, str], plot_graph: PlotGraph, tmp_path: Path
) -> None:
    out = subprocess.run(
        ["stakegraph", "plot", "network", "--colour-by", "quadrant", str(tmp_path / "n.html")],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 1 and "needs --project" in out.stderr
    out = subprocess.run(
        ["stakegraph", "plot", "network", "--project", "nope", str(tmp_path / "n.html")],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 1 and "no project" in out.stderr and "Traceback" not in out.stderr
    assert not list(tmp_path.iterdir())
