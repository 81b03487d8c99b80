"""The API serves the Neo4j Browser style and guide, readable from another origin (Browser runs
on the Neo4j server's), so any Neo4j's `browser.post_connect_cmd` can use them."""

from __future__ import annotations

from pathlib import Path

import httpx
from api_support import Server

BROWSER_DIR = Path(__file__).resolve().parents[2] / "queries" / "browser"


def test_style_and_guide_are_served_with_cors_and_nothing_else(api: Server) -> None:
    origin = {"Origin": "http://neo4j.example:7474"}
    for name, media in (("stakegraph.grass", "text/plain"),
                        ("stakegraph-guide.html", "text/html")):
        response = httpx.get(f"{api.url}/neo4j-browser/{name}", headers=origin, timeout=10)
        assert response.status_code == 200, name
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["content-type"].startswith(media)
        assert response.text == (BROWSER_DIR / name).read_text(encoding="utf-8")
    for name in ("pyproject.toml", "..%2Fapp.py", "stakegraph.GRASS"):
        assert httpx.get(f"{api.url}/neo4j-browser/{name}", timeout=10).status_code == 404
