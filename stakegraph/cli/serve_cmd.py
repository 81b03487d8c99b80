"""`stakegraph serve` (the GraphQL API) and `stakegraph apikey create|list|revoke`."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile

import typer
from rich.table import Table

from stakegraph.api.keystore import create_key, list_keys, revoke_key
from stakegraph.cli.console import console, graph_db, settings
from stakegraph.db import connection
from stakegraph.settings import get_settings

apikey_app = typer.Typer(help="Manage the API keys of the GraphQL API.", no_args_is_help=True)


def serve(
    host: str | None = typer.Option(None, "--host", help="Address to listen on."),
    port: int | None = typer.Option(None, "--port", help="Port to listen on."),
    workers: int | None = typer.Option(None, "--workers", help="Worker processes."),
    allow_anonymous_read: bool = typer.Option(
        False, "--allow-anonymous-read", help="Let callers without a key read (not write)."
    ),
) -> None:
    """Serve the GraphQL API (POST/GET /graphql, GraphiQL in a browser, /health, /metrics)."""
    import uvicorn

    # Workers are separate processes that read their settings from the environment.
    if host is not None:
        os.environ["STAKEGRAPH_API_HOST"] = host
    if port is not None:
        os.environ["STAKEGRAPH_API_PORT"] = str(port)
    if workers is not None:
        os.environ["STAKEGRAPH_API_WORKERS"] = str(workers)
    if allow_anonymous_read:
        os.environ["STAKEGRAPH_API_ALLOW_ANONYMOUS_READ"] = "true"
    get_settings.cache_clear()
    cfg = settings()
    conn = connection(cfg)  # fails here, in one line, when no Neo4j is configured
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # matplotlib (the report's charts) announces building its font cache on first use: a
    # library's housekeeping, not the API's news.
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    # The workers share one state directory (rate-limit table, metrics files): a fresh one per
    # run unless the operator names one (then the metrics of an earlier run are cleared).
    made = None
    if cfg.api_state_dir is None:
        made = tempfile.mkdtemp(prefix="stakegraph-api-")
        os.environ["STAKEGRAPH_API_STATE_DIR"] = made
        # A single worker runs in this process and reads the cached settings: read them again.
        get_settings.cache_clear()
    else:
        shutil.rmtree(cfg.api_state_dir / "metrics", ignore_errors=True)
    console.print(
        f"GraphQL API on http://{cfg.api_host}:{cfg.api_port}/graphql "
        f"({cfg.api_workers} worker(s), Neo4j {conn.uri}, anonymous read "
        f"{'on' if cfg.api_allow_anonymous_read else 'off'})"
    )
    config = uvicorn.Config(
        "stakegraph.api.app:create_app",
        factory=True,
        host=cfg.api_host,
        port=cfg.api_port,
        log_level="warning",
        access_log=False,
    )
    try:
        if cfg.api_workers == 1:
            uvicorn.Server(config).run()
            return
        # Several workers: this process accepts and hands each connection to the worker with
        # the fewest, instead of uvicorn's shared socket where one worker can take them all.
        from stakegraph.serving import serve_balanced

        serve_balanced(config, cfg.api_workers)
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


@apikey_app.command("create")
def apikey_create(
    role: str = typer.Option(..., "--role", help="reader, editor or admin."),
    name: str = typer.Option(..., "--name", help="Who or what uses the key."),
) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    with graph_db() as db:
        info, key = create_key(db, role, name)
    console.print(f"id {info.id}  role {info.role}  name {info.name}")
    console.print("key (shown once; send as `Authorization: Bearer <key>` or `X-API-Key`):")
    typer.echo(key)


@apikey_app.command("list")
def apikey_list() -> None:
    """List the keys (never their secrets)."""
    with graph_db() as db:
        keys = list_keys(db)
    table = Table("id", "name", "role", "created", "revoked")
    for k in keys:
        table.add_row(k.id, k.name, k.role, k.created_at, k.revoked_at or "")
    console.print(table)


@apikey_app.command("revoke")
def apikey_revoke(
    key_id: str = typer.Argument(..., help="The key's id (see `apikey list`)."),
) -> None:
    """Revoke a key; workers stop accepting it within the key cache time."""
    with graph_db() as db:
        info = revoke_key(db, key_id)
    console.print(f"revoked {info.id} ({info.name}) at {info.revoked_at}")
