"""docker-compose.yml cannot run here (no Docker engine), so its shape is checked instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def test_neo4j_service_has_plugins_volume_ports_and_healthcheck() -> None:
    neo4j = _compose()["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5")
    plugins = neo4j["environment"]["NEO4J_PLUGINS"]
    assert "apoc" in plugins and "graph-data-science" in plugins
    assert {"7474:7474", "7687:7687"} <= set(neo4j["ports"])
    assert any(v.endswith(":/data") for v in neo4j["volumes"])
    assert neo4j["healthcheck"]["test"] and neo4j["healthcheck"]["retries"] > 0
    assert "neo4j-data" in _compose()["volumes"]


def test_neo4j_browser_fetches_style_and_guide_from_the_api_on_connect() -> None:
    env = _compose()["services"]["neo4j"]["environment"]
    commands = [c.strip() for c in env["NEO4J_browser_post__connect__cmd"].split(";")]
    assert commands == [
        "style http://localhost:8000/neo4j-browser/stakegraph.grass",
        "play http://localhost:8000/neo4j-browser/stakegraph-guide.html",
    ]
    assert "localhost" in env["NEO4J_browser_remote__content__hostname__whitelist"].split(",")
    assert "8000:8000" in _compose()["services"]["api"]["ports"]


def test_api_waits_for_a_healthy_neo4j_and_is_built_here() -> None:
    api = _compose()["services"]["api"]
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert "8000:8000" in api["ports"]
    assert "/health" in " ".join(api["healthcheck"]["test"])
    assert api["command"][:2] == ["stakegraph", "serve"]


def test_dockerfile_copies_every_package_folder() -> None:
    text = (REPO / "Dockerfile").read_text()
    for folder in ("stakegraph", "schema", "loaders", "queries", "api"):
        assert f"COPY {folder} ./{folder}" in text
    # GraphiQL's files are fetched (and checked) before the install, so the wheel holds them.
    assert text.index("api/graphiql_assets.py api/graphiql") < text.index("pip install")
