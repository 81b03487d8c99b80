"""The filter inputs of the list fields, generated from the model, and their translation into
Cypher conditions and parameters.

Each filter field is declared once, as a `FilterField`: its GraphQL type and description, the
Cypher fragment it adds (on the listed node ``n`` or the relationship ``r``) and how its input
becomes the fragment's parameter. The input class, the parameters and the conditions all come
from that one declaration. Property filters are made from the model (`Prop.can_filter`):
equality for terms, closed sets, booleans and filterable text, ranges (``...Min``/``...Max``,
``...From``/``...To`` for dates) for numbers and dates; a declared property gets its filters
with no code. The relational ones (ids, a project, the current quadrant...) are written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import strawberry
from stakegraph.api.errors import invalid
from stakegraph.api.gql import camel, list_of, optional, python_name, scalar
from stakegraph.api.validation import clean_id
from stakegraph.api.vocab import vocabulary_code
from stakegraph.schema.combined import Model
from stakegraph.schema.model import Label, Prop, PropType, Rel

MAX_SEARCH_LENGTH = 200
# More ids than a few pages is a bulk export, not a lookup (and a slow query in disguise).
MAX_FILTER_IDS = 1000
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')

# Turns a filter's input value into its parameter (or raises a VALIDATION error).
ToParam = Callable[[Model, Any], Any]


def _same(model: Model, value: Any) -> Any:
    return value


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


@dataclass(frozen=True)
class FilterField:
    """One field of a filter input and the condition it adds when given."""

    name: str  # the Python attribute (GraphQL: camelCase)
    annotation: Any
    description: str
    condition: str  # a Cypher fragment using $<param>
    param: str
    to_param: ToParam = _same


@dataclass(frozen=True)
class FilterSet:
    """A generated filter input class and its fields; ``compound`` adds conditions that depend
    on several fields together (given the parameters collected)."""

    input: type
    fields: tuple[FilterField, ...]
    compound: Callable[[dict[str, Any]], list[str]] | None = field(default=None, compare=False)

    def conditions(self, model: Model, given: Any) -> tuple[list[str], dict[str, Any]]:
        """Returns the Cypher conditions and their parameters for a filter value (None: no
        conditions); a bad value is a VALIDATION error."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if given is None:
            return conditions, params
        for f in self.fields:
            value = getattr(given, f.name, None)
            if value is None:
                continue
            params[f.param] = f.to_param(model, value)
            if f.condition:
                conditions.append(f.condition)
        if self.compound is not None:
            conditions += self.compound(params)
        return conditions, params


def _ids(model: Model, values: list[str]) -> list[str]:
    if len(values) > MAX_FILTER_IDS:
        raise invalid("ids", f"at most {MAX_FILTER_IDS} ids, got {len(values)}")
    return [clean_id("ids", v) for v in values]


def _an_id(name: str) -> ToParam:
    # An id as the loader reads one (at most 200 printable characters): a longer value can
    # match nothing, and Neo4j looked up a 100,000-character key in its index for each of
    # 10,000 stakeholders (a second alone, past the read budget under load).
    def checked(model: Model, value: Any) -> str:
        return clean_id(name, value)

    return checked


def _id_prefix(model: Model, value: str) -> str:
    if not value:
        raise invalid("idPrefix", "must not be empty")
    return value


def _term(field_name: str, scheme: str) -> ToParam:
    def code(model: Model, value: Any) -> Any:
        return vocabulary_code(model, field_name, scheme, value)

    return code


def _enum_value(model: Model, value: Any) -> Any:
    return value.value


def property_filters(model: Model, owner: Label | Rel, var: str) -> list[FilterField]:
    """Returns the filter fields of every filterable property of a label (conditions on
    ``var``, the node) or relationship type (on ``var``, the relationship)."""
    out: list[FilterField] = []
    for prop in model.props(owner):
        if prop.can_filter():
            out += _prop_filters(prop, var)
    return out


def _prop_filters(prop: Prop, var: str) -> list[FilterField]:
    name, graphql = python_name(prop.name), camel(prop.name)
    stored = f"{var}.{prop.name}"
    param = f"f_{prop.name}"
    doc = prop.doc.rstrip(".") if prop.doc else prop.name.replace("_", " ")
    if prop.scheme is not None:
        to_param = _term(graphql, prop.scheme)
        if prop.many:
            return [FilterField(name, optional(str), f"Has this term (code, label or "
                                f"scheme:code) among: {doc}.", f"${param} IN {stored}", param,
                                to_param)]
        return [FilterField(name, optional(str), f"{doc} (code, label or "
                            "scheme:code).", f"{stored} = ${param}", param, to_param)]
    if prop.enum is not None:
        return [FilterField(name, optional(scalar(prop)), f"{doc}.",
                            f"{stored} = ${param}", param, _enum_value)]
    if prop.type is PropType.BOOLEAN:
        return [FilterField(name, optional(bool), f"{doc} (an absent value counts as false).",
                            f"coalesce({stored}, false) = ${param}", param)]
    if prop.type is PropType.STRING:
        return [FilterField(name, optional(str), f"{doc} (exactly).",
                            f"{stored} = ${param}", param)]
    low, high = ("from", "to") if prop.type is PropType.DATE else ("min", "max")
    kind: Any = date if prop.type is PropType.DATE else scalar(prop)
    return [
        FilterField(f"{name}_{low}", optional(kind), f"{doc}: at least this.",
                    f"{stored} >= ${param}_{low}", f"{param}_{low}"),
        FilterField(f"{name}_{high}", optional(kind), f"{doc}: at most this.",
                    f"{stored} <= ${param}_{high}", f"{param}_{high}"),
    ]


def _input(name: str, description: str, fields: Iterable[FilterField]) -> type:
    """Returns the Strawberry input class with one optional field per filter field."""
    chosen = list(fields)
    namespace: dict[str, Any] = {"__annotations__": {f.name: f.annotation for f in chosen}}
    for f in chosen:
        namespace[f.name] = strawberry.field(default=None, description=f.description,
                                             name=camel(f.name))
    return strawberry.input(type(name, (), namespace), description=description)


def _common(with_search: bool = True) -> list[FilterField]:
    out = [
        FilterField("ids", optional(list_of(strawberry.ID)), "Only these ids.",
                    "n.id IN $ids", "ids", _ids),
        FilterField("id_prefix", optional(str), "Only ids starting with this.",
                    "n.id STARTS WITH $idPrefix", "idPrefix", _id_prefix),
    ]
    if with_search:
        # The search is not a condition: it chooses how the list is read (the full-text index).
        out.append(FilterField("search", optional(str), "Words of the name.", "", "search",
                               lambda model, text: lucene_query(text)))
    return out


@dataclass(frozen=True)
class Filters:
    """The generated filter sets of one model."""

    stakeholder: FilterSet
    project: FilterSet
    activity: FilterSet
    entity: FilterSet
    concept: FilterSet
    stake: FilterSet
    tie: FilterSet


def _current(params: dict[str, Any]) -> list[str]:
    # The current (latest) assessment of n in the project (or in any project) matches the
    # quadrant and category asked for.
    if "quadrant" not in params and "category" not in params:
        return []
    params.setdefault("project", None)
    params.setdefault("quadrant", None)
    params.setdefault("category", None)
    return [
        f"EXISTS {{ MATCH (n)-[a:{Rel.ASSESSED}]->(p:{Label.PROJECT}) "
        "WHERE ($project IS NULL OR p.id = $project) "
        "AND ($quadrant IS NULL OR a.quadrant = $quadrant) "
        "AND ($category IS NULL OR a.category = $category) "
        f"AND NOT EXISTS {{ MATCH (n)-[b:{Rel.ASSESSED}]->(p) "
        "WHERE b.date > a.date OR (b.date = a.date AND b.id > a.id) } }"
    ]


def build_filters(model: Model) -> Filters:
    """Returns the filter inputs of ``model``'s lists."""
    stakeholder = [
        *_common(),
        *property_filters(model, Label.STAKEHOLDER, "n"),
        FilterField("project", optional(strawberry.ID), "Assessed in this project.",
                    f"EXISTS {{ (n)-[:{Rel.ASSESSED}]->(:{Label.PROJECT} {{id: $project}}) }}",
                    "project", _an_id("project")),
        FilterField("category", optional(str),
                    "Current 9 C category (in `project` if given).", "", "category",
                    _term("category", "nine_cs")),
        FilterField("quadrant", optional(str),
                    "Current quadrant (in `project` if given).", "", "quadrant",
                    _term("quadrant", "quadrant")),
    ]
    activity = [
        *_common(),
        FilterField("project", optional(strawberry.ID), "Of this project.",
                    f"EXISTS {{ (n)-[:{Rel.FOR_PROJECT}]->(:{Label.PROJECT} "
                    "{id: $activityProject}) }", "activityProject", _an_id("project")),
        FilterField("participant", optional(strawberry.ID),
                    "With this stakeholder taking part.",
                    f"EXISTS {{ (:{Label.STAKEHOLDER} {{id: $participant}})"
                    f"-[:{Rel.PARTICIPATED_IN}]->(n) }}", "participant", _an_id("participant")),
        *property_filters(model, Label.ACTIVITY, "n"),
    ]
    entity = [
        *_common(),
        FilterField("custom_only", optional(bool),
                    "Only those added by projects, not the shipped vocabulary.",
                    f"($customOnly = false OR NOT n:{Label.CONCEPT})", "customOnly"),
        *[f for f in property_filters(model, Label.STRATEGY, "n")],
    ]
    concept = [*_common(with_search=False), *property_filters(model, Label.CONCEPT, "n")]
    return Filters(
        stakeholder=FilterSet(
            _input("StakeholderFilter", "Which stakeholders to list.", stakeholder),
            tuple(stakeholder), _current),
        project=FilterSet(
            _input("ProjectFilter", "Which projects to list.",
                   [*_common(), *property_filters(model, Label.PROJECT, "n")]),
            (*_common(), *property_filters(model, Label.PROJECT, "n"))),
        activity=FilterSet(
            _input("ActivityFilter", "Which engagement activities to list.", activity),
            tuple(activity)),
        entity=FilterSet(
            _input("EntityFilter", "Which strategies, outcomes or objectives to list "
                   "(cluster: strategies only).", entity), tuple(entity)),
        concept=FilterSet(_input("ConceptFilter", "Which vocabulary terms to list.", concept),
                          tuple(concept)),
        stake=FilterSet(
            _input("StakeFilter", "Which stake assessments, by their properties.",
                   property_filters(model, Rel.ASSESSED, "r")),
            tuple(property_filters(model, Rel.ASSESSED, "r"))),
        tie=FilterSet(
            _input("TieFilter", "Which ties, by their properties.",
                   property_filters(model, Rel.INFLUENCES, "r")),
            tuple(property_filters(model, Rel.INFLUENCES, "r"))),
    )
