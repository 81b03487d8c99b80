"""Input validation for mutations, by the model's property specs and vocabularies: the same
rules the loaders apply to files (required, type, range, vocabulary terms)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from stakegraph.api.errors import invalid
from stakegraph.api.vocab import vocabulary_code
from stakegraph.schema.model import Prop, PropType
from strawberry import UNSET

MAX_STRING = 10_000
MAX_ID = 200


def camel(name: str) -> str:
    """Returns the GraphQL (camelCase) name of a property, for error messages."""
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def clean_id(field: str, value: Any) -> str:
    """Returns a valid id: a non-empty string of at most 200 printable characters."""
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "must be a non-empty string")
    if len(value) > MAX_ID or any(ord(c) < 32 for c in value):
        raise invalid(field, f"must be at most {MAX_ID} printable characters")
    return value.strip()


def _clean_value(prop: Prop, value: Any) -> Any:
    field = camel(prop.name)
    if prop.type == PropType.STRING:
        if not isinstance(value, str):
            raise invalid(field, "must be a string")
        text = value.strip()
        if not text:
            raise invalid(field, "must not be empty (leave it out instead)")
        if len(text) > MAX_STRING:
            raise invalid(field, f"must be at most {MAX_STRING} characters")
        return vocabulary_code(field, prop.scheme, text) if prop.scheme else text
    if prop.type == PropType.BOOLEAN:
        if not isinstance(value, bool):
            raise invalid(field, "must be true or false")
        return value
    if prop.type == PropType.DATE:
        if not isinstance(value, date):
            raise invalid(field, "must be an ISO 8601 date")
        return value
    if prop.type == PropType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(field, "must be a whole number")
        number: float = value
    else:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or not math.isfinite(value):
            raise invalid(field, "must be a number")
        number = float(value)
    if prop.minimum is not None and number < prop.minimum:
        raise invalid(field, f"must be at least {prop.minimum:g}, got {number:g}")
    if prop.maximum is not None and number > prop.maximum:
        raise invalid(field, f"must be at most {prop.maximum:g}, got {number:g}")
    return value if prop.type == PropType.INTEGER else float(value)


def clean_props(
    props: Iterable[Prop], values: Mapping[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Returns the checked, normalised values (vocabulary values as codes) of the given
    properties; UNSET ones are left out, None means "remove" and is refused for required ones.
    Without ``partial`` every required property (except ``id``) must be given."""
    specs = {p.name: p for p in props}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is UNSET:
            continue
        prop = specs.get(name)
        if prop is None:
            raise invalid(camel(name), "is not a property of this kind of node")
        if value is None:
            if prop.required:
                raise invalid(camel(name), "is required and cannot be removed")
            out[name] = None
            continue
        out[name] = _clean_value(prop, value)
    if not partial:
        missing = [
            camel(p.name) for p in specs.values()
            if p.required and p.name != "id" and out.get(p.name) is None
        ]
        if missing:
            raise invalid(missing[0], "is required")
        out = {k: v for k, v in out.items() if v is not None}
    return out
