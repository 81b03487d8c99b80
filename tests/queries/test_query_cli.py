"""`stakegraph query` as a user runs it: a subprocess against the test Neo4j."""

from __future__ import annotations

import csv
import io
import json
import subprocess

from neo4j import Driver
from stakegraph.queries.library import all_queries, headline, questions


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


def test_list_is_one_line_per_question_in_80_columns(cli_env: dict[str, str]) -> None:
    out = subprocess.run(
        ["stakegraph", "query", "--list"], env={**cli_env, "COLUMNS": "80"},
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    asked = questions()
    internal = sorted(set(all_queries()) - set(asked))
    assert len(lines) == len(asked) + 2  # a heading, the questions, a pointer to the rest
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    for line, (name, query) in zip(lines[1:-1], sorted(asked.items()), strict=True):
        assert line.split()[0] == name
        shown = line[line.index(name) + len(name):].strip().rstrip("…")
        assert query.headline.startswith(shown) and shown, line
    assert not any(name in out.stdout for name in internal)
    assert f"{len(internal)} internal queries" in lines[-1] and "--all" in lines[-1]


def test_list_all_sets_the_internal_queries_apart(cli_env: dict[str, str]) -> None:
    out = _run(cli_env, "--list", "--all")
    assert out.returncode == 0, out.stderr
    questions_part, internal_part = out.stdout.split("Internal queries")
    assert set(questions()) == {ln.split()[0] for ln in questions_part.splitlines()[1:] if ln}
    assert set(all_queries()) - set(questions()) == {
        ln.split()[0] for ln in internal_part.splitlines()[1:] if ln
    }


def test_list_with_a_name_shows_that_query_in_full(cli_env: dict[str, str]) -> None:
    out = _run(cli_env, "ego_network", "--list")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ego_network\n")
    assert "hops (int = 2)" in out.stdout and ":param stakeholder =>" in out.stdout
    _one_line_error(_run(cli_env, "ego_netwrk", "--list"), "did you mean", "ego_network")


def test_headline_is_the_first_sentence_up_to_a_colon_without_asides() -> None:
    assert headline("Who can reach the Q3 stakeholders (high impact, low interest: disengaged) "
                    "within $hops ties. More text.") == (
        "Who can reach the Q3 stakeholders within $hops ties")
    assert headline("The ego network of a stakeholder: everyone (any direction) near.") == (
        "The ego network of a stakeholder")
    assert headline("No full stop") == "No full stop"


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
