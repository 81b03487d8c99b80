"""The report page built from the rows of its library calls (no database access here).

Every number on the page is a value of a row, or a count or share of rows, of the query named in
its section; figures a test or a reader may want to check carry ``data-figure`` attributes
(``kind:person``, ``coverage:planning:champions``, ...). The page is self-contained: styles,
pictures (inline SVG), data and scripts are all inside it, and its Content-Security-Policy lets
it fetch nothing.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from importlib import resources
from typing import Any

from stakegraph.queries.analytics import centrality
from stakegraph.queries.analytics.communities import communities
from stakegraph.queries.analytics.network import Network
from stakegraph.queries.analytics.projection import network_from_rows
from stakegraph.queries.analytics.reach import key_players
from stakegraph.queries.analytics.summary import summarise
from stakegraph.queries.plots.data import network_from_rows as view_from_rows
from stakegraph.queries.plots.data import points_from_rows
from stakegraph.queries.plots.matrix import QuadrantText, matrix_figure, moves
from stakegraph.queries.plots.network import (
    ColourBy,
    NetNode,
    SizeBy,
    groups,
    legend,
    network_parts,
    sizes,
)
from stakegraph.queries.report.figures import network_figure, observations_figure, svg
from stakegraph.queries.report.plan import ReportData
from stakegraph.schema.model import Label

# Sections in page order: (id, heading). The tests look for each id.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("headline", "Headline figures"),
    ("matrix", "Interest and impact"),
    ("network", "The stakeholder network"),
    ("coverage", "Coverage of the life cycle"),
    ("deepest-level", "Deepest level reached by sector"),
    ("neglected", "Neglected high-impact stakeholders"),
    ("overdue", "Overdue contacts"),
    ("readiness", "Readiness checklist"),
    ("key-players", "Key players, Q3 reach and the network"),
    ("pathways", "Pathways to outcomes"),
)
Q3_REACH_ROWS = 10
READINESS_ITEMS = {
    "stakeholder_list": "A stakeholder list has been made",
    "patients_public_identified": "Patients, the public or carers are identified",
    "engagement_strategy": "A written engagement strategy",
    "inclusion_strategy": "A written inclusion strategy",
    "coproduction_strategy": "A written co-production strategy",
    "next_review_set": "A next review date is set",
}


def report_html(data: ReportData, *, interactive: bool = True) -> str:
    """Returns the complete report page. ``interactive`` adds the network view (vis-network and
    its script, inlined); without it (for print) the page has no script at all."""
    page = resources.files("stakegraph.queries.report").joinpath("templates/report.html")
    css = resources.files("stakegraph.queries.report").joinpath("templates/report.css")
    project = data.get("project")[0]
    title = f"{project['name'] or project['id']}: stakeholder engagement report"
    net = _Network(data)
    body = "\n".join([
        _header(data, title),
        _headline(data),
        _matrix(data),
        _network_section(net, interactive),
        _coverage(data),
        _deepest(data),
        _neglected(data),
        _overdue(data),
        _readiness(data),
        _key_players(data, net),
        _pathways(data),
    ])
    scripts = ""
    network_css = ""
    if interactive:
        parts = net.parts
        network_css = parts.css
        scripts = f"<script>{parts.vis_script}</script>\n<script>{parts.view_script}</script>"
    replacements = {
        "__TITLE__": html.escape(title),
        "/*__REPORT_CSS__*/": css.read_text(encoding="utf-8"),
        "/*__NETWORK_CSS__*/": network_css,
        "__BODY__": body,
        "__SCRIPTS__": scripts,
    }
    pattern = re.compile("|".join(re.escape(marker) for marker in replacements))
    return pattern.sub(lambda m: replacements[m.group(0)],
                       page.read_text(encoding="utf-8"))


# ---- helpers --------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _labels(data: ReportData, scheme: str) -> dict[str, str]:
    return {t.code: t.label for t in data.model.scheme(scheme).terms}


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (),
           cls: str = "") -> str:
    head = "".join(
        f'<th class="num">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    if not body:
        body = f'<tr><td colspan="{len(headers)}" class="note">None.</td></tr>'
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _td(value: object, figure: str | None = None, num: bool = False, cls: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ' class="num"' if num else ""
    attrs += f' data-figure="{_e(figure)}"' if figure else ""
    return f"<td{attrs}>{_e(value)}</td>"


def _section(key: str, inner: str, source: str, extra_class: str = "") -> str:
    heading = dict(SECTIONS)[key]
    cls = "report-section" + (f" {extra_class}" if extra_class else "")
    return (f'<section id="{key}" class="{cls}"><h2>{_e(heading)}</h2>{inner}'
            f'<p class="note">From the query library: {_e(source)}.</p></section>')


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else _e(value)


# ---- sections -------------------------------------------------------------------------------


def _header(data: ReportData, title: str) -> str:
    request = data.request
    project = data.get("project")[0]
    stage = _labels(data, "lifecycle_stage").get(project.get("stage") or "", "not recorded")
    since = f"; moves since {request.since.isoformat()}" if request.since else ""
    personal = ("; contact details included" if request.include_personal
                else "; no personal data")
    toc = "".join(f'<li><a href="#{key}">{_e(text)}</a></li>' for key, text in SECTIONS)
    return (
        f'<header id="report-header"><h1>{_e(title)}</h1>'
        f'<p class="meta">Project <code>{_e(project["id"])}</code>, life-cycle stage '
        f'<span data-figure="stage">{_e(stage)}</span>; as of '
        f'<span data-figure="at">{request.at.isoformat()}</span>{_e(since)}{_e(personal)}. '
        "Made by stakegraph.</p>"
        f'<nav class="toc"><ol>{toc}</ol></nav></header>'
    )


def _headline(data: ReportData) -> str:
    head = data.get("headline")[0]
    total = int(head["stakeholders"])
    cards = [
        ("stakeholders", str(total), "stakeholders (assessed or taking part)"),
        ("seldom-heard-share", _share(int(head["seldom_heard"]), total),
         f"seldom heard ({head['seldom_heard']} of {total})"),
        ("societal-share", _share(int(head["societal"]), total),
         f"patients, public or carers ({head['societal']} of {total})"),
        ("activities", str(head["activities"]), "activities held"),
    ]
    card_html = "".join(
        f'<div class="card"><div class="value" data-figure="{key}">{_e(value)}</div>'
        f'<div class="label">{_e(label)}</div></div>' for key, value, label in cards
    )
    kinds = {"person": "People", "group": "Groups", "organisation": "Organisations"}
    by_kind = _table(["kind", "stakeholders"], (
        [_td(kinds.get(r["group"], r["group"])),
         _td(r["stakeholders"], f"kind:{r['group']}", num=True)]
        for r in sorted(data.get("by_kind"), key=lambda r: str(r["group"]))
    ), numeric=[1])
    sectors = _labels(data, "sector")
    by_sector = _table(["sector", "stakeholders"], (
        [_td(sectors.get(r["group"], r["group"])),
         _td(r["stakeholders"], f"sector:{r['group']}", num=True)]
        for r in sorted(data.get("by_sector"), key=lambda r: (-int(r["stakeholders"]),
                                                              str(r["group"])))
    ), numeric=[1])
    by_category = _table(["9 C category", "stakeholders"], (
        [_td(r["category_name"] or "(no category)"),
         _td(r["stakeholders"], f"category:{r['category'] or 'none'}", num=True)]
        for r in data.get("by_category")
    ), numeric=[1])
    stages = _labels(data, "lifecycle_stage")
    levels = _labels(data, "spectrum_level")
    grid: dict[str, dict[str, int]] = defaultdict(dict)
    for r in data.get("activities"):
        grid[r["stage"]][r["level"]] = int(r["activities"])
    activity_rows = [
        [_td(stages.get(stage, stage)), *(
            _td(cells.get(level, 0), f"activities:{stage}:{level}", num=True) for level in levels
        ), _td(sum(cells.values()), num=True)]
        for stage, cells in grid.items()
    ]
    by_activity = _table(["life-cycle stage", *levels.values(), "all"], activity_rows,
                         numeric=list(range(1, len(levels) + 2)))
    inner = (
        f'<div class="cards">{card_html}</div>'
        f'<div class="columns"><div><h3>By kind</h3>{by_kind}<h3>By 9 C category</h3>'
        f"{by_category}</div><div><h3>By sector</h3>{by_sector}</div></div>"
        f"<h3>Activities by life-cycle stage and the spectrum level they reached</h3>"
        f"{by_activity}"
    )
    return _section("headline", inner, "report_headline, deepest_level (by kind and by sector), "
                    "stakeholders_by_category, report_activities", "keep-on")


def _matrix(data: ReportData) -> str:
    request = data.request
    points = points_from_rows(data.get("quadrants"))
    earlier = points_from_rows(data.get("earlier")) if request.since else []
    texts = {
        t.code: QuadrantText(t.code, t.label, str(t.extra.get("advice", "")))
        for t in data.model.scheme("quadrant").terms
    }
    subtitle = f"as of {request.at}" + (
        f"; arrows: moves since {request.since}" if request.since else "")
    picture = (svg(matrix_figure(points, texts, "Interest and impact", earlier=earlier,
                                 subtitle=subtitle)) if points else
               '<p class="note">No assessments on or before this date.</p>')
    counts = Counter(p.quadrant for p in points)
    advice = "".join(
        f'<dt>{_e(t.label)} (<span data-figure="quadrant:{t.code}">{counts.get(t.code, 0)}'
        f"</span>)</dt><dd>{_e(t.advice)}</dd>"
        for t in sorted(texts.values(), key=lambda t: t.code, reverse=True)
    )
    quadrant_names = _labels(data, "quadrant")
    if request.since:
        moved = _table(
            ["stakeholder", "from", "to", "interest", "impact"],
            ([_td(r["name"]), _td(quadrant_names.get(r["from_quadrant"], r["from_quadrant"])),
              _td(quadrant_names.get(r["to_quadrant"], r["to_quadrant"]),
                  f"moved:{r['id']}"),
              _td(f"{r['from_interest']} → {r['to_interest']}", num=True),
              _td(f"{r['from_impact']} → {r['to_impact']}", num=True)]
             for r in data.get("movement")), numeric=[3, 4])
        arrows = len(moves(earlier, points))
        moves_html = (f'<h3>Moves between quadrants since {request.since}</h3>'
                      f'<p><span data-figure="quadrant-moves">{len(data.get("movement"))}</span>'
                      f" stakeholders changed quadrant; the picture has an arrow for each of the "
                      f"{arrows} whose scores changed.</p>{moved}")
    else:
        moves_html = '<p class="note">No earlier date was given (--since), so no moves.</p>'
    inner = (f"<figure>{picture}<figcaption>Each stakeholder at their latest assessment on or "
             f"before {request.at}; six and above counts as high.</figcaption></figure>"
             f'<h3>What to do in each quadrant</h3><dl class="advice">{advice}</dl>{moves_html}')
    return _section("matrix", inner, "quadrants, matrix_movement")


class _Network:
    """The project's network, read once from the report's rows: the view's nodes and ties, and
    the projected network the analytics compute on (weighted, and unweighted for key
    players)."""

    def __init__(self, data: ReportData) -> None:
        nodes, edges = view_from_rows(data.get("network_nodes"), data.get("network_ties"))
        rows = [(r["id"], r["name"], r["ties"]) for r in data.get("projection")]
        self.weighted: Network = network_from_rows(rows, weighted=True)
        self.plain: Network = network_from_rows(rows, weighted=False)
        ranks = dict(zip(self.weighted.ids, centrality.pagerank(self.weighted), strict=True))
        membership = (communities(self.weighted).membership if self.weighted.n else [])
        community = dict(zip(self.weighted.ids, membership, strict=True))
        self.nodes: list[NetNode] = [
            replace(n, pagerank=ranks.get(n.id), community=community.get(n.id)) for n in nodes]
        self.edges = edges
        title = str(data.get("project")[0]["name"] or data.request.project)
        self.parts = network_parts(self.nodes, edges, ColourBy.SECTOR, SizeBy.PAGERANK,
                                   f"{title}: stakeholder network")

    def colours(self) -> dict[str, str]:
        """Returns each node's colour by sector, as the interactive view colours it."""
        group_of = groups(self.nodes, ColourBy.SECTOR)
        colour_of = {str(e["key"]): str(e["colour"]) for e in legend(group_of, ColourBy.SECTOR)}
        return {n.id: colour_of[group_of[n.id]] for n in self.nodes}


def _network_section(net: _Network, interactive: bool) -> str:
    sizes_by_id = sizes({n.id: float(n.pagerank or 0.0) for n in net.nodes})
    names = {n.id: n.name for n in net.nodes}
    picture = svg(network_figure(net.weighted, net.colours(), sizes_by_id, names))
    legend_html = "".join(
        f'<li><span style="color:{_e(e["colour"])}">●</span> {_e(e["label"])} ({e["count"]})'
        f"</li>" for e in legend(groups(net.nodes, ColourBy.SECTOR), ColourBy.SECTOR))
    live = (f'<div class="screen-only">{net.parts.markup}<p class="note">Drag to move, scroll '
            f"to zoom, click a stakeholder for its details.</p></div>") if interactive else ""
    static_class = "print-only" if interactive else ""
    inner = (
        f'<p><span data-figure="network-stakeholders">{len(net.nodes)}</span> stakeholders and '
        f'<span data-figure="network-ties">{len(net.edges)}</span> ties, coloured by sector and '
        f"sized by weighted PageRank.</p>{live}"
        f'<figure class="{static_class}" id="network-picture">{picture}<figcaption>The network '
        f"(Kamada-Kawai layout); names of the {min(14, len(net.nodes))} stakeholders with the "
        f"highest PageRank.</figcaption></figure>"
        f'<ul class="legend {static_class}">{legend_html}</ul>'
    )
    return _section("network", inner, "plot_network_stakeholders, plot_network_ties, "
                    "analytics_project_projection (PageRank, Leiden communities)")


def _coverage(data: ReportData) -> str:
    stages = _labels(data, "lifecycle_stage")
    categories = _labels(data, "nine_cs")
    cells: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for r in data.get("coverage"):
        cells[r["stage"]][r["category"]] = r
    top = max((int(r["activities"]) for r in data.get("coverage")), default=0) or 1
    rows = []
    for stage, by_category in cells.items():
        row = [_td(stages.get(stage, stage))]
        for category in categories:
            cell: Mapping[str, Any] = by_category.get(
                category, {"activities": 0, "participants": 0})
            share = int(cell["activities"]) / top
            colour = (f"rgba(46,154,71,{0.08 + 0.8 * share:.2f})" if cell["activities"]
                      else "#fff")
            row.append(
                f'<td class="cell" style="background:{colour}" '
                f'data-figure="coverage:{_e(stage)}:{_e(category)}" '
                f'title="{_e(cell["participants"])} participants">{_e(cell["activities"])}</td>')
        rows.append(row)
    gaps = sum(1 for r in data.get("coverage") if not r["activities"])
    table = _table(["stage", *categories.values()], rows, cls="heat")
    inner = (f"<p>Activities in each life-cycle stage with at least one participant of each 9 C "
             f"category (hover for participants); darker is more. "
             f'<span data-figure="coverage-gaps">{gaps}</span> of {len(data.get("coverage"))} '
             f"cells are empty.</p>{table}")
    return _section("coverage", inner, "coverage")


def _deepest(data: ReportData) -> str:
    sectors = _labels(data, "sector")
    table = _table(["sector", "stakeholders", "deepest level reached", "reached with"], (
        [_td(sectors.get(r["group"], r["group"])), _td(r["stakeholders"], num=True),
         _td(r["deepest_level_name"] or "none yet", f"deepest:{r['group']}"),
         _td(len(r["reached_by"]), num=True)]
        for r in data.get("by_sector")), numeric=[1, 3])
    return _section("deepest-level", table, "deepest_level (by sector)")


def _neglected(data: ReportData) -> str:
    levels = _labels(data, "spectrum_level")
    rows = data.get("neglected")
    table = _table(["stakeholder", "quadrant", "impact", "seldom heard", "deepest level",
                    "activities"], (
        [_td(r["name"], f"neglected:{r['id']}"), _td((r["quadrant"] or "").upper()),
         _td(r["impact"], num=True), _td("yes" if r["seldom_heard"] else ""),
         _td(levels.get(r["deepest_level"] or "", "none")), _td(r["activities"], num=True)]
        for r in rows), numeric=[2, 5])
    inner = (f'<p><span data-figure="neglected-count">{len(rows)}</span> seldom-heard or highly '
             f"impacted stakeholders were never involved beyond one-way engagement.</p>{table}")
    return _section("neglected", inner, "neglected_high_impact")


def _overdue(data: ReportData) -> str:
    rows = data.get("overdue")
    contacts = {r["id"]: dict(r["personal"]) for r in data.get("contacts")}
    personal = list(data.model.personal(Label.STAKEHOLDER)) if contacts else []
    headers = ["stakeholder", "every (days)", "last contact", "due", "days overdue", *personal]
    table = _table(headers, (
        [_td(r["name"], f"overdue:{r['id']}"), _td(r["contact_every_days"], num=True),
         _td(_day(r["last_contact"]) if r["last_contact"] else "never"),
         _td(_day(r["due"]) if r["due"] else ""),
         _td("" if r["days_overdue"] is None else r["days_overdue"], num=True),
         *(_td(contacts.get(r["id"], {}).get(p) or "", f"personal:{p}") for p in personal)]
        for r in rows), numeric=[1, 4])
    note = ("" if data.request.include_personal else
            '<p class="note">Contact details are personal data and left out of this copy.</p>')
    inner = (f'<p><span data-figure="overdue-count">{len(rows)}</span> stakeholders are overdue '
             f"for contact against the planned frequency (or were never contacted).</p>"
             f"{table}{note}")
    return _section("overdue", inner, "overdue_contacts" + (", report_contacts" if contacts
                                                              else ""))


def _readiness(data: ReportData) -> str:
    rows = data.get("readiness")
    table = _table(["item", "met", "detail"], (
        [_td(READINESS_ITEMS.get(r["item"], r["item"])),
         f'<td class="{"ok" if r["ok"] else "not-ok"}" data-figure="readiness:{_e(r["item"])}">'
         f'{"yes" if r["ok"] else "no"}</td>', _td(r["detail"])]
        for r in rows))
    met = sum(1 for r in rows if r["ok"])
    inner = (f'<p><span data-figure="readiness-met">{met}</span> of {len(rows)} items met.</p>'
             f"{table}")
    return _section("readiness", inner, "readiness_checklist")


def _key_players(data: ReportData, net: _Network) -> str:
    request = data.request
    plain = net.plain
    if plain.n:
        picked = key_players(plain, request.key_players, request.hops)
        outside = max(plain.n - len(picked.players), 1)
        players = _table(["pick", "stakeholder", "adds"], (
            [_td(i + 1, num=True), _td(plain.names[v], f"key-player:{i + 1}"),
             _td(gain, num=True)]
            for i, (v, gain) in enumerate(zip(picked.players, picked.gains, strict=True))),
            numeric=[0, 2])
        reach_text = (f'<p>Together they reach <span data-figure="key-players-reached">'
                      f"{picked.reached}</span> of the other {outside} stakeholders "
                      f"({_share(picked.reached, outside)}) within {request.hops} ties.</p>")
    else:
        players, reach_text = "", '<p class="note">The project has no tie network.</p>'
    q3 = data.get("q3_reach")
    q3_table = _table(["stakeholder", "Q3 stakeholders reached", "nearest (ties)", "engaged"], (
        [_td(r["name"], f"q3-reacher:{r['id']}"), _td(r["q3_reached"], num=True),
         _td(r["nearest"], num=True), _td("yes" if r["engaged"] else "no")]
        for r in q3[:Q3_REACH_ROWS]), numeric=[1, 2])
    s = summarise(net.weighted)
    figures = [
        ("stakeholders", "stakeholders", str(s["stakeholders"])),
        ("arcs", "arcs (a collaboration counts both ways)", str(s["arcs"])),
        ("density", "density", f"{s['density']:.3f}"),
        ("reciprocity", "reciprocity", f"{s['reciprocity']:.3f}"),
        ("transitivity", "transitivity", f"{s['transitivity']:.3f}"),
        ("components", "connected components", str(s["components"])),
        ("largest", "largest component's share", f"{s['largest_share']:.0%}"),
        ("diameter", "diameter of the largest component (ties)", str(s["diameter"])),
        ("path-length", "average path length (ties)", f"{s['average_path_length']:.2f}"),
        ("centralisation", "degree centralisation", f"{s['degree_centralisation']:.3f}"),
    ]
    summary = "".join(f'<dt>{_e(label)}</dt><dd data-figure="summary:{key}">{_e(value)}</dd>'
                      for key, label, value in figures)
    inner = (
        f"<p>{request.key_players} stakeholders picked one by one, each adding the most others "
        f"not yet reached within {request.hops} ties (as <code>stakegraph analyse "
        f"key-players</code> and the API's <code>keyPlayers</code> pick them).</p>"
        f"{players}{reach_text}"
        f'<h3 id="q3-reach">Who can reach the Q3 stakeholders</h3><p>'
        f'<span data-figure="q3-reachers">{len(q3)}</span> stakeholders outside Q3 reach Q3 '
        f"stakeholders within {request.hops} ties; the first {min(len(q3), Q3_REACH_ROWS)}:"
        f"</p>{q3_table}"
        f'<h3 id="network-summary">The network as a whole</h3>'
        f'<div class="summary"><dl>{summary}</dl></div>'
    )
    return _section("key-players", inner, "analytics_project_projection (key players, summary), "
                    "q3_reach")


def _pathways(data: ReportData) -> str:
    request = data.request
    chains: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for r in data.get("pathways"):
        chains[(r["strategy"], r["outcome"])].append(r)
        names[r["strategy"]] = r["strategy_name"]
        names[r["outcome"]] = r["outcome_name"]
    pathway_table = _table(["strategy", "outcome", "activities", "first", "last"], (
        [_td(names[s]), _td(names[o]),
         _td(len({r["activity"] for r in rows}), f"pathway:{s}:{o}", num=True),
         _td(_day(min(r["date"] for r in rows)), cls="date"),
         _td(_day(max(r["date"] for r in rows)), cls="date")]
        for (s, o), rows in sorted(chains.items(), key=lambda kv: (-len(kv[1]), kv[0]))),
        numeric=[2])
    changes: dict[tuple[str, Any], list[Mapping[str, Any]]] = defaultdict(list)
    for r in data.get("strategies"):
        if r["to_date"] <= request.at:
            changes[(r["outcome"], r["to_date"])].append(r)
    change_table = _table(["outcome", "change", "strategies applied before it"], (
        [_td(rows[0]["outcome_name"]),
         _td(f"{_number(rows[0]['from_value'])} → {_number(rows[0]['to_value'])} "
             f"({_day(rows[0]['from_date'])} to {_day(rows[0]['to_date'])})"),
         _td("; ".join(r["strategy_name"] for r in rows), f"change:{key[0]}:{_day(key[1])}")]
        for key, rows in changes.items()), cls="changes")
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for r in data.get("observations"):
        series[str(r["outcome_name"])].append((r["date"], float(r["value"])))
    chart = svg(observations_figure(series))
    inner = (
        f"<p>Activities of the project that applied a strategy and contributed to an outcome: "
        f'<span data-figure="pathway-rows">{len(data.get("pathways"))}</span> activity → '
        f"strategy → outcome chains, grouped by strategy and outcome.</p>{pathway_table}"
        f"<h3>Strategies applied before an outcome rose</h3>{change_table}"
        f'<h3 id="outcomes">Outcome observations over time</h3>'
        f'<figure>{chart}<figcaption><span data-figure="observations">'
        f'{len(data.get("observations"))}</span> observations of {len(series)} outcomes.'
        f"</figcaption></figure>"
    )
    return _section("pathways", inner, "pathways, strategies_before_outcome_change, "
                    "report_observations")


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)

