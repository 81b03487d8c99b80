"""Reading the graph through every type and relationship field, with pages, filters and orders."""

from __future__ import annotations

from typing import Any

from api_support import Client, Graph, codes

STAKEHOLDER_FIELDS = """
  __typename id name kind sector societal seldomHeard country role
  ... on Person { memberships { role since organisation { id } member { id } } }
  ... on Group { members { role member { id } } }
  ... on Organisation { members { member { id } } parent { id } parts { id } }
"""


BY_ID = "query($id: ID!) { stakeholder(id: $id) { " + STAKEHOLDER_FIELDS + " } }"


def test_stakeholder_with_every_relationship(clients: dict[str, Client], graph: Graph) -> None:
    data = clients["editor"].data(
        """query($id: ID!) { stakeholder(id: $id) {
            %s email phone notes
            stakes(history: true) { id date assessor interest impact quadrant category advice
                                    stakeholder { id } project { id name } }
            current: stakes { id quadrant }
            asOf: stakes(asOf: "2025-03-01") { id quadrant }
            ties { totalCount nodes { type weight date evidence source { id } target { id } } }
            out: ties(direction: OUT) { totalCount }
            inTrust: ties(direction: IN, types: [TRUSTS]) { totalCount }
            participations { totalCount nodes { role activity { id level } stakeholder { id } } }
        } }""".replace("%s", STAKEHOLDER_FIELDS),
        {"id": graph.id("ann")},
    )
    ann = data["stakeholder"]
    assert ann["__typename"] == "Person" and ann["kind"] == "PERSON"
    assert ann["sector"] == "patients_public" and ann["seldomHeard"] is True
    assert ann["email"] == "ann@example.org" and ann["notes"] == "prefers evening calls"
    assert [m["organisation"]["id"] for m in ann["memberships"]] == [graph.id("grp")]
    assert [s["id"] for s in ann["stakes"]] == [graph.id("a2"), graph.id("a1")]
    assert ann["stakes"][0]["date"] == "2025-06-10"
    assert ann["stakes"][0]["project"]["id"] == graph.id("p1")
    assert ann["stakes"][1]["advice"] and ann["stakes"][1]["quadrant"] == "q3"
    assert [s["id"] for s in ann["current"]] == [graph.id("a2")]
    assert [s["quadrant"] for s in ann["asOf"]] == ["q3"]
    tie = ann["ties"]["nodes"][0]
    assert ann["ties"]["totalCount"] == 1
    assert tie == {"type": "INFLUENCES", "weight": 3.0, "date": "2025-03-01",
                   "evidence": "interview", "source": {"id": graph.id("ann")},
                   "target": {"id": graph.id("bob")}}
    assert ann["out"]["totalCount"] == 1 and ann["inTrust"]["totalCount"] == 0
    part = ann["participations"]["nodes"][0]
    assert part["role"] == "co-designer" and part["activity"]["level"] == "coproduction"


def test_organisation_group_members_and_parent(clients: dict[str, Client], graph: Graph) -> None:
    c = clients["reader"]
    org = c.data(
        BY_ID,
        {"id": graph.id("org")},
    )["stakeholder"]
    assert org["__typename"] == "Organisation"
    assert [m["member"]["id"] for m in org["members"]] == [graph.id("bob")]
    assert org["parent"]["id"] == graph.id("parent") and org["parts"] == []
    parent = c.data(
        BY_ID,
        {"id": graph.id("parent")},
    )["stakeholder"]
    assert [p["id"] for p in parent["parts"]] == [graph.id("org")]
    grp = c.data(
        BY_ID,
        {"id": graph.id("grp")},
    )["stakeholder"]
    assert grp["__typename"] == "Group" and grp["members"][0]["member"]["id"] == graph.id("ann")


def test_project_activity_and_entities(clients: dict[str, Client], graph: Graph) -> None:
    data = clients["reader"].data(
        """query($p: ID!, $w: ID!, $st: ID!, $oc: ID!, $ob: ID!) {
          project(id: $p) { id name stage startDate nextReview engagementStrategy
            activities { totalCount nodes { id date } }
            planning: activities(stage: "Planning") { totalCount }
            coprod: activities(level: "coproduction", dateFrom: "2025-01-01") { nodes { id } }
            stakes { totalCount nodes { id stakeholder { id } } }
            q3: stakes(quadrant: "q3") { totalCount }
            all: stakes(history: true) { totalCount }
            observations { id date value evidence outcome { id } project { id } } }
          activity(id: $w) { id name type date mode durationMinutes stage level
            project { id }
            participants { totalCount nodes { role stakeholder { id } } }
            strategies { note strategy { id name isVocabulary } activity { id } }
            objectives { objective { id } }
            outcomes { evidence outcome { id } } }
          strategy(id: $st) { id cluster isVocabulary
                              uses { totalCount nodes { note activity { id } } } }
          outcome(id: $oc) { id contributions { nodes { evidence activity { id } } }
                             observations { value } }
          objective(id: $ob) { id pursuits { nodes { activity { id } objective { id } } } }
        }""",
        {"p": graph.id("p1"), "w": graph.id("w1"), "st": graph.id("st"),
         "oc": graph.id("oc"), "ob": graph.id("ob")},
    )
    p = data["project"]
    assert p["startDate"] == "2025-01-01" and p["engagementStrategy"] is True
    assert [a["id"] for a in p["activities"]["nodes"]] == [graph.id("w2"), graph.id("w1")]
    assert p["planning"]["totalCount"] == 1
    assert [a["id"] for a in p["coprod"]["nodes"]] == [graph.id("w1")]
    # Current stakes: ann's latest (q4) and bob's; with history all three.
    assert p["stakes"]["totalCount"] == 2 and p["all"]["totalCount"] == 3
    assert p["q3"]["totalCount"] == 0
    assert p["observations"][0]["value"] == 0.7
    w = data["activity"]
    assert w["durationMinutes"] == 120 and w["mode"] == "in_person"
    assert w["project"]["id"] == graph.id("p1") and w["participants"]["totalCount"] == 2
    assert w["strategies"][0]["note"] == "paired sessions"
    assert w["strategies"][0]["strategy"]["isVocabulary"] is False
    assert w["objectives"][0]["objective"]["id"] == graph.id("ob")
    assert w["outcomes"][0]["evidence"] == "survey"
    assert data["strategy"]["uses"]["totalCount"] == 1
    assert data["outcome"]["contributions"]["nodes"][0]["activity"]["id"] == graph.id("w1")
    assert data["objective"]["pursuits"]["nodes"][0]["objective"]["id"] == graph.id("ob")


def test_vocabulary_concepts_and_shipped_entities(clients: dict[str, Client]) -> None:
    data = clients["reader"].data(
        """{ concepts(filter: {scheme: "spectrum_level"}) { totalCount nodes { code order } }
             concept(id: "quadrant:q3") { name definition }
             strategies(filter: {idPrefix: "eric:"}, first: 2) {
               totalCount nodes { id isVocabulary } }
             eric: concept(id: "eric:conduct_local_needs_assessment") { broader { scheme } }
        }"""
    )
    assert [n["code"] for n in data["concepts"]["nodes"]] == [
        "engagement", "participation", "involvement", "coproduction"]
    assert data["concept"]["name"].startswith("Q3")
    assert data["strategies"]["totalCount"] == 73
    assert all(n["isVocabulary"] for n in data["strategies"]["nodes"])


def _page(c: Client, variables: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = c.data(
        """query($f: StakeholderFilter, $first: Int, $after: String, $o: NodeOrder) {
          stakeholders(filter: $f, first: $first, after: $after, orderBy: $o) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { id } } } }""",
        variables,
    )
    return dict(data["stakeholders"])


def test_pagination_edges(clients: dict[str, Client], graph: Graph) -> None:
    c = clients["reader"]
    f = {"idPrefix": graph.prefix}
    first = _page(c, {"f": f, "first": 2, "o": "ID_ASC"})
    assert first["totalCount"] == 5
    assert [e["node"]["id"] for e in first["edges"]] == [graph.id("ann"), graph.id("bob")]
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    second = _page(c, {"f": f, "first": 2, "after": first["pageInfo"]["endCursor"], "o": "ID_ASC"})
    assert [e["node"]["id"] for e in second["edges"]] == [graph.id("grp"), graph.id("org")]
    assert second["pageInfo"]["hasPreviousPage"]
    last = _page(c, {"f": f, "first": 2, "after": second["pageInfo"]["endCursor"], "o": "ID_ASC"})
    assert [e["node"]["id"] for e in last["edges"]] == [graph.id("parent")]
    assert not last["pageInfo"]["hasNextPage"]
    past = _page(c, {"f": f, "first": 2, "after": last["pageInfo"]["endCursor"], "o": "ID_ASC"})
    assert past["edges"] == [] and past["pageInfo"]["endCursor"] is None
    empty = _page(c, {"f": f, "first": 0})
    assert empty["edges"] == [] and empty["totalCount"] == 5
    desc = _page(c, {"f": f, "first": 1, "o": "ID_DESC"})
    assert desc["edges"][0]["node"]["id"] == graph.id("parent")
    for bad in ({"first": 101}, {"first": -1}, {"after": "bm90LWEtY3Vyc29y"}):
        body = c.post(
            "query($first: Int, $after: String) { stakeholders(first: $first, after: $after) "
            "{ totalCount } }",
            bad,
        )
        assert codes(body) == ["VALIDATION"], body


def _ids(c: Client, f: dict[str, Any], order: str = "ID_ASC") -> list[str]:
    data = c.data(
        "query($f: StakeholderFilter, $o: NodeOrder) { stakeholders(filter: $f, orderBy: $o, "
        "first: 100) { nodes { id } } }",
        {"f": f, "o": order},
    )
    return [n["id"] for n in data["stakeholders"]["nodes"]]


def test_stakeholder_filters(clients: dict[str, Client], graph: Graph) -> None:
    c = clients["reader"]
    p = graph.prefix
    g = graph.id
    assert _ids(c, {"idPrefix": p, "kind": "ORGANISATION"}) == [g("org"), g("parent")]
    assert _ids(c, {"idPrefix": p, "sector": "Care provider"}) == [g("bob"), g("org")]
    assert _ids(c, {"idPrefix": p, "seldomHeard": True}) == [g("ann")]
    assert _ids(c, {"idPrefix": p, "societal": True}) == [g("ann"), g("grp")]
    assert _ids(c, {"idPrefix": p, "project": g("p1")}) == [g("ann"), g("bob")]
    # Current quadrant: ann moved from q3 to q4 in p1; org is q3 in p2.
    assert _ids(c, {"idPrefix": p, "quadrant": "q3"}) == [g("org")]
    assert _ids(c, {"idPrefix": p, "quadrant": "q4", "project": g("p1")}) == [g("ann")]
    assert _ids(c, {"idPrefix": p, "category": "collaborators"}) == [g("bob")]
    assert _ids(c, {"ids": [g("bob"), g("ann")]}) == [g("ann"), g("bob")]
    assert _ids(c, {"idPrefix": p, "search": "county"}) == [g("org")]
    assert _ids(c, {"idPrefix": p, "search": "Car"}, "RELEVANCE") == [g("ann"), g("grp")]
    assert _ids(c, {"idPrefix": p}, "NAME_DESC")[0] == g("parent")  # Health Board
    body = c.post('{ stakeholders(filter: {sector: "nonsense"}) { totalCount } }')
    assert codes(body) == ["VALIDATION"] and "closest" in body["errors"][0]["message"]


def test_activity_and_project_filters(clients: dict[str, Client], graph: Graph) -> None:
    c = clients["reader"]
    g = graph.id

    def acts(f: dict[str, Any], order: str = "DATE_DESC") -> list[str]:
        data = c.data(
            "query($f: ActivityFilter, $o: ActivityOrder) { activities(filter: $f, orderBy: $o) "
            "{ nodes { id } } }",
            {"f": {"idPrefix": graph.prefix, **f}, "o": order},
        )
        return [n["id"] for n in data["activities"]["nodes"]]

    assert acts({}) == [g("w2"), g("w1")]
    assert acts({}, "DATE_ASC") == [g("w1"), g("w2")]
    assert acts({"project": g("p1"), "stage": "planning"}) == [g("w1")]
    assert acts({"level": "engagement"}) == [g("w2")]
    assert acts({"type": "workshop", "mode": "in person"}) == [g("w1")]
    assert acts({"dateFrom": "2025-04-15", "dateTo": "2025-12-31"}) == [g("w2")]
    assert acts({"participant": g("bob")}) == [g("w1")]
    assert acts({"search": "newsletter"}) == [g("w2")]
    data = c.data(
        "query($f: ProjectFilter) { projects(filter: $f) { nodes { id } } }",
        {"f": {"idPrefix": graph.prefix, "stage": "execution"}},
    )
    assert [n["id"] for n in data["projects"]["nodes"]] == [g("p2")]
    data = c.data(
        "query($f: EntityFilter) { outcomes(filter: $f) { nodes { id } } "
        "objectives(filter: $f) { nodes { id } } strategies(filter: $f) { nodes { id } } }",
        {"f": {"idPrefix": graph.prefix, "customOnly": True}},
    )
    assert [n["id"] for n in data["outcomes"]["nodes"]] == [g("oc")]
    assert [n["id"] for n in data["objectives"]["nodes"]] == [g("ob")]
    assert [n["id"] for n in data["strategies"]["nodes"]] == [g("st")]


def test_missing_ids_are_null(clients: dict[str, Client], graph: Graph) -> None:
    data = clients["reader"].data(
        "query($id: ID!) { stakeholder(id: $id) { id } project(id: $id) { id } }",
        {"id": graph.id("nobody")},
    )
    assert data == {"stakeholder": None, "project": None}
