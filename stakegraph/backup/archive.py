"""The backup file: one zip holding the graph's lines and a manifest, written atomically.

``data.jsonl`` (deflated) holds every node, then every relationship, one canonical line each
(`stakegraph.backup.stream`); an offline backup holds Neo4j's own dump, ``neo4j.dump``, instead.
``manifest.json`` says what the file holds: the format, the model version, the server, the
counts per label and type, the graph's fingerprint and the SHA-256 of the data.

The file is written under a ``.partial`` name and renamed only once the manifest and the zip's
central directory, which comes last, are on disk: a backup killed mid-way leaves at most a
``.partial`` file, which no reader takes for a backup (it has no central directory, so it is not
even a zip). Reading checks the manifest's fields, then the data against the manifest's
checksum and counts, before anything is restored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from stakegraph.schema.errors import StakegraphError

FORMAT = "stakegraph-backup/1"
MANIFEST = "manifest.json"
DATA = "data.jsonl"
DUMP = "neo4j.dump"
LOGICAL = "logical"
NEO4J_DUMP = "neo4j-dump"
PARTIAL_SUFFIX = ".partial"
# Deflate level 1: about three times faster than the default 6 on these lines, for a file
# about a fifth larger (benchmarks/README.md, "Backup and restore").
COMPRESS_LEVEL = 1
_CHUNK = 1 << 20


class BackupRefused(StakegraphError):
    """A file that is not a complete, intact stakegraph backup, or one this code cannot
    restore."""


@dataclass(frozen=True)
class DataSummary:
    """What the data member holds: its checksum, size and lines."""

    sha256: str
    size: int
    lines: int
    nodes: int
    relationships: int


def partial_path(path: Path) -> Path:
    """Returns where a backup to ``path`` is written until it is complete."""
    return path.with_name(path.name + PARTIAL_SUFFIX)


class BackupWriter:
    """Writes a backup file: data lines first, the manifest last, then the atomic rename."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = partial_path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._zip = zipfile.ZipFile(self.partial, "w", compression=zipfile.ZIP_DEFLATED,
                                    compresslevel=COMPRESS_LEVEL, allowZip64=True)
        self._data: IO[bytes] | None = None
        self._digest = hashlib.sha256()
        self._buffer = bytearray()
        self._size = 0
        self._lines = 0
        self._nodes = 0

    def open_data(self) -> None:
        """Starts the data member (returns nothing)."""
        self._data = self._zip.open(DATA, "w", force_zip64=True)

    def write_line(self, line: bytes, is_node: bool) -> None:
        """Appends one canonical line to the data (returns nothing)."""
        self._buffer += line
        self._buffer += b"\n"
        self._lines += 1
        self._nodes += is_node
        if len(self._buffer) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        assert self._data is not None, "open_data() first"
        chunk = bytes(self._buffer)
        self._digest.update(chunk)
        self._data.write(chunk)
        self._size += len(chunk)
        self._buffer.clear()

    def close_data(self) -> DataSummary:
        """Returns what the data member holds, after finishing it."""
        self._flush()
        assert self._data is not None
        self._data.close()
        return DataSummary(self._digest.hexdigest(), self._size, self._lines, self._nodes,
                           self._lines - self._nodes)

    def add_dump(self, dump: Path) -> DataSummary:
        """Returns the checksum and size of Neo4j's dump after storing it as it is (a dump is
        compressed already)."""
        digest = hashlib.sha256()
        size = 0
        info = zipfile.ZipInfo(DUMP)
        info.compress_type = zipfile.ZIP_STORED
        with dump.open("rb") as source, self._zip.open(info, "w", force_zip64=True) as target:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                target.write(chunk)
                size += len(chunk)
        return DataSummary(digest.hexdigest(), size, 0, 0, 0)

    def finish(self, manifest: dict[str, Any]) -> Path:
        """Returns the final path after writing the manifest, syncing the file and renaming
        it into place."""
        self._zip.writestr(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        self._zip.close()
        with self.partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(self.partial, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return self.path

    def abandon(self) -> None:
        """Closes and deletes the unfinished file (returns nothing)."""
        # The file goes anyway; a half-written zip may not close cleanly.
        with contextlib.suppress(Exception):
            self._zip.close()
        self.partial.unlink(missing_ok=True)


_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "format": str, "kind": str, "created_at": str, "model_version": (int, type(None)),
    "counts": dict, "fingerprint": str, "data": dict,
}


class BackupFile:
    """A backup file opened for reading: its manifest, checked; its data, checked on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.name.endswith(PARTIAL_SUFFIX):
            raise BackupRefused(f"{path} is the unfinished file of a backup that did not "
                                "complete: take the backup again")
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise BackupRefused(f"{path} does not exist (expected a backup file written by "
                                "`stakegraph backup`)") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise BackupRefused(f"{path} is not a complete stakegraph backup ({exc}): expected "
                                "a file written by `stakegraph backup`") from None
        self.manifest = self._read_manifest()
        self.kind: str = self.manifest["kind"]
        self.member = DATA if self.kind == LOGICAL else DUMP

    def _read_manifest(self) -> dict[str, Any]:
        try:
            raw = self._zip.read(MANIFEST)
        except KeyError:
            raise BackupRefused(f"{self.path} has no {MANIFEST}: not a stakegraph backup") from None
        except (zipfile.BadZipFile, zlib.error, OSError) as exc:
            raise BackupRefused(f"{self.path}: the manifest is damaged ({exc})") from None
        try:
            manifest = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise BackupRefused(f"{self.path}: the manifest is not JSON ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            found = manifest.get("format") if isinstance(manifest, dict) else None
            raise BackupRefused(f"{self.path}: manifest format {found!r} is not {FORMAT!r}")
        for key, kind in _REQUIRED.items():
            if not isinstance(manifest.get(key), kind):
                raise BackupRefused(f"{self.path}: the manifest's {key!r} is missing or of the "
                                    "wrong type")
        if manifest["kind"] not in (LOGICAL, NEO4J_DUMP):
            raise BackupRefused(f"{self.path}: unknown backup kind {manifest['kind']!r} "
                                f"(expected {LOGICAL!r} or {NEO4J_DUMP!r})")
        data = manifest["data"]
        if not isinstance(data.get("sha256"), str) or not isinstance(data.get("bytes"), int):
            raise BackupRefused(f"{self.path}: the manifest's data checksum is missing")
        return manifest

    def verify(self) -> DataSummary:
        """Returns what the data holds after reading it all once; raises `BackupRefused` (one
        line) when it does not match the manifest's checksum, size or counts."""
        digest = hashlib.sha256()
        size = lines = nodes = 0
        try:
            with self._zip.open(self.member) as data:
                pending = b""
                while chunk := data.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if self.kind == LOGICAL:
                        lines += chunk.count(b"\n")
                        # A node's line starts with ["N"; count the starts after each newline
                        # (the last 4 bytes carried over: a start split between chunks counts
                        # once, and no whole start fits in them to count twice).
                        joined = pending + chunk
                        nodes += joined.count(b'\n["N"')
                        pending = joined[-4:]
        except KeyError:
            raise BackupRefused(f"{self.path} has no {self.member}: not a complete "
                                "stakegraph backup") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BackupRefused(f"{self.path} is damaged: {exc}") from None
        if self.kind == LOGICAL and size:
            nodes += 1 if self._starts_with_node() else 0
        expected = self.manifest["data"]
        if digest.hexdigest() != expected["sha256"] or size != expected["bytes"]:
            raise BackupRefused(f"{self.path} does not match its manifest's checksum: the file "
                                "was changed or damaged after the backup")
        summary = DataSummary(digest.hexdigest(), size, lines, nodes, lines - nodes)
        if self.kind == LOGICAL:
            counts = self.manifest["counts"]
            if (summary.nodes, summary.relationships) != (counts.get("nodes"),
                                                          counts.get("relationships")):
                raise BackupRefused(
                    f"{self.path}: the manifest counts {counts.get('nodes')} nodes and "
                    f"{counts.get('relationships')} relationships, the data holds "
                    f"{summary.nodes} and {summary.relationships}")
        return summary

    def _starts_with_node(self) -> bool:
        with self._zip.open(self.member) as data:
            return data.read(4) == b'["N"'

    def lines(self) -> Iterator[bytes]:
        """Yields the data's lines (without the newline), in the file's order."""
        try:
            with self._zip.open(DATA) as raw:
                for line in raw:
                    yield line.rstrip(b"\n")
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise BackupRefused(f"{self.path} is damaged: {exc}") from None

    def extract_dump(self, target: Path) -> Path:
        """Returns the path of Neo4j's dump after copying it out of the file."""
        with self._zip.open(DUMP) as source, target.open("wb") as out:
            while chunk := source.read(_CHUNK):
                out.write(chunk)
        return target

    def close(self) -> None:
        """Closes the file (returns nothing)."""
        self._zip.close()

    def __enter__(self) -> BackupFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
