"""What the benchmarks share: a free port, the Neo4j server's version, deleting what a run
loaded. The benchmarks run as scripts from this folder, so they import it by name; the first
two live in the package and are passed on from here."""

from __future__ import annotations

from collections.abc import Iterable

from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label

from stakegraph.db import server_version
from stakegraph.localdb.instance import free_port

__all__ = ["delete_prefix", "free_port", "server_version"]


def delete_prefix(
    db: GraphDB, prefix: str, labels: Iterable[Label] | None = None,
    batch: int = 2000,
) -> int:
    """Returns how many nodes it deleted whose id starts with ``prefix``: of ``labels`` (each
    through its id index), or of any label when None; in batches, with their relationships."""
    deleted = 0
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction: session.run.
    with db.session() as session:
        for label in labels if labels is not None else [None]:
            match = f"MATCH (n:{label})" if label is not None else "MATCH (n)"
            summary = session.run(
                f"{match} WHERE n.id STARTS WITH $prefix "
                "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS",
                prefix=prefix, batch=batch,
            ).consume()
            deleted += summary.counters.nodes_deleted
    return deleted
