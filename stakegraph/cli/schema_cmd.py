"""`stakegraph schema apply|show`: constraints, indexes and vocabularies."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from stakegraph.cli.console import console, graph_db
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.constraints import schema_items
from stakegraph.schema.diagram import mermaid, with_diagram
from stakegraph.schema.errors import StakegraphError

SCHEMA_README = Path(__file__).resolve().parents[2] / "schema" / "README.md"

app = typer.Typer(
    help="Create the graph's constraints, indexes and vocabulary nodes.", no_args_is_help=True
)


@app.command()
def apply() -> None:
    """Create constraints, indexes and vocabulary terms; running it twice changes nothing."""
    with graph_db() as db:
        report = apply_schema(db)
    console.print(f"{len(report.constraints)} constraints, {len(report.indexes)} indexes.")
    table = Table("vocabulary", "terms")
    for name, count in sorted(report.terms_per_scheme.items()):
        table.add_row(name, str(count))
    console.print(table)


@app.command()
def show() -> None:
    """List the constraints and indexes stakegraph creates (without touching the database)."""
    table = Table("name", "kind", "statement")
    for item in schema_items():
        table.add_row(item.name, item.kind, item.statement)
    console.print(table)


@app.command()
def diagram(
    write: bool = typer.Option(False, "--write", help="Refresh the diagram in schema/README.md."),
) -> None:
    """Print the Mermaid diagram of the model (or refresh it in schema/README.md)."""
    if not write:
        typer.echo(mermaid())
        return
    if not SCHEMA_README.exists():
        raise StakegraphError(f"{SCHEMA_README} not found: run this from a source checkout.")
    SCHEMA_README.write_text(
        with_diagram(SCHEMA_README.read_text(encoding="utf-8")), encoding="utf-8"
    )
    console.print(f"Refreshed the diagram in {SCHEMA_README}.")
