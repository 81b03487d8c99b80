"""Readers: CSV, Excel and JSON files into raw tables of cells, with spreadsheet row numbers.

Nothing is interpreted here beyond the file format: cells come back as the file holds them
(text for CSV; text, numbers, booleans or datetimes for Excel and JSON).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stakegraph.loaders.cells import shown
from stakegraph.loaders.problems import Problem, ValidationFailed

SUFFIXES = (".csv", ".xlsx", ".json")
# The template's hidden sheet of vocabulary terms for the drop-downs; never data.
VOCAB_SHEET = "vocab"


@dataclass(frozen=True)
class RawRow:
    """One data row: where it is (spreadsheet row number or JSON path) and its cells by column."""

    where: int | str
    cells: Mapping[str, Any]


class CsvCells(Mapping[str, str]):
    """The cells of one CSV row by column: the row's texts as the csv module gives them, and
    the position of each column, shared by all rows of the file. The checker reads ``texts``
    by position, which spares a dict per row of a large file."""

    __slots__ = ("positions", "texts")

    def __init__(self, positions: dict[str, int], texts: list[str]) -> None:
        self.positions = positions
        self.texts = texts

    def __getitem__(self, name: str) -> str:
        return self.texts[self.positions[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.positions)

    def __len__(self) -> int:
        return len(self.positions)

    def as_dict(self) -> dict[str, str]:
        """Returns the cells as a plain dict."""
        texts = self.texts
        return {name: texts[position] for name, position in self.positions.items()}


@dataclass
class RawTable:
    """One file or sheet: its table name (file stem / sheet name / JSON key), columns and rows.

    ``columns`` are lower-cased and stripped; ``problems`` holds what is wrong with the table as a
    whole (duplicate header, unreadable file). ``field_names`` says what the file calls a
    column where that differs (a table translated from a Kumu map), so problems name the
    file's field.
    """

    name: str
    source: str
    columns: list[str]
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    field_names: dict[str, str] = field(default_factory=dict)


def read_table(path: Path) -> list[RawTable]:
    """Returns the tables of one file: one for a CSV, one per sheet or JSON key otherwise.

    Raises `ValidationFailed` if the file cannot be read at all.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".json":
        return _read_json(path)
    raise ValidationFailed(
        [Problem(path.name, None, None, path.suffix, "a .csv, .xlsx or .json file")]
    )


def _normalise_header(source: str, header: list[Any]) -> tuple[list[str], list[Problem]]:
    columns: list[str] = []
    problems: list[Problem] = []
    for position, raw in enumerate(header, start=1):
        name = "" if raw is None else str(raw).strip().lower()
        if not name:
            name = f"(column {position})"
        if name in columns:
            problems.append(Problem(source, 1, name, name, "each column name once in the header"))
        columns.append(name)
    return columns, problems


def _is_blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _delimiter(text: str) -> str:
    """Returns ';' when the header line has more semicolons than commas outside quotes."""
    commas = semicolons = 0
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch == "\n" and not quoted:
            break
        elif not quoted:
            commas += ch == ","
            semicolons += ch == ";"
    return ";" if semicolons > commas else ","


def _read_csv(path: Path) -> RawTable:
    try:
        # utf-8-sig drops a byte-order mark if there is one (Excel's "CSV UTF-8").
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            [Problem(path.name, None, None, f"byte {exc.start}", "UTF-8 text (save as CSV UTF-8)")]
        ) from exc
    if "\x00" in text:
        # UTF-16 without a byte-order mark decodes as "UTF-8" full of NULs; no text holds them.
        raise ValidationFailed(
            [Problem(path.name, None, None, f"NUL at character {text.index(chr(0))}",
                     "UTF-8 text without NUL characters (UTF-16? save as CSV UTF-8)")]
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    table = RawTable(path.stem.strip().lower(), path.name, [])
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ValidationFailed(
            [Problem(path.name, reader.line_num, None, None, f"well-formed CSV ({exc})")]
        ) from exc
    if not records:
        return table
    table.columns, table.problems = _normalise_header(path.name, list(records[0]))
    columns = table.columns
    width = len(columns)
    # A column named twice keeps its last cell, as a dict built from the row would.
    positions = {name: position for position, name in enumerate(columns)}
    rows = table.rows
    for number, record in enumerate(itertools.islice(records, 1, None), start=2):
        # csv gives only strings: a first cell with text, or else one join, spares a check per
        # cell.
        if not (record and record[0].strip()) and not "".join(record).strip():
            continue
        size = len(record)
        if size > width:
            extra = [v for v in record[width:] if v.strip()]
            if extra:
                table.problems.append(
                    Problem(path.name, number, None, extra[0],
                            f"at most {width} cells, as many as header columns")
                )
        elif size < width:
            # A short row's missing trailing cells are empty cells, as a spreadsheet shows them.
            record = [*record, *[""] * (width - size)]
        rows.append(RawRow(number, CsvCells(positions, record)))
    return table


def _read_xlsx(path: Path) -> list[RawTable]:
    import openpyxl  # deferred: only Excel loads pay for importing it

    try:
        # data_only=False: a formula cell comes back as its formula text, which is kept as text.
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        raise ValidationFailed(
            [Problem(path.name, None, None, None, f"a readable .xlsx workbook ({exc})")]
        ) from exc
    tables: list[RawTable] = []
    try:
        for sheet in book.worksheets:
            if sheet.title.strip().lower() == VOCAB_SHEET:
                continue
            source = f"{path.name}[{sheet.title}]"
            table = RawTable(sheet.title.strip().lower(), source, [])
            header_seen = False
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = list(values)
                if _is_blank(cells):
                    continue
                if not header_seen:
                    table.columns, table.problems = _normalise_header(source, cells)
                    header_seen = True
                    continue
                table.rows.append(RawRow(number, dict(zip(table.columns, cells, strict=False))))
            tables.append(table)
    finally:
        book.close()
    return tables


def _read_json(path: Path) -> list[RawTable]:
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(
            [Problem(path.name, None, None, None, f"a UTF-8 JSON document ({exc})")]
        ) from exc
    except RecursionError as exc:
        raise ValidationFailed(
            [Problem(path.name, None, None, None, "a JSON document nested at most a few "
                     "hundred levels deep (a graph needs only three: object, list, object)")]
        ) from exc
    except ValueError as exc:  # an integer of more digits than Python converts (thousands)
        raise ValidationFailed(
            [Problem(path.name, None, None, None, f"a JSON document of ordinary numbers ({exc})")]
        ) from exc
    if not isinstance(document, dict):
        raise ValidationFailed(
            [Problem(path.name, "$", None, type(document).__name__,
                     'an object of lists, e.g. {"stakeholders": [{...}], "ties": [...]}')]
        )
    tables: list[RawTable] = []
    for key, items in document.items():
        table = RawTable(str(key).strip().lower(), path.name, [])
        if not isinstance(items, list):
            table.problems.append(
                Problem(path.name, f"$.{key}", None, type(items).__name__, "a list of objects")
            )
            tables.append(table)
            continue
        columns: dict[str, None] = {}
        for index, item in enumerate(items):
            where = f"$.{key}[{index}]"
            if not isinstance(item, dict):
                table.problems.append(
                    Problem(path.name, where, None, shown(item), "an object")
                )
                continue
            cells: dict[str, Any] = {}
            for k, v in item.items():
                name = str(k).strip().lower()
                if name in cells:
                    # Keys differ only in case or spaces: one would silently win.
                    table.problems.append(Problem(path.name, where, name, str(k),
                                                  "each column once (case and spaces ignored)"))
                cells[name] = v
            columns.update(dict.fromkeys(cells))
            table.rows.append(RawRow(where, cells))
        table.columns = list(columns)
        tables.append(table)
    return tables
