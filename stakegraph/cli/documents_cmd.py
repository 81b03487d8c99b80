"""`stakegraph documents add|list|remove`: the trusted documents kept in the graph."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.table import Table

from stakegraph.api.trusted import list_documents, register_documents, remove_document
from stakegraph.cli.console import console, graph_db
from stakegraph.schema.errors import StakegraphError

app = typer.Typer(help="Manage the API's trusted documents (see STAKEGRAPH_API_TRUSTED_DOCUMENTS).",
                  no_args_is_help=True)


@app.command("add")
def add(
    files: list[Path] = typer.Argument(  # noqa: B008  (Typer reads the default at import)
        ..., help="Files holding one GraphQL document each."),
) -> None:
    """Register documents as trusted; each is known by the SHA-256 of its exact text."""
    texts = []
    for file in files:
        try:
            texts.append(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise StakegraphError(f"{file}: cannot be read: {exc}") from exc
    with graph_db() as db:
        rows = register_documents(db, texts, f"cli:{getpass.getuser()}")
    for file, row in zip(files, rows, strict=True):
        console.print(f"{row['id']}  {', '.join(row['operations'])}  ({file})")


@app.command("list")
def list_() -> None:
    """List the documents registered in the graph."""
    with graph_db() as db:
        rows = list_documents(db)
    table = Table("id", "operations", "registered", "by")
    for row in rows:
        table.add_row(row["id"], ", ".join(row["operations"] or []), str(row["registered_at"]),
                      str(row["registered_by"]))
    console.print(table)


@app.command("remove")
def remove(document_id: str = typer.Argument(..., help="sha256:<hex>, as `list` shows.")) -> None:
    """Remove a registered document; workers stop running it within the key cache time."""
    with graph_db() as db:
        ident = remove_document(db, document_id)
    console.print(f"removed {ident}")
