"""`stakegraph report`: a project's report as one self-contained HTML page or an A4 PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from stakegraph.cli.console import console, graph_db, settings
from stakegraph.cli.plot_cmd import _date
from stakegraph.schema.errors import StakegraphError

SUFFIXES = (".html", ".htm", ".pdf")


def report(
    out: Annotated[Path, typer.Argument(help="Where to write the report: an .html or .pdf file.")],
    project: str = typer.Option(..., "--project", "-p", help="The project id."),
    at: str | None = typer.Option(None, "--at", help="The report as of this date "
                                  "(YYYY-MM-DD; default today)."),
    since: str | None = typer.Option(None, "--since", help="Show the matrix's moves since "
                                     "this date (YYYY-MM-DD)."),
    include_personal: bool = typer.Option(False, "--include-personal", help="Add the contact "
                                          "details (personal data) of overdue stakeholders."),
) -> None:
    """Write a project's report: headline figures, the matrix and its moves, the network,
    coverage, deepest levels, neglected and overdue stakeholders, the readiness checklist, key
    players and Q3 reach, pathways and outcomes. Works offline; prints on A4."""
    # Imported here: the report pulls in matplotlib and the analytics.
    from stakegraph.queries.report.fetch import fetch
    from stakegraph.queries.report.plan import ReportRequest
    from stakegraph.queries.report.render import SECTIONS, report_html
    from stakegraph.report.pdf import find_chromium, print_pdf
    from stakegraph.schema.declared import read_model

    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise StakegraphError(f"{out}: the report is written as .html or .pdf, not {suffix!r}")
    as_of = _date(at, "--at") or date.today()
    earlier = _date(since, "--since")
    if earlier is not None and earlier > as_of:
        raise StakegraphError(f"--since {earlier} is after --at {as_of}")
    chromium = find_chromium(settings().chromium) if suffix == ".pdf" else ""
    request = ReportRequest(project, as_of, earlier, include_personal)
    with graph_db() as db:
        data = fetch(db, request, read_model(db))
    if suffix == ".pdf":
        print_pdf(report_html(data, interactive=False), out, chromium)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report_html(data), encoding="utf-8")
    console.print(f"Wrote {out} ({out.stat().st_size:,} bytes): {len(SECTIONS)} sections for "
                  f"{project} as of {as_of}"
                  + ("" if include_personal else "; personal data left out") + ".")
