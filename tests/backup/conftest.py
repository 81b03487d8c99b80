"""Fixtures of the backup tests: graphs holding everything stakegraph keeps, built in the
private Neo4j (`empty_db`), and the API's test helpers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# api_support (the API in a subprocess) sits in tests/api, the GraphQL caller in tests/faults.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "faults"))

from stakegraph.api.keystore import create_key
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import generate
from stakegraph.loaders.model_change import apply_declaration
from stakegraph.queries.analytics import jobs
from stakegraph.queries.privacy.actions import erase_person, export_person
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.extensions import read_declaration
from stakegraph.schema.graphdb import GraphDB

from stakegraph.cli.demo_cmd import load_demo

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DECLARATION = REPO / "docs" / "examples" / "extension.toml"

# Every kind of value Neo4j stores, on one node (set with Cypher, as no loader writes them).
TYPED_VALUES = """
MATCH (s:Stakeholder {id: $id})
SET s.t_date = date('2026-01-02'),
    s.t_offset_z = datetime('2026-01-02T10:11:12.123456789Z'),
    s.t_offset = datetime('2026-01-02T10:11:12+05:30'),
    s.t_zoned = datetime('2026-07-02T10:11:12.5[Europe/London]'),
    s.t_zone_utc = datetime('2026-07-02T10:11:12[UTC]'),
    s.t_local = localdatetime('2026-01-02T10:11:12.000000001'),
    s.t_time = time('10:11:12.5+02:00'), s.t_localtime = localtime('10:11:12'),
    s.t_duration = duration('P1Y2M3DT4H5M6.7S'),
    s.t_point = point({x: 1.5, y: -2.5}), s.t_point3 = point({longitude: 1.0, latitude: 2.0,
    height: 3.0}),
    s.t_float = 1.0, s.t_int = 1, s.t_big = 9007199254740993, s.t_neg_zero = -0.0,
    s.t_nan = 0.0 / 0.0, s.t_inf = 1.0 / 0.0,
    s.t_floats = [1.0, 2.5], s.t_ints = [1, 2], s.t_dates = [date('2020-01-01')],
    s.t_bools = [true, false], s.t_strings = ['a', '', 'é "quoted" \\n'],
    s.t_bytes = $bytes
"""


def build_everything(db: GraphDB, env: dict[str, str], workdir: Path,
                     stakeholders: int = 200) -> None:
    """Fills the (empty) database with everything stakegraph keeps: the schema and
    vocabularies, a declared extension, the demo, a generated graph, audit events of a person
    export and erasure, an analytics run with its scores, analysis jobs, the change feed the
    loads recorded, an API key and a node holding every kind of value (returns nothing)."""
    apply_schema(db, actor="pytest")
    apply_declaration(db, read_declaration(EXAMPLE_DECLARATION), actor="pytest")
    load_demo(db)
    generate(stakeholders, 7, workdir / "generated", id_prefix="gen-")
    load_paths(db, [workdir / "generated"])
    export_person(db, "demo-hannah-okafor", actor="pytest")
    erase_person(db, "demo-joost-de-wit", actor="pytest")
    subprocess.run(["stakegraph", "analyse", "pagerank", "--project", "demo-icbt", "--write"],
                   env=env, check=True, capture_output=True)
    create_key(db, "reader", "backup test key")
    # Analysis jobs: one ended (failed) and one queued, which still holds its scope under the
    # uniqueness constraint on active_scope that a restore must satisfy.
    ended = jobs.submit(db, jobs.JobSpec("degree", project="demo-icbt"), "pytest", max_active=5)
    jobs.claim(db, ended.id, "backup-test-host", 4242)
    jobs.fail(db, ended.id, "stopped by the test")
    jobs.submit(db, jobs.JobSpec("pagerank", project="demo-icbt"), "pytest", max_active=5)
    db.write(TYPED_VALUES, id="demo-rebecca-lund", bytes=bytearray(b"\x00\x01\xffbytes"))


def cli(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Returns the finished `stakegraph ARGS` run against the private Neo4j."""
    return subprocess.run(["stakegraph", *args], env=env, capture_output=True, text=True,
                          check=check)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder for generated files and backups."""
    return tmp_path
