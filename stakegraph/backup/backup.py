"""`take_backup`: an online, consistent backup of everything stakegraph keeps, as one file.

Consistency: Neo4j reads at read-committed isolation, so a read that streams a large graph sees
writes that commit while it runs (a relationship whose end was read before it was created). The
backup therefore holds writers back for as long as it reads (`hold_writers`): stakegraph's
writers (the API's mutations, loads, erasures, score write-backs, model changes, key changes)
wait at the gate, every write begun before it closed has finished, and the graph the backup
reads is the graph as of that moment. Reads, the API's included, go on as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stakegraph import __version__
from stakegraph.backup.archive import FORMAT, LOGICAL, BackupRefused, BackupWriter
from stakegraph.backup.fingerprint import Fingerprint, FingerprintBuilder
from stakegraph.backup.stream import key_label, stream_lines
from stakegraph.db import server_version
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.maintenance import hold_writers
from stakegraph.schema.model import Label, Rel
from stakegraph.schema.version import GateClosed, graph_state

# Called with a phase ("nodes", "relationships"), how many are done and how many there are.
Progress = Callable[[str, int, int], None]
_PROGRESS_EVERY = 50_000

_KNOWN_LABELS = frozenset(str(label) for label in Label)
_KNOWN_TYPES = frozenset(str(rel) for rel in Rel)

_TOTALS = ("CALL () { MATCH (n) RETURN count(n) AS nodes } "
           "CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes, rels")
EXTENSION_VERSION = f"MATCH (e:{Label.MODEL_EXTENSION}) RETURN max(e.version) AS version"


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote: where, its manifest, how long it took and its size."""

    path: Path
    manifest: dict[str, Any]
    seconds: float
    size: int
    fingerprint: Fingerprint


def default_name(now: datetime | None = None) -> Path:
    """Returns the file name a backup gets when none is given (UTC time stamped)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return Path(f"stakegraph-backup-{stamp}.zip")


def refuse_unfinished_restore(db: GraphDB) -> None:
    """Raises `GateClosed` when the graph holds a restore that has not finished: backing that
    up would keep half a graph (returns nothing)."""
    state = graph_state(db)
    if state.gate is not None and state.gate.what == "restore":
        raise GateClosed(state.gate)


def _check_node(labels: tuple[str, ...], keyed: bool) -> None:
    unknown = [label for label in labels if label not in _KNOWN_LABELS]
    if unknown:
        raise BackupRefused(f"the graph holds a node labelled {':'.join(labels)}, and "
                            f"{unknown[0]!r} is not part of stakegraph's model: remove or "
                            "relabel such nodes before backing up")
    if key_label(labels) is None or not keyed:
        raise BackupRefused(f"the graph holds a {':'.join(labels)} node without an id (every "
                            "node stakegraph keeps has one): give it an id before backing up")


def take_backup(
    db: GraphDB,
    path: Path,
    *,
    actor: str,
    source: str = "",
    progress: Progress | None = None,
) -> BackupReport:
    """Returns the report of a backup of the whole graph into ``path``, taken with writers
    held back. Raises `BackupRefused` for a graph holding what a restore could not put back
    (labels or types outside the model, nodes without an id), leaving no file behind."""
    began = time.monotonic()
    refuse_unfinished_restore(db)
    name, version, edition = server_version(db)
    writer = BackupWriter(path)
    try:
        with hold_writers(db, "backup", actor) as hold:
            state = graph_state(db)
            totals = db.read(_TOTALS)[0]
            extension = db.read(EXTENSION_VERSION)[0]["version"] or 0
            taken_at = datetime.now(UTC).isoformat(timespec="milliseconds")
            builder = FingerprintBuilder()
            per_label: dict[str, int] = {}
            per_type: dict[str, int] = {}
            writer.open_data()
            with db.session() as session:
                for line in stream_lines(session):
                    if line.type is None:
                        _check_node(line.labels, line.keyed)
                        for label in line.labels:
                            per_label[label] = per_label.get(label, 0) + 1
                        done, phase, total = builder.nodes, "nodes", totals["nodes"]
                    else:
                        if line.type not in _KNOWN_TYPES:
                            raise BackupRefused(
                                f"the graph holds relationships of type {line.type!r}, which is "
                                "not part of stakegraph's model: remove them before backing up")
                        per_type[line.type] = per_type.get(line.type, 0) + 1
                        done, phase = builder.relationships, "relationships"
                        total = totals["rels"]
                    builder.add(line.data, line.type is None)
                    writer.write_line(line.data, line.type is None)
                    if progress is not None and done % _PROGRESS_EVERY == 0:
                        progress(phase, done, total)
            summary = writer.close_data()
            hold.check()
        fingerprint = builder.result()
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "kind": LOGICAL,
            "created_at": taken_at,
            "created_by": actor,
            "stakegraph_version": __version__,
            "model_version": state.model_version,
            "extension_version": extension,
            "server": {"name": name, "version": version, "edition": edition},
            "source": {"uri": source, "database": db.database},
            "counts": {"nodes": fingerprint.nodes, "relationships": fingerprint.relationships,
                       "labels": dict(sorted(per_label.items())),
                       "types": dict(sorted(per_type.items()))},
            "fingerprint": fingerprint.digest,
            "data": {"member": "data.jsonl", "sha256": summary.sha256, "bytes": summary.size,
                     "lines": summary.lines},
        }
        final = writer.finish(manifest)
    except BaseException:
        writer.abandon()
        raise
    return BackupReport(final, manifest, time.monotonic() - began, final.stat().st_size,
                        fingerprint)
