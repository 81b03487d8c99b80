"""Neo4j itself SIGKILLed during a large multi-batch load, restarted, the load re-run: the graph
equals a clean load of the same files (counts per label and type, every property).

Size: 6,000 generated stakeholders (about 47,500 rows in 13 kinds) in batches of 500, about a
hundred transactions; the kill lands once 40% of the rows are written, inside the relationships.
Not 100,000 (nor 20,000): on this shared 2-core machine a 100k load takes one and a half minutes
(20k: about 50 s) and the test does three loads plus a restart, while the whole fault suite must
stay within about four minutes. `benchmarks/crash_100k.py` runs the same code at 100,000.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from fault_support import crash_run

from stakegraph.localdb import instance
from stakegraph.settings import Settings

STAKEHOLDERS = 6_000
BATCH = 500


def test_rerun_after_neo4j_is_killed_equals_a_clean_load(
    fault_neo4j: Settings, tmp_path: Path
) -> None:
    before = instance.status(fault_neo4j).pid
    result = crash_run(fault_neo4j, tmp_path, STAKEHOLDERS, BATCH, f"f{uuid.uuid4().hex[:6]}")
    print(f"\ncrash run: {result.rows} rows, killed after {result.rows_done_at_kill} "
          f"({result.killed_after_s:.1f} s), {result.nodes_after_kill} nodes and "
          f"{result.rels_after_kill} relationships survived; restart {result.restart_s:.1f} s, "
          f"clean load {result.clean_s:.1f} s, re-run {result.rerun_s:.1f} s; "
          f"counts {result.clean.node_counts} {result.clean.rel_counts}")
    after = instance.status(fault_neo4j)
    assert after.running and after.pid != before  # it really died and came back
    assert result.load_error, "the load against a killed Neo4j must fail"
    # The kill landed part-way: some of the load is in the graph, not all of it.
    assert 0 < result.rows_done_at_kill < result.rows
    assert result.rels_after_kill < sum(result.clean.rel_counts.values())
    assert result.clean.node_counts["Stakeholder"] == STAKEHOLDERS
    assert result.crashed.node_counts == result.clean.node_counts
    assert result.crashed.rel_counts == result.clean.rel_counts
    assert result.crashed.nodes == result.clean.nodes
    assert result.crashed.rels == result.clean.rels
