"""`restore`: a backup file back into a database, in batches, resumable, checked at the end.

Before anything is written the file is read once: its manifest must be stakegraph's, of a model
version this code knows (or an older one, which `stakegraph schema apply` then migrates), with
labels and types of the model only, and its data must match the manifest's checksum and
counts. The target must be empty, unless ``replace`` says to delete what it holds first.

Resumable, not all-or-nothing: a large graph does not fit one transaction, so the restore
writes batches (nodes, then relationships), each in its own transaction, and records in that
same transaction how many batches are done on the gate node, which stays closed to every other
writer until the restore has finished (it has no lease: half a graph must not be written to).
Batches are cut from the file the same way every time, so a restore that was killed, run again
with the same file, skips the batches already written and goes on from the next: the result is
the graph a clean restore gives. At the end the restored graph is counted and fingerprinted and
compared with the manifest; only then does the gate open.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from neo4j import ManagedTransaction

from stakegraph.api.keystore import ensure_key_schema
from stakegraph.backup.archive import LOGICAL, BackupFile, BackupRefused
from stakegraph.backup.fingerprint import Fingerprint, fingerprint
from stakegraph.backup.stream import counts, key_label
from stakegraph.backup.values import UnsupportedValue, decode, decode_props
from stakegraph.loaders.ahead import ahead
from stakegraph.schema.constraints import schema_items
from stakegraph.schema.errors import ConflictError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.maintenance import busy_message, hold_writers, may_take_over
from stakegraph.schema.model import MODEL_VERSION, Label, Rel
from stakegraph.schema.version import GATE_NODE, META_SCHEMA, GraphState, graph_state

DEFAULT_BATCH_SIZE = 5000
# Called with a phase ("verify", "nodes", "relationships", "check"), how many are done and
# how many there are.
Progress = Callable[[str, int, int], None]

_LABELS = {str(label): label for label in Label}
_TYPES = {str(rel): rel for rel in Rel}

_NOT_GATE = f"NOT (n:{Label.META} AND n.id = '{GATE_NODE}')"
COUNT_NODES = f"MATCH (n) WHERE {_NOT_GATE} RETURN count(n) AS n"
# Relationships first, then nodes, in small transactions: deleting a node with thousands of
# relationships in the same batch as thousands of others outgrows a small transaction pool.
_WIPE = (
    "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    f"MATCH (n) WHERE {_NOT_GATE} CALL (n) {{ DELETE n }} IN TRANSACTIONS OF 10000 ROWS",
)
_MARK_WIPE = (f"MATCH (g:{Label.META} {{id: '{GATE_NODE}', token: $token}}) "
              "SET g.wipe = $wipe")
_PROGRESS = (f"MATCH (g:{Label.META} {{id: '{GATE_NODE}', token: $token}}) "
             "SET g.done = $done RETURN count(g) AS held")


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did: the file, how much it wrote, where it went on from, the check."""

    path: Path
    manifest: dict[str, Any]
    nodes: int
    relationships: int
    batches: int
    resumed_from: int
    seconds: float
    fingerprint: Fingerprint


@dataclass(frozen=True)
class Batch:
    """Rows of one kind: nodes of one label set, or relationships of one type between two key
    labels; written in one transaction."""

    labels: tuple[Label, ...]
    rel: Rel | None
    start: Label | None
    end: Label | None
    rows: list[Any]


def _labels(names: list[str]) -> tuple[Label, ...]:
    try:
        return tuple(_LABELS[name] for name in names)
    except KeyError as exc:
        raise BackupRefused(f"the backup holds the label {exc.args[0]!r}, which is not part "
                            "of stakegraph's model") from None


def _key(names: list[str]) -> Label:
    label = key_label(names)
    if label is None:
        raise BackupRefused(f"a relationship's end labelled {':'.join(names)} has no label "
                            "whose id identifies it")
    return _LABELS[label]


def batches(lines: Iterator[bytes], size: int) -> Iterator[Batch]:
    """Yields the file's rows in batches of at most ``size``: nodes grouped by label set, then
    relationships by type and end labels, cut the same way from the same file every time."""
    open_batches: dict[tuple[Any, ...], Batch] = {}
    in_relationships = False
    for raw in lines:
        try:
            item = orjson.loads(raw)
            if item[0] == "N":
                if in_relationships:
                    raise BackupRefused("the backup holds a node after its relationships")
                labels = _labels(item[1])
                group: tuple[Any, ...] = ("N", labels)
                row: Any = decode_props(item[2])
                if group not in open_batches:
                    open_batches[group] = Batch(labels, None, None, None, [])
            elif item[0] == "R":
                if not in_relationships:
                    # Every node is written before the first relationship looks for its ends.
                    yield from _drain(open_batches)
                    in_relationships = True
                rel = _TYPES.get(item[1])
                if rel is None:
                    raise BackupRefused(f"the backup holds relationships of type {item[1]!r}, "
                                        "which is not part of stakegraph's model")
                start, end = _key(item[2]), _key(item[4])
                group = ("R", rel, start, end)
                row = [decode(item[3]), decode(item[5]), decode_props(item[6])]
                if group not in open_batches:
                    open_batches[group] = Batch((), rel, start, end, [])
            else:
                raise BackupRefused(f"a line of the backup starts with {item[0]!r}, not N or R")
        except (orjson.JSONDecodeError, IndexError, TypeError, AttributeError,
                UnsupportedValue) as exc:
            raise BackupRefused(f"a line of the backup does not read: {exc}") from None
        batch = open_batches[group]
        batch.rows.append(row)
        if len(batch.rows) >= size:
            yield batch
            del open_batches[group]
    yield from _drain(open_batches)


def _drain(open_batches: dict[tuple[Any, ...], Batch]) -> Iterator[Batch]:
    for group in sorted(open_batches, key=repr):
        yield open_batches[group]
    open_batches.clear()


def _statement(batch: Batch) -> str:
    # Labels and types come from the model's enums (checked above), never from the file's text.
    if batch.rel is None:
        labels = ":".join(str(label) for label in batch.labels)
        return f"UNWIND $rows AS props CREATE (n:{labels}) SET n = props RETURN count(n) AS made"
    return (f"UNWIND $rows AS row MATCH (a:{batch.start} {{id: row[0]}}) "
            f"MATCH (b:{batch.end} {{id: row[1]}}) "
            f"CREATE (a)-[r:{batch.rel}]->(b) SET r = row[2] RETURN count(r) AS made")


def _write_batch(tx: ManagedTransaction, batch: Batch, token: str, done: int) -> None:
    made = tx.run(_statement(batch), rows=batch.rows).single()
    if made is None or made["made"] != len(batch.rows):
        what = f"{batch.rel} relationships" if batch.rel else "nodes"
        raise BackupRefused(f"the backup holds {what} whose ends are not in it: it is not a "
                            "whole graph")
    # Progress in the batch's own transaction: a batch is either written and counted, or not.
    held = tx.run(_PROGRESS, token=token, done=done).single()
    if held is None or not held["held"]:
        raise ConflictError("the restore lost its hold on the graph (another restore took "
                            "over): let that one finish")


def _check_file(backup: BackupFile) -> dict[str, Any]:
    manifest = backup.manifest
    if backup.kind != LOGICAL:
        raise BackupRefused(f"{backup.path} is an offline backup (Neo4j's own dump): restore "
                            "it with `stakegraph restore --offline` into the local Neo4j")
    version = manifest["model_version"]
    if version is not None and version > MODEL_VERSION:
        raise BackupRefused(f"{backup.path} was written at model version {version}, newer "
                            f"than this stakegraph's ({MODEL_VERSION}): restore it with a "
                            "newer stakegraph")
    found = manifest["counts"]
    for name in (*found.get("labels", {}), *found.get("types", {})):
        if name not in _LABELS and name not in _TYPES:
            raise BackupRefused(f"{backup.path} holds {name!r}, which is not part of "
                                "stakegraph's model")
    return manifest


def _prepare(db: GraphDB, backup: BackupFile, sha: str, replace: bool) -> GraphState:
    """Returns the target's state after refusing what must not be restored into."""
    state = graph_state(db)
    gate = state.gate
    if gate is not None and gate.what == "restore":
        if gate.file != sha and not replace:
            raise ConflictError(
                f"the database holds an unfinished restore of another backup "
                f"({gate.file_name}): run `stakegraph restore {gate.file_name}` to finish it, "
                f"or add --replace to delete it and restore {backup.path}")
        if not may_take_over(state):
            raise ConflictError(busy_message(gate))
        return state
    present = db.read(COUNT_NODES)[0]["n"]
    if present and not replace:
        raise ConflictError(f"the database is not empty ({present:,} nodes): restore into an "
                            "empty database, or add --replace to delete what it holds first")
    return state


def ensure_schema(db: GraphDB) -> None:
    """Creates every constraint and index stakegraph uses (idempotent; returns nothing): the
    restore looks relationships' ends up by them."""
    with db.session() as session:
        for item in schema_items():
            session.run(item.statement).consume()
        for statement in META_SCHEMA:
            session.run(statement).consume()
    ensure_key_schema(db)
    db.read("CALL db.awaitIndexes(300)")


def restore(
    db: GraphDB,
    path: Path,
    *,
    actor: str,
    replace: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> RestoreReport:
    """Returns the report of restoring the backup at ``path`` into ``db`` (see the module
    docstring). Raises `BackupRefused` for a file that does not check out, `ConflictError` for a
    target that holds data (without ``replace``) or a restore the counts or fingerprint do not
    confirm; in the last case the graph stays closed to writers."""
    if batch_size < 1:
        raise BackupRefused("the batch size must be at least 1")
    began = time.monotonic()
    with BackupFile(path) as backup:
        manifest = _check_file(backup)
        expected = manifest["counts"]
        if progress is not None:
            progress("verify", 0, manifest["data"]["bytes"])
        summary = backup.verify()
        state = _prepare(db, backup, summary.sha256, replace)
        resuming = (state.gate is not None and state.gate.what == "restore"
                    and state.gate.file == summary.sha256 and not replace)
        done = state.gate.done if resuming and state.gate else 0
        size = (state.gate.batch_size or batch_size) if resuming and state.gate else batch_size
        props = {"file": summary.sha256, "file_name": str(path), "done": done,
                 "batch_size": size}
        with hold_writers(db, "restore", actor, props=props, lease_s=None) as hold:
            # An interrupted restore goes on where it stopped, deleting first if it was
            # deleting then (what it had written is counted in `done`, nothing before that).
            wipe_again = resuming and state.gate is not None and state.gate.wipe
            present = db.read(COUNT_NODES)[0]["n"] if wipe_again or not resuming else 0
            if present and not replace and not resuming:  # written since the look above
                raise ConflictError(f"the database is no longer empty ({present:,} nodes): "
                                    "add --replace to delete what it holds first")
            # From here on the graph is no longer what it was: a failure keeps writers out
            # until a restore finishes.
            hold.keep_closed_on_failure = True
            if present:
                db.write(_MARK_WIPE, token=hold.token, wipe=True)
                with db.session() as session:
                    for statement in _WIPE:
                        session.run(statement).consume()
                db.write(_MARK_WIPE, token=hold.token, wipe=False)
            ensure_schema(db)
            written = {"nodes": 0, "relationships": 0}
            index = 0
            with db.session() as session:
                # The next batches are read and decoded while Neo4j writes this one.
                ready = ahead(batches(backup.lines(), size), depth=4)
                for index, batch in enumerate(ready, start=1):
                    phase = "relationships" if batch.rel else "nodes"
                    written[phase] += len(batch.rows)
                    if index <= done:
                        continue  # written by the run that was interrupted
                    session.execute_write(_write_batch, batch, hold.token, index)
                    hold.check()
                    if progress is not None:
                        progress(phase, written[phase], expected[phase])
            if progress is not None:
                progress("check", 0, expected["nodes"] + expected["relationships"])
            result = _compare(db, manifest)
    return RestoreReport(path, manifest, written["nodes"], written["relationships"], index,
                         done, time.monotonic() - began, result)


def _compare(db: GraphDB, manifest: dict[str, Any]) -> Fingerprint:
    """Returns the restored graph's fingerprint after checking it and its counts against the
    manifest; raises `ConflictError` (the gate stays closed) when they differ."""
    expected = manifest["counts"]
    with db.session() as session:
        per_label, per_type = counts(session)
    if per_label != expected["labels"] or per_type != expected["types"]:
        found = {**per_label, **per_type}
        wanted = {**expected["labels"], **expected["types"]}
        differ = sorted(k for k in {*found, *wanted} if found.get(k) != wanted.get(k))
        raise ConflictError(f"the restored graph's counts differ from the backup's manifest "
                            f"(for {', '.join(differ[:5])}): writes stay refused; run the "
                            "restore again with --replace")
    result = fingerprint(db)
    if result.digest != manifest["fingerprint"]:
        raise ConflictError(f"the restored graph's fingerprint {result.digest[:16]}... differs "
                            f"from the backup's {manifest['fingerprint'][:16]}...: writes stay "
                            "refused; run the restore again with --replace")
    return result
