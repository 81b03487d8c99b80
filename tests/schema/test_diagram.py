"""The Mermaid diagram in schema/README.md is the one the code generates."""

from __future__ import annotations

from pathlib import Path

from stakegraph.schema.diagram import BEGIN, END, mermaid, with_diagram
from stakegraph.schema.model import RELATIONSHIPS

README = Path(__file__).resolve().parents[2] / "schema" / "README.md"


def test_readme_diagram_matches_the_model() -> None:
    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    assert with_diagram(text) == text, "run `stakegraph schema diagram --write`"


def test_diagram_names_every_relationship_type() -> None:
    diagram = mermaid()
    for rel in RELATIONSHIPS:
        assert f'"{rel.type}' in diagram
