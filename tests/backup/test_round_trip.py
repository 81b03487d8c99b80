"""Backup and restore round trips on the real Neo4j: the demo, a generated graph, a declared
extension, audit events, an analytics run, an API key and every kind of value, backed up and
restored into an empty database, give the same fingerprint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import build_everything, cli
from stakegraph.api.auth import hash_key
from stakegraph.api.keystore import create_key
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import MODEL_VERSION
from stakegraph.schema.version import graph_state

from stakegraph.backup.archive import BackupFile
from stakegraph.backup.backup import take_backup
from stakegraph.backup.fingerprint import fingerprint
from stakegraph.backup.restore import restore

SOURCE = Path(__file__).resolve().parents[1] / "schema" / "fixtures" / "model_v1" / "source"


def test_everything_restored_into_an_empty_database_has_the_same_fingerprint(
    empty_db: GraphDB, private_env: dict[str, str], workdir: Path,
    wipe: Callable[[GraphDB], None],
) -> None:
    build_everything(empty_db, private_env, workdir)
    _, key = create_key(empty_db, "editor", "round-trip key")
    before = fingerprint(empty_db)
    backed = cli(private_env, "backup", "--to", str(workdir / "graph.zip"))
    assert before.digest in backed.stdout

    with BackupFile(workdir / "graph.zip") as file:
        manifest = file.manifest
        file.verify()
    assert manifest["fingerprint"] == before.digest
    assert manifest["model_version"] == MODEL_VERSION
    assert manifest["extension_version"] == 1
    assert manifest["server"]["version"].startswith("5.")
    labels, types = manifest["counts"]["labels"], manifest["counts"]["types"]
    for label in ("AuditEvent", "AnalyticsRun", "ApiKey", "ModelExtension", "DeclaredProperty",
                  "StakegraphMeta", "Concept", "Stakeholder", "AnalysisJob", "Change",
                  "ChangeFeed"):
        assert labels.get(label, 0) > 0, label
    assert types["SCORED"] > 0 and types["ASSESSED"] > 0
    assert manifest["counts"]["nodes"] == before.nodes

    wipe(empty_db)
    assert fingerprint(empty_db).nodes == 0
    restored = cli(private_env, "restore", str(workdir / "graph.zip"))
    assert "counts and fingerprint match the manifest" in restored.stdout
    after = fingerprint(empty_db)
    assert after == before

    state = graph_state(empty_db)
    assert (state.version, state.gate) == (MODEL_VERSION, None)
    # Types Neo4j itself tells apart, which the driver alone would not: offset Z vs zone UTC.
    shown = empty_db.read(
        "MATCH (s:Stakeholder {id: 'demo-rebecca-lund'}) RETURN toString(s.t_offset_z) AS z, "
        "toString(s.t_zone_utc) AS u, toString(s.t_zoned) AS l, valueType(s.t_big) AS big, "
        "valueType(s.t_float) AS f, s.t_nan <> s.t_nan AS nan")[0]
    assert shown["z"] == "2026-01-02T10:11:12.123456789Z"
    assert shown["u"] == "2026-07-02T10:11:12Z[UTC]"
    assert shown["l"] == "2026-07-02T10:11:12.5+01:00[Europe/London]"
    assert (shown["big"], shown["f"], shown["nan"]) == ("INTEGER NOT NULL", "FLOAT NOT NULL",
                                                        True)
    # The key still opens the API: its hash came back.
    assert empty_db.read("MATCH (k:ApiKey {hash: $h}) RETURN k.role AS role",
                         h=hash_key(key))[0]["role"] == "editor"


def test_restore_refuses_a_database_holding_data_unless_told_to_replace(
    empty_db: GraphDB, private_env: dict[str, str], workdir: Path,
) -> None:
    apply_schema(empty_db, actor="pytest")
    cli(private_env, "load", str(SOURCE))
    report = take_backup(empty_db, workdir / "small.zip", actor="pytest")
    empty_db.write("CREATE (:Project {id: 'p-after-backup', name: 'Written after'})")

    refused = cli(private_env, "restore", str(workdir / "small.zip"), check=False)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "not empty" in refused.stderr
    assert "--replace" in refused.stderr
    assert empty_db.read("MATCH (p:Project {id: 'p-after-backup'}) RETURN count(p) AS n"
                         )[0]["n"] == 1

    replaced = restore(empty_db, workdir / "small.zip", actor="pytest", replace=True,
                       batch_size=37)
    assert replaced.fingerprint == report.fingerprint == fingerprint(empty_db)
    assert replaced.batches > 3 and replaced.resumed_from == 0
    assert empty_db.read("MATCH (p:Project {id: 'p-after-backup'}) RETURN count(p) AS n"
                         )[0]["n"] == 0


def test_fingerprint_command_prints_the_library_fingerprint(
    empty_db: GraphDB, private_env: dict[str, str],
) -> None:
    apply_schema(empty_db, actor="pytest")
    cli(private_env, "load", str(SOURCE))
    expected = fingerprint(empty_db)
    printed = cli(private_env, "fingerprint").stdout
    assert printed.startswith(expected.digest)
    assert f"{expected.nodes:,} nodes" in printed
    left_out = cli(private_env, "fingerprint", "--exclude", "Concept").stdout
    assert not left_out.startswith(expected.digest)
    assert left_out.startswith(fingerprint(empty_db, exclude=["Concept"]).digest)
