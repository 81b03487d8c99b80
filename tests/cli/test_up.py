"""`stakegraph up`, the main job: it ends with the API answering over HTTP."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

from stakegraph.localdb.instance import free_port


def test_up_applies_the_schema_and_serves_the_api(cli_env: dict[str, str]) -> None:
    port = free_port()
    process = subprocess.Popen(
        ["stakegraph", "up", "--port", str(port)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    health = r.status
                    break
            except OSError:
                time.sleep(0.5)
        assert health == 200, "the API did not come up"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql",
            data=json.dumps({"query": "{ __typename }"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["data"] == {"__typename": "Query"}
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Schema:" in output and "vocabulary terms" in output
    assert f"http://127.0.0.1:{port}/graphql" in output
