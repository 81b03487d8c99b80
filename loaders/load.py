"""`load_paths`: read every file, validate everything, then write in batches (or, in a dry run,
only compare with the graph)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from stakegraph.loaders.ahead import ahead
from stakegraph.loaders.kumu import KumuMapping, default_mapping, is_kumu, kumu_tables
from stakegraph.loaders.plan import plan_steps
from stakegraph.loaders.problems import Problem, ValidationFailed
from stakegraph.loaders.readers import SUFFIXES, RawTable, read_table
from stakegraph.loaders.report import LoadReport
from stakegraph.loaders.tables import LOAD_ORDER, Tables, tables
from stakegraph.loaders.validate import (
    Dataset,
    check_duplicates,
    check_references,
    check_table,
    row_number,
)
from stakegraph.loaders.writer import run_step
from stakegraph.schema.combined import Model
from stakegraph.schema.declared import read_model
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

DEFAULT_BATCH_SIZE = 5000


def collect_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Returns the files named or found (non-recursively) in the folders named, and problems
    with paths that do not exist or hold nothing loadable."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in SUFFIXES
                # Dot files and Excel's lock files (~$book.xlsx) are never data.
                and not p.name.startswith((".", "~$"))
            )
            if not found:
                problems.append(Problem(str(path), None, None, None,
                                        "a folder holding .csv, .xlsx or .json files"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), None, None, None, "an existing file or folder"))
    if not paths:
        problems.append(Problem("", None, None, None, "at least one file or folder to load"))
    return files, problems


def _look_up(db: GraphDB) -> Callable[[Label, list[str]], dict[str, str | None]]:
    def look_up(label: Label, ids: list[str]) -> dict[str, str | None]:
        # One query per label for all referenced ids the files do not define.
        records = db.read(
            f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id AS id, n.kind AS kind",
            {"ids": ids},
        )
        return {r["id"]: r["kind"] for r in records}

    return look_up


def read_and_check(
    paths: Sequence[Path], specs: Tables, default_project: str | None = None,
    kumu: KumuMapping | None = None,
) -> tuple[Dataset, list[RawTable]]:
    """Returns the dataset of all files (problems found so far in ``dataset.problems``) checked
    against the tables ``specs``, without touching the graph. A Kumu map (a blueprint, or a
    workbook of Elements and Connections) is translated into the loader's tables by ``kumu``
    (default: the default mapping)."""
    files, problems = collect_files(paths)
    dataset = Dataset(specs, problems=problems)
    raw_tables: list[RawTable] = []
    for path in files:
        try:
            read = read_table(path)
            if is_kumu(read):
                read = kumu_tables(read, kumu or default_mapping(), specs, default_project)
            raw_tables.extend(read)
        except ValidationFailed as failed:
            dataset.problems.extend(failed.problems)
        dataset.sources.append(str(path))
    for table in raw_tables:
        records = check_table(table, specs, default_project)
        named = table.field_names
        dataset.problems.extend(
            replace(p, column=named.get(p.column, p.column)) if p.column in named else p
            for p in table.problems
        )
        if records and all(record.valid for record in records):
            dataset.records.setdefault(table.name, []).extend(records)
            continue
        for record in records:
            chosen = dataset.records if record.valid else dataset.rejected
            chosen.setdefault(table.name, []).append(record)
    check_duplicates(dataset)
    return dataset, raw_tables


def validate_paths(
    db: GraphDB, paths: Sequence[Path], *, default_project: str | None = None,
    model: Model | None = None, kumu: KumuMapping | None = None,
) -> Dataset:
    """Returns the checked dataset of ``paths``; raises `ValidationFailed` listing every problem.

    Files are checked against the tables of ``model`` (default: the model in force in the
    graph, declared extensions included); references against the files and then the graph
    (one query per label).
    """
    model = model or read_model(db)
    dataset, _ = read_and_check(paths, tables(model), default_project, kumu)
    check_references(dataset, _look_up(db))
    if dataset.problems:
        raise ValidationFailed(sorted(
            dataset.problems, key=lambda p: (p.file, row_number(p.row), p.column or "")))
    return dataset


def load_paths(
    db: GraphDB,
    paths: Sequence[Path],
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[str, int, int], None] | None = None,
    default_project: str | None = None,
    model: Model | None = None,
    kumu: KumuMapping | None = None,
) -> LoadReport:
    """Returns what the load created, updated and left unchanged (or, with ``dry_run``, would).

    Everything is validated before anything is written; any problem raises `ValidationFailed`
    and nothing is written. ``default_project`` fills ``project_id`` where a file leaves it
    out or empty. ``progress(table, done, total)`` is called after every batch. ``model`` is
    the model to load by (default: the one in force in the graph); ``kumu`` the mapping Kumu
    maps are read with (default: `default_mapping`).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    with _cyclic_gc_paused():
        # The load's millions of objects are gone by the time the collector is back on (they
        # are local to `_load`), so it has nothing left to scan.
        return _load(db, paths, dry_run=dry_run, batch_size=batch_size,
                     progress=progress, default_project=default_project, model=model,
                     kumu=kumu)


def _load(
    db: GraphDB,
    paths: Sequence[Path],
    *,
    dry_run: bool,
    batch_size: int,
    progress: Callable[[str, int, int], None] | None,
    default_project: str | None,
    model: Model | None,
    kumu: KumuMapping | None,
) -> LoadReport:
    dataset = validate_paths(db, paths, default_project=default_project, model=model, kumu=kumu)
    report = LoadReport(dry_run=dry_run, files=list(dataset.sources))
    for name in LOAD_ORDER:
        if name in dataset.records:
            report.table(name).rows += len(dataset.records[name])
    # The rows of later steps are built while Neo4j writes the earlier ones.
    for step in ahead(plan_steps(dataset)):
        counts = run_step(db, step, write=not dry_run,
                          batch_size=batch_size, progress=progress)
        table_report = report.table(step.table)
        (table_report.nodes if step.is_nodes else table_report.relationships).add(counts)
    return report


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # A large load holds millions of small dicts and records without reference cycles;
    # the cycle collector would re-scan them all again and again (about half the Python
    # time of a 100k-stakeholder load). Reference counting still frees everything.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
