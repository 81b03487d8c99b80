"""Offline backups of a local Neo4j (`neo4j-admin database dump` and `load`, run from the
launcher's class path with Neo4j stopped): the loaded graph has the dumped graph's fingerprint."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from stakegraph.loaders import load_paths
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.errors import ConflictError
from stakegraph.schema.graphdb import GraphDB

from stakegraph.backup.archive import NEO4J_DUMP, BackupFile
from stakegraph.backup.fingerprint import fingerprint
from stakegraph.backup.offline import offline_restore
from stakegraph.db import open_graph_db
from stakegraph.localdb import instance
from stakegraph.settings import Settings

SOURCE = Path(__file__).resolve().parents[1] / "schema" / "fixtures" / "model_v1" / "source"


def _local_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "STAKEGRAPH_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(STAKEGRAPH_HOME=str(settings.home), STAKEGRAPH_CACHE_DIR=str(settings.cache_dir),
               STAKEGRAPH_BOLT_PORT=str(settings.bolt_port),
               STAKEGRAPH_HTTP_PORT=str(settings.http_port),
               STAKEGRAPH_NEO4J_HEAP=settings.heap, STAKEGRAPH_NEO4J_PAGECACHE=settings.pagecache)
    return env


def test_an_offline_dump_loads_back_to_the_same_fingerprint(
    empty_db: GraphDB, private_neo4j: Settings, workdir: Path,
    wipe: Callable[[GraphDB], None],
) -> None:
    apply_schema(empty_db, actor="pytest")
    load_paths(empty_db, [SOURCE])
    before = fingerprint(empty_db)
    dumped = subprocess.run(
        ["stakegraph", "backup", "--offline", "--to", str(workdir / "dump.zip")],
        env=_local_env(private_neo4j), capture_output=True, text=True, check=True)
    assert before.digest in dumped.stdout and "neo4j-admin" in dumped.stdout
    assert instance.status(private_neo4j).running  # started again
    with BackupFile(workdir / "dump.zip") as file:
        assert file.kind == NEO4J_DUMP
        assert file.manifest["fingerprint"] == before.digest
        file.verify()

    with open_graph_db(private_neo4j) as db:
        wipe(db)
        db.write("CREATE (:Project {id: 'in-the-way', name: 'x'})")
    with pytest.raises(ConflictError, match="not empty"):
        offline_restore(private_neo4j, workdir / "dump.zip", actor="pytest")
    loaded = offline_restore(private_neo4j, workdir / "dump.zip", actor="pytest", replace=True)
    assert loaded.fingerprint == before
    with open_graph_db(private_neo4j) as db:
        assert fingerprint(db) == before
        assert db.read("MATCH (g:StakegraphMeta {id: 'maintenance'}) RETURN count(g) AS n"
                       )[0]["n"] == 0
