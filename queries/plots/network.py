"""The interactive network view: one self-contained HTML file built from plain rows.

The page inlines the vendored vis-network build (``vendor/``), the data as JSON, and a small
script (``templates/network.js``) that draws the graph, shows tooltips and fills a side panel
with the clicked stakeholder's details; nothing is fetched when the file is opened, so it works
offline and can be mailed around.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from stakegraph.schema.model import UNDIRECTED_TIES, Rel
from stakegraph.schema.vocabulary import scheme

VIS_NETWORK_VERSION = "10.1.5"
MIN_SIZE = 8.0
MAX_SIZE = 40.0
MISSING = "none"
MISSING_COLOUR = "#b8bec6"
# Categorical palette (colour-blind friendly order first), repeated when there are more groups.
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8",
)
QUADRANT_COLOURS = {"q1": "#6b7a8f", "q2": "#2f7fc1", "q3": "#d9731a", "q4": "#2e9a47"}
TIE_COLOURS = {
    Rel.INFLUENCES: "#d9731a",
    Rel.TRUSTS: "#2e9a47",
    Rel.COLLABORATES_WITH: "#4e79a7",
    Rel.REFERRED: "#9c755f",
}


class ColourBy(StrEnum):
    """What decides a node's colour."""

    COMMUNITY = "community"
    SECTOR = "sector"
    QUADRANT = "quadrant"


class SizeBy(StrEnum):
    """What decides a node's size."""

    PAGERANK = "pagerank"
    DEGREE = "degree"


@dataclass(frozen=True)
class NetNode:
    """A stakeholder in the view, with the scores that may colour or size it."""

    id: str
    name: str
    kind: str
    sector: str | None = None
    quadrant: str | None = None
    community: int | None = None
    pagerank: float | None = None


@dataclass(frozen=True)
class NetEdge:
    """A tie between two stakeholders in the view."""

    source: str
    target: str
    type: Rel
    weight: float = 1.0


def degrees(nodes: Sequence[NetNode], edges: Sequence[NetEdge]) -> dict[str, int]:
    """Returns each node's degree: the number of ties touching it, whatever their direction."""
    counts: Counter[str] = Counter()
    for e in edges:
        counts[e.source] += 1
        counts[e.target] += 1
    return {n.id: counts[n.id] for n in nodes}


def groups(nodes: Sequence[NetNode], colour_by: ColourBy) -> dict[str, str]:
    """Returns each node's colour group key (``none`` when the node has no value for it)."""
    def key(n: NetNode) -> str:
        value: object = {
            ColourBy.COMMUNITY: n.community,
            ColourBy.SECTOR: n.sector,
            ColourBy.QUADRANT: n.quadrant,
        }[colour_by]
        return MISSING if value is None or value == "" else str(value)

    return {n.id: key(n) for n in nodes}


def legend(group_of: Mapping[str, str], colour_by: ColourBy) -> list[dict[str, str | int]]:
    """Returns the legend entries (key, label, colour, count) in a stable order: vocabulary
    order for sector and quadrant, largest first for communities, ``none`` last."""
    counts = Counter(group_of.values())
    if colour_by is ColourBy.COMMUNITY:
        keys = sorted((k for k in counts if k != MISSING), key=lambda k: (-counts[k], _num(k)))
        labels = {k: f"Community {k}" for k in keys}
    else:
        terms = scheme(colour_by.value).terms
        known = [t.code for t in terms if t.code in counts]
        keys = known + sorted(k for k in counts if k not in known and k != MISSING)
        labels = {t.code: t.label for t in terms} | {k: k for k in keys if k not in known}
    entries: list[dict[str, str | int]] = []
    for position, k in enumerate(keys):
        colour = (
            QUADRANT_COLOURS.get(k, PALETTE[position % len(PALETTE)])
            if colour_by is ColourBy.QUADRANT
            else PALETTE[position % len(PALETTE)]
        )
        entries.append({"key": k, "label": labels[k], "colour": colour, "count": counts[k]})
    if MISSING in counts:
        entries.append({"key": MISSING, "label": f"no {colour_by.value}",
                        "colour": MISSING_COLOUR, "count": counts[MISSING]})
    return entries


def sizes(values: Mapping[str, float]) -> dict[str, float]:
    """Returns a drawing size per node: square-root scaled between MIN_SIZE and MAX_SIZE, so a
    node's area grows with its score."""
    if not values:
        return {}
    top = max(values.values())
    if top <= 0:
        return {k: MIN_SIZE for k in values}
    return {k: MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(max(v, 0.0) / top)
            for k, v in values.items()}


def view_data(
    nodes: Sequence[NetNode],
    edges: Sequence[NetEdge],
    colour_by: ColourBy,
    size_by: SizeBy,
    title: str,
) -> dict[str, Any]:
    """Returns the JSON document the page draws: nodes with colour, size and tooltip, edges with
    arrows and width, the legend, and the title."""
    ids = {n.id for n in nodes}
    kept = [e for e in edges if e.source in ids and e.target in ids]
    degree = degrees(nodes, kept)
    group_of = groups(nodes, colour_by)
    entries = legend(group_of, colour_by)
    colour_of = {str(e["key"]): str(e["colour"]) for e in entries}
    score = (
        {n.id: float(degree[n.id]) for n in nodes}
        if size_by is SizeBy.DEGREE
        else {n.id: float(n.pagerank or 0.0) for n in nodes}
    )
    size = sizes(score)
    sector_names = {t.code: t.label for t in scheme("sector").terms}
    quadrant_names = {t.code: t.label for t in scheme("quadrant").terms}
    out_nodes = []
    for n in sorted(nodes, key=lambda n: n.id):
        details = {
            "name": n.name,
            "id": n.id,
            "kind": n.kind,
            "sector": sector_names.get(n.sector or "", n.sector or "—"),
            "quadrant": quadrant_names.get(n.quadrant or "", n.quadrant or "—"),
            "community": "—" if n.community is None else str(n.community),
            "pagerank": "—" if n.pagerank is None else f"{n.pagerank:.4f}",
            "degree": str(degree[n.id]),
        }
        out_nodes.append({
            "id": n.id,
            "label": n.name,
            "color": colour_of[group_of[n.id]],
            "size": round(size[n.id], 2),
            "shape": "dot" if n.kind == "person" else "square" if n.kind == "group" else "diamond",
            "title": "\n".join(f"{k}: {details[k]}" for k in ("name", "sector", "quadrant")),
            "details": details,
        })
    out_edges = [
        {
            "id": f"{e.type}:{e.source}:{e.target}",
            "from": e.source,
            "to": e.target,
            "type": e.type.value,
            "arrows": "" if e.type in UNDIRECTED_TIES else "to",
            "color": TIE_COLOURS.get(e.type, "#999999"),
            "width": round(1.0 + math.log1p(max(e.weight, 0.0)), 2),
            "title": f"{e.type.value.lower()} (weight {e.weight:g})",
        }
        for e in sorted(kept, key=lambda e: (e.source, e.target, e.type.value))
    ]
    return {
        "title": title,
        "colourBy": colour_by.value,
        "sizeBy": size_by.value,
        "legend": entries,
        "ties": [{"type": t.value, "colour": c} for t, c in TIE_COLOURS.items()],
        "nodes": out_nodes,
        "edges": out_edges,
    }


@dataclass(frozen=True)
class NetworkParts:
    """The pieces of the interactive view, for a page of its own or a section of another page:
    its styles, its markup (panel and inlined data), and its scripts (vis-network, then the
    view's own)."""

    css: str
    markup: str
    vis_script: str
    view_script: str


def network_parts(
    nodes: Sequence[NetNode],
    edges: Sequence[NetEdge],
    colour_by: ColourBy = ColourBy.SECTOR,
    size_by: SizeBy = SizeBy.DEGREE,
    title: str = "stakegraph network",
) -> NetworkParts:
    """Returns the styles, markup and scripts of the interactive view of these nodes and edges."""
    data = view_data(nodes, edges, colour_by, size_by, title)
    markup = _asset("templates/network_panel.html").replace("__DATA__", _script_json(data))
    return NetworkParts(_asset("templates/network.css"), markup, _vis_network(),
                        _asset("templates/network.js"))


def network_html(
    nodes: Sequence[NetNode],
    edges: Sequence[NetEdge],
    colour_by: ColourBy = ColourBy.SECTOR,
    size_by: SizeBy = SizeBy.DEGREE,
    title: str = "stakegraph network",
) -> str:
    """Returns the complete, self-contained HTML page of the network view."""
    parts = network_parts(nodes, edges, colour_by, size_by, title)
    page = _asset("templates/network.html")
    replacements = {
        "__TITLE__": html.escape(title),
        "/*__NETWORK_CSS__*/": parts.css,
        "__PANEL__": parts.markup,
        "/*__VIS_NETWORK__*/": parts.vis_script,
        "/*__VIEW_SCRIPT__*/": parts.view_script,
    }
    # One pass, so text coming from one replacement is never searched for the next marker.
    pattern = re.compile("|".join(re.escape(marker) for marker in replacements))
    return pattern.sub(lambda m: replacements[m.group(0)], page)


def _script_json(data: Mapping[str, Any]) -> str:
    # Escaped so no user text can close the <script> element it sits in.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _vis_network() -> str:
    text = _asset("vendor/vis-network.min.js")
    # The source map is not shipped; dropping the reference keeps the page quiet offline.
    return "\n".join(
        line for line in text.splitlines() if not line.startswith("//# sourceMappingURL=")
    )


def _asset(name: str) -> str:
    return resources.files("stakegraph.queries.plots").joinpath(name).read_text(encoding="utf-8")


def _num(key: str) -> float:
    try:
        return float(key)
    except ValueError:
        return math.inf
