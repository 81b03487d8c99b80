"""The Neo4j Browser files: the ``stakegraph.grass`` style and a guide listing the query library.

The guide is generated from the query library (``stakegraph.queries.library``: name, purpose,
parameters, example, statement of every shipped ``.cypher`` file), so it lists exactly its
queries; a test fails when the committed copy in ``queries/browser/`` drifts from what this
module generates.
Play it in Browser with ``:play <url of stakegraph-guide.html>`` (the host must be allowed by
``browser.remote_content_hostname_whitelist``); every query block is click-to-run.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from stakegraph.queries.library import Param, all_queries

GUIDE_NAME = "stakegraph-guide.html"
# What the "Your model" slide runs: the declaration in force, as the graph keeps it.
DECLARED_PROPERTIES = (
    "MATCH (d:DeclaredProperty)\n"
    "RETURN d.owner AS owner, d.name AS property, d.type AS type, d.scheme AS scheme,\n"
    "       d.kinds AS kinds, d.required AS required, d.personal AS personal,\n"
    "       d.description AS description\n"
    "ORDER BY owner, property"
)
DECLARED_TERMS = (
    "MATCH (c:Concept {origin: 'declared'})\n"
    "RETURN c.scheme AS scheme, c.code AS code, c.name AS label\n"
    "ORDER BY scheme, c.order"
)
GRASS_NAME = "stakegraph.grass"


@dataclass(frozen=True)
class QueryDoc:
    """What the guide shows of one library query."""

    name: str
    purpose: str
    params: tuple[str, ...]
    example: str
    body: str


def describe(param: Param) -> str:
    """Returns a parameter as the headers write it: ``name type [= default] — doc``."""
    default = "" if param.required else f" = {_show(param.default)}"
    return f"{param.name} {param.type}{default} — {param.doc}"


def _show(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(repr(v) for v in value) + "]"
    return str(value)


def library_docs() -> list[QueryDoc]:
    """Returns every query of the library (``stakegraph.queries.library``), by name."""
    return [
        QueryDoc(q.name, q.purpose, tuple(describe(p) for p in q.params), q.example, q.statement)
        for q in all_queries().values()
    ]


def guide_html(docs: list[QueryDoc]) -> str:
    """Returns the Browser guide: an introduction slide, then one slide per query with its
    purpose, parameters, a runnable ``:param`` block and the runnable query."""
    e = html.escape
    slides = [
        _slide(
            "stakegraph",
            "The stakeholder graph's query library",
            "<p>Each slide is one query of the library, the same text the CLI "
            "(<code>stakegraph query NAME</code>) and the GraphQL API run. Click the "
            "<code>:param</code> block to set example parameters, then click the query to put "
            "it in the editor.</p>"
            "<p>The local Neo4j that <code>stakegraph up</code> starts applies the colours and "
            "captions and opens this guide at every login. On another server, run "
            "<code>:style URL</code> and <code>:play URL</code> with the addresses the stakegraph "
            "API serves them at (<code>/neo4j-browser/stakegraph.grass</code> and "
            "<code>/neo4j-browser/stakegraph-guide.html</code>), or drag "
            "<code>stakegraph.grass</code> onto the frame that <code>:style</code> opens.</p>"
            f"<p>{len(docs)} queries: "
            + ", ".join(f"<code>{e(d.name)}</code>" for d in docs)
            + ".</p>",
        )
    ]
    slides.append(_slide(
        "Your model",
        "what your organisation declared",
        "<p>Properties and terms an organisation declares (<code>stakegraph schema extend "
        "FILE</code>) sit beside the shipped ones: the loader, the API, the exports and "
        "<code>stakeholder_lookup</code> carry them. The declaration in force is listed by "
        "these two queries.</p>"
        "<figure><pre class=\"pre-scrollable code runnable\">" + e(DECLARED_PROPERTIES)
        + "</pre><figcaption>Declared properties</figcaption></figure>"
        "<figure><pre class=\"pre-scrollable code runnable\">" + e(DECLARED_TERMS)
        + "</pre><figcaption>Declared terms</figcaption></figure>",
    ))
    for d in docs:
        parts = [f"<p>{e(d.purpose)}</p>"]
        if d.params:
            parts.append("<ul>" + "".join(f"<li><code>{e(p)}</code></li>" for p in d.params)
                         + "</ul>")
        if d.example:
            parts.append("<figure><pre class=\"pre-scrollable code runnable\">"
                         + e(d.example) + "</pre><figcaption>Example parameters</figcaption>"
                         "</figure>")
        parts.append("<figure><pre class=\"pre-scrollable code runnable\">" + e(d.body)
                     + "</pre></figure>")
        slides.append(_slide(d.name, "query", "".join(parts)))
    return (
        "<!-- Generated by `stakegraph export --browser` from the query library; "
        "do not edit by hand. -->\n"
        "<article class=\"guide\">\n<carousel class=\"deck container-fluid\">\n"
        + "\n".join(slides)
        + "\n</carousel>\n</article>\n"
    )


def _slide(title: str, lead: str, content: str) -> str:
    e = html.escape
    return (
        "<slide class=\"row-fluid\">\n"
        f"<div class=\"col-sm-3\"><h3>{e(title)}</h3><p class=\"lead\">{e(lead)}</p></div>\n"
        f"<div class=\"col-sm-9\">{content}</div>\n"
        "</slide>"
    )


def grass_text() -> str:
    """Returns the shipped ``stakegraph.grass`` style."""
    path = resources.files("stakegraph.queries").joinpath("browser", GRASS_NAME)
    return path.read_text(encoding="utf-8")


def write_browser_files(folder: Path) -> list[Path]:
    """Writes the grass style and the freshly generated guide into ``folder``; returns them."""
    folder.mkdir(parents=True, exist_ok=True)
    grass = folder / GRASS_NAME
    guide = folder / GUIDE_NAME
    grass.write_text(grass_text(), encoding="utf-8")
    guide.write_text(guide_html(library_docs()), encoding="utf-8")
    return [grass, guide]
