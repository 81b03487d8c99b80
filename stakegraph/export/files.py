"""Writing an export to disk in one of the four formats; the only I/O of the export package."""

from __future__ import annotations

import json
from pathlib import Path

from stakegraph.export.errors import ExportError
from stakegraph.export.formats import Format
from stakegraph.export.graph_xml import gexf, graphml
from stakegraph.export.kumu import blueprint
from stakegraph.export.loader_tables import TableRows, columns, loader_tables
from stakegraph.export.subgraph import Subgraph
from stakegraph.loaders.csvsafe import write_csv
from stakegraph.loaders.tables import Tables


def check_target(fmt: Format, out: Path, force: bool) -> None:
    """Raises ExportError when ``out`` cannot take the export (called before reading anything,
    so a refusal is quick): a CSV export needs an empty or new folder, the others a new file."""
    if fmt is Format.CSV:
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} is a file; a CSV export is written into a folder")
        if out.is_dir() and any(out.iterdir()) and not force:
            raise ExportError(f"{out} is not empty; choose a new folder or pass --force")
        return
    if out.exists() and out.is_dir():
        raise ExportError(f"{out} is a folder; a {fmt.value} export is one file")
    if out.exists() and not force:
        raise ExportError(f"{out} exists; pass --force to replace it")


def write_export(
    graph: Subgraph, specs: Tables, fmt: Format, out: Path, include_personal: bool,
    force: bool = False,
) -> list[Path]:
    """Writes the export and returns the files written: one file (GraphML, GEXF, JSON, a Kumu
    blueprint) or a
    folder of loader CSV files (one per non-empty table of ``specs``, in load order)."""
    check_target(fmt, out, force)
    if fmt is Format.CSV:
        return write_csv_folder(loader_tables(graph, specs, include_personal), specs, out,
                                include_personal)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt is Format.GRAPHML:
        out.write_bytes(graphml(graph))
    elif fmt is Format.GEXF:
        out.write_bytes(gexf(graph))
    elif fmt is Format.KUMU:
        out.write_text(json.dumps(blueprint(graph, specs, include_personal), ensure_ascii=False,
                                  indent=1) + "\n", encoding="utf-8")
    else:
        tables = loader_tables(graph, specs, include_personal)
        document = {stem: rows for stem, rows in tables.items() if rows}
        out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
    return [out]


def write_csv_folder(
    tables: TableRows, specs: Tables, folder: Path, include_personal: bool
) -> list[Path]:
    """Writes one ``<stem>.csv`` per non-empty table, through the loaders' ``write_csv`` (which
    neutralises formula-like cells, so a spreadsheet opening the file runs nothing)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, rows in tables.items():
        if not rows:
            continue
        header = columns(specs, stem, include_personal)
        path = folder / f"{stem}.csv"
        write_csv(path, header, ([row[c] for c in header] for row in rows))
        written.append(path)
    return written
