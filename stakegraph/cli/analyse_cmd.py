"""`stakegraph analyse METRIC`: network analytics on a projected stakeholder network."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from stakegraph.cli.console import console, graph_db
from stakegraph.queries.analytics.metrics import METRICS
from stakegraph.schema.errors import ErrorCode, StakegraphError

if TYPE_CHECKING:
    from stakegraph.queries.analytics import Result



def analyse_command(
    metric: str = typer.Argument(..., help=f"One of: {', '.join(METRICS)}."),
    project: str | None = typer.Option(
        None, "--project", help="Only this project's stakeholders (assessed or taking part)."
    ),
    prefix: str = typer.Option(
        "", "--prefix", help="Only stakeholders whose id starts with this (without --project)."
    ),
    tie_type: list[str] = typer.Option(  # noqa: B008  (Typer reads the default at import)
        [], "--tie-type", help="influences, trusts, collaborates_with or referred; repeatable."
    ),
    weighted: bool = typer.Option(
        True, "--weighted/--unweighted", help="Use tie weights (summed over parallel ties)."
    ),
    network: str = typer.Option(
        "ties", "--network", help="ties, co-participation or activities (the last two need "
        "--project)."
    ),
    top: int = typer.Option(20, "--top", min=0, help="Rows to show (0 = all)."),
    write: bool = typer.Option(
        False, "--write", help="Store the scores on the stakeholders, keeping every run."
    ),
    k: int = typer.Option(5, "--k", min=1, help="key-players: how many to pick."),
    hops: int = typer.Option(2, "--hops", min=1, help="key-players, reach, reach-q3: hops."),
    seeds: str = typer.Option("", "--seeds", help="reach: comma-separated stakeholder ids."),
    group_by: str = typer.Option(
        "organisation", "--group-by", help="brokerage: organisation or category."
    ),
    engine: str = typer.Option(
        "auto", "--engine", help="auto (default: the faster engine for the network's size, "
        "said in the output), igraph or gds (Neo4j Graph Data Science in the server)."
    ),
    algorithm: str = typer.Option(
        "leiden", "--algorithm", help="communities: leiden (default) or louvain."
    ),
    at: list[str] = typer.Option(  # noqa: B008  (Typer reads the default at import)
        [], "--at", help="summary: the network as of this date (YYYY-MM-DD; ties dated on or "
        "before it); give two to see the change."
    ),
    samples: int | None = typer.Option(
        None, "--samples", min=2, help="betweenness: sampled sources (default: exact up to "
        "5,000 stakeholders, else 100)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (communities, sampling)."),
    output: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Compute a network metric on the stakeholder network and rank the stakeholders."""
    from stakegraph.queries.analytics import (
        Mode,
        Request,
        Scope,
        analyse,
        parse_tie_types,
        write_result,
    )

    dates = tuple(_date(text) for text in at)
    if output not in ("table", "json"):
        raise StakegraphError(f"unknown --format {output!r}; expected table or json",
                              code=ErrorCode.USAGE)
    try:
        mode = Mode(network)
    except ValueError:
        raise StakegraphError(
            f"unknown --network {network!r}; expected {', '.join(m.value for m in Mode)}",
            code=ErrorCode.USAGE,
        ) from None
    req = Request(
        metric=metric,
        scope=Scope(project=project, prefix=prefix),
        tie_types=parse_tie_types(tie_type),
        weighted=weighted,
        mode=mode,
        k=k,
        hops=hops,
        seeds=tuple(s.strip() for s in seeds.split(",") if s.strip()),
        group_by=group_by,
        engine=engine,
        samples=samples,
        seed=seed,
        algorithm=algorithm,
        dates=dates,
    )
    with graph_db() as db:
        result = analyse(db, req)
        run_id = write_result(db, req, result).id if write else None
    _print(result, top, output, run_id)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise StakegraphError(f"--at {text!r} is not a date (YYYY-MM-DD)",
                              code=ErrorCode.USAGE) from None


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _print(result: Result, top: int, output: str, run_id: str | None) -> None:
    rows = result.rows[:top] if top else result.rows
    if output == "json":
        doc = {
            "metric": result.metric,
            "method": result.method,
            "params": result.params,
            "nodes": result.network.n,
            "arcs": result.network.m,
            "summary": result.summary,
            "run": run_id,
            "rows": [{k: _clean(v) for k, v in row.items()} for row in rows],
        }
        typer.echo(json.dumps(doc, indent=2, default=str))
        return
    if result.metric == "summary":
        table = Table("measure", *result.columns, title=f"summary: {result.method}")
        for row in rows:
            table.add_row(row["name"], *(_cell(row.get(c)) for c in result.columns))
        console.print(table)
        console.print(f"engine: {result.params['engine']} ({result.params['engine_reason']})")
        return
    table = Table("id", "name", *result.columns, title=f"{result.metric}: {result.method}")
    for row in rows:
        table.add_row(row["id"], row["name"], *(_cell(row.get(c)) for c in result.columns))
    console.print(table)
    console.print(f"engine: {result.params['engine']} ({result.params['engine_reason']})")
    console.print(
        f"{result.network.n} stakeholders, {result.network.m} arcs; "
        + ", ".join(f"{k} {_cell(v)}" for k, v in result.summary.items() if k != "q3_ids")
    )
    if run_id:
        console.print(f"Stored as run {run_id}.")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.6g}"
    return str(value)
