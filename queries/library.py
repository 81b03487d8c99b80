"""The named Cypher query library: the `.cypher` files shipped beside this module.

Each file starts with a header of `//` comment lines and then holds one Cypher statement::

    // name: quadrants
    // purpose: Quadrant and engagement advice per stakeholder of a project.
    // param: project string — the project id
    // param: at date = today — the date the matrix is read as of
    // param: hops int = 2 in 1..5 — how far to look
    // param: tie_types list<string> = [] one of INFLUENCES|TRUSTS as TieType — tie types to follow
    // returns: id id — the stakeholder's id
    // returns: quadrant string? — q1..q4 (null when the assessment has none)
    // returns: via list<id> — the ids along the route
    // returns: stakes list<{project id, date date, impact int?}> — one map per project
    // example:
    // :param project => 'demo-project'

Parameter types: string, id (a node's id: a string), int, float, bool, date, list<string>,
list<id>. A parameter without a default is required; the default ``today`` is resolved when the
query is bound, ``null`` means "not given". ``in A..B`` bounds an int or float; ``max N``
bounds the length of a string or id (and of each item of a list; without it the bound is
``MAX_TEXT``); ``one of X|Y`` lists the allowed values (matched case-insensitively), and
``as Name`` names that set of values (the GraphQL API makes it the enum ``Name``; queries naming
the same set must list the same values).

``returns:`` lines declare the result columns, in the order of the RETURN clause, each with its
type: string, id, int, float, bool, date, ``list<T>``, or a map ``{key T, ...}``; a trailing
``?`` means the value can be null (otherwise it never is). Every analyst question (see
``is_question``) declares them: the API builds its typed fields from them, and the tests check
them against what Neo4j returns.

The text after ``example:`` is Neo4j Browser ``:param`` lines, so the whole file can be pasted
into Browser once those have run. The CLI and the API run the same file text.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from neo4j.time import Date, DateTime, Duration, Time
from stakegraph.schema.errors import ErrorCode, StakegraphError
from stakegraph.schema.graphdb import GraphDB

PARAM_TYPES: tuple[str, ...] = (
    "string", "id", "int", "float", "bool", "date", "list<string>", "list<id>",
)
VALUE_SCALARS: tuple[str, ...] = ("string", "id", "int", "float", "bool", "date")
TODAY = "today"
# The longest text a string or id parameter takes unless its header says ``max N``: no id or
# name comes near it, and Neo4j's full-text and regular-expression engines stay far from
# their limits below it.
MAX_TEXT = 1000
# Files with these prefixes feed other code (exports, pictures, analytics projections, the
# personal-data rights, the project report); every other file is an analyst question.
INTERNAL_PREFIXES: tuple[str, ...] = ("export_", "plot_", "analytics_", "privacy_", "report_")

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_HEADER_KEY = re.compile(r"^//\s*(name|purpose|param|returns|example):\s?(.*)$")
_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+"
    r"(?P<type>list<string>|list<id>|string|int|float|bool|date|id)"
    r"(?:\s*=\s*(?P<default>\[[^\]]*\]|'[^']*'|\"[^\"]*\"|\S+))?"
    r"(?:\s+in\s+(?P<low>-?[0-9.]+)\.\.(?P<high>-?[0-9.]+))?"
    r"(?:\s+max\s+(?P<max_len>[0-9]+))?"
    r"(?:\s+one of\s+(?P<choices>\S+)(?:\s+as\s+(?P<set>[A-Z][A-Za-z0-9]*))?)?"
    r"\s+[—-]{1,2}\s+(?P<doc>.+)$"
)
_RETURNS_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>.+?)\s+[—-]{1,2}\s+(?P<doc>.+)$"
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAM_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class QueryError(StakegraphError):
    """A query name or parameter problem; the message is one line for the person asking."""


class UnknownQueryError(QueryError):
    """No query has the asked name; ``closest`` holds the names that look most like it."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, name: str, closest: list[str]) -> None:
        hint = f"; did you mean {', '.join(closest)}?" if closest else ""
        super().__init__(f"unknown query {name!r}{hint} (stakegraph query --list shows them all)")
        self.name = name
        self.closest = closest


class ParamError(QueryError):
    """A parameter is unknown, missing or of the wrong type."""


class HeaderError(QueryError):
    """A `.cypher` file's header is malformed (a bug in the shipped library)."""

    code = ErrorCode.INTERNAL


@dataclass(frozen=True)
class Param:
    """One declared query parameter. ``default`` is already converted (``"today"`` stays the
    marker string until binding); ``choices`` and ``minimum``/``maximum`` constrain values."""

    name: str
    type: str
    default: object
    required: bool
    doc: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    choice_set: str | None = None
    max_length: int = MAX_TEXT


@dataclass(frozen=True)
class ValueType:
    """The declared type of a result value: its ``shape``, a scalar (one of VALUE_SCALARS), a
    ``list`` of ``item``, or a ``map`` with ``fields``; ``nullable`` when it can be null."""

    shape: str
    nullable: bool = False
    item: ValueType | None = None
    fields: tuple[Column, ...] = ()

    def __str__(self) -> str:
        """Returns the type as a header writes it, e.g. ``list<{project id, date date?}>``."""
        if self.shape == "list" and self.item is not None:
            text = f"list<{self.item}>"
        elif self.shape == "map":
            text = "{" + ", ".join(f"{f.name} {f.type}" for f in self.fields) + "}"
        else:
            text = self.shape
        return text + ("?" if self.nullable else "")


@dataclass(frozen=True)
class Column:
    """One declared result column (or one key of a map column) with its type and meaning."""

    name: str
    type: ValueType
    doc: str = ""


@dataclass(frozen=True)
class Query:
    """A named query: what it answers, its parameters, its declared result columns, its Browser
    example and its Cypher text (the whole file, header comments included; Neo4j ignores the
    comments)."""

    name: str
    purpose: str
    params: list[Param]
    example: str
    text: str
    returns: tuple[Column, ...] = ()

    @property
    def statement(self) -> str:
        """Returns the Cypher statement without the header comments."""
        return _split_header(self.text)[1]

    @property
    def headline(self) -> str:
        """Returns what the query answers in a few words, for one-line listings: the purpose's
        first sentence up to its first colon or semicolon, without parenthetical asides."""
        return headline(self.purpose)

    def param(self, name: str) -> Param:
        """Returns the declared parameter called ``name``."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)", re.S)
_ASIDE = re.compile(r"\s*\([^()]*\)")


def headline(purpose: str) -> str:
    """Returns the headline of a purpose text (see ``Query.headline``)."""
    found = _FIRST_SENTENCE.match(purpose.strip())
    text = found.group(1) if found else purpose.strip()
    while _ASIDE.search(text):  # innermost first, so nested asides go too
        text = _ASIDE.sub("", text)
    text = re.split(r":\s|;\s", text, maxsplit=1)[0]
    return " ".join(text.split()).rstrip(".")


def _split_header(text: str) -> tuple[list[str], str]:
    """Returns the header (the `//` lines the file starts with, up to the first blank or code
    line) and the statement after it, which may hold comments of its own."""
    lines = text.strip().splitlines()
    header: list[str] = []
    for line in lines:
        if not line.strip().startswith("//"):
            break
        header.append(line.strip())
    return header, "\n".join(lines[len(header) :]).strip()


def parse_query(filename: str, text: str) -> Query:
    """Returns the Query described by one `.cypher` file's text; raises HeaderError if the
    header is incomplete or a `$parameter` is used but not declared (or declared, unused)."""
    header, statement = _split_header(text)
    fields: dict[str, str] = {}
    param_lines: list[str] = []
    return_lines: list[str] = []
    example: list[str] = []
    current: str | None = None
    for line in header:
        if not line:
            continue
        match = _HEADER_KEY.match(line)
        if match and current != "example":
            key, value = match.group(1), match.group(2).strip()
            current = key
            if key == "param":
                param_lines.append(value)
            elif key == "returns":
                return_lines.append(value)
            elif key == "example":
                if value:
                    example.append(value)
            else:
                fields[key] = value
            continue
        body = line[2:].strip()
        if current == "example":
            if body:
                example.append(body)
        elif current == "param" and param_lines:
            param_lines[-1] += " " + body
        elif current == "returns" and return_lines:
            return_lines[-1] += " " + body
        elif current in ("name", "purpose"):
            fields[current] = f"{fields[current]} {body}".strip()
    for key in ("name", "purpose"):
        if not fields.get(key):
            raise HeaderError(f"{filename}: header has no '// {key}:' line")
    if not example:
        raise HeaderError(f"{filename}: header has no '// example:' block")
    if not statement:
        raise HeaderError(f"{filename}: no Cypher statement after the header")
    if ";" in _strip_strings(statement).rstrip().rstrip(";"):
        raise HeaderError(f"{filename}: holds more than one statement")
    params = [_parse_param(filename, line) for line in param_lines]
    declared = {p.name for p in params}
    used = set(_PARAM_REF.findall(_strip_strings(statement)))
    if used - declared:
        undeclared = sorted(used - declared)
        raise HeaderError(f"{filename}: parameters used but not declared: {undeclared}")
    if declared - used:
        unused = sorted(declared - used)
        raise HeaderError(f"{filename}: parameters declared but not used: {unused}")
    returns = tuple(_parse_column(filename, line) for line in return_lines)
    names = [c.name for c in returns]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise HeaderError(f"{filename}: columns declared twice: {twice}")
    return Query(
        fields["name"], fields["purpose"], params, "\n".join(example), text.strip() + "\n",
        returns,
    )


def _parse_column(filename: str, line: str) -> Column:
    match = _RETURNS_LINE.match(line.strip())
    problem = None
    if match:
        try:
            return Column(
                match.group("name"), parse_value_type(match.group("type")),
                match.group("doc").strip(),
            )
        except ValueError as exc:
            problem = str(exc)
    raise HeaderError(
        f"{filename}: cannot read '// returns: {line}' ("
        + (f"{problem}; " if problem else "")
        + "expected 'name type — description', type one of "
        + f"{', '.join(VALUE_SCALARS)}, list<type> or {{key type, ...}}, '?' for nullable)"
    )


def parse_value_type(text: str) -> ValueType:
    """Returns the ValueType written as ``text`` (e.g. ``list<{project id, date date?}>?``);
    raises ValueError when it is not one."""
    parsed, end = _value_type(text, _skip_space(text, 0))
    end = _skip_space(text, end)
    if end != len(text):
        raise ValueError(f"unexpected {text[end:]!r} in type {text!r}")
    return parsed


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _value_type(text: str, at: int) -> tuple[ValueType, int]:
    """Returns the type starting at ``at`` and the index after it (a recursive descent)."""
    if text.startswith("list<", at):
        item, at = _value_type(text, _skip_space(text, at + len("list<")))
        at = _skip_space(text, at)
        if not text.startswith(">", at):
            raise ValueError(f"'>' expected at {text[at:]!r} in type {text!r}")
        built = ValueType("list", item=item)
        at += 1
    elif text.startswith("{", at):
        fields: list[Column] = []
        at = _skip_space(text, at + 1)
        while True:
            name = _NAME.match(text, at)
            if name is None:
                raise ValueError(f"a key name expected at {text[at:]!r} in type {text!r}")
            field_type, at = _value_type(text, _skip_space(text, name.end()))
            fields.append(Column(name.group(), field_type))
            at = _skip_space(text, at)
            if text.startswith(",", at):
                at = _skip_space(text, at + 1)
                continue
            if text.startswith("}", at):
                at += 1
                break
            raise ValueError(f"',' or '}}' expected at {text[at:]!r} in type {text!r}")
        keys = [f.name for f in fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"a key appears twice in type {text!r}")
        built = ValueType("map", fields=tuple(fields))
    else:
        word = _NAME.match(text, at)
        if word is None or word.group() not in VALUE_SCALARS:
            found = word.group() if word else text[at:]
            raise ValueError(f"unknown type {found!r}")
        built = ValueType(word.group())
        at = word.end()
    if text.startswith("?", at):
        return ValueType(built.shape, True, built.item, built.fields), at + 1
    return built, at


def _strip_strings(statement: str) -> str:
    """Returns the statement with string literals emptied and `//` comments removed, so a `$`
    or `;` inside them is not taken for Cypher."""
    out: list[str] = []
    quote: str | None = None
    index = 0
    while index < len(statement):
        char = statement[index]
        if quote:
            if char == "\\":
                index += 2
                continue
            if char == quote:
                quote = None
                out.append(char)
        elif char in "'\"":
            quote = char
            out.append(char)
        elif statement.startswith("//", index):
            end = statement.find("\n", index)
            index = len(statement) if end < 0 else end
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _parse_param(filename: str, line: str) -> Param:
    match = _PARAM_LINE.match(line.strip())
    if not match:
        raise HeaderError(
            f"{filename}: cannot read '// param: {line}' (expected 'name type [= default] "
            f"[in low..high] [one of A|B] — description', type one of {', '.join(PARAM_TYPES)})"
        )
    name, type_ = match.group("name"), match.group("type")
    choices = tuple(match.group("choices").split("|")) if match.group("choices") else ()
    low, high = match.group("low"), match.group("high")
    param = Param(
        name=name,
        type=type_,
        default=None,
        required=match.group("default") is None,
        doc=match.group("doc").strip(),
        choices=choices,
        minimum=float(low) if low is not None else None,
        maximum=float(high) if high is not None else None,
        choice_set=match.group("set"),
        max_length=int(match.group("max_len")) if match.group("max_len") else MAX_TEXT,
    )
    raw_default = match.group("default")
    if raw_default is None:
        return param
    if raw_default == "null":
        return _with_default(param, None)
    if type_ == "date" and raw_default == TODAY:
        return _with_default(param, TODAY)
    if len(raw_default) >= 2 and raw_default[0] == raw_default[-1] and raw_default[0] in "'\"":
        raw_default = raw_default[1:-1]
    try:
        return _with_default(param, _convert(param, raw_default, query=filename))
    except ParamError as exc:
        raise HeaderError(f"{filename}: bad default for {name}: {exc}") from exc


def _with_default(param: Param, default: object) -> Param:
    return replace(param, default=default, required=False)


@lru_cache(maxsize=1)
def all_queries() -> dict[str, Query]:
    """Returns every shipped query by name (read once from the package's `.cypher` files)."""
    found: dict[str, Query] = {}
    for entry in sorted(resources.files(__package__ or "stakegraph.queries").iterdir(), key=str):
        if not entry.name.endswith(".cypher"):
            continue
        query = parse_query(entry.name, entry.read_text(encoding="utf-8"))
        if query.name != entry.name.removesuffix(".cypher"):
            raise HeaderError(f"{entry.name}: header names it {query.name!r}")
        found[query.name] = query
    return dict(sorted(found.items()))


def is_question(name: str) -> bool:
    """Returns True when the query ``name`` is an analyst question (not an internal file)."""
    return not name.startswith(INTERNAL_PREFIXES)


def questions() -> dict[str, Query]:
    """Returns the analyst questions of the library by name (every query but the internal ones:
    exports, pictures, analytics projections and the personal-data rights)."""
    return {name: q for name, q in all_queries().items() if is_question(name)}


def get_query(name: str) -> Query:
    """Returns the query called ``name``; raises UnknownQueryError (with close names) if none."""
    queries = all_queries()
    if name in queries:
        return queries[name]
    raise UnknownQueryError(name, difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5))


def bind(query: Query, raw: Mapping[str, object]) -> dict[str, object]:
    """Returns the query's parameters checked and converted from ``raw`` (CLI strings or already
    typed API values), with defaults filled in; raises ParamError for unknown names, missing
    required values and values of the wrong type or out of range."""
    known = {p.name for p in query.params}
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            accepted = ", ".join(sorted(known)) or "none"
            raise ParamError(
                f"query {query.name}: unknown parameter {key!r}{hint} (accepted: {accepted})"
            )
    bound: dict[str, object] = {}
    for param in query.params:
        value = raw.get(param.name)
        if value is None:
            if param.required:
                raise ParamError(
                    f"query {query.name}: missing required parameter {param.name!r} "
                    f"({param.type}: {param.doc})"
                )
            value = dt.date.today() if param.default == TODAY else param.default
            bound[param.name] = list(value) if isinstance(value, list) else value
            continue
        bound[param.name] = _convert(param, value, query=query.name)
    return bound


def _convert(param: Param, value: object, query: str) -> object:
    def fail(expected: str) -> ParamError:
        return ParamError(
            f"query {query}: parameter {param.name!r} expects {expected}, got {value!r}"
        )

    converted: object
    if param.type in ("string", "id"):
        if not isinstance(value, str):
            raise fail("a string")
        converted = _choose(param, value, query)
    elif param.type == "int":
        converted = _to_int(value, fail)
        _check_range(param, converted, query)
    elif param.type == "float":
        converted = _to_float(value, fail)
        _check_range(param, converted, query)
    elif param.type == "bool":
        converted = _to_bool(value, fail)
    elif param.type == "date":
        converted = _to_date(value, fail)
    else:
        converted = [_choose(param, item, query) for item in _to_list(value, fail)]
    return converted


def _to_int(value: object, fail: Any) -> int:
    if isinstance(value, bool):
        raise fail("a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise fail("a whole number")


def _to_float(value: object, fail: Any) -> float:
    if isinstance(value, bool):
        raise fail("a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise fail("a number")


def _to_bool(value: object, fail: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise fail("true or false")


def _to_date(value: object, fail: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise fail("a date (YYYY-MM-DD), not a date-time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, Date):
        native: dt.date = value.to_native()
        return native
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == TODAY:
            return dt.date.today()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise fail("a date like 2025-01-31 (or 'today')")


def _to_list(value: object, fail: Any) -> list[str]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                # Browser-style lists use single quotes: ['a', 'b'].
                try:
                    value = ast.literal_eval(text)
                except (ValueError, SyntaxError) as exc:
                    raise fail("a JSON list of strings or comma-separated values") from exc
        else:
            return [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    raise fail("a list of strings (comma-separated on the command line)")


def _choose(param: Param, value: str, query: str) -> str:
    if len(value) > param.max_length:
        raise ParamError(
            f"query {query}: parameter {param.name!r} takes at most {param.max_length} "
            f"characters, got {len(value)}"
        )
    if not param.choices:
        return value
    for choice in param.choices:
        if choice.lower() == value.strip().lower():
            return choice
    raise ParamError(
        f"query {query}: parameter {param.name!r} must be one of "
        f"{', '.join(param.choices)}, got {value!r}"
    )


def _check_range(param: Param, value: float, query: str) -> None:
    low, high = param.minimum, param.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise ParamError(
            f"query {query}: parameter {param.name!r} must be between "
            f"{_number(low)} and {_number(high)}, got {_number(value)}"
        )


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def run_query(
    db: GraphDB, name: str, params: Mapping[str, object]
) -> list[dict[str, Any]]:
    """Returns the rows of the named query run in a read transaction, after binding ``params``;
    Neo4j temporal values come back as Python dates/datetimes, durations as ISO strings."""
    query = get_query(name)
    bound = bind(query, params)
    records = db.read(query.text, bound)
    return [{key: native(value) for key, value in record.data().items()} for record in records]


def query_text(name: str) -> str:
    """Returns the text of the library query ``name`` (header comments included; Neo4j skips
    them), so code that runs a library file runs exactly what `stakegraph query` and Neo4j
    Browser run."""
    return get_query(name).text


def native(value: object) -> Any:
    """Returns ``value`` with Neo4j temporal types turned into Python ones (recursively)."""
    if isinstance(value, Date | DateTime | Time):
        return value.to_native()
    if isinstance(value, Duration):
        return value.iso_format()
    if isinstance(value, Mapping):
        return {str(k): native(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [native(v) for v in value]
    return value


def jsonable(value: object) -> Any:
    """Returns ``value`` (a row, list or scalar from run_query) with dates as ISO strings."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def row_problems(query: Query, row: Mapping[str, Any]) -> list[str]:
    """Returns what in one result row (as ``run_query`` gives it) disagrees with the query's
    declared columns: columns missing, extra or out of order, a null where the declaration
    allows none, a value of another type. Empty when the row fits."""
    declared = [c.name for c in query.returns]
    if list(row) != declared:
        return [f"{query.name}: columns {list(row)} differ from the declared {declared}"]
    problems: list[str] = []
    for column in query.returns:
        where = f"{query.name}.{column.name}"
        problems.extend(_value_problems(where, column.type, row[column.name]))
    return problems


def _value_problems(where: str, declared: ValueType, value: object) -> list[str]:
    if value is None:
        return [] if declared.nullable else [f"{where}: null, declared {declared}"]
    if declared.shape == "list" and declared.item is not None:
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        item = declared.item
        return [p for i, v in enumerate(value) for p in _value_problems(f"{where}[{i}]", item, v)]
    if declared.shape == "map":
        if not isinstance(value, Mapping):
            return [f"{where}: {value!r} is not a map"]
        keys = [f.name for f in declared.fields]
        if sorted(value) != sorted(keys):
            return [f"{where}: keys {sorted(value)} differ from the declared {sorted(keys)}"]
        return [
            p
            for f in declared.fields
            for p in _value_problems(f"{where}.{f.name}", f.type, value[f.name])
        ]
    if not _SCALAR_CHECKS[declared.shape](value):
        return [f"{where}: {value!r} is not a {declared.shape}"]
    return []


_SCALAR_CHECKS: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "id": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
}
