"""Model versions and migrations on the real Neo4j: a graph written by the previous release
(model version 1, `fixtures/model_v1`) migrates to this release's model and then equals a graph
loaded fresh from the same files; migrating twice changes nothing; writes to a graph of another
version are refused with one line saying what to run, by the library, the CLI and the API."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from stakegraph.loaders import load_paths
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.errors import ConflictError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.migrations import MIGRATIONS, history, migrate
from stakegraph.schema.model import MODEL_VERSION, Label
from stakegraph.schema.version import graph_state

from stakegraph.backup.fingerprint import fingerprint
from stakegraph.backup.restore import restore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))
from api_support import (
    JWT_AUDIENCE,
    JWT_ISSUER,
    JWT_KEY,
    Client,
    jwt_token,
    start_server,
    stop_server,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "model_v1"
NO_ORIGIN = "MATCH (c:Concept) WHERE c.origin IS NULL RETURN count(c) AS n"
# Left out when the migrated graph is compared with a fresh load (see that test).
NOT_DATA = [Label.MIGRATION, Label.CHANGE, Label.CHANGE_FEED]
CREATE_PROJECT = "mutation($i: ProjectInput!) { createProject(input: $i) { id } }"


def _restore_v1(db: GraphDB) -> None:
    restore(db, FIXTURE / "graph.zip", actor="pytest")


def test_the_code_version_ends_the_chain_of_migrations() -> None:
    assert [m.source for m in MIGRATIONS] == list(range(1, MODEL_VERSION))
    assert MIGRATIONS[-1].target == MODEL_VERSION
    assert len({m.id for m in MIGRATIONS}) == len(MIGRATIONS)


def test_the_old_graph_migrates_to_the_graph_loaded_fresh_from_the_same_files(
    empty_db: GraphDB, wipe: Callable[[GraphDB], None],
) -> None:
    _restore_v1(empty_db)
    state = graph_state(empty_db)
    assert (state.version, state.legacy, state.model_version) == (None, True, 1)
    without_origin = empty_db.read(NO_ORIGIN)[0]["n"]
    assert without_origin == 224

    report = apply_schema(empty_db, actor="pytest-migrator")
    assert report.migration is not None
    assert (report.migration.before, report.migration.after) == (1, MODEL_VERSION)
    assert [(a.id, a.changed, a.actor) for a in report.migration.applied] == [
        ("model-1-2", without_origin, "pytest-migrator")]
    assert empty_db.read(NO_ORIGIN)[0]["n"] == 0
    recorded = history(empty_db)
    assert [(r["from_version"], r["to_version"], r["applied_by"]) for r in recorded] == [
        (1, 2, "pytest-migrator")]
    assert str(recorded[0]["applied_at"]).startswith(str(time.gmtime().tm_year))
    # The migration's own record aside, the graph is the one this release writes. So is the
    # change feed: the previous release kept none, and a fresh load records its batches with
    # the time they committed; the feed tells what changed when, not what the graph holds.
    migrated = fingerprint(empty_db, exclude=NOT_DATA)

    wipe(empty_db)
    fresh_report = apply_schema(empty_db, actor="pytest")
    assert fresh_report.migration is not None and not fresh_report.migration.applied
    load_paths(empty_db, [FIXTURE / "source"])
    assert graph_state(empty_db).version == MODEL_VERSION
    assert fingerprint(empty_db, exclude=NOT_DATA) == migrated


def test_a_term_the_vocabularies_no_longer_ship_gets_its_origin_from_the_migration(
    empty_db: GraphDB,
) -> None:
    _restore_v1(empty_db)
    # A term the previous release wrote and this one does not ship: `schema apply`'s
    # vocabulary step never touches it, only the migration does.
    empty_db.write("CREATE (:Concept {id: 'retired:term', scheme: 'retired', code: 'term', "
                   "name: 'Retired term'})")
    apply_schema(empty_db, actor="pytest")
    assert empty_db.read("MATCH (c:Concept {id: 'retired:term'}) RETURN c.origin AS o"
                         )[0]["o"] == "shipped"


def test_migrating_twice_changes_nothing(empty_db: GraphDB) -> None:
    _restore_v1(empty_db)
    apply_schema(empty_db, actor="pytest")
    once = fingerprint(empty_db)
    again = apply_schema(empty_db, actor="pytest")
    assert again.migration is not None and again.migration.applied == ()
    assert migrate(empty_db, "pytest").applied == ()
    assert fingerprint(empty_db) == once  # the Migration record included
    assert len(history(empty_db)) == 1


def _stderr_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_writes_to_an_older_graph_are_refused_until_it_is_migrated(
    empty_db: GraphDB, private_env: dict[str, str], tmp_path: Path,
) -> None:
    _restore_v1(empty_db)
    before = fingerprint(empty_db)
    with pytest.raises(ConflictError, match="run `stakegraph schema apply`"):
        load_paths(empty_db, [FIXTURE / "source"])
    for args in (["load", str(FIXTURE / "source")],
                 ["schema", "extend", str(FIXTURE.parents[3] / "docs/examples/extension.toml")],
                 ["apikey", "create", "--role", "reader", "--name", "refused"]):
        refused = subprocess.run(["stakegraph", *args], env=private_env, capture_output=True,
                                 text=True, check=False)
        assert refused.returncode == 1, args
        line = _stderr_line(refused)
        assert "model version 1" in line and "run `stakegraph schema apply`" in line, line
    assert fingerprint(empty_db) == before

    server = start_server({**private_env, "STAKEGRAPH_API_JWT_KEY": JWT_KEY,
                           "STAKEGRAPH_API_JWT_ISSUER": JWT_ISSUER,
                           "STAKEGRAPH_API_JWT_AUDIENCE": JWT_AUDIENCE}, tmp_path)
    client = Client(server.url, {"Authorization": f"Bearer {jwt_token('editor')}"})
    try:
        body = client.post(CREATE_PROJECT, {"i": {"id": "p-api", "name": "From the API"}})
        assert [e["extensions"]["code"] for e in body["errors"]] == ["CONFLICT"]
        assert "run `stakegraph schema apply`" in body["errors"][0]["message"]
        assert fingerprint(empty_db) == before

        migrated = subprocess.run(["stakegraph", "schema", "apply"], env=private_env,
                                  capture_output=True, text=True, check=True)
        assert "Migrated model version 1 to 2: concept-origin (224 changed)" in migrated.stdout
        # The same worker writes now, without a restart.
        body = client.post(CREATE_PROJECT, {"i": {"id": "p-api", "name": "From the API"}})
        assert body.get("errors") is None and body["data"]["createProject"]["id"] == "p-api"
    finally:
        stop_server(server)
    load_paths(empty_db, [FIXTURE / "source"])


def test_a_graph_newer_than_the_code_is_refused(
    empty_db: GraphDB, private_env: dict[str, str],
) -> None:
    apply_schema(empty_db, actor="pytest")
    empty_db.write("MATCH (m:StakegraphMeta {id: 'model'}) SET m.version = $v",
                   v=MODEL_VERSION + 1)
    before = fingerprint(empty_db)
    with pytest.raises(ConflictError, match="newer than this stakegraph"):
        apply_schema(empty_db, actor="pytest")
    for args in (["schema", "apply"], ["load", str(FIXTURE / "source")]):
        refused = subprocess.run(["stakegraph", *args], env=private_env, capture_output=True,
                                 text=True, check=False)
        assert refused.returncode == 1, args
        line = _stderr_line(refused)
        assert f"model version {MODEL_VERSION + 1}" in line and "upgrade stakegraph" in line
    assert fingerprint(empty_db) == before
