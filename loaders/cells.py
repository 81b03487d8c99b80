"""Parsing one cell: text, numbers, booleans, dates and vocabulary terms, with what was expected.

Each parser returns the value to store, or raises `BadCell` with a human sentence saying what
the cell should have held.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from stakegraph.loaders.tables import Column
from stakegraph.schema.errors import StakegraphError
from stakegraph.schema.model import PropType
from stakegraph.schema.vocabulary import Scheme

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
# Longer vocabularies are not spelled out in full in a message; the closest terms are.
_LIST_AT_MOST = 12
# Alternative spellings accepted in the closed-list columns.
_ALIASES = {
    "organization": "organisation",
    "org": "organisation",
    "collaborates": "collaborates_with",
}


class BadCell(StakegraphError):
    """A cell that does not hold what its column expects; the message says what was expected."""


def is_blank(value: Any) -> bool:
    """Returns whether a cell counts as empty (missing, or only whitespace)."""
    if type(value) is str:
        return not value.strip()
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """Returns a cell as it should appear in a problem report (shortened)."""
    if isinstance(value, dict | list):
        # Never the repr of a nested JSON value: it can be megabytes or too deep to print.
        return "a JSON object" if isinstance(value, dict) else "a JSON list"
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _text(value: Any) -> str:
    if type(value) is str:  # nearly every cell: skip the other checks
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # Excel stores 12 as 12.0; an id or phone number typed as a number means 12.
        return str(int(value))
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# Neo4j stores 64-bit integers; a larger one would fail at write time, after validation.
_INT64_MAX = 2**63 - 1


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise BadCell("a whole number")
    if isinstance(value, int):
        if abs(value) > _INT64_MAX:
            raise BadCell("a whole number of at most 19 digits")
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if number.is_integer():
                return int(number)
    raise BadCell("a whole number")


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise BadCell("a number")
    number = math.nan
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # a JSON integer of hundreds of digits
            number = math.nan
    elif isinstance(value, str):
        text = value.strip()
        if _DECIMAL_COMMA.fullmatch(text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        raise BadCell("a number (e.g. 2 or 0.5)")
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadCell("true/false, yes/no, y/n or 1/0")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise BadCell("a real calendar date, YYYY-MM-DD") from None
    raise BadCell("a date as YYYY-MM-DD (e.g. 2025-03-14)")


def _term(value: Any, vocabulary: Scheme) -> str:
    text = _text(value)
    code = vocabulary.resolve(text)
    if code is not None:
        return code
    closest = ", ".join(vocabulary.closest(text))
    if len(vocabulary.codes) <= _LIST_AT_MOST:
        raise BadCell(f"one of: {', '.join(vocabulary.codes)} (closest: {closest})")
    raise BadCell(f"a term of {vocabulary.title} ({vocabulary.name}); closest: {closest}")


# A list of terms in one cell: separated by semicolons (commas may be part of a label).
LIST_SEPARATOR = ";"
_MAX_LIST = 100


def _terms(value: Any, vocabulary: Scheme) -> list[str]:
    if isinstance(value, list):
        items = value
    else:
        items = [part for part in _text(value).split(LIST_SEPARATOR) if part.strip()]
    if not items:
        raise BadCell(f"terms of {vocabulary.name} separated by '{LIST_SEPARATOR}' (an empty "
                      "cell, or null, for none)")
    if len(items) > _MAX_LIST:
        raise BadCell(f"at most {_MAX_LIST} terms")
    codes: list[str] = []
    for item in items:
        if isinstance(item, dict | list) or item is None:
            raise BadCell(f"terms of {vocabulary.name} separated by '{LIST_SEPARATOR}'")
        code = _term(item, vocabulary)
        if code not in codes:
            codes.append(code)
    return codes


def choice(value: Any, choices: tuple[str, ...]) -> str:
    """Returns the word of a closed list that ``value`` spells (any case, spaces or hyphens)."""
    text = _text(value).lower().replace("-", "_").replace(" ", "_")
    text = _ALIASES.get(text, text)
    if text in choices:
        return text
    closest = difflib.get_close_matches(text, choices, n=3, cutoff=0.4)
    hint = f" (closest: {', '.join(closest)})" if closest else ""
    raise BadCell(f"one of: {', '.join(choices)}{hint}")


def parse(value: Any, column: Column) -> Any:
    """Returns the stored value of a non-blank cell of ``column``; raises `BadCell`."""
    parsed: Any
    if column.many and column.vocabulary is not None and isinstance(value, list):
        return _terms(value, column.vocabulary)
    if isinstance(value, dict | list):
        # JSON allows nested values; a cell holds one value, never an object or list.
        raise BadCell("a single value, not a JSON object or list")
    if isinstance(value, str) and "\x00" in value:
        raise BadCell("text without NUL characters")
    if column.name == "id" or column.ref is not None:
        return _identifier(value)
    if column.choices:
        return choice(value, column.choices)
    if column.vocabulary is not None:
        if column.many:
            return _terms(value, column.vocabulary)
        return _term(value, column.vocabulary)
    if column.type is PropType.STRING:
        return _text(value)
    if column.type is PropType.INTEGER:
        parsed = _integer(value)
    elif column.type is PropType.FLOAT:
        parsed = _float(value)
    elif column.type is PropType.BOOLEAN:
        return _boolean(value)
    else:
        return _date(value)
    _check_range(parsed, column)
    return parsed


# The API refuses ids it could not address either (stakegraph.api.validation.clean_id).
MAX_ID_LENGTH = 200


_CONTROL = re.compile(r"[\x00-\x1f]")


def _identifier(value: Any) -> str:
    text = _text(value)
    if len(text) > MAX_ID_LENGTH or _CONTROL.search(text):
        raise BadCell(f"an id of at most {MAX_ID_LENGTH} printable characters")
    return text


def _check_range(number: float, column: Column) -> None:
    low, high = column.minimum, column.maximum
    if column.above_zero and number <= 0:
        raise BadCell("a number above 0" + (f" and at most {_fmt(high)}" if high else ""))
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise BadCell(f"a number from {_fmt(low)} to {_fmt(high)}")
        raise BadCell(f"at least {_fmt(low)}" if low is not None else f"at most {_fmt(high)}")


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


class _Blank:
    """The type of `BLANK`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "BLANK"


# What a `cell_parser` function returns for an empty cell (missing, or only whitespace).
BLANK = _Blank()

# Values remembered per column by `cell_parser`; past this many distinct ones it stops adding.
_MEMO_AT_MOST = 4096


def cell_parser(column: Column) -> Callable[[Any], Any]:
    """Returns a function that gives `BLANK` for a cell that `is_blank`, and otherwise does
    what `parse` does for the cells of ``column``, faster on the common case of text cells.

    One call per cell: the blank test and the parse share one strip. Vocabulary, choice,
    number, boolean and date cells repeat a lot in a large file, so the value parsed from each
    distinct text is remembered (only when it parsed: a bad cell always raises again).
    Anything but plain text goes through `is_blank` and `parse`.
    """

    def slow(value: Any) -> Any:
        return BLANK if is_blank(value) else parse(value, column)

    if column.name == "id" or column.ref is not None:

        def identifier(value: Any) -> Any:
            if type(value) is str:
                text = value.strip()
                if not text:
                    return BLANK
                if len(text) <= MAX_ID_LENGTH and not _CONTROL.search(text):
                    return text
            return slow(value)

        return identifier
    if column.type is PropType.STRING and not column.choices and column.vocabulary is None:

        def text(value: Any) -> Any:
            if type(value) is str and "\x00" not in value:
                return value.strip() or BLANK
            return slow(value)

        return text
    memo: dict[str, Any] = {}

    def remembered(value: Any) -> Any:
        if type(value) is not str:
            return slow(value)
        try:
            return memo[value]
        except KeyError:
            parsed = slow(value)
            if len(memo) < _MEMO_AT_MOST:
                memo[value] = parsed
            return parsed

    return remembered
