"""The network as a whole (`stakegraph analyse summary`): equal to networkx on the reference
networks, sampled paths above the stated size, and the network between two dates."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date
from typing import Any

import networkx as nx
import pytest
from analytics_reference import davis, florentine, karate
from neo4j import Driver
from stakegraph.queries.analytics import Mode, Request, Scope, analyse
from stakegraph.queries.analytics.errors import AnalyticsError
from stakegraph.queries.analytics.projection import project_network
from stakegraph.queries.analytics.summary import summarise
from stakegraph.schema.graphdb import GraphDB

TOL = 1e-9


def networkx_summary(g: nx.DiGraph) -> dict[str, Any]:
    """Returns networkx's values of every summary measure of a directed graph."""
    und = g.to_undirected()
    largest = max(nx.weakly_connected_components(g), key=len)
    core = und.subgraph(largest)
    n = g.number_of_nodes()
    degrees = [d for _, d in und.degree()]
    return {
        "stakeholders": n,
        "arcs": g.number_of_edges(),
        "pairs": und.number_of_edges(),
        "density": nx.density(g),
        "reciprocity": nx.overall_reciprocity(g),
        "transitivity": nx.transitivity(und),
        "components": nx.number_weakly_connected_components(g),
        "largest_component": len(largest),
        "largest_share": len(largest) / n,
        "diameter": nx.diameter(core),
        "average_path_length": nx.average_shortest_path_length(core),
        "degree_centralisation": sum(max(degrees) - d for d in degrees) / ((n - 1) * (n - 2)),
    }


def both_ways(g: nx.Graph) -> nx.DiGraph:
    return nx.DiGraph(g)  # every undirected edge as two arcs, as we project it


def values(db: GraphDB, **request: Any) -> dict[str, Any]:
    result = analyse(db, Request(metric="summary", **request))
    return {row["id"]: row["value"] for row in result.rows}


def assert_equal(ours: dict[str, Any], ref: dict[str, Any]) -> None:
    for key, expected in ref.items():
        assert abs(ours[key] - expected) < TOL, (key, ours[key], expected)


def test_reference_networks_summarise_as_networkx(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("karate")
    ours = values(db, scope=Scope(prefix=prefix + "karate-"))
    assert ours["paths_exact"] is True and ours["stakeholders"] == 34
    assert_equal(ours, networkx_summary(both_ways(karate())))


def test_florentine_and_davis_summarise_as_networkx(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("florentine")
    assert_equal(values(db, scope=Scope(prefix=prefix + "florentine-")),
                 networkx_summary(both_ways(florentine())))
    prefix = load_reference("davis")
    two_mode, women, _ = davis()
    women_net = nx.bipartite.weighted_projected_graph(two_mode, women)
    assert_equal(values(db, scope=Scope(project=prefix + "davis-project"),
                        mode=Mode.COPARTICIPATION), networkx_summary(both_ways(women_net)))


def test_directed_summary_counts_reciprocity_and_components(
    db: GraphDB, driver: Driver, database: str, scratch: str
) -> None:
    # a <-> b -> c, d -> e: two weak components, one reciprocated pair of four arcs.
    driver.execute_query(
        "UNWIND ['a', 'b', 'c', 'd', 'e'] AS x CREATE (:Stakeholder:Person {id: $p + x, name: x}) "
        "WITH count(*) AS made UNWIND [['a', 'b'], ['b', 'a'], ['b', 'c'], ['d', 'e']] AS t "
        "MATCH (s:Stakeholder {id: $p + t[0]}), (o:Stakeholder {id: $p + t[1]}) "
        "CREATE (s)-[:INFLUENCES]->(o)", p=scratch, database_=database)
    ours = values(db, scope=Scope(prefix=scratch))
    g = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("d", "e")])
    assert_equal(ours, networkx_summary(g))
    assert ours["reciprocity"] == 0.5 and ours["components"] == 2
    assert ours["largest_share"] == 0.6


def test_paths_are_sampled_from_seeded_sources_when_asked_or_above_the_size(
    db: GraphDB, load_reference: Callable[[str], str]
) -> None:
    prefix = load_reference("karate")
    net = project_network(db, Scope(prefix=prefix + "karate-"))
    exact = summarise(net)
    sampled = summarise(net, samples=10, seed=4)
    again = summarise(net, samples=10, seed=4)
    assert sampled == again and sampled["paths_exact"] is False
    assert sampled["path_sources"] == 10
    assert sampled["diameter"] <= exact["diameter"]
    assert abs(sampled["average_path_length"] - exact["average_path_length"]) < 0.5
    # Every other measure is exact whatever the sampling.
    for key in ("density", "reciprocity", "transitivity", "degree_centralisation"):
        assert sampled[key] == exact[key]


@pytest.fixture
def dated(driver: Driver, database: str, scratch: str) -> str:
    """A project of four stakeholders whose ties grow between 2024 and 2025."""
    driver.execute_query(
        "CREATE (p:Project {id: $p + 'P', name: 'P'}) "
        "WITH p UNWIND ['a', 'b', 'c', 'd'] AS x "
        "CREATE (s:Stakeholder:Person {id: $p + x, name: x}) "
        "CREATE (s)-[:ASSESSED {id: $p + x + '-1', date: date('2024-01-01'), assessor: 't', "
        "interest: 5, impact: 5, category: 'champions', quadrant: 'q2'}]->(p) "
        "WITH count(*) AS made "
        "UNWIND [['a', 'b', '2024-02-01'], ['b', 'c', '2024-06-01'], ['c', 'd', '2025-03-01'],"
        "        ['d', 'a', '2025-04-01'], ['a', 'c', null]] AS t "
        "MATCH (s:Stakeholder {id: $p + t[0]}), (o:Stakeholder {id: $p + t[1]}) "
        "CREATE (s)-[:COLLABORATES_WITH {weight: 1.0, date: date(t[2])}]->(o)",
        p=scratch, database_=database)
    return scratch + "P"


def test_summary_between_two_dates_shows_the_change(db: GraphDB, dated: str) -> None:
    result = analyse(db, Request(metric="summary", scope=Scope(project=dated),
                                 dates=(date(2024, 12, 31), date(2025, 12, 31))))
    assert result.columns == ["at 2024-12-31", "at 2025-12-31", "change"]
    rows = {r["id"]: r for r in result.rows}
    # 2024: a-b, b-c and the undated a-c (undated ties always count); 2025: all five.
    assert rows["pairs"]["at 2024-12-31"] == 3 and rows["pairs"]["at 2025-12-31"] == 5
    assert rows["pairs"]["change"] == 2
    assert rows["transitivity"]["at 2024-12-31"] == 1.0  # the triangle a-b-c
    early = nx.DiGraph(nx.Graph([("a", "b"), ("b", "c"), ("a", "c")]))
    early.add_node("d")
    late = nx.DiGraph(nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("a", "c")]))
    for column, g in (("at 2024-12-31", early), ("at 2025-12-31", late)):
        assert_equal({k: r[column] for k, r in rows.items()}, networkx_summary(g))
    assert result.params["dates"] == ["2024-12-31", "2025-12-31"]
    with pytest.raises(AnalyticsError, match="summary of the tie network"):
        analyse(db, Request(metric="pagerank", scope=Scope(project=dated),
                            dates=(date(2024, 12, 31),)))


def test_cli_summary_at_two_dates(dated: str, cli_env: dict[str, str]) -> None:
    done = subprocess.run(
        ["stakegraph", "analyse", "summary", "--project", dated, "--at", "2024-12-31",
         "--at", "2025-12-31", "--format", "json"],
        env={**cli_env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120,
        check=False)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    rows = {r["id"]: r for r in doc["rows"]}
    assert rows["arcs"]["change"] == 4 and doc["params"]["engine"] == "igraph"
    table = subprocess.run(
        ["stakegraph", "analyse", "summary", "--project", dated],
        env={**cli_env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120,
        check=False)
    assert table.returncode == 0 and "degree centralisation" in table.stdout
