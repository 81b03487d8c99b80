"""Input validation for mutations, by the loaders' own rules.

Every value goes through `stakegraph.loaders.cells.parse` with the column spec of the loader
table it belongs to (`stakegraph.loaders.tables`, for the model served: declared columns and
terms included), so a file and an API call accept the same
values (types, ranges, vocabulary terms and aliases, ids) and store the same normalised ones,
and a refusal quotes the loader's sentence of what was expected.

What stays the API's own: which fields are required (a blank or null value of one is refused),
UNSET (left out: unchanged on update), null or a blank text removing an optional property on
update (as an empty cell does in a file), the size cap on one text value, and the error
contract (a VALIDATION error naming the camelCase input field).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from stakegraph.api.errors import invalid
from stakegraph.api.gql import camel
from stakegraph.loaders.cells import BadCell, is_blank, parse, shown
from stakegraph.loaders.tables import Column, Tables, tables
from stakegraph.loaders.validate import row_problem
from stakegraph.schema.combined import Model
from stakegraph.schema.errors import StakegraphError
from strawberry import UNSET

# A network caller's text value is capped (files have no such cap: their reader is trusted).
MAX_STRING = 10_000

# Every id column of the loader parses alike (`parse` treats `id` and reference columns as ids).
_ID_COLUMN = tables(Model.shipped()).spec("stakeholders").column("id")


def _quoted(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # JSON quoting shows blanks and escapes control characters instead of printing them.
        return json.dumps(shown(value))
    return shown(value)


def _refused(field: str, value: Any, expected: str) -> StakegraphError:
    """Returns the VALIDATION error "field: expected ..., got value"."""
    return invalid(field, f"expected {expected}, got {_quoted(value)}")


def clean_value(field: str, column: Column, value: Any) -> Any:
    """Returns the stored form of a non-blank input value of a loader column (as the loader
    would store it from a cell); a VALIDATION error with the loader's expectation otherwise."""
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise _refused(field, value, f"at most {MAX_STRING} characters")
    try:
        return parse(value, column)
    except BadCell as exc:
        raise _refused(field, value, str(exc)) from None


def clean_id(field: str, value: Any, column: Column = _ID_COLUMN) -> str:
    """Returns an id as the loader reads one (stripped, at most 200 printable characters)."""
    if is_blank(value):
        raise invalid(field, "is required")
    return str(clean_value(field, column, value))


def clean_optional(specs: Tables, table: str, name: str, value: Any) -> Any:
    """Returns the stored form of a value of the optional column ``name`` of the loader table
    ``table``: None when it is null, UNSET or blank (nothing to store)."""
    if value is None or value is UNSET or is_blank(value):
        return None
    return clean_value(camel(name), specs.spec(table).column(name), value)


def clean_row(
    specs: Tables, table: str, values: Mapping[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Returns one row of the loader table ``table`` (values by column name) as the loader reads
    it: each value through the loader's cell rules. UNSET values are left out; null or a blank
    text means "remove" (None), refused for required columns. Without ``partial`` (a create)
    every required column must have a value, and removals are dropped."""
    spec = specs.spec(table)
    columns = {c.name: c for c in spec.columns}
    row: dict[str, Any] = {}
    for name, value in values.items():
        if value is UNSET:
            continue
        column = columns.get(name)
        if column is None:
            raise invalid(camel(name), "is not a property of this kind of node")
        if isinstance(value, list) and not column.many:
            raise invalid(camel(name), "takes one value, not a list")
        if value is None or is_blank(value):
            if column.required:
                raise invalid(
                    camel(name), "is required and cannot be removed" if partial else "is required"
                )
            row[name] = None
            continue
        row[name] = clean_value(camel(name), column, value)
    if partial:
        return row
    missing = [c.name for c in spec.columns if c.required and row.get(c.name) is None]
    if missing:
        raise invalid(camel(missing[0]), "is required")
    row = {k: v for k, v in row.items() if v is not None}
    # The loader's rules across cells of a row (no self-ties, no custom id in a shipped
    # vocabulary's namespace...) apply to what a create would write.
    broken = row_problem(spec, row)
    if broken is not None:
        where, expected = broken
        raise _refused(camel(where), row.get(where), expected)
    return row


def properties(specs: Tables, table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """Returns the node or relationship properties of a cleaned row of the loader table
    ``table``: the columns the loader stores, by property name (references and the like left
    out)."""
    return {
        c.prop: row[c.name]
        for c in specs.spec(table).columns
        if c.prop is not None and c.name in row
    }
