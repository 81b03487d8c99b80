"""Neo4j Browser files: the GraSS style covers the model; the guide lists the whole library."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from stakegraph.queries.browser_guide import (
    DECLARED_PROPERTIES,
    DECLARED_TERMS,
    GRASS_NAME,
    GUIDE_NAME,
    grass_text,
    guide_html,
    library_docs,
)
from stakegraph.queries.library import all_queries
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label, Rel

BROWSER_DIR = Path(__file__).resolve().parents[2] / "queries" / "browser"
RULE = re.compile(
    r"\s*(node|relationship)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*\{((?:[^{}]|\{[a-z_]+\})*)\}", re.S
)
DECLARATION = re.compile(r"^([a-z-]+)\s*:\s*(.+)$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
SIZE = re.compile(r"^\d+px$")
CAPTION = re.compile(r"^'(\{[a-z_]+\}|<type>|<id>)'$")


def parse_grass(text: str) -> dict[tuple[str, str | None], dict[str, str]]:
    """Returns the rules of a GraSS text by (node|relationship, label or type); fails on junk."""
    rules: dict[tuple[str, str | None], dict[str, str]] = {}
    position = 0
    for match in RULE.finditer(text):
        assert text[position:match.start()].strip() == "", text[position:match.start()]
        position = match.end()
        declarations: dict[str, str] = {}
        for raw in match.group(3).split(";"):
            if not raw.strip():
                continue
            found = DECLARATION.match(raw.strip())
            assert found, raw
            declarations[found.group(1)] = found.group(2).strip()
        key = (match.group(1), match.group(2))
        assert key not in rules, key
        rules[key] = declarations
    assert text[position:].strip() == ""
    return rules


def test_grass_parses_and_styles_every_label_and_relationship_type() -> None:
    rules = parse_grass((BROWSER_DIR / GRASS_NAME).read_text(encoding="utf-8"))
    assert rules == parse_grass(grass_text())  # the shipped copy is the repository's
    for label in Label:
        rule = rules[("node", label.value)]
        assert COLOUR.match(rule["color"]) and COLOUR.match(rule["border-color"])
        assert SIZE.match(rule["diameter"])
        assert CAPTION.match(rule["caption"]), rule["caption"]
    for rel in Rel:
        rule = rules[("relationship", rel.value)]
        assert COLOUR.match(rule["color"]) and SIZE.match(rule["shaft-width"])
        assert CAPTION.match(rule["caption"])
    labels = {k[1] for k in rules if k[0] == "node" and k[1]}
    assert labels == {label.value for label in Label}
    assert rules[("node", "Stakeholder")]["caption"] == "'{name}'"


def test_guide_lists_every_library_query_and_is_current() -> None:
    committed = (BROWSER_DIR / GUIDE_NAME).read_text(encoding="utf-8")
    assert committed == guide_html(library_docs()), (
        "queries/browser/stakegraph-guide.html is stale: run "
        "`stakegraph export --browser queries/browser`"
    )
    titles = re.findall(r"<h3>(.*?)</h3>", committed)
    assert titles[:2] == ["stakegraph", "Your model"]
    assert titles[2:] == sorted(all_queries())
    for query in all_queries().values():
        assert html.escape(query.statement) in committed


def test_cli_writes_the_browser_files(cli_env: dict[str, str], tmp_path: Path) -> None:
    out = subprocess.run(["stakegraph", "export", "--browser", str(tmp_path)], env=cli_env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / GRASS_NAME).read_text(encoding="utf-8") == grass_text()
    assert (tmp_path / GUIDE_NAME).read_text(encoding="utf-8") == guide_html(library_docs())


@pytest.mark.usefixtures("restore_model")
def test_the_your_model_slide_lists_what_is_declared(db: GraphDB) -> None:
    from stakegraph.loaders.model_change import apply_declaration
    from stakegraph.schema.extensions import parse_declaration

    assert db.read(DECLARED_PROPERTIES) == []
    apply_declaration(db, parse_declaration({
        "properties": {"person": {"postcode": {"type": "text", "personal": True}}},
        "terms": {"sector": [{"code": "housing", "label": "Housing association"}]},
    }))
    [row] = db.read(DECLARED_PROPERTIES)
    assert (row["owner"], row["property"], row["kinds"], row["personal"]) == (
        "Stakeholder", "postcode", ["person"], True)
    assert [r.data() for r in db.read(DECLARED_TERMS)] == [
        {"scheme": "sector", "code": "housing", "label": "Housing association"}]
