"""`make test` leaves nothing running: the session fixture stops the Neo4j it started, and leaves
alone one that it found running. Checked by running a small pytest session in a subprocess with
the suite's own fixtures, against a Neo4j home and ports of this test's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stakegraph.localdb import instance
from stakegraph.localdb.instance import free_port
from stakegraph.settings import Settings

TESTS = Path(__file__).resolve().parent.parent

_INNER_TEST = '''
def test_neo4j_answers(driver, database):
    records, _, _ = driver.execute_query("RETURN 1 AS one", database_=database)
    assert records[0]["one"] == 1
'''


def _processes_using(home: Path) -> list[int]:
    """Returns the pids whose command line names ``home`` (the launcher JVM is given it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if str(home).encode() in cmdline:
            found.append(int(entry.name))
    return found


def _run_inner_session(tmp: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (tmp / "inner").mkdir(exist_ok=True)
    test_file = tmp / "inner" / "test_inner.py"
    test_file.write_text(_INNER_TEST)
    return subprocess.run(
        # The suite's conftest as a plugin: the same session fixtures `make test` uses.
        [sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider",
         "--rootdir", str(tmp / "inner"), str(test_file)],
        env={**env, "PYTHONPATH": str(TESTS)}, cwd=tmp / "inner",
        capture_output=True, text=True, timeout=600,
    )


def test_the_session_stops_the_neo4j_it_started_and_keeps_one_it_found(tmp_path: Path) -> None:
    home = tmp_path / "neo4j-home"
    bolt, http = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        STAKEGRAPH_HOME=str(home), STAKEGRAPH_BOLT_PORT=str(bolt),
        STAKEGRAPH_HTTP_PORT=str(http), STAKEGRAPH_NEO4J_HEAP="768m",
        STAKEGRAPH_NEO4J_PAGECACHE="128m",
    )
    own = Settings(  # type: ignore[call-arg]
        _env_file=None, NEO4J_URI=None, STAKEGRAPH_HOME=home, STAKEGRAPH_BOLT_PORT=bolt,
        STAKEGRAPH_HTTP_PORT=http, STAKEGRAPH_NEO4J_HEAP="768m",
        STAKEGRAPH_NEO4J_PAGECACHE="128m",
    )

    # Nothing running: the session starts Neo4j, and after it no process of it is left.
    first = _run_inner_session(tmp_path, env)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "1 passed" in first.stdout
    assert (home / "neo4j" / "stakegraph-password").exists(), "the session never started Neo4j"
    assert _processes_using(home) == []
    assert instance.status(own).running is False

    # One already running: the session uses it and leaves it running.
    started = instance.start(own)
    try:
        second = _run_inner_session(tmp_path, env)
        assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
        after = instance.status(own)
        assert after.running and after.pid == started.pid
    finally:
        instance.stop(own)
    assert _processes_using(home) == []
