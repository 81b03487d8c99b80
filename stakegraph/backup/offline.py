"""Offline backups of the local Neo4j: Neo4j's own `neo4j-admin database dump` and `load`.

Their code (`org.neo4j.cli.AdminTool`) is on the launcher's class path already. Neo4j Community
dumps and loads a database only while it is stopped, so these stop the local instance, run the
tool in a JVM of its own, and start the instance again (the API answers UNAVAILABLE meanwhile).
The dump goes into the same kind of file as an online backup, with the same manifest: the
graph's counts and fingerprint are taken just before Neo4j stops, with writers held back, and
checked again after a load.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stakegraph import __version__
from stakegraph.backup.archive import FORMAT, NEO4J_DUMP, BackupFile, BackupRefused, BackupWriter
from stakegraph.backup.backup import EXTENSION_VERSION, refuse_unfinished_restore
from stakegraph.backup.fingerprint import Fingerprint, fingerprint
from stakegraph.backup.restore import COUNT_NODES
from stakegraph.backup.stream import counts
from stakegraph.db import open_graph_db, server_version
from stakegraph.localdb import instance
from stakegraph.localdb.build import ensure_launcher, require_tool
from stakegraph.schema.errors import ConflictError, SetupError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.maintenance import close_gate, hold_writers
from stakegraph.schema.model import MODEL_VERSION, Label
from stakegraph.schema.version import GATE_NODE, graph_state
from stakegraph.settings import Settings

ADMIN_TOOL = "org.neo4j.cli.AdminTool"
_ADMIN_HEAP = "512m"
# Called with a phase ("fingerprint", "stop", "dump", "load", "start", "check").
Step = Callable[[str], None]


@dataclass(frozen=True)
class OfflineReport:
    """What an offline backup or restore did, and how long Neo4j itself took."""

    path: Path
    manifest: dict[str, Any]
    seconds: float
    tool_seconds: float
    size: int
    fingerprint: Fingerprint


def _require_local(settings: Settings) -> None:
    if not settings.uses_local_neo4j:
        raise SetupError("offline backups work on the local Neo4j only (NEO4J_URI names another "
                         "server): use the online backup there")


def run_admin(settings: Settings, *args: str) -> float:
    """Returns the seconds `neo4j-admin` took after running it with ``args`` against the local
    instance's home; raises `SetupError` with the tool's last lines when it fails."""
    java = require_tool("java", "Java 17 runs neo4j-admin")
    build = ensure_launcher(settings.cache_dir)
    home = settings.local_home
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    command = [java, f"-Xmx{_ADMIN_HEAP}", *instance.JVM_FLAGS, "-cp", build.classpath,
               ADMIN_TOOL, *args]
    began = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
        raise SetupError(f"neo4j-admin {' '.join(args[:2])} failed (status "
                         f"{result.returncode}): {' | '.join(lines[-3:])[:400]}")
    return time.monotonic() - began


def _manifest(db: GraphDB, actor: str, printed: Fingerprint, dump: Any) -> dict[str, Any]:
    name, version, edition = server_version(db)
    with db.session() as session:
        per_label, per_type = counts(session)
    return {
        "format": FORMAT,
        "kind": NEO4J_DUMP,
        "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "created_by": actor,
        "stakegraph_version": __version__,
        "model_version": graph_state(db).model_version,
        "extension_version": db.read(EXTENSION_VERSION)[0]["version"] or 0,
        "server": {"name": name, "version": version, "edition": edition},
        "source": {"uri": "local", "database": db.database},
        "counts": {"nodes": printed.nodes, "relationships": printed.relationships,
                   "labels": per_label, "types": per_type},
        "fingerprint": printed.digest,
        "data": dump,
    }


def offline_backup(settings: Settings, path: Path, *, actor: str,
                   step: Step | None = None) -> OfflineReport:
    """Returns the report of an offline backup of the local instance into ``path``: counts and
    fingerprint with writers held back, then Neo4j stopped, dumped and started again (left
    stopped if it was not running)."""
    _require_local(settings)
    began = time.monotonic()
    was_running = instance.status(settings).running
    instance.start(settings)
    say = step or (lambda _: None)
    writer = BackupWriter(path)
    try:
        with tempfile.TemporaryDirectory(prefix="stakegraph-dump-") as tmp:
            db = open_graph_db(settings)
            try:
                refuse_unfinished_restore(db)
                with hold_writers(db, "backup", actor) as hold:
                    say("fingerprint")
                    printed = fingerprint(db)
                    manifest = _manifest(db, actor, printed, {})
                    hold.check()
                    say("stop")
                    instance.stop(settings)
                    say("dump")
                    tool_s = run_admin(settings, "database", "dump", settings.neo4j_database,
                                       f"--to-path={tmp}", "--overwrite-destination=true")
                    say("start")
                    instance.start(settings)
            finally:
                db.close()
            stored = writer.add_dump(Path(tmp) / f"{settings.neo4j_database}.dump")
            manifest["data"] = {"member": "neo4j.dump", "sha256": stored.sha256,
                                "bytes": stored.size}
            final = writer.finish(manifest)
    except BaseException:
        writer.abandon()
        raise
    finally:
        if not was_running:
            instance.stop(settings)
    return OfflineReport(final, manifest, time.monotonic() - began, tool_s,
                         final.stat().st_size, printed)


def offline_restore(settings: Settings, path: Path, *, actor: str, replace: bool = False,
                    step: Step | None = None) -> OfflineReport:
    """Returns the report of loading an offline backup into the local instance (stopped for the
    load, started again), after checking the file and that the database is empty (or
    ``replace``); ends by comparing the counts and fingerprint with the manifest."""
    _require_local(settings)
    began = time.monotonic()
    say = step or (lambda _: None)
    with BackupFile(path) as backup:
        if backup.kind != NEO4J_DUMP:
            raise BackupRefused(f"{path} is an online backup: restore it without --offline")
        manifest = backup.manifest
        version = manifest["model_version"]
        if version is not None and version > MODEL_VERSION:
            raise BackupRefused(f"{path} was written at model version {version}, newer than "
                                f"this stakegraph's ({MODEL_VERSION})")
        backup.verify()
        instance.start(settings)
        with tempfile.TemporaryDirectory(prefix="stakegraph-load-") as tmp:
            backup.extract_dump(Path(tmp) / f"{settings.neo4j_database}.dump")
            with open_graph_db(settings) as db:
                present = db.read(COUNT_NODES)[0]["n"]
                if present and not replace:
                    raise ConflictError(f"the database is not empty ({present:,} nodes): "
                                        "restore into an empty database, or add --replace to "
                                        "overwrite it")
                # Closed until Neo4j stops, so nothing is written that the load would lose;
                # the store it is closed in is then replaced, so it is never opened again.
                hold = close_gate(db, "restore", actor, props={"file_name": str(path)},
                                  lease_s=None)
                hold.stop_beating()
            say("stop")
            instance.stop(settings)
            say("load")
            tool_s = run_admin(settings, "database", "load", settings.neo4j_database,
                               f"--from-path={tmp}", "--overwrite-destination=true")
        say("start")
        instance.start(settings)
    say("check")
    # A new driver: the old one's connections and bookmarks belong to the replaced store.
    with open_graph_db(settings) as loaded:
        # The dump holds the gate node of the backup that made it: stale now.
        loaded.write(f"MATCH (g:{Label.META} {{id: '{GATE_NODE}'}}) DELETE g")
        printed = fingerprint(loaded)
    if printed.digest != manifest["fingerprint"]:
        raise ConflictError(f"the loaded graph's fingerprint {printed.digest[:16]}... differs "
                            f"from the backup's {manifest['fingerprint'][:16]}...")
    return OfflineReport(path, manifest, time.monotonic() - began, tool_s,
                         path.stat().st_size, printed)
