"""A subgraph as a Kumu blueprint (the JSON Kumu imports): stakeholders as elements, ties as
connections.

Elements carry the element's id (the stakeholder id), its label (name) and type (its kind), and
as fields its other stakeholder columns (vocabulary terms by label), its latest assessment in the
project (category, quadrant, interest, impact, ... and when and by whom; a project export only)
and its latest analytics scores (``score: <column>``, as `stakegraph analyse --write` left them).
Connections carry from, to (element ids), type (the tie type), direction (undirected for
collaborations, directed otherwise: one connection per tie), strength (the weight), and the tie's
date and evidence (as Kumu's description). Personal data only when asked for (notes as the
element's description). `stakegraph load` reads it back (`stakegraph.loaders.kumu`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stakegraph.export.loader_tables import TableRows, loader_tables
from stakegraph.export.subgraph import Subgraph
from stakegraph.loaders.kumu import SCORE_FIELD
from stakegraph.loaders.tables import Tables
from stakegraph.schema.model import Label, PropType, quadrant

# Kumu's own fields for what stakegraph keeps elsewhere.
DESCRIPTION = "description"
ASSESSED_ON = "Assessed on"
SCORE_PREFIX = "score_"
_RUN_SUFFIX = "_run"


def blueprint(graph: Subgraph, specs: Tables, include_personal: bool) -> dict[str, Any]:
    """Returns the blueprint of ``graph``: ``{"elements": [...], "connections": [...]}``."""
    rows = loader_tables(graph, specs, include_personal)
    columns = {c.name: c for c in specs.spec("stakeholders").columns}
    labels = {name: {t.code: t.label for t in c.vocabulary.terms}
              for name, c in columns.items() if c.vocabulary is not None}
    latest = _latest_assessments(rows) if len(rows["projects"]) == 1 else {}
    scores = {n.id: n.properties for n in graph.nodes if n.has(Label.STAKEHOLDER)}
    elements = []
    for row in rows["stakeholders"]:
        element: dict[str, Any] = {"id": row["id"], "label": row["name"],
                                   "type": row["kind"].capitalize()}
        for name, value in row.items():
            if name in ("id", "name", "kind") or value == "":
                continue
            column = columns[name]
            if name == "notes":
                element[DESCRIPTION] = value
            elif column.type is PropType.BOOLEAN:
                element[_field(name)] = value == "true"
            else:
                element[_field(name)] = labels.get(name, {}).get(value, value)
        element.update(_assessment_fields(latest.get(row["id"]), specs))
        element.update(_score_fields(scores.get(row["id"], {})))
        elements.append(element)
    connections = []
    for tie in rows["ties"]:
        connection: dict[str, Any] = {
            "from": tie["source_id"], "to": tie["target_id"], "type": tie["type"],
            "direction": "undirected" if tie["type"] == "collaborates_with" else "directed",
        }
        if tie.get("weight"):
            connection["strength"] = float(tie["weight"])
        if tie.get("evidence"):
            connection[DESCRIPTION] = tie["evidence"]
        for name, value in tie.items():
            if name not in ("source_id", "target_id", "type", "weight", "evidence") and value:
                connection[_field(name)] = value
        connections.append(connection)
    return {"elements": elements, "connections": connections}


def _field(column: str) -> str:
    return column.replace("_", " ").capitalize()


def _latest_assessments(rows: TableRows) -> dict[str, Mapping[str, str]]:
    latest: dict[str, Mapping[str, str]] = {}
    for row in sorted(rows["assessments"], key=lambda r: (r["date"], r["assessor"])):
        latest[row["stakeholder_id"]] = row
    return latest


def _assessment_fields(row: Mapping[str, str] | None, specs: Tables) -> dict[str, Any]:
    if row is None:
        return {}
    out: dict[str, Any] = {ASSESSED_ON: row["date"], "Assessor": row["assessor"]}
    for column in specs.spec("assessments").columns:
        value = row.get(column.name, "")
        if column.ref is not None or column.name in ("date", "assessor") or value == "":
            continue
        if column.vocabulary is not None:
            value = {t.code: t.label for t in column.vocabulary.terms}.get(value, value)
        out[_field(column.name)] = int(value) if column.type is PropType.INTEGER else value
    out["Quadrant"] = quadrant(int(row["interest"]), int(row["impact"])).upper()
    return out


def _score_fields(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {
        f"{SCORE_FIELD}{key.removeprefix(SCORE_PREFIX)}": value
        for key, value in sorted(properties.items())
        if key.startswith(SCORE_PREFIX) and not key.endswith(_RUN_SUFFIX) and value is not None
    }


__all__ = ["blueprint"]
