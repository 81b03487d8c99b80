"""What the generated GraphQL types share: the Python annotation of a model property or loader
column, the conversion of a stored value, GraphQL names, and resolvers with a made signature.

Strawberry reads a field's GraphQL type from Python annotations; the generated types give it
annotations made from the model (`annotation`), and resolvers whose signature is made the
same way (`resolver`), so a declared property needs no code of its own anywhere in the API.
"""

from __future__ import annotations

import inspect
import keyword
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Optional

import strawberry
from stakegraph.api.enums import graphql_enum
from stakegraph.api.pagination import Connection
from stakegraph.api.values import to_date, to_float, to_int
from stakegraph.schema.model import Prop, PropType
from strawberry.utils.str_converters import to_camel_case

Convert = Callable[[Any], Any]

# The Python type of one value of each stored type (what Strawberry maps to GraphQL scalars).
SCALAR_TYPES: dict[PropType, Any] = {
    PropType.STRING: str,
    PropType.INTEGER: int,
    PropType.FLOAT: float,
    PropType.BOOLEAN: bool,
    PropType.DATE: date,
}
_PLAIN = frozenset({str, int, float, bool})
_CONVERT: dict[PropType, Convert] = {
    PropType.STRING: str,
    PropType.INTEGER: to_int,
    PropType.FLOAT: to_float,
    PropType.BOOLEAN: bool,
    PropType.DATE: to_date,
}


def camel(name: str) -> str:
    """Returns the GraphQL (camelCase) name of a property or column."""
    return to_camel_case(name)


def python_name(name: str) -> str:
    """Returns a property name usable as a Python attribute (``from`` -> ``from_``)."""
    return f"{name}_" if keyword.iskeyword(name) else name


def scalar(prop: Prop) -> Any:
    """Returns the Python type of one value of a property (an enum's GraphQL enum)."""
    if prop.name == "id":
        return strawberry.ID
    if prop.enum is not None:
        return graphql_enum(prop.enum)
    return SCALAR_TYPES[prop.type]


def annotation(prop: Prop, *, nullable: bool) -> Any:
    """Returns the Python annotation Strawberry turns into the property's GraphQL type (a list
    for ``many``)."""
    value: Any = scalar(prop)
    if prop.many:
        value = list_of(value)
    return optional(value) if nullable else value


def converter(prop: Prop) -> Convert:
    """Returns the function turning a stored value into what the field serves (None stays
    None; a missing value with a default gets the default)."""
    one: Convert
    if prop.enum is not None:
        enum = graphql_enum(prop.enum)

        def one_member(value: Any) -> Any:
            return enum(str(value))

        one = one_member
    elif prop.name == "id":
        one = str
    else:
        one = _CONVERT[prop.type]
    default = prop.default

    if prop.many:
        def convert(value: Any) -> Any:
            return None if value is None else [one(v) for v in value]
    else:
        def convert(value: Any) -> Any:
            if value is None:
                return default
            # Bolt gives text and numbers as plain Python values (dates come as ISO text):
            # only Neo4j's own temporal types need `to_native`.
            if type(value) in _PLAIN:
                return one(value)
            native = getattr(value, "to_native", None)
            return one(native() if callable(native) else value)

    return convert


def description(prop: Prop) -> str:
    """Returns the GraphQL description of a property: its doc, and what a personal one needs."""
    text = prop.doc or prop.name.replace("_", " ").capitalize() + "."
    if prop.personal:
        text += " Personal data: editor or admin only (null and a FORBIDDEN error otherwise)."
    return text


def optional(of: Any) -> Any:
    """Returns the annotation of an optional (nullable) ``of``, made at run time."""
    return Optional[of]  # noqa: UP045  (a runtime type)


def list_of(of: Any) -> Any:
    """Returns the annotation of a list of ``of``, made at run time."""
    return list[of]


def connection_of(of: Any) -> Any:
    """Returns the annotation of a page (`Connection`) of ``of``, made at run time."""
    return Connection[of]


def param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    """Returns a keyword parameter of a made resolver signature."""
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                             default=default)


def resolver(
    function: Callable[..., Any], params: Sequence[inspect.Parameter], returns: Any
) -> Callable[..., Any]:
    """Returns ``function`` with the signature Strawberry reads: ``root`` (the parent
    object), ``info``, then ``params``, returning ``returns``. ``function`` receives them as
    keywords."""
    root = inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    info = inspect.Parameter("info", inspect.Parameter.KEYWORD_ONLY,
                             annotation=strawberry.Info)
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [root, info, *params], return_annotation=returns)
    return function
