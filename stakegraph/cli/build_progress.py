"""Shows the first build of the local Neo4j: what Maven fetches from Maven Central, how far."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from stakegraph.localdb.maven_progress import EXPECTED_FIRST_FETCH_BYTES, FetchProgress

_TOTAL_MB = EXPECTED_FIRST_FETCH_BYTES / 1e6


def _amount(progress: FetchProgress) -> str:
    return f"{progress.bytes / 1e6:5.1f} of ~{_TOTAL_MB:.0f} MB, {progress.files} files"


@contextmanager
def maven_progress(console: Console) -> Iterator[Callable[[FetchProgress], None]]:
    """Yields the callback to hand to the launcher build: a live bar with the file in flight on
    a terminal, a line per quarter in a log, and nothing at all when no build runs."""
    bar = Progress(
        TextColumn("  "), BarColumn(), TextColumn("{task.fields[amount]}"),
        TextColumn("[dim]{task.fields[current]}"), console=console, transient=True,
    )
    task = bar.add_task("fetch", total=1.0, amount="", current="")
    started = False
    quarters = 0

    def show(progress: FetchProgress) -> None:
        nonlocal started, quarters
        if not started:
            started = True
            console.print(
                "Building the local Neo4j (first use only): Maven fetches Neo4j 5.26, Browser, "
                f"APOC and Graph Data Science from Maven Central (about {_TOTAL_MB:.0f} MB unless "
                "already cached)..."
            )
            if console.is_terminal:
                bar.start()
        if console.is_terminal:
            bar.update(
                task, completed=progress.share, amount=_amount(progress), current=progress.current
            )
        elif progress.share >= (quarters + 1) / 4:
            quarters = int(progress.share * 4)
            console.print(f"  {_amount(progress)}")

    try:
        yield show
    finally:
        if started and console.is_terminal:
            bar.stop()
        if started:
            console.print("Neo4j built (cached for later starts).")
