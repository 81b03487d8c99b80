"""The fast completion of query results (``stakegraph.api.execution``) answers exactly as
graphql-core's own execution does: the same data, the same errors at the same paths.

Two servers run side by side on the same scratch graph, one with the fast completion and one
without (``STAKEGRAPH_API_FAST_COMPLETION=false``), and every query below goes to both. They serve
the model of ``docs/examples/extension.toml`` (declared properties of every type, personal ones,
lists of terms), so the generated types are exercised with declared fields too. The
queries are generated from the schema (every root lookup and list, every field of every type
reached, four levels deep, interfaces through inline fragments) and written by hand for the
corners: aliases, fragments, directives, shared subtrees, errors, nulls. Each response also says
(debug extensions) which executor completed its root fields, so a test can tell the fast path
really ran and the fallback really fell back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import SEED, Client, Graph, Server, start_server, stop_server
from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
    is_leaf_type,
)
from neo4j import Driver
from stakegraph.api.schema import build_schema
from stakegraph.schema.combined import Model
from stakegraph.schema.extensions import read_declaration

from stakegraph.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "extension.toml"
PERSONAL = {"email", "phone", "notes", "preferredContact"}
LOOKUPS = {
    "stakeholder": ("ann", "bob", "org", "parent", "grp", "nobody"),
    "project": ("p1", "p2"),
    "activity": ("w1", "w2"),
    "strategy": ("st",),
    "outcome": ("oc",),
    "objective": ("ob",),
}
LISTS = ("stakeholders", "projects", "activities", "strategies", "outcomes", "objectives")


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """Returns data and errors without request ids, errors in path order: GraphQL leaves the
    order of errors open, and graphql-core's follows which resolvers finish first."""
    errors = [
        {**e, "extensions": {k: v for k, v in e.get("extensions", {}).items() if k != "requestId"}}
        for e in body.get("errors") or []
    ]
    errors.sort(key=lambda e: (repr(e.get("path")), e["message"]))
    return {"data": body.get("data"), "errors": errors}


def _selection(type_: GraphQLNamedType, depth: int, personal: bool) -> str:
    """Returns every field of ``type_`` (objects ``depth`` levels down) as a selection set."""
    if not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
        return ""
    parts = ["__typename"]
    for name, field in type_.fields.items():
        if name in PERSONAL and not personal:
            continue
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            parts.append(name)
        elif depth > 0:
            inner = _selection(named, depth - 1, personal)
            if inner:
                parts.append(f"{name} {{ {inner} }}")
    if isinstance(type_, GraphQLInterfaceType):
        for possible in SCHEMA.get_possible_types(type_):
            extra = {n: f for n, f in possible.fields.items() if n not in type_.fields}
            if not extra:
                continue
            narrowed = GraphQLObjectType(possible.name, extra)
            parts.append(f"... on {possible.name} {{ {_selection(narrowed, depth, personal)} }}")
    return " ".join(parts)


SCHEMA = build_schema(Settings(), Model.extended(read_declaration(EXAMPLE), 1))._schema


def _root_queries(personal: bool) -> list[tuple[str, str]]:
    """Returns (name, query) for every lookup and list root field, with full selections."""
    query_type = SCHEMA.query_type
    assert query_type is not None
    out = []
    for root in (*LOOKUPS, *LISTS):
        field = query_type.fields[root]
        selection = _selection(get_named_type(field.type), 4, personal)
        if root in LOOKUPS:
            out.append((root, f"query($id: ID!) {{ {root}(id: $id) {{ {selection} }} }}"))
        else:
            out.append((root, f"query($prefix: String!) {{ {root}(filter: {{idPrefix: $prefix}}, "
                              f"first: 10) {{ {selection} }} }}"))
    return out


@pytest.fixture(scope="module")
def servers(
    api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory, example_model: Model
) -> Iterator[tuple[Server, Server]]:
    """(fast, standard): the same API with and without the fast completion, limits raised
    so whole-schema queries fit."""
    limits = {
        "STAKEGRAPH_API_MAX_COST": str(10**9),
        "STAKEGRAPH_API_MAX_TOKENS": str(10**6),
        "STAKEGRAPH_API_MAX_ALIASES": "1000",
        "STAKEGRAPH_API_MAX_BODY_BYTES": str(8 * 2**20),
    }
    tmp = tmp_path_factory.mktemp("execution")
    fast = start_server({**api_env, **limits, "STAKEGRAPH_API_FAST_COMPLETION": "true"}, tmp)
    try:
        standard = start_server(
            {**api_env, **limits, "STAKEGRAPH_API_FAST_COMPLETION": "false"}, tmp
        )
    except Exception:
        stop_server(fast)
        raise
    yield fast, standard
    stop_server(standard)
    stop_server(fast)


@pytest.fixture
def seeded(driver: Driver, database: str, scratch: str) -> Graph:
    """The scratch graph of the API tests, with values of the declared properties."""
    driver.execute_query(SEED, p=scratch, database_=database)
    driver.execute_query(DECLARED_VALUES, p=scratch, database_=database)
    return Graph(scratch)


DECLARED_VALUES = """
MATCH (ann:Stakeholder {id: $p + 'ann'}), (org:Stakeholder {id: $p + 'org'}),
      (p1:Project {id: $p + 'p1'}), (w1:EngagementActivity {id: $p + 'w1'}),
      (ann)-[t:INFLUENCES]->(:Stakeholder {id: $p + 'bob'})
SET ann.local_authority = 'leicester', ann.preferred_contact = 'evenings',
    org.local_authority = 'rutland', org.trust_code = 'RX1', p1.priority = true,
    w1.topics = ['access', 'digital'], t.confidence = 4
"""


def _both(
    servers: tuple[Server, Server],
    headers: dict[str, str],
    query: str,
    variables: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Returns the fast and the standard server's responses, and checks they are equal."""
    fast_server, standard_server = servers
    fast = Client(fast_server.url, headers).post(query, variables)
    standard = Client(standard_server.url, headers).post(query, variables)
    assert _comparable(fast) == _comparable(standard)
    assert standard["extensions"]["completions"]["fast"] == 0
    return fast, standard


def _headers(clients: dict[str, Client], role: str) -> dict[str, str]:
    return clients[role].headers


@pytest.mark.parametrize("root", [*LOOKUPS, *LISTS])
def test_every_root_field_and_type_answers_as_graphql_core_does(
    servers: tuple[Server, Server], clients: dict[str, Client], seeded: Graph, root: str
) -> None:
    editor = _headers(clients, "editor")
    query = dict(_root_queries(personal=True))[root]
    answered = 0
    for variables in (
        [{"id": seeded.id(name)} for name in LOOKUPS[root]]
        if root in LOOKUPS
        else [{"prefix": seeded.prefix}]
    ):
        fast, _ = _both(servers, editor, query, variables)
        assert not fast.get("errors"), fast["errors"]
        assert fast["extensions"]["completions"] == {"fast": 1, "standard": 0}
        answered += fast["data"][root] is not None
    assert answered >= 1  # the seed has at least one node for every root


def test_the_whole_graph_in_one_request_is_complete_and_fast(
    servers: tuple[Server, Server], clients: dict[str, Client], seeded: Graph
) -> None:
    query = """
    query($ann: ID!, $p: String!) {
      ann: stakeholder(id: $ann) {
        id name ... on Person { memberships { role since organisation { id name } } }
        stakes(history: true) { id date quadrant advice project { id name
          activities { totalCount nodes { id name participants { nodes { role
            stakeholder { id ... on Person { memberships { organisation { name } } } } } } } } } }
        ties { totalCount edges { cursor node { type weight source { id } target { id } } } }
      }
      everyone: stakeholders(filter: {idPrefix: $p}, first: 3, orderBy: ID_DESC) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id kind } } }
      p1: project(id: "missing") { id }
    }"""
    fast, _ = _both(servers, _headers(clients, "editor"), query,
                    {"ann": seeded.id("ann"), "p": seeded.prefix})
    assert not fast.get("errors")
    assert fast["extensions"]["completions"] == {"fast": 3, "standard": 0}
    ann = fast["data"]["ann"]
    assert [s["quadrant"] for s in ann["stakes"]] == ["q4", "q3"]
    assert ann["memberships"][0]["organisation"]["id"] == seeded.id("grp")
    assert fast["data"]["everyone"]["totalCount"] == 5
    assert [e["node"]["id"] for e in fast["data"]["everyone"]["edges"]] == [
        seeded.id("parent"), seeded.id("org"), seeded.id("grp")
    ]
    assert fast["data"]["p1"] is None


def test_aliases_fragments_and_directives(
    servers: tuple[Server, Server], clients: dict[str, Client], seeded: Graph
) -> None:
    query = """
    fragment Who on Stakeholder { id name kind ...Person }
    fragment Person on Person { memberships { role } }
    query($id: ID!, $with: Boolean!, $without: Boolean!) {
      stakeholder(id: $id) {
        ...Who
        again: name
        name
        newest: stakes { quadrant }
        all: stakes(history: true) { quadrant date @include(if: $with) }
        ties @skip(if: $without) { totalCount }
        ... on Person @include(if: $with) { seldomHeard }
        ... @skip(if: $with) { sector }
      }
    }"""
    for flags in ((True, False), (False, True)):
        fast, _ = _both(servers, _headers(clients, "reader"), query,
                        {"id": seeded.id("ann"), "with": flags[0], "without": flags[1]})
        assert not fast.get("errors")
        assert fast["extensions"]["completions"]["fast"] == 1
        answer = fast["data"]["stakeholder"]
        assert list(answer)[:4] == ["id", "name", "kind", "memberships"]
        assert answer["again"] == answer["name"]
        assert len(answer["all"]) == 2 and len(answer["newest"]) == 1
        assert ("ties" in answer) == (not flags[1])
        assert ("seldomHeard" in answer) == flags[0]
        assert ("sector" in answer) == (not flags[0])


def test_a_node_reached_many_times_is_answered_the_same_each_time(
    servers: tuple[Server, Server], clients: dict[str, Client], seeded: Graph
) -> None:
    # Both of p1's activities and all three of its stakes lead back to p1: its subtree is
    # completed once and shared, and must read the same wherever it appears.
    query = """
    query($p: ID!) { project(id: $p) {
      activities { nodes { id project { id stakes { totalCount nodes { stakeholder { id } } } } } }
      stakes(history: true) { nodes { id project { id activities { nodes { id } } } } } } }"""
    fast, _ = _both(servers, _headers(clients, "reader"), query, {"p": seeded.id("p1")})
    assert not fast.get("errors")
    project = fast["data"]["project"]
    via_activities = [a["project"] for a in project["activities"]["nodes"]]
    via_stakes = [s["project"] for s in project["stakes"]["nodes"]]
    assert len(via_activities) == 2 and len(via_stakes) == 3
    assert all(p == via_activities[0] for p in via_activities)
    assert all(p == via_stakes[0] for p in via_stakes)
    assert via_activities[0]["stakes"]["totalCount"] == 2  # Ann's newest and Bob's


def test_errors_fall_back_to_graphql_core_with_the_same_paths(
    servers: tuple[Server, Server], clients: dict[str, Client], seeded: Graph
) -> None:
    # A reader asking for personal data gets null and FORBIDDEN at each place; a bad cursor
    # deep down is a VALIDATION error at its path. The fast completion gives both back.
    reader = _headers(clients, "reader")
    personal = _root_queries(personal=True)
    query = dict(personal)["stakeholders"]
    fast, _ = _both(servers, reader, query, {"prefix": seeded.prefix})
    codes = {e["extensions"]["code"] for e in fast["errors"]}
    assert codes == {"FORBIDDEN"}
    assert fast["extensions"]["completions"] == {"fast": 0, "standard": 1}
    paths = [e["path"] for e in fast["errors"]]
    assert ["stakeholders", "nodes", 0, "email"] in paths
    assert fast["data"]["stakeholders"]["nodes"][0]["email"] is None

    bad_cursor = """query($id: ID!) { stakeholder(id: $id) { id
      ties(after: "not-a-cursor") { totalCount } stakes { quadrant } } }"""
    fast, _ = _both(servers, reader, bad_cursor, {"id": seeded.id("ann")})
    assert [e["path"] for e in fast["errors"]] == [["stakeholder", "ties"]]
    assert fast["data"]["stakeholder"] is None  # ties is non-null: the null reaches the parent
    assert fast["extensions"]["completions"] == {"fast": 0, "standard": 1}


def test_introspection_and_mutations_stay_with_graphql_core(
    servers: tuple[Server, Server], clients: dict[str, Client], seeded: Graph
) -> None:
    fast, _ = _both(servers, _headers(clients, "reader"),
                    "{ __schema { queryType { name } } __typename }")
    assert fast["data"] == {"__schema": {"queryType": {"name": "Query"}}, "__typename": "Query"}
    assert fast["extensions"]["completions"] == {"fast": 0, "standard": 0}


def test_uncounted_pages_still_know_whether_more_follow(
    servers: tuple[Server, Server], clients: dict[str, Client], seeded: Graph
) -> None:
    # Without totalCount a nested page is not counted: one row more than the page is read
    # instead, and hasNextPage must come out as it does when the whole list is counted.
    query = """query($id: ID!) { stakeholder(id: $id) {
      one: ties(first: 1) { pageInfo { hasNextPage endCursor } nodes { weight } }
      two: ties(first: 2) { pageInfo { hasNextPage } }
      counted: ties(first: 1) { totalCount pageInfo { hasNextPage endCursor } }
      rest: ties(first: 1, after: "c2c6MA==") { pageInfo { hasNextPage hasPreviousPage } } } }"""
    fast, _ = _both(servers, _headers(clients, "reader"), query, {"id": seeded.id("bob")})
    assert not fast.get("errors")
    bob = fast["data"]["stakeholder"]
    assert bob["counted"]["totalCount"] == 2
    assert bob["one"]["pageInfo"] == bob["counted"]["pageInfo"]
    assert bob["one"]["pageInfo"]["hasNextPage"] is True
    assert bob["two"]["pageInfo"]["hasNextPage"] is False
    assert bob["rest"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}
