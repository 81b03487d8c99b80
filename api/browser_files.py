"""The Neo4j Browser style and guide served by the API (``/neo4j-browser/...``), for any Neo4j's
Browser to fetch on connect: its ``browser.post_connect_cmd`` runs ``:style`` and ``:play`` with
these addresses (the README shows the settings). The local Neo4j serves the same files itself."""

from __future__ import annotations

from functools import lru_cache

from stakegraph.queries.browser_guide import (
    GRASS_NAME,
    GUIDE_NAME,
    grass_text,
    guide_html,
    library_docs,
)
from starlette.requests import Request
from starlette.responses import Response

PATH = "/neo4j-browser"

_TYPES = {GRASS_NAME: "text/plain; charset=utf-8", GUIDE_NAME: "text/html; charset=utf-8"}


@lru_cache(maxsize=2)
def _text(name: str) -> str:
    return grass_text() if name == GRASS_NAME else guide_html(library_docs())


async def neo4j_browser_file(request: Request) -> Response:
    """Returns the style or the guide, readable from any origin (Browser runs on the Neo4j
    server's origin, not the API's); 404 for any other name."""
    name = str(request.path_params["name"])
    if name not in _TYPES:
        return Response("not found", 404, media_type="text/plain")
    return Response(
        _text(name),
        media_type=_TYPES[name],
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"},
    )
