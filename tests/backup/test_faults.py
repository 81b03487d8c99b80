"""Faults on the real Neo4j: a backup killed mid-way leaves no file that looks complete; a
restore killed mid-way and run again ends with the fingerprint of a clean restore; damaged or
doctored files are refused with one line before anything is written."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from conftest import cli
from neo4j import ManagedTransaction
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import generate
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import MODEL_VERSION
from stakegraph.schema.version import GateClosed, graph_state, write_transaction

from stakegraph.backup.archive import DATA, MANIFEST, BackupFile
from stakegraph.backup.backup import take_backup
from stakegraph.backup.fingerprint import fingerprint

# Big enough that a backup and a restore take seconds here, small enough for a test.
STAKEHOLDERS = 3000
SOURCE = Path(__file__).resolve().parents[1] / "schema" / "fixtures" / "model_v1" / "source"


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1, result
    assert len(lines) == 1, result.stderr
    return lines[0]


def _kill_when(process: subprocess.Popen[str], ready: Callable[[], bool],
               timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        assert process.poll() is None, "finished before it could be killed"
        assert time.monotonic() < deadline, "never got far enough to be killed"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _create(tx: ManagedTransaction, ident: str) -> None:
    tx.run("CREATE (:Project {id: $id, name: $id})", id=ident).consume()


def test_killed_backup_and_killed_restore(
    empty_db: GraphDB, private_env: dict[str, str], workdir: Path,
    wipe: Callable[[GraphDB], None],
) -> None:
    apply_schema(empty_db, actor="pytest")
    generate(STAKEHOLDERS, 11, workdir / "gen")
    load_paths(empty_db, [workdir / "gen"])
    source = fingerprint(empty_db)

    # A backup killed while it writes the data: no file by the name asked for, and what is
    # left is refused.
    target = workdir / "killed.zip"
    partial = workdir / "killed.zip.partial"
    backup = subprocess.Popen(["stakegraph", "backup", "--to", str(target)], env=private_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _kill_when(backup, lambda: partial.exists() and partial.stat().st_size > 50_000)
    assert not target.exists() and partial.exists()
    assert "did not complete" in _one_line(cli(private_env, "restore", str(partial),
                                               check=False))
    shutil.copy(partial, workdir / "renamed.zip")
    assert "not a complete stakegraph backup" in _one_line(
        cli(private_env, "restore", str(workdir / "renamed.zip"), check=False))
    # Its gate is left behind; the next backup takes it over (its process is gone).
    assert graph_state(empty_db).gate is not None
    done = take_backup(empty_db, workdir / "whole.zip", actor="pytest")
    assert done.fingerprint == source and graph_state(empty_db).gate is None
    with empty_db.session() as session:
        write_transaction(session, _create, "writable-again")
    empty_db.write("MATCH (p:Project {id: 'writable-again'}) DELETE p")

    # A restore killed after some batches: writers stay out; run again, it goes on from the
    # batches it wrote and ends with the graph a clean restore gives.
    wipe(empty_db)
    restore = subprocess.Popen(["stakegraph", "restore", str(workdir / "whole.zip"),
                                "--batch-size", "400"], env=private_env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def some_batches_done() -> bool:
        gate = graph_state(empty_db).gate
        return gate is not None and gate.done >= 5

    _kill_when(restore, some_batches_done)
    killed_at = graph_state(empty_db).gate
    assert killed_at is not None and killed_at.what == "restore" and killed_at.done >= 5
    half = fingerprint(empty_db)
    assert 0 < half.nodes + half.relationships < source.nodes + source.relationships
    with empty_db.session() as session, pytest.raises(GateClosed, match=r"whole\.zip` again"):
        write_transaction(session, _create, "refused")

    again = cli(private_env, "restore", str(workdir / "whole.zip"))
    assert f"went on after batch {killed_at.done}" in again.stdout
    assert "counts and fingerprint match the manifest" in again.stdout
    assert fingerprint(empty_db) == source
    assert graph_state(empty_db).gate is None


def _rewrite(original: Path, target: Path, manifest: dict[str, object] | None = None,
             data: bytes | None = None) -> Path:
    with zipfile.ZipFile(original) as source:
        old_data = source.read(DATA)
        old_manifest = orjson.loads(source.read(MANIFEST))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr(DATA, old_data if data is None else data)
        out.writestr(MANIFEST, orjson.dumps(manifest or old_manifest))
    return target


def test_damaged_and_doctored_files_are_refused_in_one_line(
    empty_db: GraphDB, private_env: dict[str, str], workdir: Path,
    wipe: Callable[[GraphDB], None],
) -> None:
    apply_schema(empty_db, actor="pytest")
    load_paths(empty_db, [SOURCE])
    good = take_backup(empty_db, workdir / "good.zip", actor="pytest")
    wipe(empty_db)
    raw = good.path.read_bytes()
    with BackupFile(good.path) as file:
        manifest = file.manifest

    flipped = bytearray(raw)
    flipped[len(raw) // 3] ^= 0xFF
    (workdir / "flipped.zip").write_bytes(bytes(flipped))
    (workdir / "truncated.zip").write_bytes(raw[: len(raw) // 2])
    miscounted = {**manifest, "counts": {**manifest["counts"],
                                         "nodes": manifest["counts"]["nodes"] + 1}}
    _rewrite(good.path, workdir / "miscounted.zip", miscounted)
    wrong_sum = {**manifest, "data": {**manifest["data"], "sha256": "0" * 64}}
    _rewrite(good.path, workdir / "wrong-sum.zip", wrong_sum)
    newer = {**manifest, "model_version": MODEL_VERSION + 1}
    _rewrite(good.path, workdir / "newer.zip", newer)
    foreign = {**manifest, "counts": {**manifest["counts"],
                                      "labels": {**manifest["counts"]["labels"], "Alien": 1}}}
    _rewrite(good.path, workdir / "foreign.zip", foreign)
    (workdir / "not-a-backup.zip").write_bytes(b"PK\x03\x04 but nothing more")

    expected = {
        "flipped.zip": "damaged", "truncated.zip": "not a complete stakegraph backup",
        "miscounted.zip": "the manifest counts", "wrong-sum.zip": "does not match its manifest",
        "newer.zip": "newer than this stakegraph", "foreign.zip": "'Alien'",
        "not-a-backup.zip": "not a complete stakegraph backup",
        "missing.zip": "does not exist",
    }
    for name, says in expected.items():
        line = _one_line(cli(private_env, "restore", str(workdir / name), check=False))
        assert says in line, (name, line)
        assert fingerprint(empty_db).nodes == 0, name  # nothing written
        assert graph_state(empty_db).gate is None, name

    # A file whose data was changed and its checksum made to match: restored, then caught by
    # the final comparison with the manifest's fingerprint; writers stay out until a good
    # restore replaces it.
    with zipfile.ZipFile(good.path) as source:
        original = source.read(DATA)
    data = original.replace(b'"name":"Workshop"', b'"name":"Worksh0p"', 1)
    assert data != original
    doctored = {**manifest, "data": {**manifest["data"],
                                     "sha256": hashlib.sha256(data).hexdigest(),
                                     "bytes": len(data)}}
    _rewrite(good.path, workdir / "doctored.zip", doctored, data)
    line = _one_line(cli(private_env, "restore", str(workdir / "doctored.zip"), check=False))
    assert "fingerprint" in line and "differs" in line
    gate = graph_state(empty_db).gate
    assert gate is not None and gate.what == "restore"
    fixed = cli(private_env, "restore", "--replace", str(good.path))
    assert good.fingerprint.digest in fixed.stdout
    assert fingerprint(empty_db) == good.fingerprint
