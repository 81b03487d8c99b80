"""Loaders: validated, idempotent, batched import of CSV, Excel and JSON files into the graph.

The public API: `load_paths` (validate everything, then write in batches), `LoadReport`,
`Problem` / `ValidationFailed`, `read_table` (one file into raw tables), `write_csv` (CSV export
that neutralises formula-like cells), `write_templates` and the file formats of a model,
`tables(model)`.
"""

from stakegraph.loaders.csvsafe import neutralise, write_csv
from stakegraph.loaders.load import load_paths, validate_paths
from stakegraph.loaders.problems import Problem, ValidationFailed
from stakegraph.loaders.readers import RawRow, RawTable, read_table
from stakegraph.loaders.report import Counts, LoadReport, TableReport
from stakegraph.loaders.tables import LOAD_ORDER, Column, Tables, TableSpec, tables
from stakegraph.loaders.template import write_templates

__all__ = [
    "LOAD_ORDER",
    "Column",
    "Counts",
    "LoadReport",
    "Problem",
    "RawRow",
    "RawTable",
    "TableReport",
    "TableSpec",
    "Tables",
    "ValidationFailed",
    "load_paths",
    "neutralise",
    "read_table",
    "tables",
    "validate_paths",
    "write_csv",
    "write_templates",
]
