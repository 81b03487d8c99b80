"""One typed Query field per analyst question of the query library, built from its header.

For every question with declared result columns (``// returns:`` lines; see
``stakegraph.queries.library``) this module makes, once at import and in name order:

- a row type ``<Name>Row`` (``QuadrantsRow``) with one documented field per column, camelCase,
  dates as ``Date``, ids as ``ID``, lists typed, nullable only where the header says ``?``; a map
  column becomes its own type (``StakeholderLookupAssessment``);
- arguments from the ``// param:`` lines: required ones non-null, defaults as in the header
  (``today`` and ``null`` defaults are nullable arguments meaning "not given"), a ``one of`` set
  an enum named by its ``as`` name (``TieType`` is the schema's own);
- a resolver that requires the reader role, binds the arguments with the library's ``bind`` (so
  validation and its messages are the library's: a ``VALIDATION`` error) and runs the question's
  file text, unchanged, through the request's gateway.

So a new `.cypher` question with a complete header is a new typed field; `question(name,
params)` stays the untyped way to run any of them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Annotated, Any, Optional, cast

import strawberry
from stakegraph.api.auth import Role
from stakegraph.api.context import require
from stakegraph.api.enums import TieType
from stakegraph.api.gql import camel, python_name
from stakegraph.api.values import to_date
from stakegraph.queries.library import (
    TODAY,
    Column,
    HeaderError,
    Param,
    Query,
    ValueType,
    bind,
    questions,
)
from strawberry import Info

Convert = Callable[[Any], Any]

# Choice sets the schema already has an enum for: a question naming one reuses it.
SHARED_ENUMS: dict[str, type[Enum]] = {"TieType": TieType}

_PARAM_TYPES: dict[str, Any] = {
    "string": str,
    "id": strawberry.ID,
    "int": int,
    "float": float,
    "bool": bool,
    "date": date,
    "list<string>": list[str],
    "list<id>": list[strawberry.ID],
}
_SCALARS: dict[str, tuple[Any, Convert]] = {
    "string": (str, str),
    "id": (strawberry.ID, str),
    "int": (int, int),
    "float": (float, float),
    "bool": (bool, bool),
    "date": (date, to_date),
}


def pascal(name: str) -> str:
    """Returns a snake_case name in PascalCase (``q3_reach`` -> ``Q3Reach``)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def enum_value_name(choice: str) -> str:
    """Returns the GraphQL enum value of a choice (``EngagementActivity`` ->
    ``ENGAGEMENT_ACTIVITY``, ``coproduction`` -> ``COPRODUCTION``)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", choice)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).strip("_").upper()


def prose(text: str) -> str:
    """Returns header prose as GraphQL documentation: a Cypher ``$param`` becomes the argument's
    name (```param```), and the text starts with a capital and ends with a full stop."""
    text = re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", lambda m: f"`{camel(m.group(1))}`", text.strip())
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


# ---- result types ---------------------------------------------------------------------------


def _scalar_converter(convert: Convert) -> Convert:
    def run(value: Any) -> Any:
        native = getattr(value, "to_native", None)
        return convert(native() if callable(native) else value)

    return run


def _output(value_type: ValueType, type_name: str, description: str) -> tuple[Any, Convert]:
    """Returns the Python annotation of a declared value type and the function turning a value
    read from Neo4j into it; a map becomes the type ``type_name`` with ``description``."""
    annotation: Any
    convert: Convert
    if value_type.shape == "list" and value_type.item is not None:
        item_annotation, item_convert = _output(value_type.item, type_name, description)
        annotation = list[item_annotation]  # type: ignore[valid-type]

        def each(value: Any) -> Any:
            return [item_convert(v) for v in value]

        convert = each
    elif value_type.shape == "map":
        annotation, convert = object_type(type_name, value_type.fields, description)
    else:
        annotation, plain = _SCALARS[value_type.shape]
        convert = _scalar_converter(plain)

    # A null passes as null even where the header says there is none: GraphQL then reports the
    # broken promise as an error instead of this code inventing a value such as "None".
    def or_none(value: Any) -> Any:
        return None if value is None else convert(value)

    if value_type.nullable:
        annotation = Optional[annotation]  # noqa: UP045  (a runtime type, not an annotation)
    return annotation, or_none


def object_type(
    type_name: str, columns: Sequence[Column], description: str
) -> tuple[type, Convert]:
    """Returns a Strawberry object type with one field per column, and the function that builds
    it from a row (a mapping by column name)."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__module__": __name__, "__annotations__": annotations}
    converters: list[tuple[str, str, Convert]] = []
    for column in columns:
        nested = type_name.removesuffix("Row") + pascal(_singular(column))
        about = f"An entry of `{camel(column.name)}` in `{type_name}`: {column.doc}"
        annotation, convert = _output(column.type, nested, prose(about))
        attribute = python_name(column.name)
        annotations[attribute] = annotation
        namespace[attribute] = strawberry.field(
            name=camel(column.name), description=prose(column.doc) or None
        )
        converters.append((attribute, column.name, convert))
    cls = strawberry.type(type(type_name, (), namespace), name=type_name, description=description)

    def build(row: Mapping[str, Any]) -> Any:
        return cls(**{attr: convert(row.get(key)) for attr, key, convert in converters})

    return cls, build


def _singular(column: Column) -> str:
    """Returns a list column's name for one of its items (``assessments`` -> ``assessment``)."""
    name = column.name
    if column.type.shape == "list" and name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


# ---- arguments ------------------------------------------------------------------------------


class EnumRegistry:
    """The enums of the questions' choice sets, one per name across all questions."""

    def __init__(self) -> None:
        self.enums: dict[str, type[Enum]] = {}

    def get(self, query: Query, param: Param) -> type[Enum]:
        """Returns the enum of a parameter's choices (made on first use, checked after)."""
        name = param.choice_set or pascal(query.name) + pascal(param.name)
        members = {enum_value_name(c): c for c in param.choices}
        found = self.enums.get(name) or SHARED_ENUMS.get(name)
        if found is None:
            description = f"The choices of `{camel(param.name)}`: {', '.join(param.choices)}."
            made = cast(type[Enum], Enum(name, members))
            found = strawberry.enum(made, description=description)
            self.enums[name] = found
        if {m.name: m.value for m in found} != members:
            raise HeaderError(
                f"{query.name}.cypher: the choices of {param.name} differ from those of the "
                f"choice set {name} declared elsewhere"
            )
        return found


def _describe(param: Param) -> str:
    extras = []
    if param.minimum is not None and param.maximum is not None:
        extras.append(f"{_number(param.minimum)} to {_number(param.maximum)}")
    if param.default == TODAY:
        extras.append("default: today")
    return prose(f"{param.doc} ({'; '.join(extras)})" if extras else param.doc)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _argument(query: Query, param: Param, enums: EnumRegistry) -> inspect.Parameter:
    """Returns the resolver parameter for one declared query parameter."""
    annotation: Any = _PARAM_TYPES[param.type]
    enum = enums.get(query, param) if param.choices else None
    if enum is not None:
        annotation = list[enum] if param.type.startswith("list<") else enum  # type: ignore[valid-type]
    default: Any = inspect.Parameter.empty
    if not param.required:
        if param.default is None or param.default == TODAY:
            annotation, default = Optional[annotation], None  # noqa: UP045
        elif enum is not None:
            by_value = {m.value: m for m in enum}
            default = (
                tuple(by_value[v] for v in param.default)
                if isinstance(param.default, list)
                else by_value[param.default]
            )
        else:
            # A tuple: a signature's defaults are hashed, and a shared list could be changed.
            default = tuple(param.default) if isinstance(param.default, list) else param.default
    meta = strawberry.argument(name=camel(param.name), description=_describe(param))
    return inspect.Parameter(
        python_name(param.name),
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[annotation, meta],
    )


def _raw(value: Any) -> Any:
    """Returns an argument value as the library's ``bind`` takes it (enums as their choice)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_raw(v) for v in value]
    return value


# ---- fields ---------------------------------------------------------------------------------


def _resolver(
    query: Query, params: list[inspect.Parameter], row_type: type, build: Convert
) -> Callable[..., Any]:
    names = {python_name(p.name): p.name for p in query.params}

    async def resolve(info: Info, **arguments: Any) -> list[Any]:
        context = require(info, Role.READER)
        raw = {names[k]: _raw(v) for k, v in arguments.items() if v is not None}
        bound = bind(query, raw)
        rows = await context.gateway.read(query.text, bound)
        return [build(row) for row in rows]

    info = inspect.Parameter("info", inspect.Parameter.KEYWORD_ONLY, annotation=Info)
    # Strawberry reads a resolver's arguments from its signature: this one is the header's.
    resolve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [info, *params], return_annotation=list[row_type]  # type: ignore[valid-type]
    )
    resolve.__name__ = resolve.__qualname__ = query.name
    return resolve


def _field_description(query: Query) -> str:
    return f"{prose(query.purpose)} Runs `queries/{query.name}.cypher`."


def question_fields(found: Mapping[str, Query]) -> tuple[dict[str, Any], dict[str, type]]:
    """Returns the Strawberry fields of the questions that declare their columns (by Python
    name) and their row types (by question name)."""
    enums = EnumRegistry()
    fields: dict[str, Any] = {}
    rows: dict[str, type] = {}
    for name, query in sorted(found.items()):
        if not query.returns:
            continue  # only `question(name, params)` serves it; a library test flags it
        row_type, build = object_type(
            f"{pascal(name)}Row", query.returns, f"One row of `{camel(name)}`."
        )
        params = [_argument(query, p, enums) for p in query.params]
        fields[python_name(name)] = strawberry.field(
            resolver=_resolver(query, params, row_type, build),
            name=camel(name),
            description=_field_description(query),
        )
        rows[name] = row_type
    return fields, rows


_FIELDS, ROW_TYPES = question_fields(questions())

QuestionFields: type = strawberry.type(
    type("QuestionFields", (), {"__module__": __name__, **_FIELDS}), name="QuestionFields"
)
"""The typed question fields; mixed into the Query root through ``LibraryQuery``."""
