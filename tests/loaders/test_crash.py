"""Crash safety: a multi-batch load killed part-way (SIGKILL) and re-run gives exactly the graph
a clean load of the same files gives."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

from loader_data import Snapshot
from neo4j import Driver
from stakegraph.loaders import load_paths, write_csv
from stakegraph.schema.graphdb import GraphDB

PEOPLE = 600
TIES = 2400


def _write_dataset(folder: Path, prefix: str) -> None:
    rng = random.Random(42)
    kinds = ["person", "person", "person", "organisation", "group"]
    write_csv(folder / "stakeholders.csv", ["id", "name", "kind", "notes"],
              [[f"{prefix}s{i}", f"Stakeholder {i}", kinds[i % 5], f"note {i}"]
               for i in range(PEOPLE)])
    write_csv(folder / "projects.csv", ["id", "name"], [[f"{prefix}proj", "Crash project"]])
    pairs: set[tuple[int, int, str]] = set()
    while len(pairs) < TIES:
        a, b = rng.randrange(PEOPLE), rng.randrange(PEOPLE)
        if a != b:
            pairs.add((a, b, rng.choice(["trusts", "influences", "collaborates_with"])))
    write_csv(folder / "ties.csv", ["source_id", "target_id", "type", "weight", "date"],
              [[f"{prefix}s{a}", f"{prefix}s{b}", t, rng.randint(1, 5), "2025-05-01"]
               for a, b, t in sorted(pairs)])
    write_csv(folder / "assessments.csv",
              ["stakeholder_id", "project_id", "date", "assessor", "interest", "impact"],
              [[f"{prefix}s{i}", f"{prefix}proj", "2025-04-01", "team", rng.randint(1, 10),
                rng.randint(1, 10)] for i in range(PEOPLE)])


def _ties(driver: Driver, database: str, prefix: str) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (a:Stakeholder) WHERE a.id STARTS WITH $p "
        "MATCH (a)-[r:TRUSTS|INFLUENCES|COLLABORATES_WITH]->() RETURN count(r) AS c",
        p=prefix, database_=database)
    return int(records[0]["c"])


def test_a_killed_load_rerun_equals_a_clean_load(db: GraphDB,
    tmp_path: Path, scratch: str, driver: Driver, database: str, cli_env: dict[str, str],
    take_snapshot: Snapshot,
) -> None:
    crashed, clean = f"{scratch}crash-", f"{scratch}clean-"
    _write_dataset(tmp_path / "crash", crashed)
    _write_dataset(tmp_path / "clean", clean)
    command = ["stakegraph", "load", str(tmp_path / "crash"), "--batch-size", "20"]
    process = subprocess.Popen(command, env=cli_env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    try:
        while _ties(driver, database, crashed) == 0:
            assert process.poll() is None, "the load ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    written = _ties(driver, database, crashed)
    assert 0 < written < TIES  # killed part-way through the ties
    rerun = subprocess.run(command, env=cli_env, capture_output=True, text=True, timeout=120,
                           check=False)
    assert rerun.returncode == 0, rerun.stderr
    load_paths(db, [tmp_path / "clean"], batch_size=500)
    after_crash = take_snapshot(crashed)
    assert len(after_crash["relationships"]) == TIES + PEOPLE  # ties + assessments
    assert after_crash == take_snapshot(clean)
