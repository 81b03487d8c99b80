"""The wheel installs everything under the `stakegraph` namespace, with its data files."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_installs_under_one_namespace(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    wheels = list(dist.glob("stakegraph-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheels[0])],
        check=True,
        capture_output=True,
        text=True,
    )
    probe = (
        "import json, importlib.util, sysconfig, pathlib\n"
        "from stakegraph.schema.vocabulary import schemes\n"
        "from stakegraph.schema import model\n"
        "site = pathlib.Path(sysconfig.get_paths()['purelib'])\n"
        "top = sorted(p.name for p in site.iterdir() if not p.name.endswith(('.dist-info', '.pth'))"
        " and not p.name.startswith(('_', 'pip', 'setuptools', 'pkg_resources', 'distutils')))\n"
        "launcher = pathlib.Path(importlib.util.find_spec('stakegraph.localdb').origin).parent\n"
        "api = pathlib.Path(importlib.util.find_spec('stakegraph.api').origin).parent\n"
        "print(json.dumps({'top': top, 'eric': len(schemes()['eric'].terms),"
        " 'pom': (launcher / 'launcher' / 'pom.xml').exists(),"
        " 'graphiql': sorted(p.name for p in (api / 'graphiql').iterdir()),"
        " 'schema_file': model.__file__}))\n"
    )
    out = subprocess.run(
        [str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    import json

    found = json.loads(out.stdout)
    assert found["top"] == ["stakegraph"], found["top"]
    assert found["eric"] == 73
    assert found["pom"] is True
    # GraphiQL's fetched files (make setup) ship in the wheel, licences beside them.
    assert {"graphiql.min.js", "react.production.min.js", "LICENSE-graphiql"} <= set(
        found["graphiql"]
    ), found["graphiql"]
    assert "/site-packages/stakegraph/schema/" in found["schema_file"]
