"""`stakegraph neo4j start|stop|status`: the local Neo4j instance."""

from __future__ import annotations

import json
import time

import typer

from stakegraph.cli.build_progress import maven_progress
from stakegraph.cli.console import console, settings
from stakegraph.localdb import instance
from stakegraph.schema.errors import StakegraphError

app = typer.Typer(
    help="Start, stop and inspect the local Neo4j (built from Maven Central).", no_args_is_help=True
)


def _require_local() -> None:
    if not settings().uses_local_neo4j:
        raise StakegraphError(
            "NEO4J_URI is set, so stakegraph talks to that server and does not manage a local one; "
            "unset NEO4J_URI to use the local Neo4j."
        )


@app.command()
def start() -> None:
    """Start the local Neo4j (reusing a running one) and wait until Bolt answers."""
    _require_local()
    began = time.monotonic()
    with maven_progress(console) as on_progress:
        state = instance.start(settings(), on_progress)
    console.print(
        f"Neo4j is running ({time.monotonic() - began:.1f} s): "
        f"Bolt {state.uri}, Browser {state.browser}, user {state.user}"
    )


@app.command()
def stop() -> None:
    """Stop the local Neo4j."""
    _require_local()
    if instance.stop(settings()):
        console.print("Neo4j stopped.")
    else:
        console.print("Neo4j was not running.")


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts.")) -> None:
    """Show the local Neo4j's address, credentials and whether it is running."""
    state = instance.status(settings())
    if as_json:
        typer.echo(json.dumps(state.model_dump(), indent=2))
        return
    word = "[green]running[/green]" if state.running else "[red]not running[/red]"
    console.print(
        f"Neo4j is {word}\n  Bolt     {state.uri}\n  Browser  {state.browser}\n"
        f"  user     {state.user}\n  password {state.password}\n  home     {state.home}"
    )
