"""The GraphiQL page at ``/graphql``, loading React, GraphiQL and the explorer plugin from the API
itself (``/graphiql/...``) instead of a public CDN, so it works without internet access."""

from __future__ import annotations

import html
from pathlib import Path

from stakegraph.api.graphiql_assets import SCRIPTS, STYLESHEETS, is_complete
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

ASSETS_DIR = Path(__file__).resolve().parent / "graphiql"
ASSETS_PATH = "/graphiql"

# The page may load and contact nothing but the API's own origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)

_START_QUERY = """# stakegraph's GraphQL API. Ctrl-Enter runs the query; the Docs and Explorer panes
# on the left list every field. Without anonymous read, put your key in Headers:
#   {"Authorization": "Bearer <key>"}
{
  stakeholders(first: 5) {
    totalCount
    nodes { id name sector }
  }
}
"""

# Written for this page: GraphiQL's UMD build sets the globals GraphiQL (with GraphiQL.React
# and GraphiQL.GraphQL, which the explorer's build reads) and GraphiQLPluginExplorer.
_BOOT = """
const endpoint = window.location.pathname;
const render = () => React.createElement(GraphiQL, {
  fetcher: GraphiQL.createFetcher({ url: endpoint }),
  plugins: [GraphiQLPluginExplorer.explorerPlugin()],
  defaultQuery: START_QUERY,
  defaultEditorToolsVisibility: true,
  isHeadersEditorEnabled: true,
  shouldPersistHeaders: false,
});
ReactDOM.createRoot(document.getElementById("graphiql")).render(render());
"""

_MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stakegraph GraphiQL</title></head>
<body><p>GraphiQL's files are not installed with this API. In the repository, run
<code>make setup</code> (or <code>python3 api/graphiql_assets.py api/graphiql</code>) and
restart the API. GraphQL requests to this address work without them.</p></body></html>
"""


def graphiql_html(assets_url: str = ASSETS_PATH) -> str:
    """Returns the GraphiQL page, its files referenced under ``assets_url``."""
    styles = "\n".join(
        f'<link rel="stylesheet" href="{html.escape(assets_url)}/{name}">' for name in STYLESHEETS
    )
    scripts = "\n".join(
        f'<script src="{html.escape(assets_url)}/{name}"></script>' for name in SCRIPTS
    )
    start = _START_QUERY.replace("\\", "\\\\").replace("`", "\\`").replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>stakegraph GraphiQL</title>
<link rel="icon" href="data:,">
{styles}
<style>html, body {{ margin: 0; height: 100%; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL...</div>
{scripts}
<script>
const START_QUERY = `{start}`;
{_BOOT}
</script>
</body>
</html>
"""


def graphiql_response() -> Response:
    """Returns the page (or, when the files were never fetched, a page saying how to get them),
    with a policy that keeps the browser on the API's own origin."""
    body = graphiql_html() if is_complete(ASSETS_DIR) else _MISSING
    return HTMLResponse(body, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


class GraphiQLFiles(StaticFiles):
    """The fetched GraphiQL files (with ETag and Last-Modified, so browsers revalidate cheaply)."""

    def __init__(self) -> None:
        super().__init__(directory=ASSETS_DIR, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serves a file; a 404 when the files were never fetched (StaticFiles would fail)."""
        if not ASSETS_DIR.is_dir():
            await Response("GraphiQL's files are not installed", 404)(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
