"""Hostile input for every loader format (CSV, XLSX, JSON), generated with hypothesis.

The property throughout: a load ends either in `ValidationFailed` whose problems say where
(file, and row/column for a cell) and what was expected, with nothing under the example's id
prefix in the graph, or in a correct load (the graph holds exactly what the file said). Any
other exception fails the test. Every example gets its own id prefix under the test's scratch
prefix, so the checks see only what that example wrote.

The number of generated inputs is written to the terminal at the end of the module;
STAKEGRAPH_FUZZ_SCALE=10 runs ten times as many.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from neo4j import Driver
from stakegraph.loaders import LoadReport, ValidationFailed, load_paths, neutralise, tables
from stakegraph.schema.combined import Model
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

FORMATS = ("csv", "xlsx", "json")
SPECS = tables(Model.shipped()).specs
KIND_NAMES = tuple(k.name for k in SPECS)
# Characters a spreadsheet starts a formula with, and payloads built on them.
INJECTIONS = (
    "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x.test\",\"click\")", "+1+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "=1,2;3",
)
# Look-alikes and invisible marks that make two ids differ while they print the same.
CONFUSABLES: dict[str, Callable[[str], str]] = {
    "cyrillic a": lambda s: s.replace("a", "\u0430"),
    "greek o": lambda s: s.replace("o", "\u03bf"),
    "zero-width joiner": lambda s: s[:1] + "\u200d" + s[1:],
    "zero-width space": lambda s: s + "\u200b",
    "right-to-left mark": lambda s: "\u200f" + s,
    "soft hyphen": lambda s: s[:1] + "\u00ad" + s[1:],
    "NFD": lambda s: unicodedata.normalize("NFD", s),
    "NFC": lambda s: unicodedata.normalize("NFC", s),
    "fullwidth": lambda s: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s),
}
# openpyxl refuses these in cells (XML 1.0 cannot hold them).
_XML_ILLEGAL = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32))}

_FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)



def fuzz(examples: int) -> settings:
    """Returns the settings of a fuzz test: ``examples`` inputs (times STAKEGRAPH_FUZZ_SCALE,
    default 1, for a longer hunt outside CI), no deadline, no saved database."""
    scale = float(os.environ.get("STAKEGRAPH_FUZZ_SCALE", "1"))
    return settings(_FUZZ, max_examples=max(1, round(examples * scale)))


_run = {"examples": 0}


def counted() -> None:
    """Counts one generated input (reported at the end of the module)."""
    _run["examples"] += 1


@pytest.fixture(scope="module", autouse=True)
def report_examples(request: pytest.FixtureRequest) -> Iterator[None]:
    """Writes the number of generated inputs to the terminal when the module is done."""
    yield
    line = f"loader fuzz: {_run['examples']} generated inputs run"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        print(line)
        return
    # Past pytest's output capture, so the count shows in every run, passing or not.
    with capture.global_and_fixture_disabled():
        print(f"\n{line}")


@dataclass
class Loader:
    """Runs loads of one test: each example in a fresh folder, under a fresh id prefix."""

    driver: Driver
    database: str
    root: Path
    scratch: str
    nodes_under: Callable[[str], int]

    def __post_init__(self) -> None:
        self._numbers = itertools.count()

    def fresh(self) -> tuple[Path, str]:
        """Returns an empty folder and an id prefix no other example uses."""
        n = next(self._numbers)
        folder = self.root / f"ex{n}"
        folder.mkdir()
        return folder, f"{self.scratch}{n}-"

    def attempt(self, paths: list[Path], prefix: str) -> LoadReport | ValidationFailed:
        """Returns the report of a load that worked, or the refusal after checking that it
        names where each problem is and that nothing was written."""
        counted()
        try:
            report = load_paths(GraphDB(self.driver, self.database), paths)
        except ValidationFailed as failed:
            assert failed.problems, "ValidationFailed without problems"
            names = {p.name for p in paths} | {str(p) for p in paths}
            for problem in failed.problems:
                assert any(n in problem.file for n in names), problem
                assert problem.expected.strip(), problem
                # A problem in a column is a problem in a row (the header is row 1).
                assert problem.column is None or problem.row is not None, problem
            assert self.nodes_under(prefix) == 0, "a refused load wrote something"
            return failed
        return report

    def stakeholders(self, prefix: str) -> dict[str, dict[str, Any]]:
        """Returns the stakeholders under ``prefix`` by id, with their properties."""
        records, _, _ = self.driver.execute_query(
            f"MATCH (s:{Label.STAKEHOLDER}) WHERE s.id STARTS WITH $p "
            "RETURN s.id AS id, properties(s) AS props",
            p=prefix, database_=self.database,
        )
        return {r["id"]: r["props"] for r in records}


@pytest.fixture
def loader(driver: Driver, database: str, tmp_path: Path, scratch: str,
           nodes_under: Callable[[str], int]) -> Loader:
    """A `Loader` for this test."""
    return Loader(driver, database, tmp_path, scratch, nodes_under)


def write_table(folder: Path, fmt: str, kind: str, header: list[str],
                rows: list[list[Any]]) -> Path:
    """Writes one table as ``kind.<fmt>`` (a sheet called ``kind`` for xlsx); returns the path."""
    path = folder / f"{kind}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows([header, *rows])
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    elif fmt == "json":
        items = [dict(zip(header, row, strict=True)) for row in rows]
        path.write_text(json.dumps({kind: items}), encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = kind
        for row in [header, *rows]:
            sheet.append(row)
        book.save(path)
    return path


# --- random bytes and wrong encodings --------------------------------------------------------


@fuzz(150)
@given(
    fmt=st.sampled_from(FORMATS),
    kind=st.sampled_from(KIND_NAMES),
    head=st.sampled_from([b"", b"id,name,kind\n", b'{"stakeholders": [', b"PK\x03\x04",
                          b"\xef\xbb\xbf", b"\xff\xfe", b"source_id;target_id;type\r\n"]),
    body=st.binary(max_size=3000),
)
def test_random_bytes_never_crash(loader: Loader, fmt: str, kind: str, head: bytes,
                                  body: bytes) -> None:
    folder, prefix = loader.fresh()
    path = folder / f"{kind}.{fmt}"
    # After a CSV header, the first cell is under the prefix: nothing lands outside scratch.
    path.write_bytes(head + (prefix.encode() if head.endswith(b"\n") else b"") + body)
    loader.attempt([path], prefix)


_ROW_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=30
)


@fuzz(60)
@given(
    fmt=st.sampled_from(("csv", "json")),
    encoding=st.sampled_from(("latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be",
                              "utf-8-sig", "utf-8")),
    names=st.lists(_ROW_TEXT, min_size=1, max_size=4),
)
def test_wrong_encodings_are_refused_or_read_exactly(loader: Loader, fmt: str, encoding: str,
                                                     names: list[str]) -> None:
    folder, prefix = loader.fresh()
    names = [n.strip() or "x" for n in names]
    header = ["id", "name", "kind"]
    rows = [[f"{prefix}s{i}", name, "person"] for i, name in enumerate(names)]
    path = write_table(folder, fmt, "stakeholders", header, rows)
    text = path.read_bytes().decode("utf-8")  # not read_text: it would turn CR into LF
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        assume(False)
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    outcome = loader.attempt([path], prefix)
    if isinstance(outcome, ValidationFailed):
        # Refused: only when the bytes are not the UTF-8 of the text (or the text holds NUL).
        assert raw != text.encode("utf-8") or any("\x00" in n for n in names)
        return
    # Loaded: the bytes were UTF-8 (Latin-1 bytes can spell other UTF-8 text; that is what the
    # file then says), and when they spell the text itself the names came through exactly.
    raw.decode("utf-8")
    if raw == text.encode("utf-8"):
        stored = loader.stakeholders(prefix)
        assert {k: v["name"] for k, v in stored.items()} == {r[0]: r[1].strip() for r in rows}


# --- text cells: injection payloads, control characters, confusables -------------------------

_ANY_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), max_size=40
)
_CELL = st.one_of(
    _ANY_TEXT,
    st.sampled_from(INJECTIONS),
    st.builds(lambda a, b: a + b, st.sampled_from(INJECTIONS), _ANY_TEXT),
    st.sampled_from(["", " ", "\u00a0", "\u200b", "\u202e evil", "a\x00b", "\r\n", "null"]),
)
_ID_CORE = st.text(
    alphabet=st.sampled_from([*"ab-_.:é0", "\u0430", "\u200d", "\u200f", "\u0301", "\t", " ",
                              "\x00", "\u3000", "\U0001f600"]),
    min_size=0, max_size=8,
)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _id_ok(ident: str) -> bool:
    return bool(ident) and len(ident) <= 200 and all(ord(c) >= 32 for c in ident)


@fuzz(120)
@given(
    fmt=st.sampled_from(FORMATS),
    rows=st.lists(st.tuples(_ID_CORE, _CELL, _CELL), min_size=1, max_size=5),
)
def test_text_cells_are_stored_as_given_or_refused_by_row(
    loader: Loader, fmt: str, rows: list[tuple[str, str, str]]
) -> None:
    folder, prefix = loader.fresh()
    if fmt == "xlsx":
        assume(not any(set(c) & _XML_ILLEGAL for row in rows for c in row))
    if fmt == "xlsx":
        # XML turns a line break's CR into LF when the workbook is read: the file holds LF.
        rows = [(a, _lf(b), _lf(c)) for a, b, c in rows]
    table = [[prefix + core, name, "person", notes] for core, name, notes in rows]
    path = write_table(folder, fmt, "stakeholders", ["id", "name", "kind", "notes"], table)
    ids = [row[0].strip() for row in table]
    has_nul = any("\x00" in c for row in table for c in row)
    rows_ok = [
        _id_ok(row[0].strip()) and bool(row[1].strip()) and "\x00" not in "".join(row)
        for row in table
    ]
    expect_ok = all(rows_ok) and len(set(ids)) == len(ids)
    outcome = loader.attempt([path], prefix)
    if isinstance(outcome, ValidationFailed):
        assert not expect_ok, f"a valid file was refused: {table!r}: {outcome.problems}"
        # Each refused row is named (a NUL refuses the whole CSV file instead).
        bad_rows = {i for i, ok in enumerate(rows_ok) if not ok}
        if bad_rows and not (has_nul and fmt == "csv"):
            named = {p.row for p in outcome.problems}
            wanted = {i + 2 if fmt != "json" else f"$.stakeholders[{i}]" for i in bad_rows}
            assert wanted <= named, (wanted, outcome.problems)
        return
    assert expect_ok and not has_nul, f"an invalid file was loaded: {table!r}"
    stored = loader.stakeholders(prefix)
    expected = {
        row[0].strip(): {"name": row[1].strip(), "notes": row[3].strip() or None}
        for row in table
    }
    assert {k: {"name": v["name"], "notes": v.get("notes")} for k, v in stored.items()} == expected


@fuzz(40)
@given(fmt=st.sampled_from(FORMATS), payload=st.sampled_from(INJECTIONS),
       tail=st.text(max_size=10))
def test_csv_injection_is_stored_as_text_and_neutralised_on_export(
    loader: Loader, fmt: str, payload: str, tail: str
) -> None:
    folder, prefix = loader.fresh()
    assume(fmt != "xlsx" or not set(tail) & _XML_ILLEGAL)
    assume("\x00" not in tail)
    name = payload + (_lf(tail) if fmt == "xlsx" else tail)  # XML reads CR back as LF
    path = write_table(folder, fmt, "stakeholders", ["id", "name", "kind"],
                       [[prefix + "x", name, "person"]])
    assert isinstance(loader.attempt([path], prefix), LoadReport)
    stored = loader.stakeholders(prefix)[prefix + "x"]["name"]
    assert stored == name.strip()
    exported = neutralise(stored)
    assert isinstance(exported, str)
    assert not exported.startswith(("=", "+", "-", "@", "\t", "\r"))


@fuzz(60)
@given(
    fmt=st.sampled_from(FORMATS),
    base=st.sampled_from(["ana", "bob", "jose\u0301", "caf\u00e9", "zo\u00eb", "org-a"]),
    confusable=st.sampled_from(sorted(CONFUSABLES)),
    referenced_as=st.sampled_from(("source_id", "target_id")),
)
def test_confusable_ids_never_match_silently(
    loader: Loader, fmt: str, base: str, confusable: str, referenced_as: str
) -> None:
    """A tie naming a look-alike of a defined id is refused (the reference is reported), unless
    the two are the very same string."""
    folder, prefix = loader.fresh()
    ann, other = prefix + base, prefix + "other"
    lookalike = prefix + CONFUSABLES[confusable](base)
    people = write_table(folder, fmt, "stakeholders", ["id", "name", "kind"],
                         [[ann, "Ann", "person"], [other, "Other", "person"]])
    ends = {"source_id": lookalike, "target_id": other}
    if referenced_as == "target_id":
        ends = {"source_id": other, "target_id": lookalike}
    ties = write_table(folder, fmt, "ties", ["source_id", "target_id", "type"],
                       [[ends["source_id"], ends["target_id"], "trusts"]])
    outcome = loader.attempt([people, ties], prefix)
    if lookalike == ann:
        assert isinstance(outcome, LoadReport)
        return
    assert isinstance(outcome, ValidationFailed), (
        f"{confusable} look-alike {lookalike!r} was taken for {ann!r}")
    # Refused for the right reason: the tie's reference to the look-alike, row 2 of ties.
    assert [(p.row, p.column, p.value) for p in outcome.problems] == [
        (2 if fmt != "json" else "$.ties[0]", referenced_as, lookalike)], outcome.problems


# --- size and shape: huge fields, deep JSON, many columns, random structure ----------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_huge_fields_load_exactly_or_are_refused_with_the_row(loader: Loader, fmt: str) -> None:
    folder, prefix = loader.fresh()
    huge = "Lorem ipsum dolor sit amet, " * 110_000  # about 3 MB
    path = write_table(folder, fmt, "stakeholders", ["id", "name", "kind", "notes"],
                       [[prefix + "big", "Big", "person", huge],
                        [prefix + "small", "Small", "person", ""]])
    outcome = loader.attempt([path], prefix)
    if isinstance(outcome, LoadReport):
        stored = loader.stakeholders(prefix)
        # openpyxl writes at most Excel's 32,767 characters to a cell: that is what the file holds.
        held = huge[:32_767] if fmt == "xlsx" else huge
        assert stored[prefix + "big"]["notes"] == held.strip()
        assert "notes" not in stored[prefix + "small"]
    else:
        assert outcome.problems[0].row is not None, outcome.problems


@fuzz(30)
@given(depth=st.integers(min_value=1, max_value=200_000),
       where=st.sampled_from(("document", "kind", "cell", "row")))
def test_deep_json_is_refused_clearly(loader: Loader, depth: int, where: str) -> None:
    folder, prefix = loader.fresh()
    nested = "[" * depth + "]" * depth
    document = {
        "document": nested,
        "kind": '{"stakeholders": ' + nested + "}",
        "cell": '{"stakeholders": [{"id": "' + prefix + 'x", "name": ' + nested
                + ', "kind": "person"}]}',
        "row": '{"stakeholders": [' + nested + "]}",
    }[where]
    path = folder / "graph.json"
    path.write_text(document, encoding="utf-8")
    # Only an empty list of stakeholders is a (trivially) correct load.
    outcome = loader.attempt([path], prefix)
    assert isinstance(outcome, ValidationFailed) or (where == "kind" and depth == 1)


@fuzz(15)
@given(fmt=st.sampled_from(FORMATS), extra=st.integers(min_value=50, max_value=3000),
       duplicate=st.booleans())
def test_very_many_columns_are_each_reported(loader: Loader, fmt: str, extra: int,
                                             duplicate: bool) -> None:
    folder, prefix = loader.fresh()
    if fmt == "xlsx":
        extra = min(extra, 500)  # keep the workbook quick to write
    columns = [f"col{i}" if not duplicate else "name" for i in range(extra)]
    header = ["id", "name", "kind", *columns]
    row = [prefix + "x", "X", "person", *(["v"] * extra)]
    if fmt == "json" and duplicate:
        # JSON keys are unique, so the duplicates differ in case and spacing only.
        header = ["id", "name", "kind"] + [f"Name{' ' * i}" for i in range(1, extra + 1)]
    path = write_table(folder, fmt, "stakeholders", header, [row])
    outcome = loader.attempt([path], prefix)
    assert isinstance(outcome, ValidationFailed)
    named = {p.column for p in outcome.problems}
    assert "name" in named if duplicate else set(columns) <= named


_JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False), _ANY_TEXT, st.sampled_from(["2025-03-14", "person", "trusts"]),
)
_JSON_VALUE = st.recursive(
    _JSON_SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(_ANY_TEXT, inner, max_size=3)),
    max_leaves=12,
)


@fuzz(120)
@given(data=st.data())
def test_random_json_documents_never_crash(loader: Loader, data: st.DataObject) -> None:
    folder, prefix = loader.fresh()
    kind = data.draw(st.sampled_from(KIND_NAMES))
    spec = next(k for k in SPECS if k.name == kind)
    row = data.draw(st.fixed_dictionaries(
        {},
        optional={c.name: _JSON_VALUE for c in spec.columns},
    ))
    # Ids under this example's prefix, so whatever is written is checked and cleaned up.
    for name in ("id", *(c.name for c in spec.columns if c.ref is not None)):
        value = row.get(name)
        if value is not None and not isinstance(value, dict | list):
            row[name] = prefix + str(value)
    extra = data.draw(st.dictionaries(st.sampled_from((*KIND_NAMES, "", "x")), _JSON_VALUE,
                                      max_size=2))
    extra.pop(kind, None)
    extra = {k: v for k, v in extra.items() if not isinstance(v, list) or not v}
    path = folder / "graph.json"
    path.write_text(json.dumps({kind: [row], **extra}), encoding="utf-8")
    loader.attempt([path], prefix)


_XLSX_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=date(1900, 3, 1)), st.datetimes(min_value=datetime(1900, 3, 1)),
    _ANY_TEXT.filter(lambda s: not set(s) & _XML_ILLEGAL),
    st.sampled_from(INJECTIONS[:5]),
)


@fuzz(40)
@given(data=st.data())
def test_random_workbooks_never_crash(loader: Loader, data: st.DataObject) -> None:
    folder, prefix = loader.fresh()
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for title in data.draw(st.lists(st.sampled_from((*KIND_NAMES, "vocab", "Sheet 1")),
                                    min_size=1, max_size=3, unique=True)):
        sheet = book.create_sheet(title)
        spec = next((k for k in SPECS if k.name == title), None)
        names = [c.name for c in spec.columns] if spec else ["a", "b"]
        header = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names),
                                    unique=True))
        sheet.append(header)
        for _ in range(data.draw(st.integers(0, 3))):
            cells = [data.draw(_XLSX_CELL) for _ in header]
            # Ids (of any type) under the prefix, so nothing lands outside scratch.
            cells = [prefix + str(c) if c is not None and h.endswith("id") else c
                     for h, c in zip(header, cells, strict=True)]
            sheet.append(cells)
    path = folder / "book.xlsx"
    book.save(path)
    loader.attempt([path], prefix)


@fuzz(200)
@given(text=st.one_of(_ANY_TEXT, st.builds(lambda a, b: a + b, st.sampled_from(INJECTIONS),
                                           _ANY_TEXT)))
def test_exported_cells_never_start_a_formula(text: str) -> None:
    counted()
    out = neutralise(text)
    assert isinstance(out, str)
    if out.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(out)  # only a plain number may keep its sign
    assert out in (text, "'" + text)
