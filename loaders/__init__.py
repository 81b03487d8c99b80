"""Loaders: validated, idempotent, batched import of CSV, Excel and JSON files into the graph.

The public API: `load_paths` (validate everything, then write in batches), `LoadReport`,
`Problem` / `ValidationFailed`, `read_table` (one file into raw tables), `write_csv` (CSV export
that neutralises formula-like cells), `write_templates` and the file-format description `KINDS`.
"""

from stakegraph.loaders.csvsafe import neutralise, write_csv
from stakegraph.loaders.kinds import KINDS, LOAD_ORDER, Column, KindSpec, kind_spec
from stakegraph.loaders.load import load_paths, validate_paths
from stakegraph.loaders.problems import Problem, ValidationFailed
from stakegraph.loaders.readers import RawRow, RawTable, read_table
from stakegraph.loaders.report import Counts, KindReport, LoadReport
from stakegraph.loaders.template import write_templates

__all__ = [
    "KINDS",
    "LOAD_ORDER",
    "Column",
    "Counts",
    "KindReport",
    "KindSpec",
    "LoadReport",
    "Problem",
    "RawRow",
    "RawTable",
    "ValidationFailed",
    "kind_spec",
    "load_paths",
    "neutralise",
    "read_table",
    "validate_paths",
    "write_csv",
    "write_templates",
]
