"""`stakegraph backup`, `stakegraph restore FILE` and `stakegraph fingerprint`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from stakegraph.cli.console import console, current_user, err_console, graph_db, settings
from stakegraph.db import connection
from stakegraph.schema.model import MODEL_VERSION


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """Yields a progress callback drawing one bar per phase on stderr (gone when done)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    # Bars only on a terminal: in a pipe or a log they would leave blank lines behind.
    with Progress(*columns, console=err_console, transient=True,
                  disable=not err_console.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def _version_note(version: int | None) -> None:
    if version is not None and version < MODEL_VERSION:
        console.print(f"The graph is at model version {version}: run `stakegraph schema apply` "
                      f"to migrate it to version {MODEL_VERSION} before writing to it.")


def backup(
    to: Annotated[Path | None, typer.Option(
        "--to", help="The file to write (default: stakegraph-backup-<UTC time>.zip here).")
    ] = None,
    offline: Annotated[bool, typer.Option(
        "--offline", help="Neo4j's own dump of the local instance: stops Neo4j while it dumps "
        "(the API answers UNAVAILABLE meanwhile).")] = False,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="Who takes it (default: the OS user).")] = None,
) -> None:
    """Back up everything stakegraph keeps into one file, while the API keeps serving.

    Writes wait while the graph is read, so the file holds one consistent moment of it.
    """
    from stakegraph.backup.backup import default_name, take_backup

    path = to or default_name()
    who = actor or current_user()
    if offline:
        from stakegraph.backup.offline import offline_backup

        report = offline_backup(settings(), path, actor=who,
                                step=lambda phase: err_console.print(f"{phase}..."))
        console.print(f"Dumped {report.fingerprint.nodes:,} nodes and "
                      f"{report.fingerprint.relationships:,} relationships to {report.path} "
                      f"({_size(report.size)}) in {report.seconds:.1f} s (neo4j-admin "
                      f"{report.tool_seconds:.1f} s).", highlight=False)
        console.print(f"  fingerprint {report.fingerprint.digest}", highlight=False)
        return
    source = connection(settings()).uri
    with graph_db() as db, _progress() as progress:
        done = take_backup(db, path, actor=who, source=source, progress=progress)
    manifest = done.manifest
    console.print(f"Backed up {done.fingerprint.nodes:,} nodes and "
                  f"{done.fingerprint.relationships:,} relationships to {done.path} "
                  f"({_size(done.size)}) in {done.seconds:.1f} s.", highlight=False)
    server = manifest["server"]
    console.print(f"  model version {manifest['model_version']}, Neo4j {server['version']} "
                  f"{server['edition']}; fingerprint {done.fingerprint.digest}",
                  highlight=False)


def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `stakegraph backup`.")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="Delete everything the database holds first (without it, the "
        "database must be empty).")] = False,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Nodes or relationships per transaction.")] = 5000,
    offline: Annotated[bool, typer.Option(
        "--offline", help="Load an offline backup (Neo4j's dump) into the local instance.")
    ] = False,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="Who restores (default: the OS user).")] = None,
) -> None:
    """Restore a backup into an empty database (or, with --replace, over one).

    The file is checked first, then written in batches (run it again after an interruption to
    go on where it stopped), then the graph is compared with the file's manifest.
    """
    who = actor or current_user()
    if offline:
        from stakegraph.backup.offline import offline_restore

        loaded = offline_restore(settings(), file, actor=who, replace=replace,
                                 step=lambda phase: err_console.print(f"{phase}..."))
        console.print(f"Loaded {file} in {loaded.seconds:.1f} s (neo4j-admin "
                      f"{loaded.tool_seconds:.1f} s); fingerprint {loaded.fingerprint.digest} "
                      "matches the manifest.", highlight=False)
        _version_note(loaded.manifest["model_version"])
        return
    from stakegraph.backup.restore import restore as run_restore

    with graph_db() as db, _progress() as progress:
        done = run_restore(db, file, actor=who, replace=replace, batch_size=batch_size,
                           progress=progress)
    resumed = (f"; went on after batch {done.resumed_from} of an interrupted restore"
               if done.resumed_from else "")
    console.print(f"Restored {done.nodes:,} nodes and {done.relationships:,} relationships "
                  f"from {file} in {done.seconds:.1f} s ({done.batches} batches{resumed}).",
                  highlight=False)
    console.print(f"  counts and fingerprint match the manifest: {done.fingerprint.digest}",
                  highlight=False)
    _version_note(done.manifest["model_version"])


def fingerprint(
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="Leave out nodes with this label (and their relationships); "
        "repeatable.")] = None,
) -> None:
    """Print the graph's fingerprint (a hash of every node and relationship).

    It covers labels, properties and their types, and is the same whatever Neo4j's internal
    ids and order.
    """
    from stakegraph.backup.fingerprint import fingerprint as take

    with graph_db() as db:
        result = take(db, exclude or ())
    console.print(str(result), highlight=False)
