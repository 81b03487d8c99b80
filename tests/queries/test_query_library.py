"""The query library itself: every shipped `.cypher` file's header, its example, the Cypher
it uses against the model's whitelist, and binding of parameters."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from neo4j import Driver
from stakegraph.queries.library import (
    HeaderError,
    ParamError,
    UnknownQueryError,
    all_queries,
    bind,
    get_query,
    parse_query,
)
from stakegraph.schema.constraints import FULLTEXT_LABELS
from stakegraph.schema.model import TIE_TYPES, Label, Rel
from stakegraph.schema.vocabulary import scheme

# The analyst questions of DESIGN.md, one query each (other engineers' files live beside them).
QUESTIONS = {
    "stakeholders_by_category",
    "quadrants",
    "matrix_movement",
    "ego_network",
    "shortest_paths",
    "introducers",
    "reach",
    "q3_reach",
    "neglected_high_impact",
    "coverage",
    "deepest_level",
    "overdue_contacts",
    "readiness_checklist",
    "pathways",
    "strategies_before_outcome_change",
    "degree",
    "stakeholder_lookup",
    "name_search",
}
_PARAM_EXAMPLE = re.compile(r"^:param\s+([A-Za-z_]\w*)\s*=>\s*(.+?);?\s*$")
_PATTERN_NAMES = re.compile(r"[(\[]\s*\w*\s*:\s*([A-Za-z_]+(?:\s*[|:]\s*[A-Za-z_]+)*)")


def _example_value(expression: str) -> object:
    """Turns a Browser `:param` expression into the raw value a caller would pass to bind."""
    expression = expression.strip()
    if expression == "null":
        return None
    date = re.fullmatch(r"date\('([^']*)'\)", expression)
    if date:
        return date.group(1)
    if expression.startswith("["):
        return [a or b for a, b in re.findall(r"'([^']*)'|\"([^\"]*)\"", expression)]
    if expression[0] in "'\"":
        return expression[1:-1]
    return expression  # numbers and booleans, as text, the way the CLI passes them


def _example_params(name: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for line in get_query(name).example.splitlines():
        match = _PARAM_EXAMPLE.match(line.strip())
        if match:
            found[match.group(1)] = _example_value(match.group(2))
    return found


def test_every_question_has_a_query() -> None:
    assert set(all_queries()) >= QUESTIONS
    assert len(QUESTIONS) >= 12


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_header_is_complete(name: str) -> None:
    query = get_query(name)
    assert query.name == name
    assert len(query.purpose) > 40
    for param in query.params:
        assert param.doc, f"{name}: {param.name} has no description"
        assert param.required == (param.default is None and param.name not in _optional(name))
    # The example sets every parameter, so pasting it into Browser runs the file as shipped.
    assert set(_example_params(name)) == {p.name for p in query.params}
    assert query.text.startswith("// name: " + name)
    assert ";" not in query.statement


def _optional(name: str) -> set[str]:
    return {p.name for p in get_query(name).params if not p.required and p.default is None}


@pytest.mark.parametrize("name", sorted(all_queries()))
def test_example_binds_and_plans(name: str, driver: Driver, database: str) -> None:
    # EXPLAIN compiles the statement against the server without running it: syntax, parameter
    # names and types are all checked, for every shipped file (the other engineers' too).
    bound = bind(get_query(name), _example_params(name))
    driver.execute_query("EXPLAIN " + get_query(name).text, bound, database_=database)


@pytest.mark.parametrize("name", sorted(all_queries()))
def test_cypher_uses_only_model_labels_and_types(name: str) -> None:
    allowed = {str(x) for x in Label} | {str(x) for x in Rel}
    statement = re.sub(r"'[^']*'", "''", get_query(name).statement)
    used = {
        part.strip()
        for match in _PATTERN_NAMES.findall(statement)
        for part in re.split(r"[|:]", match)
    }
    assert used <= allowed, f"{name} uses {sorted(used - allowed)}"


def test_choices_follow_the_model_and_vocabularies() -> None:
    ties = tuple(str(t) for t in TIE_TYPES)
    for name in ("ego_network", "reach", "q3_reach", "degree"):
        assert get_query(name).param("tie_types").choices == ties
    assert get_query("name_search").param("label").choices == tuple(map(str, FULLTEXT_LABELS))
    assert (
        get_query("neglected_high_impact").param("up_to").choices == scheme("spectrum_level").codes
    )


def test_bind_converts_cli_strings() -> None:
    reach = get_query("reach")
    bound = bind(
        reach,
        {
            "stakeholders": "a, b,,c",
            "hops": "3",
            "directed": "Yes",
            "tie_types": "trusts,Influences",
        },
    )
    assert bound == {
        "stakeholders": ["a", "b", "c"],
        "hops": 3,
        "tie_types": ["TRUSTS", "INFLUENCES"],
        "directed": True,
    }
    assert bind(reach, {"stakeholders": '["x", "y"]'})["stakeholders"] == ["x", "y"]
    moved = bind(get_query("matrix_movement"), {"project": "p", "from": "2025-01-31"})
    assert moved == {"project": "p", "from": dt.date(2025, 1, 31), "to": dt.date.today()}
    search = bind(get_query("name_search"), {"text": "x"})
    assert search == {"text": "x", "label": None, "limit": 20}


def test_bind_accepts_typed_values_and_copies_defaults() -> None:
    query = get_query("ego_network")
    first = bind(query, {"stakeholder": "s", "hops": 2, "tie_types": ("TRUSTS",)})
    assert first["tie_types"] == ["TRUSTS"]
    default = bind(query, {"stakeholder": "s"})
    assert isinstance(default["tie_types"], list)
    default["tie_types"].append("changed")  # type: ignore[union-attr]
    assert bind(query, {"stakeholder": "s"})["tie_types"] == []
    at = bind(get_query("quadrants"), {"project": "p", "at": dt.date(2024, 2, 29)})
    assert at["at"] == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("quadrants", {"project": "p", "bogus": "1"}, "unknown parameter 'bogus'"),
        ("quadrants", {"projct": "p"}, "did you mean 'project'"),
        ("quadrants", {}, "missing required parameter 'project'"),
        ("quadrants", {"project": "p", "at": "2025-02-30"}, "expects a date"),
        ("quadrants", {"project": "p", "at": dt.datetime(2025, 1, 1, 9)}, "not a date-time"),
        ("quadrants", {"project": 7}, "expects a string"),
        ("ego_network", {"stakeholder": "s", "hops": "two"}, "expects a whole number"),
        ("ego_network", {"stakeholder": "s", "hops": True}, "expects a whole number"),
        ("ego_network", {"stakeholder": "s", "hops": 6}, "between 1 and 5, got 6"),
        ("ego_network", {"stakeholder": "s", "tie_types": "trust"}, "must be one of"),
        ("ego_network", {"stakeholder": "s", "tie_types": [1, 2]}, "list of strings"),
        ("reach", {"stakeholders": "[oops"}, "JSON list"),
        ("reach", {"stakeholders": "a", "directed": "maybe"}, "true or false"),
    ],
)
def test_bind_rejects(name: str, raw: dict[str, object], message: str) -> None:
    with pytest.raises(ParamError, match=re.escape(message)) as caught:
        bind(get_query(name), raw)
    assert "\n" not in str(caught.value) and name in str(caught.value)


def test_unknown_query_names_the_closest() -> None:
    with pytest.raises(UnknownQueryError) as caught:
        get_query("quadrant")
    assert caught.value.closest[0] == "quadrants"
    assert "did you mean quadrants" in str(caught.value)


GOOD = """// name: sample
// purpose: A sample query for the parser.
// param: who string — an id
// param: hops int = 2 in 1..3 — distance
// param: kinds list<string> = ['a','b'] one of a|b|c — kinds
// example:
// :param who => 'x'

MATCH (s:Stakeholder {id: $who}) // a trailing comment with a $dollar; and a semicolon
WHERE size($kinds) >= $hops AND s.name <> '$notaparam;'
RETURN s
"""


def test_parse_query_reads_a_header() -> None:
    query = parse_query("sample.cypher", GOOD)
    assert [(p.name, p.type, p.default, p.required) for p in query.params] == [
        ("who", "string", None, True),
        ("hops", "int", 2, False),
        ("kinds", "list<string>", ["a", "b"], False),
    ]
    assert query.param("hops").maximum == 3 and query.param("kinds").choices == ("a", "b", "c")
    assert query.example == ":param who => 'x'"
    assert query.statement.startswith("MATCH (s:Stakeholder")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("// name: sample\n", ""), "no '// name:' line"),
        (GOOD.replace("// example:\n// :param who => 'x'\n", ""), "no '// example:' block"),
        (GOOD.replace("$hops AND", "2 AND"), "declared but not used: ['hops']"),
        (GOOD.replace("RETURN s", "RETURN s, $extra"), "used but not declared: ['extra']"),
        (GOOD.replace("hops int = 2", "hops integer = 2"), "cannot read"),
        (GOOD.replace("hops int = 2", "hops int = two"), "bad default for hops"),
        (GOOD + ";\nMATCH (n) RETURN n", "more than one statement"),
    ],
)
def test_parse_query_rejects_bad_headers(text: str, message: str) -> None:
    with pytest.raises(HeaderError, match=re.escape(message)):
        parse_query("sample.cypher", text)


def test_readme_lists_every_question() -> None:
    readme = (Path(__file__).resolve().parents[2] / "queries" / "README.md").read_text("utf-8")
    missing = [name for name in sorted(QUESTIONS) if f"`{name}`" not in readme]
    assert missing == []
