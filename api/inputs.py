"""Filter and order inputs of the list fields, and their translation to Cypher parameters."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import Any

import strawberry
from stakegraph.api.errors import invalid
from stakegraph.api.types import StakeholderKind
from stakegraph.api.vocab import vocabulary_code

MAX_SEARCH_LENGTH = 200
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def lucene_query(text: str) -> str:
    """Returns a full-text query matching every word of ``text`` (the last as a prefix), with
    Lucene's syntax characters escaped so the input is only ever words."""
    if len(text) > MAX_SEARCH_LENGTH:
        raise invalid("search", f"at most {MAX_SEARCH_LENGTH} characters")
    words = [_LUCENE_SPECIAL.sub(r"\\\1", w) for w in text.split()]
    words = [w for w in words if w.strip("\\")]
    if not words:
        raise invalid("search", "give at least one word")
    words = [w for w in words if w.upper() not in {"AND", "OR", "NOT", "TO"}] or ["\\" + words[0]]
    words[-1] = words[-1] + "*"
    return " AND ".join(words)


@strawberry.input(description="Which stakeholders to list.")
class StakeholderFilter:
    ids: list[strawberry.ID] | None = None
    id_prefix: str | None = None
    search: str | None = strawberry.field(default=None, description="words of the name")
    kind: StakeholderKind | None = None
    sector: str | None = None
    seldom_heard: bool | None = None
    societal: bool | None = None
    country: str | None = None
    project: strawberry.ID | None = strawberry.field(
        default=None, description="assessed in this project"
    )
    category: str | None = strawberry.field(
        default=None, description="current 9 C category (in `project` if given)"
    )
    quadrant: str | None = strawberry.field(
        default=None, description="current quadrant (in `project` if given)"
    )


@strawberry.input(description="Which projects to list.")
class ProjectFilter:
    ids: list[strawberry.ID] | None = None
    id_prefix: str | None = None
    search: str | None = None
    stage: str | None = None
    phase: str | None = None


@strawberry.input(description="Which engagement activities to list.")
class ActivityFilter:
    ids: list[strawberry.ID] | None = None
    id_prefix: str | None = None
    search: str | None = None
    project: strawberry.ID | None = None
    participant: strawberry.ID | None = None
    stage: str | None = None
    level: str | None = None
    type: str | None = None
    mode: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@strawberry.input(description="Which strategies, outcomes or objectives to list.")
class EntityFilter:
    ids: list[strawberry.ID] | None = None
    id_prefix: str | None = None
    search: str | None = None
    custom_only: bool | None = strawberry.field(
        default=None, description="only those added by projects, not the shipped vocabulary"
    )
    cluster: str | None = strawberry.field(default=None, description="strategies only")


@strawberry.input(description="Which vocabulary terms to list.")
class ConceptFilter:
    scheme: str | None = None
    ids: list[strawberry.ID] | None = None
    id_prefix: str | None = None


@strawberry.enum(description="Orders of node lists (RELEVANCE only with a search).")
class NodeOrder(Enum):
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    ID_ASC = "ID_ASC"
    ID_DESC = "ID_DESC"
    RELEVANCE = "RELEVANCE"


@strawberry.enum(description="Orders of activity lists.")
class ActivityOrder(Enum):
    DATE_DESC = "DATE_DESC"
    DATE_ASC = "DATE_ASC"
    NAME_ASC = "NAME_ASC"
    ID_ASC = "ID_ASC"
    RELEVANCE = "RELEVANCE"


# More ids than a few pages is a bulk export, not a lookup (and a slow query in disguise).
MAX_FILTER_IDS = 1000


def _checked_ids(values: list[strawberry.ID] | None) -> list[strawberry.ID] | None:
    if values is not None and len(values) > MAX_FILTER_IDS:
        raise invalid("ids", f"at most {MAX_FILTER_IDS} ids, got {len(values)}")
    return values


def _checked_id_prefix(value: str | None) -> str | None:
    if value is not None and not value:
        raise invalid("idPrefix", "must not be empty")
    return value


def stakeholder_params(f: StakeholderFilter | None) -> dict[str, Any]:
    """Returns the Cypher filter parameters (condition name -> value) of a stakeholder filter."""
    f = f or StakeholderFilter()
    params: dict[str, Any] = {
        "ids": _checked_ids(f.ids),
        "idPrefix": _checked_id_prefix(f.id_prefix),
        "kind": None if f.kind is None else f.kind.value,
        "sector": vocabulary_code("sector", "sector", f.sector),
        "seldomHeard": f.seldom_heard,
        "societal": f.societal,
        "country": f.country,
        "project": f.project,
    }
    quadrant = vocabulary_code("quadrant", "quadrant", f.quadrant)
    category = vocabulary_code("category", "nine_cs", f.category)
    if quadrant is not None or category is not None:
        params["current"] = True
        params["quadrant"] = quadrant
        params["category"] = category
    return params


def project_params(f: ProjectFilter | None) -> dict[str, Any]:
    """Returns the Cypher filter parameters of a project filter."""
    f = f or ProjectFilter()
    return {
        "ids": _checked_ids(f.ids),
        "idPrefix": _checked_id_prefix(f.id_prefix),
        "stage": vocabulary_code("stage", "lifecycle_stage", f.stage),
        "phase": vocabulary_code("phase", "implementation_phase", f.phase),
    }


def activity_params(f: ActivityFilter | None) -> dict[str, Any]:
    """Returns the Cypher filter parameters of an activity filter."""
    f = f or ActivityFilter()
    return {
        "ids": _checked_ids(f.ids),
        "idPrefix": _checked_id_prefix(f.id_prefix),
        "activityProject": f.project,
        "participant": f.participant,
        "stage": vocabulary_code("stage", "lifecycle_stage", f.stage),
        "level": vocabulary_code("level", "spectrum_level", f.level),
        "type": vocabulary_code("type", "activity_type", f.type),
        "mode": vocabulary_code("mode", "engagement_mode", f.mode),
        "dateFrom": f.date_from,
        "dateTo": f.date_to,
    }


def entity_params(f: EntityFilter | None) -> dict[str, Any]:
    """Returns the Cypher filter parameters of a strategy/outcome/objective filter."""
    f = f or EntityFilter()
    return {
        "ids": _checked_ids(f.ids),
        "idPrefix": _checked_id_prefix(f.id_prefix),
        "customOnly": f.custom_only,
        "cluster": vocabulary_code("cluster", "eric_cluster", f.cluster),
    }


def concept_params(f: ConceptFilter | None) -> dict[str, Any]:
    """Returns the Cypher filter parameters of a concept filter."""
    f = f or ConceptFilter()
    return {"scheme": f.scheme, "ids": _checked_ids(f.ids),
            "idPrefix": _checked_id_prefix(f.id_prefix)}
