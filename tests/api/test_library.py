"""The query library's questions through the API: the same Cypher text, checked parameters."""

from __future__ import annotations

from api_support import Client, Graph, codes
from stakegraph.queries.library import get_query

ASK = "query($n: String!, $p: JSON) { question(name: $n, params: $p) { name columns rows } }"


def test_questions_are_listed_with_their_cypher(clients: dict[str, Client]) -> None:
    listed = clients["reader"].data("{ questions { name purpose cypher params { name type } } }")
    by_name = {q["name"]: q for q in listed["questions"]}
    assert by_name["quadrants"]["cypher"] == get_query("quadrants").text
    assert {"project", "at"} <= {p["name"] for p in by_name["quadrants"]["params"]}
    assert not any(n.startswith(("export_", "plot_", "analytics_")) for n in by_name)


def test_quadrants_and_ego_network(clients: dict[str, Client], graph: Graph) -> None:
    c = clients["reader"]
    answer = c.data(ASK, {"n": "quadrants", "p": {"project": graph.id("p1"), "at": "2025-03-01"}})
    rows = {r["id"]: r for r in answer["question"]["rows"]}
    assert rows[graph.id("ann")]["quadrant"] == "q3" and rows[graph.id("ann")]["advice"]
    assert rows[graph.id("bob")]["quadrant"] == "q2"
    assert rows[graph.id("ann")]["assessed_on"] == "2025-01-10"
    later = c.data(ASK, {"n": "quadrants", "p": {"project": graph.id("p1"), "at": "2025-12-31"}})
    assert {r["id"]: r["quadrant"] for r in later["question"]["rows"]}[graph.id("ann")] == "q4"
    ego = c.data(ASK, {"n": "ego_network", "p": {"stakeholder": graph.id("bob"), "hops": 1}})
    assert {r["id"] for r in ego["question"]["rows"]} == {graph.id("ann"), graph.id("org")}


def test_question_errors(clients: dict[str, Client]) -> None:
    c = clients["reader"]
    assert codes(c.post(ASK, {"n": "nonsense"})) == ["NOT_FOUND"]
    assert codes(c.post(ASK, {"n": "export_nodes"})) == ["NOT_FOUND"]
    assert codes(c.post(ASK, {"n": "quadrants", "p": {}})) == ["VALIDATION"]
    assert codes(c.post(ASK, {"n": "ego_network", "p": {"stakeholder": "x", "hops": 99}})) == [
        "VALIDATION"]
    assert codes(c.post(ASK, {"n": "quadrants", "p": {"project": "x", "bogus": 1}})) == [
        "VALIDATION"]
    assert codes(clients["anonymous"].post(ASK, {"n": "quadrants"})) == ["FORBIDDEN"]
