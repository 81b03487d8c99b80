"""`stakegraph export`: a project or the whole graph as GraphML, GEXF, or the loaders' CSV/JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stakegraph.cli.console import console, graph_db
from stakegraph.export.formats import Format
from stakegraph.schema.errors import ErrorCode, StakegraphError


def export(
    out: Annotated[Path, typer.Argument(
        help="The file to write (a folder for --format csv, or for --browser).")],
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help="graphml or gexf (for networkx, Gephi, yEd), or csv or json "
        "(the loaders' own formats, which they read back), or kumu (a blueprint Kumu imports "
        "and the loaders read back).")] = Format.GRAPHML,
    project: str | None = typer.Option(None, "--project", "-p",
                                       help="Only this project and what belongs to it "
                                       "(default: the whole graph)."),
    id_prefix: str = typer.Option("", "--id-prefix",
                                  help="Whole-graph export only: just the nodes whose id starts "
                                  "with this (e.g. demo-)."),
    include_personal: bool = typer.Option(False, "--include-personal",
                                          help="Also write personal data (email, phone, "
                                          "notes, and declared personal properties); left "
                                          "out by default."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file, or write "
                               "into a non-empty folder."),
    browser: bool = typer.Option(False, "--browser", help="Instead of data, write the Neo4j "
                                 "Browser style (stakegraph.grass) and the guide listing the "
                                 "query library into the folder OUT."),
) -> None:
    """Export a project (or the whole graph) for other tools, or re-loading elsewhere."""
    # Imported here: the writers pull in the loaders, which other commands need not load.
    if browser:
        from stakegraph.queries.browser_guide import write_browser_files

        for path in write_browser_files(out):
            console.print(f"Wrote {path}")
        return
    from stakegraph.export.files import check_target, write_export
    from stakegraph.export.graph_xml import label_counts
    from stakegraph.export.subgraph import read_subgraph
    if project is not None and id_prefix:
        raise StakegraphError("--id-prefix applies to whole-graph exports; drop it or --project",
                              code=ErrorCode.USAGE)
    from stakegraph.loaders.tables import tables
    from stakegraph.schema.declared import read_model

    check_target(fmt, out, force)
    with graph_db() as db:
        model = read_model(db)
        graph = read_subgraph(db, project, include_personal, prefix=id_prefix, model=model)
    written = write_export(graph, tables(model), fmt, out, include_personal, force=force)
    counts = ", ".join(f"{n} {label}" for label, n in sorted(label_counts(graph).items()))
    console.print(f"Wrote {len(written)} file(s) to {out}: {counts or 'no nodes'}, "
                  f"{len(graph.rels)} relationships"
                  + ("" if include_personal else "; personal data left out") + ".")
