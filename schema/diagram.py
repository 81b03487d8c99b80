"""The Mermaid diagram of the model, generated from `model.py` so the docs cannot drift."""

from __future__ import annotations

from stakegraph.schema.model import NODES, RELATIONSHIPS

BEGIN = "<!-- BEGIN GENERATED MODEL DIAGRAM (stakegraph schema diagram --write) -->"
END = "<!-- END GENERATED MODEL DIAGRAM -->"


def mermaid() -> str:
    """Returns a Mermaid flowchart: one box per label (personal properties marked), one arrow
    per relationship type with its properties."""
    lines = ["```mermaid", "flowchart LR"]
    for spec in NODES:
        props = ", ".join(p.name + ("*" if p.personal else "") for p in spec.props)
        extra = "".join(f" :{label}" for label in spec.extra_labels)
        lines.append(f'    {spec.label}["<b>{spec.label}</b>{extra}<br/>{props}"]')
    for rel in RELATIONSHIPS:
        props = ", ".join(p.name for p in rel.props)
        caption = rel.type + (f"<br/>{props}" if props else "")
        lines.append(f'    {rel.start} -- "{caption}" --> {rel.end}')
    lines.append("```")
    return "\n".join(lines)


def with_diagram(readme: str) -> str:
    """Returns the README text with the block between the markers replaced by a fresh diagram."""
    head, _, rest = readme.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{mermaid()}\n{END}{tail}"
