"""An organisation extends the model without code, end to end on the real Neo4j: it declares a
sector term, a scheme of its own, a term property and a personal one; loads a register that uses
them; reads, filters and changes them through GraphQL served by two workers; exports them; erases
the personal one; and removing a term in use is refused, then done with --drop-data and audited."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from api_support import Client, Server, codes, start_server, stop_server, worker_pids
from stakegraph.schema.graphdb import GraphDB

pytestmark = pytest.mark.usefixtures("restore_model")

DECLARATION = """
[properties.stakeholder.local_authority]
type = "term"
scheme = "local_authority"
description = "The council area the stakeholder mainly works in."

[properties.person.home_postcode]
type = "text"
personal = true
description = "Where the person lives."

[schemes.local_authority]
title = "Local authorities"
terms = [
  { code = "leicester", label = "Leicester City Council" },
  { code = "rutland", label = "Rutland County Council" },
]

[terms]
sector = [{ code = "housing_association", label = "Housing association" }]
"""

# The same, without Rutland: a term a stakeholder uses.
WITHOUT_RUTLAND = DECLARATION.replace(
    '  { code = "rutland", label = "Rutland County Council" },\n', "")


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("stakegraph", path=env["PATH"])
    assert exe is not None
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=300)


def register(folder: Path, p: str) -> Path:
    folder.mkdir()
    rows = [
        ["id", "name", "kind", "sector", "local_authority", "home_postcode"],
        [f"{p}trust", "Housing Trust", "organisation", "Housing association",
         "Leicester City Council", ""],
        [f"{p}ann", "Ann Tenant", "person", "patients_public", "rutland", "LE1 1AA"],
        [f"{p}bob", "Bob Nurse", "person", "care_provider", "leicester", "LE2 2BB"],
    ]
    with (folder / "stakeholders.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return folder


def query(server: Server, headers: dict[str, str], text: str,
          variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return Client(server.url, headers).post(text, variables)


def test_declare_load_serve_export_erase_and_remove(
    db: GraphDB, scratch: str, cli_env: dict[str, str], api_env: dict[str, str],
    keys: dict[str, str], tmp_path: Path,
) -> None:
    declared = tmp_path / "extension.toml"
    declared.write_text(DECLARATION, encoding="utf-8")
    applied = cli(cli_env, "schema", "extend", str(declared), "--actor", "pytest")
    assert applied.returncode == 0, applied.stderr
    assert "add property stakeholder.local_authority (term)" in applied.stdout
    # The template has the columns; the loader checks and loads them.
    template = cli(cli_env, "template", str(tmp_path / "tpl"))
    assert template.returncode == 0, template.stderr
    header = (tmp_path / "tpl" / "stakeholders.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",notes,home_postcode,local_authority")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "stakeholders.csv").write_text(
        f"id,name,kind,local_athority\n{scratch}x,X,group,leicester\n", encoding="utf-8")
    refused = cli(cli_env, "load", str(bad), "--json")
    assert refused.returncode == 1
    problem = json.loads(refused.stdout)["problems"][0]
    assert problem["column"] == "local_athority" and "closest: local_authority" in problem[
        "expected"]
    loaded = cli(cli_env, "load", str(register(tmp_path / "register", scratch)))
    assert loaded.returncode == 0, loaded.stderr
    stored = db.read("MATCH (s:Stakeholder {id: $id}) RETURN s.sector AS sector, "
                     "s.local_authority AS la, s.home_postcode AS home", id=f"{scratch}trust")
    assert (stored[0]["sector"], stored[0]["la"], stored[0]["home"]) == (
        "housing_association", "leicester", None)

    # Two workers serve the declared model: typed fields, filters, inputs, personal gating.
    server = start_server(
        {**api_env, "STAKEGRAPH_API_WORKERS": "2"}, tmp_path,
        [str(Path(shutil.which("stakegraph", path=cli_env["PATH"]) or "stakegraph")), "serve",
         "--host", "127.0.0.1", "--port", "{port}", "--workers", "2"],
    )
    try:
        reader = {"Authorization": f"Bearer {keys['reader']}"}
        editor = {"X-API-Key": keys["editor"]}
        # The second worker may start seconds after the first answers on a loaded machine.
        assert len(worker_pids(server, reader)) == 2
        workers = set()
        listing = ("query($p: String!, $la: String) { stakeholders(filter: {idPrefix: $p, "
                   "localAuthority: $la}) { totalCount nodes { id sector localAuthority } } }")
        for _ in range(12):
            body = query(server, reader, listing, {"p": scratch, "la": "Leicester City Council"})
            assert not body.get("errors"), body
            workers.add(body["extensions"]["worker"])
            assert body["data"]["stakeholders"]["totalCount"] == 2
            assert {n["localAuthority"] for n in body["data"]["stakeholders"]["nodes"]} == {
                "leicester"}
        assert len(workers) == 2, "both workers answered with the declared model"
        filtered = query(server, reader, '{ stakeholders(filter: {sector: "housing_association",'
                         f' idPrefix: "{scratch}"}}) {{ nodes {{ id }} }} }}')
        assert filtered["data"]["stakeholders"]["nodes"] == [{"id": f"{scratch}trust"}]
        person = (f'{{ stakeholder(id: "{scratch}ann") {{ localAuthority '
                  "... on Person { homePostcode } } }")
        as_reader = query(server, reader, person)
        assert codes(as_reader) == ["FORBIDDEN"]
        assert as_reader["data"]["stakeholder"] == {"localAuthority": "rutland",
                                                    "homePostcode": None}
        as_editor = query(server, editor, person)
        assert as_editor["data"]["stakeholder"]["homePostcode"] == "LE1 1AA"
        changed = query(server, editor, (
            "mutation($id: ID!) { updateStakeholder(id: $id, patch: {localAuthority: "
            '"Rutland County Council", homePostcode: "LE15 6HP"}) { id localAuthority '
            "... on Person { homePostcode } } }"), {"id": f"{scratch}bob"})
        assert not changed.get("errors"), changed
        assert changed["data"]["updateStakeholder"]["localAuthority"] == "rutland"
        wrong = query(server, editor, (
            "mutation($id: ID!) { updateStakeholder(id: $id, patch: {localAuthority: "
            '"Lincoln"}) { id } }'), {"id": f"{scratch}bob"})
        assert codes(wrong) == ["VALIDATION"] and "localAuthority" in wrong["errors"][0][
            "message"]
        made = query(server, editor, (
            "mutation($id: ID!) { createStakeholder(input: {id: $id, name: \"Hall\", kind: "
            "ORGANISATION, homePostcode: \"X\"}) { id } }"), {"id": f"{scratch}hall"})
        assert codes(made) == ["VALIDATION"], "a person's property is refused for an organisation"
    finally:
        stop_server(server)

    # Exports carry the declared columns; the personal one only when asked.
    plain = tmp_path / "plain"
    done = cli(cli_env, "export", "-f", "csv", "--id-prefix", scratch, str(plain))
    assert done.returncode == 0, done.stderr
    plain_header = (plain / "stakeholders.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "local_authority" in plain_header and "home_postcode" not in plain_header
    full = tmp_path / "full.json"
    assert cli(cli_env, "export", "-f", "json", "--id-prefix", scratch, "--include-personal",
               str(full)).returncode == 0
    people = {r["id"]: r for r in json.loads(full.read_text(encoding="utf-8"))["stakeholders"]}
    assert people[f"{scratch}bob"]["home_postcode"] == "LE15 6HP"

    # Erasure removes the declared personal property with the shipped ones.
    erased = cli(cli_env, "person", "erase", f"{scratch}ann", "--yes")
    assert erased.returncode == 0, erased.stderr
    assert "home_postcode" in erased.stdout
    after = db.read("MATCH (s:Stakeholder {id: $id}) RETURN s.home_postcode AS home, "
                    "s.local_authority AS la", id=f"{scratch}ann")
    assert after[0]["home"] is None and after[0]["la"] == "rutland"

    # Removing a term in use: refused with the count, then done with --drop-data, audited.
    smaller = tmp_path / "smaller.toml"
    smaller.write_text(WITHOUT_RUTLAND, encoding="utf-8")
    refused_change = cli(cli_env, "schema", "extend", str(smaller))
    assert refused_change.returncode == 1
    assert "2 stakeholders have local_authority:rutland in local_authority" in (
        refused_change.stderr)
    dropped = cli(cli_env, "schema", "extend", str(smaller), "--drop-data", "--actor", "pytest")
    assert dropped.returncode == 0, dropped.stderr
    assert "remove term local_authority:rutland" in dropped.stdout
    left = db.read("MATCH (s:Stakeholder) WHERE s.id STARTS WITH $p AND "
                   "s.local_authority = 'rutland' RETURN count(s) AS n", p=scratch)
    assert left[0]["n"] == 0
    audit = db.read("MATCH (a:AuditEvent {action: 'model-change'}) WHERE a.actor = 'pytest' "
                    "AND a.summary CONTAINS 'remove term local_authority:rutland' "
                    "RETURN a.summary AS s")
    assert audit and "2 values removed" in audit[0]["s"]
