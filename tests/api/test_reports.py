"""``GET /reports/<project>``: the report page over HTTP, under the API's roles: readers get it
without personal data, editors with the contact details of overdue stakeholders."""

from __future__ import annotations

import re
from datetime import date

import httpx
from api_support import Client, Server
from stakegraph.queries.library import run_query
from stakegraph.schema.graphdb import GraphDB

PROJECT = "demo-reach"
AT = "2026-11-23"
# An overdue stakeholder of the demo study whose email the demo records.
WITH_EMAIL = ("demo-sarah-pennington", "sarah.pennington@mailbox.example")


def _get(client: Client, path: str) -> httpx.Response:
    return httpx.get(client.url + path, headers=client.headers, timeout=120)


def _figure(page: str, key: str) -> str:
    found = re.search(rf'data-figure="{re.escape(key)}">([^<]*)<', page)
    assert found, key
    return found.group(1)


def test_a_reader_gets_the_report_without_personal_data(
    demo_graph: GraphDB, api: Server, clients: dict[str, Client]
) -> None:
    response = _get(clients["reader"], f"/reports/{PROJECT}?at={AT}&since=2025-12-31")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "no-store" in response.headers["cache-control"]
    page = response.text
    for section in ("headline", "matrix", "network", "coverage", "readiness", "pathways"):
        assert f'<section id="{section}"' in page
    overdue = run_query(demo_graph, "overdue_contacts",
                        {"project": PROJECT, "at": date.fromisoformat(AT)})
    assert _figure(page, "overdue-count") == str(len(overdue))
    assert WITH_EMAIL[0] in {r["id"] for r in overdue}
    assert WITH_EMAIL[1] not in page and 'data-figure="personal:' not in page
    assert "no personal data" in page


def test_editors_and_admins_see_the_contact_details(
    demo_graph: GraphDB, api: Server, clients: dict[str, Client]
) -> None:
    for role in ("editor", "admin"):
        page = _get(clients[role], f"/reports/{PROJECT}?at={AT}").text
        assert 'data-figure="personal:email"' in page, role
        assert WITH_EMAIL[1] in page, role
        assert "contact details included" in page


def test_the_page_equals_the_cli_page_for_the_same_reader(
    demo_graph: GraphDB, api: Server, clients: dict[str, Client], cli_env: dict[str, str],
    tmp_path: object
) -> None:
    import subprocess
    from pathlib import Path

    out = Path(str(tmp_path)) / "reach.html"
    done = subprocess.run(["stakegraph", "report", "-p", PROJECT, "--at", AT, str(out)],
                          env=cli_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    served = _get(clients["reader"], f"/reports/{PROJECT}?at={AT}").text
    assert served == out.read_text(encoding="utf-8")


def test_refusals_are_coded(demo_graph: GraphDB, api: Server, clients: dict[str, Client]
) -> None:
    cases = [
        ("anonymous", f"/reports/{PROJECT}", 403, "FORBIDDEN"),
        ("reader", "/reports/no-such-project", 404, "NOT_FOUND"),
        ("reader", f"/reports/{PROJECT}?at=2026-02-30", 400, "VALIDATION"),
        ("reader", f"/reports/{PROJECT}?at=2025-01-01&since=2025-06-01", 400, "VALIDATION"),
        ("reader", f"/reports/{PROJECT}?colour=red", 400, "VALIDATION"),
    ]
    for role, path, status, code in cases:
        response = _get(clients[role], path)
        assert response.status_code == status, (path, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == code
    bad_key = Client(clients["reader"].url, {"X-API-Key": "sgk_nope"})
    assert _get(bad_key, f"/reports/{PROJECT}").status_code == 403
