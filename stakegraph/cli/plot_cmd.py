"""`stakegraph plot matrix|network`: the interest/impact matrix and the interactive network view."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from stakegraph.cli.console import console, graph_db
from stakegraph.queries.plots.network import ColourBy, SizeBy
from stakegraph.schema.errors import StakegraphError

app = typer.Typer(help="Draw the interest/impact matrix or the network view.",
                  no_args_is_help=True)

MATRIX_SUFFIXES = (".png", ".svg")


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise StakegraphError(f"{option} {value!r} is not a date; expected YYYY-MM-DD") from None


@app.command()
def matrix(
    out: Annotated[Path, typer.Argument(help="Where to write the picture: a .png or .svg file.")],
    project: str = typer.Option(..., "--project", "-p", help="The project id."),
    at: str | None = typer.Option(None, "--at", help="Draw the matrix as of this date "
                                  "(YYYY-MM-DD; default today)."),
    since: str | None = typer.Option(None, "--since", help="Draw arrows for stakeholders who "
                                     "moved since this date (YYYY-MM-DD)."),
) -> None:
    """Draw a project's interest/impact matrix: quadrants with their advice, one dot per
    stakeholder (latest assessment as of --at), arrows for moves since --since."""
    # Imported here: matplotlib takes a while to load and no other command needs it.
    from stakegraph.queries.plots import data
    from stakegraph.queries.plots.matrix import matrix_figure, moves

    if out.suffix.lower() not in MATRIX_SUFFIXES:
        raise StakegraphError(f"{out}: the matrix is written as .png or .svg, not {out.suffix!r}")
    as_of = _date(at, "--at") or date.today()
    earlier_date = _date(since, "--since")
    if earlier_date is not None and earlier_date > as_of:
        raise StakegraphError(f"--since {earlier_date} is after --at {as_of}")
    with graph_db() as db:
        title = data.project_title(db, project)
        points = data.matrix_points(db, project, as_of)
        earlier = data.matrix_points(db, project, earlier_date) if earlier_date else []
    if not points:
        raise StakegraphError(f"project {project!r} has no assessments on or before {as_of}")
    subtitle = f"as of {as_of}" + (f"; arrows: moves since {earlier_date}" if earlier_date else "")
    fig = matrix_figure(points, data.quadrant_texts(), title, earlier=earlier, subtitle=subtitle)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format=out.suffix.lower().lstrip("."))
    moved = len(moves(earlier, points))
    console.print(f"Wrote {out}: {len(points)} stakeholders"
                  + (f", {moved} moved since {earlier_date}" if earlier_date else "") + ".")


@app.command()
def network(
    out: Annotated[Path, typer.Argument(help="Where to write the page: an .html file.")],
    project: str | None = typer.Option(None, "--project", "-p",
                                       help="Only this project's stakeholders (default: all)."),
    colour_by: Annotated[ColourBy, typer.Option(
        "--colour-by", "--color-by", help="Colour nodes by community, sector or quadrant.")
    ] = ColourBy.SECTOR,
    size_by: Annotated[SizeBy, typer.Option(
        "--size-by", help="Size nodes by weighted PageRank or by degree.")
    ] = SizeBy.PAGERANK,
    at: str | None = typer.Option(None, "--at", help="Quadrants as of this date "
                                  "(YYYY-MM-DD; default today)."),
) -> None:
    """Write the network as one self-contained interactive HTML page (works offline): hover for
    name, sector and quadrant; click a stakeholder for its details."""
    # Imported here: the analytics (igraph, numpy) take a while to load.
    from stakegraph.queries.plots import data
    from stakegraph.queries.plots.network import network_html

    if out.suffix.lower() not in (".html", ".htm"):
        raise StakegraphError(f"{out}: the network view is written as .html, not {out.suffix!r}")
    if colour_by is ColourBy.QUADRANT and project is None:
        raise StakegraphError("--colour-by quadrant needs --project (quadrants are per project)")
    as_of = _date(at, "--at") or date.today()
    with graph_db() as db:
        title = data.project_title(db, project) if project else "All stakeholders"
        nodes, edges = data.network_records(db, project, as_of)
        nodes = data.with_scores(db, project, nodes, pagerank=size_by is SizeBy.PAGERANK,
                                 community=colour_by is ColourBy.COMMUNITY)
    page = network_html(nodes, edges, colour_by, size_by, title=f"{title}: stakeholder network")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    console.print(f"Wrote {out}: {len(nodes)} stakeholders, {len(edges)} ties.")
