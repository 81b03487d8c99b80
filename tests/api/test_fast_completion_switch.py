"""STAKEGRAPH_API_FAST_COMPLETION=false keeps the fast executor (and the graphql-core internals it
relies on) out of the API process; on, the schema uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

_PROBE = """
import json, sys
from stakegraph.api.app import create_app
from stakegraph.api.schema import build_schema
from stakegraph.settings import get_settings
settings = get_settings()
app = create_app(settings)
# A worker builds its schema once it has read the model in force; build the shipped one here.
build_schema(settings)
print(json.dumps({"imported": "stakegraph.api.execution" in sys.modules}))
"""


def _api_process_imports_the_fast_executor(switch: str) -> bool:
    env = {**os.environ, "STAKEGRAPH_API_FAST_COMPLETION": switch, "NEO4J_URI": "bolt://x:1"}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    imported: bool = json.loads(out.stdout.splitlines()[-1])["imported"]
    return imported


def test_fast_executor_is_imported_only_when_on() -> None:
    assert _api_process_imports_the_fast_executor("false") is False
    assert _api_process_imports_the_fast_executor("true") is True
