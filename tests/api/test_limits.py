"""Depth, alias, token and cost limits, and the page-size cap."""

from __future__ import annotations

from api_support import Client, codes


def test_depth_limit(clients: dict[str, Client]) -> None:
    deep = ("{ stakeholders(first: 1) { nodes { ties(first: 1) { nodes { source { "
            "ties(first: 1) { nodes { target { ties(first: 1) { nodes { source { id } } } } } } "
            "} } } } } }")
    body = clients["reader"].post(deep)
    assert codes(body) == ["VALIDATION"] and "depth" in body["errors"][0]["message"]
    ok = "{ stakeholders(first: 1) { nodes { ties(first: 1) { nodes { source { id } } } } } }"
    assert "stakeholders" in clients["reader"].data(ok)


def test_alias_limit(clients: dict[str, Client]) -> None:
    fields = " ".join(f'a{i}: concept(id: "quadrant:q1") {{ code }}' for i in range(31))
    many = "{ " + fields + " }"
    body = clients["reader"].post(many)
    assert codes(body) == ["VALIDATION"] and "alias" in body["errors"][0]["message"].lower()


def test_token_limit(clients: dict[str, Client]) -> None:
    huge = "{ " + "concept(id: \"quadrant:q1\") { code code code code code } " * 400 + " }"
    body = clients["reader"].post(huge)
    assert codes(body) == ["VALIDATION"] and "token" in body["errors"][0]["message"].lower()


def test_cost_limit(clients: dict[str, Client]) -> None:
    costly = ("{ stakeholders(first: 100) { nodes { ties(first: 100) { nodes { "
              "source { participations(first: 100) { nodes { role } } } } } } } }")
    body = clients["reader"].post(costly)
    assert codes(body) == ["VALIDATION"]
    assert body["errors"][0]["extensions"]["cost"] > body["errors"][0]["extensions"]["limit"]
    # Refused before any resolver ran: only the key lookup reached the database.
    assert body["extensions"]["roundTrips"] == 1


def test_first_is_capped_on_nested_lists(clients: dict[str, Client]) -> None:
    body = clients["reader"].post(
        '{ project(id: "x") { activities(first: 1000) { totalCount } } '
        "stakeholders(first: 101) { totalCount } }"
    )
    assert "VALIDATION" in codes(body)
