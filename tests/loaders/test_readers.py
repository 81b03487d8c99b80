"""Readers and the CSV writer, on real files: encodings, delimiters, quoting, Excel, JSON."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from stakegraph.loaders import ValidationFailed, neutralise, read_table, write_csv

HEADER = "id,name,kind,notes"


def test_csv_with_bom_is_read_without_the_mark(tmp_path: Path) -> None:
    path = tmp_path / "stakeholders.csv"
    path.write_bytes(("\ufeff" + HEADER + "\nx1,Ann,person,\n").encode("utf-8"))
    [table] = read_table(path)
    assert table.name == "stakeholders"
    assert table.columns == ["id", "name", "kind", "notes"]
    assert table.rows[0].cells["id"] == "x1"


def test_semicolon_csv_is_detected_and_commas_stay_in_cells(tmp_path: Path) -> None:
    path = tmp_path / "stakeholders.csv"
    path.write_text("ID;Name;Kind;Notes\nx1;Lee, Ann;person;a, b\n", encoding="utf-8")
    [table] = read_table(path)
    assert table.columns == ["id", "name", "kind", "notes"]
    assert table.rows[0].cells == {"id": "x1", "name": "Lee, Ann", "kind": "person",
                                   "notes": "a, b"}


def test_quoted_newlines_count_as_one_spreadsheet_row(tmp_path: Path) -> None:
    path = tmp_path / "stakeholders.csv"
    path.write_text(HEADER + '\nx1,Ann,person,"line one\nline two"\nx2,Bob,person,\n',
                    encoding="utf-8")
    [table] = read_table(path)
    assert [r.where for r in table.rows] == [2, 3]
    assert table.rows[0].cells["notes"] == "line one\nline two"


def test_non_utf8_csv_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "stakeholders.csv"
    path.write_bytes((HEADER + "\nx1,Zo\xeb,person,\n").encode("latin-1"))
    with pytest.raises(ValidationFailed) as failed:
        read_table(path)
    assert "UTF-8" in failed.value.problems[0].expected


def test_duplicate_header_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "stakeholders.csv"
    path.write_text("id,name,Name,kind\nx1,A,B,person\n", encoding="utf-8")
    [table] = read_table(path)
    assert [(p.row, p.column) for p in table.problems] == [(1, "name")]


def test_xlsx_sheets_are_kinds_and_formulas_stay_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "stakeholders"
    sheet.append(["id", "name", "kind", "notes"])
    sheet.append(["x1", "Ann", "person", "=HYPERLINK(\"http://evil\")"])
    sheet.append([None, None, None, None])
    sheet.append([17, "Bob", "person", datetime(2025, 3, 14)])
    vocab = book.create_sheet("vocab")
    vocab.append(["ignored"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    [table] = read_table(path)
    assert table.name == "stakeholders" and table.source == "book.xlsx[stakeholders]"
    assert [r.where for r in table.rows] == [2, 4]
    assert table.rows[0].cells["notes"] == '=HYPERLINK("http://evil")'
    assert table.rows[1].cells["id"] == 17


def test_json_document_gives_one_table_per_key_with_json_paths(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    path.write_text(json.dumps({
        "stakeholders": [{"id": "x1", "name": "Ann", "kind": "person", "societal": True}],
        "ties": [{"source_id": "x1", "target_id": "x2", "type": "trusts", "weight": 2}, 7],
    }), encoding="utf-8")
    stakeholders, ties = read_table(path)
    assert stakeholders.rows[0].where == "$.stakeholders[0]"
    assert stakeholders.rows[0].cells["societal"] is True
    assert ties.rows[0].cells["weight"] == 2
    assert [(p.row, p.expected) for p in ties.problems] == [("$.ties[1]", "an object")]


def test_json_that_is_not_an_object_of_lists_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        read_table(path)


def test_write_csv_neutralises_formula_like_text_but_not_numbers(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows = [["=1+2", "+cmd", "-x", "@SUM(A1)", "\tx", "\rx", "-3.5", "+1", "plain", None, 4]]
    assert write_csv(path, ["a"] * 11, rows) == 1
    with path.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))[1]
    assert written == ["'=1+2", "'+cmd", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "-3.5", "+1",
                       "plain", "", "4"]
    assert neutralise(-3) == -3
