"""The shipped demo graph: it loads, it tells the stories the issue asks for, a reload is a no-op.

The demo's ids are fixed (every one starts with ``demo-``), so this module deletes exactly the
nodes listed in the demo files when it is done, and scopes every query to those ids.
"""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver
from stakegraph.loaders import LoadReport
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, Label, Rel
from stakegraph.schema.vocabulary import scheme

from stakegraph.cli.demo_cmd import load_demo

DEMO = Path(__file__).resolve().parents[2] / "loaders" / "demo"
FIRST, SECOND = "2025-06-02", "2026-06-01"
# The day the demo was authored: "overdue" is asked as of this date so the answer never drifts.
AS_OF = "2026-11-23"
NODE_FILES = {
    "stakeholders.csv": Label.STAKEHOLDER,
    "projects.csv": Label.PROJECT,
    "activities.csv": Label.ACTIVITY,
    "strategies.csv": Label.STRATEGY,
    "objectives.csv": Label.OBJECTIVE,
    "outcomes.csv": Label.OUTCOME,
}


def _rows(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ids(name: str) -> list[str]:
    return [r["id"] for r in _rows(name)]


@pytest.fixture(scope="module")
def demo(db: GraphDB, driver: Driver, database: str) -> Iterator[tuple[LoadReport, LoadReport]]:
    """Loads the demo twice; deletes exactly the demo's nodes afterwards."""
    first = load_demo(db)
    second = load_demo(db)
    yield first, second
    for name, label in NODE_FILES.items():
        driver.execute_query(
            f"MATCH (n:{label}) WHERE n.id IN $ids DETACH DELETE n",
            ids=_ids(name),
            database_=database,
        )


def _one(driver: Driver, database: str, query: str, **params: object) -> object:
    return driver.execute_query(query, params, database_=database).records[0][0]


def test_the_files_meet_the_minimums() -> None:
    assert len(_rows("stakeholders.csv")) >= 150
    assert len(_rows("ties.csv")) >= 600
    assert len(_rows("activities.csv")) >= 80
    assert len(_rows("projects.csv")) == 3
    kinds = {r["kind"] for r in _rows("stakeholders.csv")}
    assert kinds == {"person", "group", "organisation"}
    ids = [i for name in NODE_FILES for i in _ids(name)]
    assert all(i.startswith("demo-") for i in ids)


def test_everything_in_the_files_is_in_the_graph(
    demo: tuple[LoadReport, LoadReport], driver: Driver, database: str
) -> None:
    for name, label in NODE_FILES.items():
        found = _one(driver, database, f"MATCH (n:{label}) WHERE n.id IN $ids RETURN count(n)",
                     ids=_ids(name))
        assert found == len(_rows(name)), name
    ties = _one(
        driver, database,
        f"MATCH (a:{Label.STAKEHOLDER})-[r]->(b:{Label.STAKEHOLDER}) "
        "WHERE a.id IN $ids AND type(r) IN $types RETURN count(r)",
        ids=_ids("stakeholders.csv"), types=[str(t) for t in TIE_TYPES],
    )
    assert ties == len(_rows("ties.csv"))
    memberships = _one(
        driver, database,
        f"MATCH (a:{Label.STAKEHOLDER})-[r:{Rel.MEMBER_OF}|{Rel.PART_OF}]->() "
        "WHERE a.id IN $ids RETURN count(r)",
        ids=_ids("stakeholders.csv"),
    )
    assert memberships == len(_rows("memberships.csv"))
    for rel, name in ((Rel.PARTICIPATED_IN, "participation.csv"),
                      (Rel.ASSESSED, "assessments.csv")):
        count = _one(driver, database,
                     f"MATCH (a:{Label.STAKEHOLDER})-[r:{rel}]->() WHERE a.id IN $ids "
                     "RETURN count(r)", ids=_ids("stakeholders.csv"))
        assert count == len(_rows(name)), name
    links = _one(driver, database,
                 f"MATCH (a:{Label.ACTIVITY})-[r:{Rel.APPLIED}|{Rel.PURSUED}|{Rel.CONTRIBUTED_TO}]"
                 "->() WHERE a.id IN $ids RETURN count(r)", ids=_ids("activities.csv"))
    assert links == len(_rows("activity_links.csv"))
    observed = _one(driver, database,
                    f"MATCH (p:{Label.PROJECT})-[r:{Rel.OBSERVED}]->() WHERE p.id IN $ids "
                    "RETURN count(r)", ids=_ids("projects.csv"))
    assert observed == len(_rows("observations.csv"))


def test_a_second_load_changes_nothing(demo: tuple[LoadReport, LoadReport]) -> None:
    first, second = demo
    assert second.rows_read == first.rows_read == sum(
        len(_rows(p.name)) for p in DEMO.glob("*.csv")
    )
    assert not second.changed
    assert second.nodes.unchanged > 0 and second.relationships.unchanged > 0


def test_activities_cover_every_stage_and_every_level(
    demo: tuple[LoadReport, LoadReport], driver: Driver, database: str
) -> None:
    pairs = driver.execute_query(
        f"MATCH (a:{Label.ACTIVITY}) WHERE a.id IN $ids RETURN DISTINCT a.stage AS s, a.level AS l",
        ids=_ids("activities.csv"), database_=database,
    ).records
    covered = {(r["s"], r["l"]) for r in pairs}
    wanted = {(s, lv) for s in scheme("lifecycle_stage").codes
              for lv in scheme("spectrum_level").codes}
    assert covered == wanted
    per_project = driver.execute_query(
        f"MATCH (a:{Label.ACTIVITY})-[:{Rel.FOR_PROJECT}]->(p:{Label.PROJECT}) "
        "WHERE a.id IN $ids RETURN p.id AS p, count(DISTINCT a.stage) AS stages",
        ids=_ids("activities.csv"), database_=database,
    ).records
    assert {r["p"]: r["stages"] for r in per_project} == {
        p: len(scheme("lifecycle_stage").codes) for p in _ids("projects.csv")
    }


_QUADRANT_AS_OF = f"""
MATCH (s:{Label.STAKEHOLDER})-[a:{Rel.ASSESSED}]->(p:{Label.PROJECT})
WHERE s.id IN $ids AND a.date <= date($day)
WITH s, p, a ORDER BY a.date DESC
WITH s, p, collect(a)[0] AS latest
RETURN s.id AS s, p.id AS p, latest.quadrant AS q
"""


def _quadrants(driver: Driver, database: str, day: str) -> dict[tuple[str, str], str]:
    records = driver.execute_query(_QUADRANT_AS_OF, ids=_ids("stakeholders.csv"), day=day,
                                   database_=database).records
    return {(r["s"], r["p"]): r["q"] for r in records}


def test_some_stakeholders_move_quadrant_between_the_two_dates(
    demo: tuple[LoadReport, LoadReport], driver: Driver, database: str
) -> None:
    before, after = _quadrants(driver, database, FIRST), _quadrants(driver, database, SECOND)
    moved = {k: (before[k], after[k]) for k in before.keys() & after.keys()
             if before[k] != after[k]}
    assert len(moved) >= 10
    assert ("demo-robert-sinclair", "demo-icbt") in moved
    assert moved[("demo-robert-sinclair", "demo-icbt")] == ("q3", "q4")
    assert moved[("demo-andrew-blake", "demo-icbt")] == ("q4", "q3")
    # Every project has movers, in both directions overall.
    assert {p for _, p in moved} == set(_ids("projects.csv"))
    assert sum(1 for q in after.values() if q == "q3") >= 10


def test_seldom_heard_high_impact_stakeholders_never_involved_beyond_engagement(
    demo: tuple[LoadReport, LoadReport], driver: Driver, database: str
) -> None:
    records = driver.execute_query(
        f"""
        MATCH (s:{Label.STAKEHOLDER} {{seldom_heard: true}})-[a:{Rel.ASSESSED}]->()
        WHERE s.id IN $ids AND a.impact >= 6
        WITH DISTINCT s
        OPTIONAL MATCH (s)-[:{Rel.PARTICIPATED_IN}]->(act:{Label.ACTIVITY})
        WITH s, collect(DISTINCT act.level) AS levels
        WHERE all(level IN levels WHERE level = 'engagement')
        RETURN s.id AS id
        """,
        ids=_ids("stakeholders.csv"), database_=database,
    ).records
    found = {r["id"] for r in records}
    assert {"demo-shabana-begum", "demo-al-noor", "demo-traveller-link"} <= found
    assert len(found) >= 5


def test_overdue_contacts_exist(
    demo: tuple[LoadReport, LoadReport], driver: Driver, database: str
) -> None:
    records = driver.execute_query(
        f"""
        MATCH (s:{Label.STAKEHOLDER})-[a:{Rel.ASSESSED}]->(p:{Label.PROJECT})
        WHERE s.id IN $ids AND a.contact_every_days IS NOT NULL
        WITH s, p, a ORDER BY a.date DESC
        WITH s, p, collect(a)[0] AS latest
        OPTIONAL MATCH (s)-[:{Rel.PARTICIPATED_IN}]->(act)-[:{Rel.FOR_PROJECT}]->(p)
        WITH s, p, latest, max(act.date) AS last
        WHERE last IS NULL
           OR last + duration({{days: latest.contact_every_days}}) < date($as_of)
        RETURN s.id AS s
        """,
        ids=_ids("stakeholders.csv"), as_of=AS_OF, database_=database,
    ).records
    overdue = {r["s"] for r in records}
    assert {"demo-andrew-blake", "demo-sandra-lopez", "demo-shabana-begum"} <= overdue


def test_strategies_precede_outcome_improvements_in_every_project(
    demo: tuple[LoadReport, LoadReport], driver: Driver, database: str
) -> None:
    records = driver.execute_query(
        f"""
        MATCH (p:{Label.PROJECT})-[o1:{Rel.OBSERVED}]->(out:{Label.OUTCOME}),
              (p)-[o2:{Rel.OBSERVED}]->(out)
        WHERE p.id IN $ids AND o1.date < o2.date AND o2.value > o1.value
          AND NOT EXISTS {{
            MATCH (p)-[o3:{Rel.OBSERVED}]->(out) WHERE o1.date < o3.date < o2.date }}
        MATCH (a:{Label.ACTIVITY})-[:{Rel.FOR_PROJECT}]->(p),
              (a)-[:{Rel.APPLIED}]->(st:{Label.STRATEGY})
        WHERE o1.date <= a.date < o2.date
        RETURN p.id AS p, count(DISTINCT st) AS strategies, count(DISTINCT out) AS outcomes
        """,
        ids=_ids("projects.csv"), database_=database,
    ).records
    by_project = {r["p"]: (r["strategies"], r["outcomes"]) for r in records}
    assert set(by_project) == set(_ids("projects.csv"))
    assert all(s >= 3 and o >= 2 for s, o in by_project.values())


def test_people_have_memberships_organisations_a_hierarchy_and_some_personal_data(
    demo: tuple[LoadReport, LoadReport], driver: Driver, database: str
) -> None:
    ids = _ids("stakeholders.csv")
    part_of = _one(driver, database,
                   f"MATCH (:{Label.ORGANISATION})-[r:{Rel.PART_OF}]->(:{Label.ORGANISATION}) "
                   "WHERE startNode(r).id IN $ids RETURN count(r)", ids=ids)
    assert isinstance(part_of, int) and part_of >= 10
    in_groups = _one(driver, database,
                     f"MATCH (p:{Label.PERSON})-[:{Rel.MEMBER_OF}]->(:{Label.GROUP}) "
                     "WHERE p.id IN $ids RETURN count(DISTINCT p)", ids=ids)
    assert isinstance(in_groups, int) and in_groups >= 20
    with_contact = _one(driver, database,
                        f"MATCH (p:{Label.PERSON}) WHERE p.id IN $ids "
                        "AND (p.email IS NOT NULL OR p.phone IS NOT NULL) RETURN count(p)",
                        ids=ids)
    assert isinstance(with_contact, int) and 3 <= with_contact <= 20
    referred = _one(driver, database,
                    f"MATCH (a:{Label.STAKEHOLDER})-[r:{Rel.REFERRED}]->() WHERE a.id IN $ids "
                    "RETURN count(r)", ids=ids)
    assert isinstance(referred, int) and referred >= 10


def test_cli_demo_loads_and_reports_nothing_changed(
    demo: tuple[LoadReport, LoadReport], cli_env: dict[str, str]
) -> None:
    out = subprocess.run(["stakegraph", "demo"], env=cli_env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "nothing changed" in out.stdout
    assert str(sum(len(_rows(p.name)) for p in DEMO.glob("*.csv"))) in out.stdout
