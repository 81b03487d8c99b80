"""`stakegraph query`: list the named queries or run one with parameters."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import typer
from rich.table import Table

from stakegraph.cli.console import console, err_console, graph_db
from stakegraph.queries.library import (
    Param,
    Query,
    QueryError,
    all_queries,
    bind,
    get_query,
    jsonable,
    run_query,
)

# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutputFormat(StrEnum):
    """How query rows are printed."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def query(
    name: Annotated[str | None, typer.Argument(help="The query to run (see --list).")] = None,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help="A parameter as key=value; repeat for more. Lists: a,b,c."
        ),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = OutputFormat.TABLE,
    list_: Annotated[
        bool, typer.Option("--list", help="List the queries and their parameters.")
    ] = False,
) -> None:
    """Run a named query of the library (or list them with --list)."""
    if list_:
        console.print(_catalogue(list(all_queries().values())))
        return
    if name is None:
        _usage("give a query name, or --list to see them")
    try:
        chosen = get_query(name)
        bound = bind(chosen, _parse_params(chosen, params or []))
    except QueryError as exc:
        _usage(str(exc))
    with graph_db() as db:
        rows = run_query(db, chosen.name, bound)
    _print(rows, output)


def _usage(message: str) -> NoReturn:
    err_console.print(f"[bold red]error:[/bold red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _parse_params(chosen: Query, pairs: Sequence[str]) -> dict[str, object]:
    raw: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"query {chosen.name}: --param {pair!r} is not key=value")
        raw[key.strip()] = value
    return raw


def _describe_param(param: Param) -> str:
    text = f"{param.name} ({param.type}"
    if not param.required:
        text += f" = {json.dumps(jsonable(param.default))}"
    return text + ")"


def _catalogue(queries: list[Query]) -> Table:
    table = Table(show_lines=True)
    # Names and parameters are typed back on the command line, so they are never cut short.
    widest = max((len(q.name) for q in queries), default=4)
    table.add_column("name", no_wrap=True, min_width=widest)
    table.add_column("purpose", ratio=3)
    table.add_column("params", overflow="fold", ratio=2)
    for q in queries:
        table.add_row(q.name, q.purpose, "\n".join(_describe_param(p) for p in q.params))
    return table


def cell(value: object) -> str:
    """Returns one value as table/CSV text: dates ISO, lists comma-joined, maps as JSON."""
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def safe_cell(value: object) -> str:
    """Returns the CSV text of a value, with formula-like text made inert by a leading quote."""
    text = cell(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """Returns the rows as CSV text with a header line."""
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(k) for k in rows[0]])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row.values()])
    return out.getvalue()


def _print(rows: list[dict[str, Any]], output: OutputFormat) -> None:
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(jsonable(rows), ensure_ascii=False, indent=2))
    elif output is OutputFormat.CSV:
        typer.echo(to_csv(rows), nl=False)
    elif not rows:
        console.print("(no rows)")
    else:
        table = Table(*rows[0].keys())
        for row in rows:
            table.add_row(*(cell(v) for v in row.values()))
        console.print(table)
