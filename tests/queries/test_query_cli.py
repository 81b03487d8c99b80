"""`stakegraph query` as a user runs it: a subprocess against the test Neo4j."""

from __future__ import annotations

import csv
import io
import json
import subprocess

from neo4j import Driver
from stakegraph.queries.library import all_queries


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["stakegraph", "query", *args],
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _project(driver: Driver, database: str, scratch: str) -> None:
    # Two stakeholders of project P: Alpha q4 (8/9) and a formula-like name, q1 (2/2), both
    # assessed on 2025-03-01.
    driver.execute_query(
        """
        CREATE (p:Project {id: $p + 'P', name: 'Pilot'})
        CREATE (a:Stakeholder:Person {id: $p + 'a', name: 'Alpha', kind: 'person'})
        CREATE (b:Stakeholder:Person {id: $p + 'b', name: '=HYPERLINK("x")', kind: 'person'})
        CREATE (a)-[:ASSESSED {id: $p + 'a|P', date: date('2025-03-01'), assessor: 'x',
                               interest: 8, impact: 9, quadrant: 'q4'}]->(p)
        CREATE (b)-[:ASSESSED {id: $p + 'b|P', date: date('2025-03-01'), assessor: 'x',
                               interest: 2, impact: 2, quadrant: 'q1'}]->(p)
        """,
        p=scratch,
        database_=database,
    )


def test_list_shows_every_query(cli_env: dict[str, str]) -> None:
    out = _run(cli_env, "--list")
    assert out.returncode == 0, out.stderr
    for name in all_queries():
        assert name in out.stdout
    assert "hops (int = 2)" in out.stdout


def test_run_as_json_csv_and_table(
    cli_env: dict[str, str], driver: Driver, database: str, scratch: str
) -> None:
    _project(driver, database, scratch)
    args = ("quadrants", "--param", f"project={scratch}P", "--param", "at=2025-06-01")
    as_json = _run(cli_env, *args, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    # Q4 before Q1; dates come out as ISO strings.
    assert [(r["name"], r["quadrant"], r["assessed_on"]) for r in rows] == [
        ("Alpha", "q4", "2025-03-01"),
        ('=HYPERLINK("x")', "q1", "2025-03-01"),
    ]
    as_csv = _run(cli_env, *args, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    # The formula-like name is quoted so a spreadsheet shows it as text.
    assert [r["name"] for r in table] == ["Alpha", '\'=HYPERLINK("x")']
    assert table[0]["interest"] == "8" and table[0]["assessed_on"] == "2025-03-01"
    as_table = _run(cli_env, *args)
    assert as_table.returncode == 0, as_table.stderr
    assert "Alpha" in as_table.stdout and "2025-03-01" in as_table.stdout
    # Before the assessments there is nothing to show.
    empty = _run(cli_env, "quadrants", "-p", f"project={scratch}P", "-p", "at=2025-01-01")
    assert empty.returncode == 0 and "(no rows)" in empty.stdout


def _one_line_error(out: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    for needle in needles:
        assert needle in out.stderr


def test_errors_are_one_line_with_exit_code_2(cli_env: dict[str, str]) -> None:
    _one_line_error(_run(cli_env, "quadrant"), "unknown query 'quadrant'", "quadrants")
    _one_line_error(_run(cli_env, "quadrants"), "missing required parameter 'project'")
    _one_line_error(
        _run(cli_env, "quadrants", "-p", "project=x", "-p", "at=31/01/2025"), "expects a date"
    )
    _one_line_error(_run(cli_env, "quadrants", "-p", "project"), "not key=value")
    _one_line_error(_run(cli_env), "--list")
