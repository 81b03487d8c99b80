"""The local Neo4j: start/stop/status, persistence, credentials, Browser, and clear errors.

The shared test instance (port 17687) is only read here; the restart test uses an instance of
its own on other ports, under a temporary home.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from stakegraph.schema.errors import StakegraphError

from stakegraph.localdb import instance
from stakegraph.localdb.instance import free_port
from stakegraph.settings import Settings


def _local_env(home: Path, bolt: int, http: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        STAKEGRAPH_HOME=str(home), STAKEGRAPH_BOLT_PORT=str(bolt), STAKEGRAPH_HTTP_PORT=str(http)
    )
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    import sys

    exe = str(Path(sys.executable).parent / "stakegraph")
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=300)


def test_status_json_reports_the_running_shared_instance(neo4j_server: Settings) -> None:
    env = _local_env(neo4j_server.home, neo4j_server.bolt_port, neo4j_server.http_port)
    out = _cli(env, "neo4j", "status", "--json")
    assert out.returncode == 0, out.stderr
    state = json.loads(out.stdout)
    assert {"uri", "user", "password", "http", "running"} <= set(state)
    assert state["running"] is True
    assert state["uri"] == f"bolt://127.0.0.1:{neo4j_server.bolt_port}"


def test_start_reuses_a_running_instance(neo4j_server: Settings) -> None:
    before = instance.status(neo4j_server)
    again = instance.start(neo4j_server)
    assert again.pid == before.pid and again.running


def test_browser_is_served_and_accepts_the_printed_credentials(neo4j_server: Settings) -> None:
    state = instance.status(neo4j_server)
    with urllib.request.urlopen(state.browser, timeout=10) as response:
        assert response.status == 200
        assert b"<html" in response.read().lower()
    token = base64.b64encode(f"{state.user}:{state.password}".encode()).decode()
    request = urllib.request.Request(
        f"{state.http}/db/neo4j/tx/commit",
        data=json.dumps({"statements": [{"statement": "RETURN 1 + 1 AS two"}]}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read())
    assert body["errors"] == []
    assert body["results"][0]["data"][0]["row"] == [2]


def test_apoc_core_is_loaded(neo4j_server: Settings) -> None:
    from neo4j import GraphDatabase

    state = instance.status(neo4j_server)
    assert state.password
    with GraphDatabase.driver(state.uri, auth=(state.user, state.password)) as drv:
        records, _, _ = drv.execute_query("RETURN apoc.version() AS v")
    assert str(records[0]["v"]).startswith("5.26")


@pytest.fixture
def own_instance(tmp_path: Path, neo4j_server: Settings) -> Iterator[dict[str, str]]:
    """A second local instance on free ports, stopped at the end."""
    env = _local_env(tmp_path / "home", free_port(), free_port())
    # Reuse the launcher build the session already made.
    env["STAKEGRAPH_CACHE_DIR"] = str(neo4j_server.cache_dir)
    yield env
    _cli(env, "neo4j", "stop")


def test_restart_keeps_data_and_password_and_errors_are_one_line(
    own_instance: dict[str, str],
) -> None:
    env = own_instance
    started = _cli(env, "neo4j", "start")
    assert started.returncode == 0, started.stderr
    state = json.loads(_cli(env, "neo4j", "status", "--json").stdout)
    assert state["running"] and len(state["password"]) >= 16

    from neo4j import GraphDatabase

    with GraphDatabase.driver(state["uri"], auth=(state["user"], state["password"])) as drv:
        drv.execute_query("CREATE (:Marker {id: 'persisted'})")

    # A second start on the same ports from another home: the port is taken, one clear line.
    clash = dict(env, STAKEGRAPH_HOME=env["STAKEGRAPH_HOME"] + "-other")
    out = _cli(clash, "neo4j", "start")
    assert out.returncode != 0
    assert "port" in out.stderr and "taken" in out.stderr and "Traceback" not in out.stderr

    # Wrong password against a running server: one line naming the fix.
    wrong = dict(env, NEO4J_URI=state["uri"], NEO4J_PASSWORD="not-the-password")
    out = _cli(wrong, "schema", "apply")
    assert out.returncode != 0
    assert "NEO4J_PASSWORD" in out.stderr and "Traceback" not in out.stderr

    assert _cli(env, "neo4j", "stop").returncode == 0
    assert json.loads(_cli(env, "neo4j", "status", "--json").stdout)["running"] is False

    # Neo4j down: one line saying how to start it.
    out = _cli(env, "schema", "apply")
    assert out.returncode != 0
    assert "does not answer" in out.stderr and "Traceback" not in out.stderr

    assert _cli(env, "neo4j", "start").returncode == 0
    again = json.loads(_cli(env, "neo4j", "status", "--json").stdout)
    assert again["password"] == state["password"]
    with GraphDatabase.driver(again["uri"], auth=(again["user"], again["password"])) as drv:
        records, _, _ = drv.execute_query("MATCH (m:Marker {id: 'persisted'}) RETURN count(m) AS n")
    assert records[0]["n"] == 1


def test_missing_java_is_one_clear_line(tmp_path: Path) -> None:
    env = _local_env(tmp_path / "home", free_port(), free_port())
    env["PATH"] = str(tmp_path / "empty-bin")
    out = _cli(env, "neo4j", "start")
    assert out.returncode != 0
    assert "'java' was not found" in out.stderr
    assert len(out.stderr.strip().splitlines()) <= 2 and "Traceback" not in out.stderr


def test_bad_settings_are_rejected_with_the_variable_named(tmp_path: Path) -> None:
    env = _local_env(tmp_path / "home", 17999, 17998)
    env["STAKEGRAPH_BOLT_PORT"] = "not-a-port"
    out = _cli(env, "neo4j", "status")
    assert out.returncode != 0
    assert "STAKEGRAPH_BOLT_PORT" in out.stderr and "Traceback" not in out.stderr


def test_stop_when_nothing_runs_is_harmless(tmp_path: Path) -> None:
    settings = Settings(STAKEGRAPH_HOME=str(tmp_path / "none"))  # type: ignore[call-arg]
    assert instance.stop(settings) is False
    with pytest.raises(StakegraphError):
        from stakegraph.db import connection

        connection(settings)


def test_open_gds_is_loaded_with_its_procedures(neo4j_server: Settings) -> None:
    from neo4j import GraphDatabase

    state = instance.status(neo4j_server)
    assert state.password
    with GraphDatabase.driver(state.uri, auth=(state.user, state.password)) as drv:
        version, _, _ = drv.execute_query("RETURN gds.version() AS v")
        info, _, _ = drv.execute_query(
            "CALL gds.debug.sysInfo() YIELD key, value "
            "WHERE key IN ['gdsEdition', 'neo4jVersion'] RETURN key, value")
        procs, _, _ = drv.execute_query(
            "CALL gds.list() YIELD name WHERE name IN $names RETURN collect(name) AS found",
            names=["gds.pageRank.stream", "gds.betweenness.stream", "gds.leiden.stream",
                   "gds.louvain.stream", "gds.influenceMaximization.celf.stream"])
    assert str(version[0]["v"]).startswith("2.13.")
    assert {r["key"]: r["value"] for r in info} == {"gdsEdition": "OpenGDS",
                                                     "neo4jVersion": "5.26.19"}
    assert len(procs[0]["found"]) == 5
