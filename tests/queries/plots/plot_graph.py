"""A small scratch project for the pictures: four stakeholders assessed twice, one outsider.

Assessments (interest, impact) worked out by hand for the tests:
  ana  2025-01-10 (3, 8) q3   2025-06-10 (8, 8) q4   -> moved between the dates
  ben  2025-01-10 (7, 2) q2   2025-06-10 (7, 2) q2   -> stayed
  cat  2025-01-10 (2, 2) q1
  dan                         2025-06-10 (9, 9) q4   -> new after the first date
  eve  never assessed, not in the project; refers ana (a tie the project view leaves out)
Ties: ana -INFLUENCES(2)-> ben, ben -TRUSTS-> cat, cat -COLLABORATES_WITH- dan, eve -REFERRED-> ana.
"""

from __future__ import annotations

from dataclasses import dataclass

from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label, Rel, quadrant


@dataclass(frozen=True)
class PlotGraph:
    """Ids of the scratch project and its stakeholders."""

    project: str
    ids: dict[str, str]
    names: dict[str, str]


PEOPLE = {
    "ana": ("Ana Scratch", "person", "care_provider"),
    "ben": ("Ben Scratch", "person", "commissioner"),
    "cat": ("Cat Charity", "organisation", "charity"),
    "dan": ("Dan Patients Group", "group", "patients_public"),
    "eve": ("Eve Outsider", "person", "industry"),
}
ASSESSMENTS = (
    ("ana", "2025-01-10", 3, 8),
    ("ana", "2025-06-10", 8, 8),
    ("ben", "2025-01-10", 7, 2),
    ("ben", "2025-06-10", 7, 2),
    ("cat", "2025-01-10", 2, 2),
    ("dan", "2025-06-10", 9, 9),
)
TIES = (
    ("ana", "ben", Rel.INFLUENCES, 2.0),
    ("ben", "cat", Rel.TRUSTS, 1.0),
    ("cat", "dan", Rel.COLLABORATES_WITH, 1.0),
    ("eve", "ana", Rel.REFERRED, 1.0),
)


def build_plot_graph(db: GraphDB, scratch: str) -> PlotGraph:
    """Writes the scratch project; every id starts with ``scratch``, so the fixture of that
    name deletes it after the test."""
    ids = {key: f"{scratch}{key}" for key in PEOPLE}
    project = f"{scratch}project"
    db.write(
        f"CREATE (:{Label.PROJECT} {{id: $id, name: 'Scratch roll-out'}})",
        id=project)
    for key, (name, kind, sector) in PEOPLE.items():
        extra = {"person": Label.PERSON, "group": Label.GROUP,
                 "organisation": Label.ORGANISATION}[kind]
        db.write(
            f"CREATE (:{Label.STAKEHOLDER}:{extra} {{id: $id, name: $name, kind: $kind, "
            "sector: $sector})",
            id=ids[key], name=name, kind=kind, sector=sector)
    for key, day, interest, impact in ASSESSMENTS:
        db.write(
            f"MATCH (s:{Label.STAKEHOLDER} {{id: $sid}}), (p:{Label.PROJECT} {{id: $pid}}) "
            f"CREATE (s)-[:{Rel.ASSESSED} {{id: $id, date: date($day), assessor: 'test', "
            "interest: $interest, impact: $impact, quadrant: $quadrant}]->(p)",
            sid=ids[key], pid=project, id=f"{ids[key]}|{project}|{day}|test", day=day,
            interest=interest, impact=impact, quadrant=quadrant(interest, impact))
    for source, target, rel, weight in TIES:
        db.write(
            f"MATCH (a:{Label.STAKEHOLDER} {{id: $a}}), (b:{Label.STAKEHOLDER} {{id: $b}}) "
            f"CREATE (a)-[:{rel} {{weight: $w}}]->(b)",
            a=ids[source], b=ids[target], w=weight)
    return PlotGraph(project, ids, {k: v[0] for k, v in PEOPLE.items()})
