"""`stakegraph person export|erase` as a user runs them: a subprocess against the test Neo4j."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from neo4j import Driver
from privacy_seed import audit_rows, state
from stakegraph.queries.privacy.rules import pseudonym


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["stakegraph", "person", *args], env=env, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_export_to_a_file_and_to_stdout(
    cli_env: dict[str, str], driver: Driver, database: str, people: str, tmp_path: Path
) -> None:
    me = people + "me"
    out = tmp_path / "mina.json"
    done = _run(cli_env, "export", me, "--out", str(out), "--actor", "dpo")
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text("utf-8"))
    assert doc["person"]["properties"]["email"] == "mina@example.org"
    assert len(doc["ties"]) == 3 and len(doc["assessments"]) == 2
    printed = _run(cli_env, "export", me)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["subject"] == me
    events = audit_rows(driver, database, me)
    assert len(events) == 2 and events[0]["actor"] == "dpo"
    # Without --actor the OS user is recorded.
    assert events[1]["actor"] not in ("", None, "dpo")


def test_erase_needs_confirmation_then_erases(
    cli_env: dict[str, str], driver: Driver, database: str, people: str
) -> None:
    me = people + "me"
    refused = _run(cli_env, "erase", me)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "error: erasing cannot be undone: add --yes to confirm"
    ]
    assert state(driver, database, me)["props"]["email"] == "mina@example.org"
    done = _run(cli_env, "erase", me, "--yes", "--actor", "dpo")
    assert done.returncode == 0, done.stderr
    assert "removed email, phone, notes" in done.stdout and "Kept 3 ties" in done.stdout
    assert state(driver, database, me)["props"]["name"] == pseudonym(me)
    again = _run(cli_env, "erase", me, "--yes", "--actor", "dpo")
    assert again.returncode == 0, again.stderr
    assert "Nothing personal left to erase" in again.stdout
    assert [(e["action"], e["actor"]) for e in audit_rows(driver, database, me)] == [
        ("erase", "dpo"), ("erase", "dpo"),
    ]


def test_unknown_ids_and_organisations_give_one_line(
    cli_env: dict[str, str], people: str, tmp_path: Path
) -> None:
    cases = [
        (("export", people + "nobody"), f"error: no stakeholder with id '{people}nobody'"),
        (("erase", people + "nobody", "--yes"), f"error: no stakeholder with id '{people}nobody'"),
        (("export", people + "org"), "only persons have personal data"),
        (("erase", people + "grp", "--yes"), "of kind group"),
        (("export", people + "me", "--out", str(tmp_path / "no" / "x.json")), "does not exist"),
    ]
    for args, message in cases:
        done = _run(cli_env, *args)
        assert done.returncode == 1, (args, done.stdout)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, done.stderr)
        assert "Traceback" not in done.stderr
