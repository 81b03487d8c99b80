"""The command line: version, help, and errors as one line without a traceback."""

from __future__ import annotations

import subprocess

from stakegraph import __version__


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["stakegraph", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_version(cli_env: dict[str, str]) -> None:
    out = _run(cli_env, "--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"stakegraph {__version__}"


def test_help_lists_the_commands(cli_env: dict[str, str]) -> None:
    out = _run(cli_env, "--help")
    assert out.returncode == 0
    for command in ("neo4j", "schema", "up"):
        assert command in out.stdout
    sub = _run(cli_env, "neo4j", "--help")
    assert sub.returncode == 0 and "status" in sub.stdout


def test_unknown_command_is_a_usage_error(cli_env: dict[str, str]) -> None:
    out = _run(cli_env, "no-such-command")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "no-such-command" in out.stderr


def test_neo4j_commands_refuse_to_manage_a_remote_server(cli_env: dict[str, str]) -> None:
    out = _run(cli_env, "neo4j", "stop")
    assert out.returncode == 1
    assert "NEO4J_URI is set" in out.stderr
    assert len(out.stderr.strip().splitlines()) <= 3


def test_cli_start_does_not_load_the_analytics_libraries(cli_env: dict[str, str]) -> None:
    import sys

    probe = "import sys, stakegraph.cli.main; print('igraph' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], env=cli_env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


def test_analyse_help_names_every_metric(cli_env: dict[str, str]) -> None:
    from stakegraph.queries.analytics import METRICS

    out = _run(cli_env, "analyse", "--help")
    assert out.returncode == 0
    for metric in METRICS:
        assert metric in out.stdout
