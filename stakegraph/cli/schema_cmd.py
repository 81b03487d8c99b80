"""`stakegraph schema apply|show|extend|declaration|graphql|diagram`: constraints, indexes and
vocabularies; the model in force with its declared extensions; the live GraphQL schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stakegraph.cli.console import console, current_user, err_console, graph_db
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.combined import Model
from stakegraph.schema.constraints import schema_items
from stakegraph.schema.declared import read_model, versions
from stakegraph.schema.diagram import mermaid, with_diagram
from stakegraph.schema.errors import SetupError
from stakegraph.schema.extensions import DeclarationInvalid, read_declaration
from stakegraph.schema.migrations import history as migration_history
from stakegraph.schema.model import MODEL_VERSION
from stakegraph.schema.version import graph_state

SCHEMA_README = Path(__file__).resolve().parents[2] / "schema" / "README.md"

app = typer.Typer(
    help="The graph's model: constraints, indexes, vocabularies and declared extensions.",
    no_args_is_help=True,
)


@app.command()
def apply(
    actor: Annotated[str | None, typer.Option(
        "--actor", help="Who runs it, as migrations record it (default: the OS user).")] = None,
) -> None:
    """Create constraints, indexes and vocabulary terms, migrating a graph written with an older
    model version first; running it twice changes nothing."""
    with graph_db() as db:
        report = apply_schema(db, actor=actor or current_user())
    migration = report.migration
    for step in migration.applied if migration else ():
        console.print(f"Migrated model version {step.source} to {step.target}: {step.name} "
                      f"({step.changed} changed).")
    if migration and migration.applied:
        console.print(f"The graph is at model version {migration.after} now.")
    console.print(f"{len(report.constraints)} constraints, {len(report.indexes)} indexes.")
    table = Table("vocabulary", "terms")
    for name, count in sorted(report.terms_per_scheme.items()):
        table.add_row(name, str(count))
    console.print(table)


@app.command()
def show(
    offline: Annotated[bool, typer.Option(
        "--shipped", help="The shipped model only, without reading the graph.")] = False,
) -> None:
    """Show the model in force (shipped properties, then declared ones, marked), the declared
    terms and the constraints and indexes."""
    graph_version: int | None = MODEL_VERSION
    migrations: list[dict[str, object]] = []
    if offline:
        model = Model.shipped()
        history = []
    else:
        with graph_db() as db:
            model = read_model(db)
            history = versions(db)
            graph_version = graph_state(db).model_version
            migrations = migration_history(db)
    console.print(_model_table(model))
    declared = [(s.name, t) for s in model.schemes.values() for t in s.terms
                if t.origin == "declared"]
    if declared:
        terms = Table("scheme", "code", "label", title="Declared terms")
        for name, term in declared:
            terms.add_row(name, term.code, term.label)
        console.print(terms)
    if history:
        latest = history[-1]
        console.print(f"Declared extension v{latest.version} ({latest.sha256[:12]}), applied "
                      f"{latest.applied_at} by {latest.applied_by or '?'}; "
                      f"{len(history)} version(s) in the graph.")
    else:
        console.print("No declared extension: the shipped model.")
    console.print(f"Model version: this stakegraph's {MODEL_VERSION}, the graph's "
                  f"{'none yet (empty)' if graph_version is None else graph_version}.")
    for step in migrations:
        console.print(f"  migrated {step['from_version']} to {step['to_version']} "
                      f"({step['name']}, {step['changed']} changed) by {step['applied_by']} "
                      f"at {step['applied_at']}", highlight=False)
    items = Table("name", "category", "statement", title="Constraints and indexes")
    for item in schema_items():
        items.add_row(item.name, item.category, item.statement)
    console.print(items)


def _model_table(model: Model) -> Table:
    table = Table("owner", "property", "type", "notes", title="The model")
    owners = [(str(s.label), s.props) for s in model.nodes]
    owners += [(str(r.type), r.props) for r in model.relationships]
    for owner, props in owners:
        for p in props:
            kind = ("list of " if p.many else "") + (f"term of {p.scheme}" if p.scheme else
                                                     str(p.type))
            notes = [word for word, on in (
                ("declared", p.custom), ("required", p.required), ("personal", p.personal),
                (f"{'/'.join(str(k) for k in p.kinds)} only", bool(p.kinds))) if on]
            table.add_row(owner, p.name, kind, ", ".join(notes))
    return table


@app.command()
def extend(
    declaration: Annotated[Path, typer.Argument(
        help="The declaration (.toml or .json): custom properties, added terms, own schemes.")],
    drop_data: Annotated[bool, typer.Option(
        "--drop-data", help="Allow removing properties and terms that values use (the values "
        "are removed, and the removal audited).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check the change against the graph and show it; write nothing.")
    ] = False,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="Who makes the change (default: the OS user).")] = None,
) -> None:
    """Apply a declaration of the model's extensions as its new version: adding is free;
    removing what values use, or changing a type, is checked first (see --drop-data)."""
    from stakegraph.loaders.model_change import ModelChangeRefused, apply_declaration

    try:
        extension = read_declaration(declaration)
        with graph_db() as db:
            report = apply_declaration(db, extension, drop_data=drop_data, dry_run=dry_run,
                                       actor=actor or current_user())
    except DeclarationInvalid as invalid:
        for problem in invalid.problems:
            err_console.print(f"  {problem}", highlight=False)
        raise
    except ModelChangeRefused as refused:
        for reason in refused.reasons:
            err_console.print(f"  {reason}", highlight=False)
        raise
    if not report.changes:
        console.print(f"No change: the graph already holds this declaration "
                      f"(v{report.from_version}).")
        return
    verb = "Would change" if report.dry_run else "Changed"
    console.print(f"{verb} the model from v{report.from_version} to v{report.to_version}:")
    for line in report.changes:
        console.print(f"  {line}", highlight=False)
    if report.values_removed or report.values_converted:
        console.print(f"{report.values_removed} values removed, {report.values_converted} "
                      "converted.")
    if not report.dry_run:
        console.print("Restart the API workers to serve the new model.")


@app.command("declaration")
def declaration_cmd() -> None:
    """Print the declaration in force as JSON (a file `schema extend` reads back)."""
    with graph_db() as db:
        model = read_model(db)
    sys.stdout.write(json.dumps(model.extension.document(), indent=2, ensure_ascii=False) + "\n")


@app.command()
def graphql(
    shipped: Annotated[bool, typer.Option(
        "--shipped", help="The shipped model's schema (what api/schema.graphql holds).")
    ] = False,
) -> None:
    """Print the GraphQL schema (SDL) the API serves for the model in force."""
    from stakegraph.api.schema import sdl

    if shipped:
        sys.stdout.write(sdl(Model.shipped()))
        return
    with graph_db() as db:
        model = read_model(db)
    sys.stdout.write(sdl(model))


@app.command()
def diagram(
    write: bool = typer.Option(False, "--write", help="Refresh the diagram in schema/README.md."),
) -> None:
    """Print the Mermaid diagram of the shipped model (or refresh it in schema/README.md)."""
    if not write:
        typer.echo(mermaid())
        return
    if not SCHEMA_README.exists():
        raise SetupError(f"{SCHEMA_README} not found: run this from a source checkout.")
    SCHEMA_README.write_text(
        with_diagram(SCHEMA_README.read_text(encoding="utf-8")), encoding="utf-8"
    )
    console.print(f"Refreshed the diagram in {SCHEMA_README}.")
