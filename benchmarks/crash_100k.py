"""Neo4j SIGKILLed during a load of 100,000 generated stakeholders, restarted, the load re-run;
prints the comparison with a clean load of the same files (issue 4's crash test at full size).

Runs its own Neo4j (temporary home, free ports, the launcher build of the settings' cache dir),
so the instance of the settings is never touched. Uses the same code as tests/faults.

    .venv/bin/python benchmarks/crash_100k.py [--stakeholders 100000] [--batch-size 5000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "faults"))

from fault_support import crash_run, driver_for, private_settings  # noqa: E402
from stakegraph.schema.apply import apply_schema  # noqa: E402
from stakegraph.schema.graphdb import GraphDB  # noqa: E402

from stakegraph.localdb import instance  # noqa: E402
from stakegraph.localdb.instance import free_port  # noqa: E402
from stakegraph.settings import get_settings  # noqa: E402


def main() -> int:
    """Returns 0 when the re-run load equals the clean load, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stakeholders", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crash100k-") as tmp:
        settings = private_settings(Path(tmp) / "home", free_port(), free_port(),
                                    get_settings().cache_dir)
        began = time.monotonic()
        instance.start(settings)
        try:
            driver = driver_for(settings)
            apply_schema(GraphDB(driver, settings.neo4j_database))
            driver.close()
            result = crash_run(settings, Path(tmp), args.stakeholders, args.batch_size,
                               f"b{uuid.uuid4().hex[:6]}")
        finally:
            instance.stop(settings)
    print(f"stakeholders {result.stakeholders:,}, rows {result.rows:,}, "
          f"batch {result.batch_size:,}")
    print(f"clean load            {result.clean_s:7.1f} s")
    print(f"killed after          {result.killed_after_s:7.1f} s "
          f"({result.rows_done_at_kill:,} rows acknowledged; load said: {result.load_error})")
    print(f"survived the kill     {result.nodes_after_kill:,} nodes, "
          f"{result.rels_after_kill:,} relationships")
    print(f"restart               {result.restart_s:7.1f} s")
    print(f"re-run load           {result.rerun_s:7.1f} s")
    print(f"{'kind':<20} {'clean':>9} {'re-run':>9}")
    for name in sorted({*result.clean.node_counts, *result.crashed.node_counts}):
        print(f"{name:<20} {result.clean.node_counts.get(name, 0):>9,} "
              f"{result.crashed.node_counts.get(name, 0):>9,}")
    for name in sorted({*result.clean.rel_counts, *result.crashed.rel_counts}):
        print(f"{name:<20} {result.clean.rel_counts.get(name, 0):>9,} "
              f"{result.crashed.rel_counts.get(name, 0):>9,}")
    same_props = (result.clean.nodes, result.clean.rels) == (result.crashed.nodes,
                                                             result.crashed.rels)
    print(f"properties identical  {same_props}")
    print(f"EQUAL                 {result.equal}  (total {time.monotonic() - began:.0f} s)")
    return 0 if result.equal else 1


if __name__ == "__main__":
    raise SystemExit(main())
