"""`stakegraph demo` (load the shipped demo graph) and `stakegraph generate` (synthetic data)."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from stakegraph.cli.console import console, graph_db, settings
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB

if TYPE_CHECKING:
    from stakegraph.loaders import Counts, LoadReport

# The loader package is imported inside the commands, so the rest of the CLI starts quickly.


def load_demo(db: GraphDB, *, batch_size: int = 5000) -> LoadReport:
    """Returns the loader's report after loading the shipped demo (the schema must be applied)."""
    from stakegraph.loaders import load_paths

    with as_file(files("stakegraph.loaders") / "demo") as folder:
        return load_paths(db, [Path(folder)], batch_size=batch_size)


def demo() -> None:
    """Load the demo graph (an iCBT roll-out, a research study, a foundation's support team).

    Loading it again changes nothing.
    """
    cfg = settings()
    with graph_db() as db:
        apply_schema(db)
        report = load_demo(db, batch_size=cfg.batch_size)
    console.print(_report_table(report))
    verdict = "loaded" if report.changed else "already loaded: nothing changed"
    console.print(f"Demo {verdict} ({report.rows_read} rows; story and counts in "
                  "loaders/demo/README.md).")


def _report_table(report: LoadReport) -> Table:
    table = Table("table", "rows", "nodes created / updated / unchanged",
                  "relationships created / updated / unchanged", title="stakegraph demo")
    for name, part in report.tables.items():
        table.add_row(name, str(part.rows), _counts(part.nodes), _counts(part.relationships))
    table.add_row("total", str(report.rows_read), _counts(report.nodes),
                  _counts(report.relationships), style="bold")
    return table


def _counts(counts: Counts) -> str:
    return f"{counts.created} / {counts.updated} / {counts.unchanged}"


def generate_cmd(
    outdir: Annotated[Path, typer.Argument(help="Folder to write the CSV files into.")],
    stakeholders: Annotated[int, typer.Option("--stakeholders", help="How many stakeholders.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same files.")],
    ties_per_stakeholder: Annotated[int, typer.Option(
        "--ties-per-stakeholder", help="Ties between stakeholders, per stakeholder.")] = 5,
    id_prefix: Annotated[str, typer.Option(
        "--id-prefix", help="Prefix of every generated id.")] = "gen-",
) -> None:
    """Write a synthetic dataset in the loader's formats (deterministic for a seed)."""
    from stakegraph.loaders.generate import generate

    counts = generate(
        stakeholders, seed, outdir, ties_per_stakeholder=ties_per_stakeholder,
        id_prefix=id_prefix,
    )
    table = Table("file", "rows", title=f"generated into {outdir}")
    for name, value in counts.as_dict().items():
        table.add_row(name, str(value))
    console.print(table)
