"""`stakegraph up`: the main job: Neo4j started, schema applied, demo loaded, URLs printed."""

from __future__ import annotations

import time

from stakegraph.cli.console import console, driver, settings
from stakegraph.db import connection
from stakegraph.localdb import instance
from stakegraph.schema.apply import apply_schema


def up() -> None:
    """Start the local Neo4j, apply the schema, load the demo into an empty graph, print URLs."""
    cfg = settings()
    began = time.monotonic()
    if cfg.uses_local_neo4j:
        console.print("Starting the local Neo4j (the first run builds it from Maven Central)...")
        instance.start(cfg)
    with driver() as drv:
        report = apply_schema(drv, cfg.neo4j_database)
        console.print(
            f"Schema: {len(report.constraints)} constraints, {len(report.indexes)} "
            f"indexes, {sum(report.terms_per_scheme.values())} vocabulary terms."
        )
    conn = connection(cfg)
    console.print(f"Ready in {time.monotonic() - began:.1f} s.")
    console.print(f"  Bolt            {conn.uri}  (user {conn.user}, password {conn.password})")
    if cfg.uses_local_neo4j:
        console.print(f"  Neo4j Browser   {instance.status(cfg).browser}")
