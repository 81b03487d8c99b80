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
    is_question,
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
        bool,
        typer.Option(
            "--list", help="List the analyst questions, one a line (with NAME: that one in full)."
        ),
    ] = False,
    all_: Annotated[
        bool, typer.Option("--all", help="With --list: the internal queries too.")
    ] = False,
) -> None:
    """Run a named query of the library (or list them with --list)."""
    if list_ and name is not None:
        try:
            _describe(get_query(name))
        except QueryError as exc:
            _usage(str(exc))
        return
    if list_:
        _catalogue(all_)
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


def _lines(queries: Sequence[Query], width: int) -> list[str]:
    """Returns one line per query, name then headline, cut to ``width`` (names never are:
    they are typed back on the command line)."""
    widest = max((len(q.name) for q in queries), default=0)
    lines = []
    for q in queries:
        line = f"  {q.name:<{widest}}  {q.headline}"
        if len(line) > width:
            line = line[: max(width - 1, len(q.name) + 2)].rstrip() + "…"
        lines.append(line)
    return lines


def _catalogue(with_internal: bool) -> None:
    """Prints the analyst questions one a line, then the internal queries or how to see them."""
    everything = all_queries()
    asked = [q for q in everything.values() if is_question(q.name)]
    internal = [q for q in everything.values() if not is_question(q.name)]
    width = console.width
    out = ["Analyst questions (stakegraph query NAME --list shows one in full):"]
    out += _lines(asked, width)
    if with_internal:
        out += ["", "Internal queries (they feed export, plot, analyse and person):"]
        out += _lines(internal, width)
    else:
        out.append(
            f"and {len(internal)} internal queries (exports, pictures, analytics, privacy): "
            "--list --all"
        )
    typer.echo("\n".join(out))


def _describe(chosen: Query) -> None:
    """Prints one query in full: purpose, parameters with types and defaults, Browser example."""
    console.print(f"[bold]{chosen.name}[/bold]", highlight=False)
    console.print(chosen.purpose, highlight=False, soft_wrap=False)
    if chosen.params:
        console.print("\nParameters (--param name=value):", highlight=False)
        for p in chosen.params:
            console.print(f"  {_describe_param(p)}  {p.doc}", highlight=False, soft_wrap=False)
    if chosen.example:
        console.print("\nExample (Neo4j Browser):", highlight=False)
        console.print(chosen.example, highlight=False, markup=False, soft_wrap=False)


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
