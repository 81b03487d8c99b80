"""Conversions between Neo4j values and the Python values GraphQL serialises."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def to_date(value: Any) -> date | None:
    """Returns a Python date from a Neo4j Date, a datetime or an ISO string (None stays None)."""
    if value is None:
        return None
    if type(value) is str:  # the API reads dates as ISO text
        return date.fromisoformat(value[:10])
    native = getattr(value, "to_native", None)
    if callable(native):
        value = native()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def to_int(value: Any) -> int | None:
    """Returns an int (None stays None)."""
    return None if value is None else int(value)


def to_float(value: Any) -> float | None:
    """Returns a float (None stays None)."""
    return None if value is None else float(value)
