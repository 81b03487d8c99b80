"""CSV export that a spreadsheet cannot turn into a formula (CSV injection)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

# Characters with which a spreadsheet starts a formula (or DDE) when a cell is opened.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Plain numbers ("-3", "+1.5e3") stay numbers; only text that could act as a formula is guarded.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: object) -> object:
    """Returns ``value``, with a leading apostrophe if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Writes a UTF-8 CSV with formula-like text cells neutralised; returns the rows written."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow(["" if v is None else neutralise(v) for v in row])
            count += 1
    return count
