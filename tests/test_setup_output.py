"""The first `make up`/`make test` shows the project's own progress, not the build tools' noise."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_setup_into_a_new_venv_prints_one_progress_line(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # As a person's shell has it: not inside the suite's venv, no warning filters of ours.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONWARNINGS")}
    out = subprocess.run(
        ["make", "--no-print-directory", "setup", f"VENV={venv}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    lines = (out.stdout + out.stderr).splitlines()
    assert out.returncode == 0, "\n".join(lines[-20:])
    # Everything pip and setuptools would say (licence table, data folders, the editable
    # install) has a cause fixed in pyproject.toml; what is left is our one line.
    assert lines == [
        f"Installing stakegraph and its Python packages into {venv} "
        "(the first time takes a minute)..."
    ], "\n".join(lines[:40])
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import stakegraph.api.app, stakegraph.cli.main"],
        capture_output=True, text=True, timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
