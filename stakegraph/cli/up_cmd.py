"""`stakegraph up`: the main job: Neo4j started, schema applied, demo loaded, API served."""

from __future__ import annotations

import time

import typer

from stakegraph.cli.build_progress import maven_progress
from stakegraph.cli.console import console, graph_db, settings
from stakegraph.db import connection
from stakegraph.localdb import instance
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label


def _graph_is_empty(db: GraphDB) -> bool:
    records = db.read(f"MATCH (s:{Label.STAKEHOLDER}) RETURN count(s) > 0 AS any")
    return not records[0]["any"]


def up(
    host: str = typer.Option("127.0.0.1", "--host", help="Address the API listens on."),
    port: int = typer.Option(8000, "--port", help="Port the API listens on."),
    serve_api: bool = typer.Option(True, "--serve/--no-serve", help="Serve the API afterwards."),
    anonymous_read: bool = typer.Option(
        True,
        "--anonymous-read/--no-anonymous-read",
        help="Let callers without a key read (the default for a local demo on loopback).",
    ),
) -> None:
    """Start the local Neo4j, apply the schema, load the demo into an empty graph, serve the API."""
    from stakegraph.cli.demo_cmd import load_demo

    cfg = settings()
    began = time.monotonic()
    if cfg.uses_local_neo4j:
        console.print("Starting the local Neo4j...")
        with maven_progress(console) as on_progress:
            instance.start(cfg, on_progress)
    with graph_db() as db:
        report = apply_schema(db)
        console.print(
            f"Schema: {len(report.constraints)} constraints, {len(report.indexes)} indexes, "
            f"{sum(report.terms_per_scheme.values())} vocabulary terms."
        )
        if _graph_is_empty(db):
            loaded = load_demo(db, batch_size=cfg.batch_size)
            console.print(f"Demo loaded: {loaded.rows_read} rows (see loaders/demo/README.md).")
        else:
            console.print("The graph already holds stakeholders: the demo was not loaded.")
    conn = connection(cfg)
    console.print(f"Ready in {time.monotonic() - began:.1f} s.")
    console.print(f"  Bolt            {conn.uri}  (user {conn.user}, password {conn.password})")
    if cfg.uses_local_neo4j:
        console.print(f"  Neo4j Browser   {instance.status(cfg).browser}  (styled, guide on login)")
    if not serve_api:
        return
    console.print(f"  GraphQL API     http://{host}:{port}/graphql  (GraphiQL in a browser)")
    from stakegraph.cli.serve_cmd import serve

    serve(host=host, port=port, workers=None, allow_anonymous_read=anonymous_read)
