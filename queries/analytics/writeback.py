"""Writes per-stakeholder scores back to Neo4j with their provenance, in batches.

Shape: one ``(:AnalyticsRun {id, metric, computed_at, method, params_json, nodes, edges,
complete})`` per
run, ``(run)-[:SCORED {<column>: value, ...}]->(:Stakeholder)`` for every scored stakeholder
(history: never overwritten), and the current value on the stakeholder as ``score_<column>``
with ``score_<metric>_run`` naming the run it came from.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label, Rel
from stakegraph.schema.version import write_transaction

BATCH_SIZE = 10_000

_CREATE_RUN = f"CREATE (r:{Label.ANALYTICS_RUN}) SET r = $run"

_COMPLETE_RUN = f"MATCH (r:{Label.ANALYTICS_RUN} {{id: $run_id}}) SET r.complete = true"
# A run node can hold 100k SCORED relationships: delete them in batches (auto-commit), then it.
_DROP_SCORES = (
    f"MATCH (:{Label.ANALYTICS_RUN} {{id: $run_id}})-[x:{Rel.SCORED}]->() "
    "CALL (x) { DELETE x } IN TRANSACTIONS OF 10000 ROWS"
)
_DROP_RUN = f"MATCH (r:{Label.ANALYTICS_RUN} {{id: $run_id}}) DETACH DELETE r"

_WRITE_SCORES = f"""
MATCH (r:{Label.ANALYTICS_RUN} {{id: $run_id}})
UNWIND $rows AS row
MATCH (s:{Label.STAKEHOLDER} {{id: row.id}})
CREATE (r)-[sc:{Rel.SCORED}]->(s)
SET sc = row.scores, s += row.current
"""


@dataclass(frozen=True)
class Run:
    """The provenance of one metric run."""

    id: str
    metric: str
    computed_at: str
    method: str
    params_json: str
    nodes: int
    edges: int


def new_run(
    scope_key: str, metric: str, method: str, params: Mapping[str, Any], nodes: int, edges: int
) -> Run:
    """Returns the provenance record of a run starting now; its id is scope/metric/timestamp."""
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    return Run(
        id=f"{scope_key}/{metric}/{now}",
        metric=metric,
        computed_at=now,
        method=method,
        params_json=json.dumps(params, sort_keys=True),
        nodes=nodes,
        edges=edges,
    )


def score_rows(
    run: Run, ids: Sequence[str], columns: Mapping[str, Sequence[float | int | None]]
) -> list[dict[str, Any]]:
    """Returns one write row per stakeholder: its scores for the SCORED relationship and the
    current values for the node (an undefined score, None or NaN, removes the old current one)."""
    rows = []
    for i, sid in enumerate(ids):
        scores: dict[str, Any] = {}
        current: dict[str, Any] = {f"score_{run.metric}_run": run.id}
        for name, values in columns.items():
            value = values[i]
            if value is not None and isinstance(value, float) and math.isnan(value):
                value = None
            if value is not None:
                scores[name] = value
            current[f"score_{name}"] = value
        rows.append({"id": sid, "scores": scores, "current": current})
    return rows


def write_scores(
    db: GraphDB,
    run: Run,
    ids: Sequence[str],
    columns: Mapping[str, Sequence[float | int | None]],
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int, int], None] | None = None,
) -> int:
    """Returns the number of stakeholders scored after writing the run and its scores.

    Each UNWIND batch of ``batch_size`` is its own managed write transaction: one transaction for
    100k stakeholders exceeded the transaction memory of a 1 GB server. The run is created with
    ``complete = false`` and marked complete after the last batch; if a batch fails, the run and
    its scores so far are deleted (stakeholders' current values already written by then keep
    naming that run id, which then no longer exists) and the error is raised."""
    rows = score_rows(run, ids, columns)
    written = 0
    with db.session() as session:
        write_transaction(session, _run_tx, _CREATE_RUN,
                          {"run": {**vars(run), "complete": False}})
        try:
            for start in range(0, len(rows), batch_size):
                params = {"run_id": run.id, "rows": rows[start : start + batch_size]}
                written += write_transaction(session, _count_rels, _WRITE_SCORES, params)
                if on_batch is not None:
                    on_batch(start + len(params["rows"]), len(rows))
        except BaseException:
            drop_run(db, run.id)
            raise
        write_transaction(session, _run_tx, _COMPLETE_RUN, {"run_id": run.id})
    return written


def _run_tx(tx: ManagedTransaction, statement: str, params: dict[str, Any]) -> None:
    tx.run(statement, params).consume()


def _count_rels(tx: ManagedTransaction, statement: str, params: dict[str, Any]) -> int:
    return int(tx.run(statement, params).consume().counters.relationships_created)


def drop_run(db: GraphDB, run_id: str) -> None:
    """Deletes a run and its SCORED relationships (in batches)."""
    with db.session() as session:
        session.run(_DROP_SCORES, run_id=run_id).consume()
        session.run(_DROP_RUN, run_id=run_id).consume()
