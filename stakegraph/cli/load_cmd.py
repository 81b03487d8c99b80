"""`stakegraph load PATH...` and `stakegraph template DIR`: load files, write empty templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from stakegraph.cli.console import console, err_console, graph_db
from stakegraph.loaders import (
    LoadReport,
    Problem,
    ValidationFailed,
    load_paths,
    tables,
    write_templates,
)
from stakegraph.loaders.kumu import TEMPLATE, KumuMapping, read_mapping
from stakegraph.loaders.load import DEFAULT_BATCH_SIZE
from stakegraph.schema.combined import Model
from stakegraph.schema.declared import read_model
from stakegraph.schema.graphdb import GraphDB

# A progress bar is worth showing only when there is enough to wait for.
_PROGRESS_FROM_ROWS = 10_000
# The file `stakegraph template --kumu` writes.
KUMU_MAPPING_FILE = "kumu-mapping.toml"
# The table stops here; --json always lists every problem.
_TABLE_AT_MOST = 200


def problems_table(problems: list[Problem], limit: int = _TABLE_AT_MOST) -> Table:
    """Returns a table of problems (file, row, column, value, expected), the first ``limit``."""
    table = Table("file", "row", "column", "value", "expected", title="Problems", show_lines=False)
    for p in problems[:limit]:
        table.add_row(p.file, "" if p.row is None else str(p.row), p.column or "",
                      "" if p.value is None else p.value, p.expected)
    return table


def summary_table(report: LoadReport) -> Table:
    """Returns the per-table table of rows, nodes and relationships created/updated/unchanged."""
    verb = "would be " if report.dry_run else ""
    table = Table("table", "rows", f"{verb}created", f"{verb}updated", "unchanged",
                  title="Dry run (nothing written)" if report.dry_run else "Loaded")
    for part in report.tables.values():
        both = (part.nodes, part.relationships)
        table.add_row(part.table, str(part.rows), *(
            str(sum(getattr(c, field) for c in both))
            for field in ("created", "updated", "unchanged")
        ))
    n, r = report.nodes, report.relationships
    table.add_section()
    table.add_row("nodes", "", str(n.created), str(n.updated), str(n.unchanged))
    table.add_row("relationships", "", str(r.created), str(r.updated), str(r.unchanged))
    return table


def load(
    paths: Annotated[list[Path], typer.Argument(
        help="CSV/.xlsx/.json files and/or folders of them.")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Validate and report what would change; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the problems or the report as JSON.")] = False,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Rows per write transaction.")] = DEFAULT_BATCH_SIZE,
    project: Annotated[str | None, typer.Option(
        "--project",
        help="Project id for rows of assessments, activities and observations that leave "
             "project_id empty (or have no such column), and for a Kumu map's assessments.")
    ] = None,
    kumu_mapping: Annotated[Path | None, typer.Option(
        "--kumu-mapping", help="How to read Kumu maps (TOML or JSON; `stakegraph template "
        "--kumu` writes the defaults, used when this is not given).")] = None,
) -> None:
    """Validate files, then load them (exit code 1 and nothing written if anything is wrong).

    A Kumu blueprint (.json with elements and connections) or workbook (.xlsx with Elements and
    Connections sheets) is read through the Kumu mapping."""
    with graph_db() as db:
        try:
            kumu = read_mapping(kumu_mapping) if kumu_mapping is not None else None
            if as_json:
                report = load_paths(db, paths, dry_run=dry_run, batch_size=batch_size,
                                    default_project=project, kumu=kumu)
            else:
                report = _load_with_progress(db, paths, dry_run, batch_size, project, kumu)
        except ValidationFailed as failed:
            if as_json:
                typer.echo(json.dumps({"ok": False, "problems": [
                    p.as_dict() for p in failed.problems]}, indent=2))
            else:
                console.print(problems_table(failed.problems))
                more = len(failed.problems) - _TABLE_AT_MOST
                if more > 0:
                    console.print(f"... and {more} more (use --json to list all).")
                err_console.print(f"[bold red]{failed}[/bold red]", highlight=False)
            raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps({"ok": True, "report": report.as_dict()}, indent=2))
    else:
        console.print(summary_table(report))


def _load_with_progress(
    db: GraphDB, paths: list[Path], dry_run: bool, batch_size: int, project: str | None,
    kumu: KumuMapping | None,
) -> LoadReport:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    # A bar appears only for steps big enough to wait for; small loads print nothing extra.
    with Progress(*columns, console=err_console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(kind: str, done: int, total: int) -> None:
            if total < _PROGRESS_FROM_ROWS:
                return
            if kind not in tasks:
                tasks[kind] = bar.add_task(kind, total=total)
            bar.update(tasks[kind], completed=done)

        return load_paths(db, paths, dry_run=dry_run, batch_size=batch_size,
                          progress=progress, default_project=project, kumu=kumu)


def template(
    directory: Annotated[Path, typer.Argument(help="Folder to write the templates into.")],
    xlsx: Annotated[bool, typer.Option(
        "--xlsx", help="One workbook with a sheet per table and drop-downs.")] = False,
    shipped: Annotated[bool, typer.Option(
        "--shipped", help="The shipped model's tables only (no Neo4j needed); by default the "
        "model in force in the graph, declared columns and terms included.")] = False,
    kumu: Annotated[bool, typer.Option(
        "--kumu", help="Instead, write the Kumu mapping with its defaults "
        "(kumu-mapping.toml), to edit and pass to `stakegraph load --kumu-mapping`.")] = False,
) -> None:
    """Write empty templates: one CSV per table, or one Excel workbook with drop-downs."""
    if kumu:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / KUMU_MAPPING_FILE
        path.write_text(TEMPLATE, encoding="utf-8")
        console.print(str(path), highlight=False)
        return
    if shipped:
        model = Model.shipped()
    else:
        with graph_db() as db:
            model = read_model(db)
    for path in write_templates(directory, tables(model), xlsx=xlsx):
        console.print(str(path), highlight=False)
