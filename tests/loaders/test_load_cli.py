"""`stakegraph load` and `stakegraph template` as a user runs them: a subprocess against the
test Neo4j, exit codes, readable tables and parseable --json."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import openpyxl
from loader_data import BASE, WriteFiles
from stakegraph.loaders import LOAD_ORDER, tables
from stakegraph.schema.combined import Model


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["stakegraph", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_load_reports_problems_as_json_and_a_table_with_exit_code_1(
    write_files: WriteFiles, cli_env: dict[str, str],
) -> None:
    folder = write_files({"ties.csv": BASE["ties.csv"] + "{p}ann,{p}ann,trust,,,\n"})
    result = _run(cli_env, "load", str(folder), "--json")
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert {(p["file"], p["row"], p["column"]) for p in problems} == {
        ("ties.csv", 5, "type"), ("ties.csv", 5, "target_id")}
    table = _run(cli_env, "load", str(folder))
    assert table.returncode == 1
    assert "ties.csv" in table.stdout and "closest: trusts" in table.stdout
    assert "nothing was written" in table.stderr


def test_load_then_reload_prints_summaries_and_json_reports(
    write_files: WriteFiles, cli_env: dict[str, str],
) -> None:
    folder = write_files()
    dry = _run(cli_env, "load", str(folder), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["report"]["dry_run"] is True
    first = _run(cli_env, "load", str(folder), "--batch-size", "2")
    assert first.returncode == 0, first.stderr
    assert "Loaded" in first.stdout and "stakeholders" in first.stdout
    again = _run(cli_env, "load", str(folder), "--json")
    report = json.loads(again.stdout)["report"]
    assert report["totals"]["nodes"]["created"] == 0
    assert report["totals"]["nodes"]["updated"] == 0
    assert report["totals"]["relationships"]["unchanged"] == json.loads(dry.stdout)["report"][
        "totals"]["relationships"]["created"]


def test_template_writes_csv_headers_and_a_workbook_with_drop_downs(
    tmp_path: Path, cli_env: dict[str, str],
) -> None:
    result = _run(cli_env, "template", str(tmp_path / "csv"))
    assert result.returncode == 0, result.stderr
    for kind in LOAD_ORDER:
        header = (tmp_path / "csv" / f"{kind}.csv").read_text(encoding="utf-8").strip()
        assert header == ",".join(tables(Model.shipped()).spec(kind).column_names)
    result = _run(cli_env, "template", str(tmp_path / "xl"), "--xlsx")
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "xl" / "stakegraph.xlsx")
    validated = {
        kind: {str(v.sqref).split(":")[0].rstrip("0123456789")
               for v in book[kind].data_validations.dataValidation}
        for kind in ("stakeholders", "assessments", "activities", "activity_links")
    }
    assert validated["stakeholders"] == {"C", "D", "H"}  # kind, sector, role
    assert "F" in validated["assessments"]  # category (9 Cs)
    assert {"D", "H", "I"} <= validated["activities"]  # type, stage, level
    assert {"B", "C"} <= validated["activity_links"]  # link, target (strategy, outcome, ...)
    vocab = book["vocab"]
    assert vocab.sheet_state == "hidden" and vocab["A1"].value
