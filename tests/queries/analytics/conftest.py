"""Fixtures for the analytics tests: reference networks loaded through our own loader."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from stakegraph.schema.graphdb import GraphDB

# The suite imports test modules by path (--import-mode=importlib), which puts nothing on
# sys.path; the tests here share the reference-network helpers of this folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analytics_reference import REFERENCE

# Columns that hold node ids in the loader's CSV formats (see loaders/README.md).
ID_COLUMNS = frozenset(
    {"id", "member_id", "organisation_id", "source_id", "target_id", "project_id",
     "activity_id", "stakeholder_id"}
)


def prefixed_copy(source: Path, dest: Path, prefix: str) -> Path:
    """Returns ``dest`` after copying the CSV folder ``source`` with ``prefix`` before every id."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
            header = list(rows[0]) if rows else []
        with (dest / path.name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: (prefix + v if k in ID_COLUMNS and v else v) for k, v in row.items()}
                )
    return dest


@pytest.fixture
def load_reference(
    db: GraphDB, scratch: str, tmp_path: Path
) -> Callable[[str], str]:
    """Loads ``loaders/reference/<name>`` under this test's scratch prefix; returns the prefix."""
    from stakegraph.loaders import load_paths  # the loader package, imported when first needed

    def load(name: str) -> str:
        folder = prefixed_copy(REFERENCE / name, tmp_path / name, scratch)
        load_paths(db, [folder])
        return scratch

    return load
