"""Neo4j Browser on the local Neo4j opens ready: styled and with the guide, on login.

The launcher serves the style and guide from Neo4j's own HTTP connector, and
``browser.post_connect_cmd`` runs ``:style`` and ``:play`` with them after login. Headless
Chromium logs in like a person and checks that the first graph drawn has stakegraph's colours.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from neo4j import Driver
from playwright.sync_api import Browser, Route
from stakegraph.queries.browser_guide import grass_text

from stakegraph.localdb import instance
from stakegraph.settings import Settings


def grass_colour(label: str) -> str:
    """Returns the fill colour the shipped style gives nodes with ``label``."""
    rule = re.search(r"node\." + label + r"\s*\{([^}]*)\}", grass_text())
    assert rule, label
    colour = re.search(r"(?<![\w-])color:\s*(#[0-9A-Fa-f]{6})", rule.group(1))
    assert colour, rule.group(1)
    return colour.group(1).upper()


def test_style_and_guide_are_served_by_neo4j_without_credentials(neo4j_server: Settings) -> None:
    state = instance.status(neo4j_server)
    with urllib.request.urlopen(state.style_url, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.read().decode() == grass_text()
    with urllib.request.urlopen(state.guide_url, timeout=10) as response:
        assert b'<article class="guide">' in response.read()


def test_login_applies_the_style_and_opens_the_guide(
    neo4j_server: Settings, driver: Driver, database: str, scratch: str, browser: Browser,
    tmp_path: Path,
) -> None:
    driver.execute_query(
        """
        CREATE (o:Stakeholder:Organisation {id: $p + 'org', name: 'Kingsley Trust',
                                            kind: 'organisation'})
        CREATE (a:Stakeholder:Person {id: $p + 'ann', name: 'Ann Carver', kind: 'person'})
        CREATE (a)-[:INFLUENCES {weight: 2.0}]->(o)
        """,
        p=scratch, database_=database,
    )
    state = instance.status(neo4j_server)
    assert state.password
    local = urlsplit(state.http).hostname
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def stay_local(route: Route) -> None:  # Browser must need nothing from the internet
        if urlsplit(route.request.url).hostname in (local, None):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", stay_local)
    page = context.new_page()
    try:
        page.goto(state.browser)
        page.wait_for_selector('[data-testid="username"]', timeout=60_000)
        page.select_option('[data-testid="bolt-scheme-select"]', "bolt://")
        page.fill('[data-testid="boltaddress"]', urlsplit(state.uri).netloc)
        page.fill('[data-testid="username"]', state.user)
        page.fill('[data-testid="password"]', state.password)
        page.click('[data-testid="connect"]')
        commands = page.locator('[data-testid="frameCommand"]')
        for command in (f":style {state.style_url}", f":play {state.guide_url}"):
            commands.filter(has_text=command).first.wait_for(timeout=30_000)
        page.get_by_text("The stakeholder graph's query library").first.wait_for(timeout=30_000)

        page.click('[data-testid="activeEditor"]')
        page.keyboard.type(f"MATCH (s:Stakeholder) WHERE s.id STARTS WITH '{scratch}' RETURN s")
        page.keyboard.press("Enter")
        nodes = page.locator("svg g.node circle.b-outline")
        nodes.nth(1).wait_for(timeout=30_000)
        fills = sorted((nodes.nth(i).get_attribute("fill") or "").upper()
                       for i in range(nodes.count()))
        page.screenshot(path=str(tmp_path / "browser.png"))
    finally:
        context.close()
    # Browser's own palette would give the two labels other colours.
    assert fills == sorted([grass_colour("Organisation"), grass_colour("Person")]), fills
