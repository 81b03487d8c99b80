"""The declared result columns of the analyst questions (`// returns:` header lines): their
syntax, that they are the columns Neo4j returns (names and order, from the planner), and that the
values on a real graph have the declared types and are null only where declared."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from neo4j import Driver
from stakegraph.queries.library import (
    HeaderError,
    ParamError,
    Query,
    ValueType,
    all_queries,
    bind,
    get_query,
    is_question,
    parse_query,
    parse_value_type,
    questions,
    row_problems,
    run_query,
)
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES

# A value of each parameter type for planning a query (EXPLAIN never runs it).
_PLAN_VALUES: dict[str, object] = {
    "string": "x", "id": "x", "int": 1, "float": 1.0, "bool": True,
    "date": dt.date(2025, 1, 1), "list<string>": ["x"], "list<id>": ["x"],
}


def returned_columns(driver: Driver, database: str, query: Query) -> list[str]:
    """Returns the columns Neo4j's planner says the query returns, without running it."""
    raw = {
        p.name: p.choices[0] if p.choices else _PLAN_VALUES[p.type]
        for p in query.params
        if p.required
    }
    result = driver.execute_query("EXPLAIN " + query.text, bind(query, raw), database_=database)
    return list(result.keys)


def test_the_questions_are_the_files_without_an_internal_prefix() -> None:
    names = set(questions())
    assert len(names) == 18
    assert {"quadrants", "name_search", "stakeholder_lookup"} <= names
    for name in all_queries():
        internal = name.startswith(("export_", "plot_", "analytics_", "privacy_", "report_"))
        assert is_question(name) is not internal
        assert (name in names) is not internal


@pytest.mark.parametrize("name", sorted(questions()))
def test_every_question_declares_its_columns(name: str) -> None:
    query = get_query(name)
    assert query.returns, f"{name}.cypher has no '// returns:' lines"
    for column in query.returns:
        assert column.doc, f"{name}.{column.name} has no description"
        # The declaration reads back the way it is written.
        assert parse_value_type(str(column.type)) == column.type


@pytest.mark.parametrize("name", sorted(questions()))
def test_declared_columns_are_the_returned_columns(
    name: str, driver: Driver, database: str
) -> None:
    query = get_query(name)
    assert returned_columns(driver, database, query) == [c.name for c in query.returns]


def test_a_column_missing_from_the_declaration_is_caught(driver: Driver, database: str) -> None:
    query = get_query("readiness_checklist")
    drifted = parse_query(
        "drifted.cypher",
        query.text.replace("RETURN check.item AS item,", "RETURN check.item AS item, 1 AS extra,"),
    )
    assert drifted.returns == query.returns
    declared = [c.name for c in drifted.returns]
    assert returned_columns(driver, database, drifted) == [*declared[:1], "extra", *declared[1:]]


def test_choice_sets_agree_across_questions() -> None:
    seen: dict[str, tuple[str, ...]] = {}
    for query in questions().values():
        for param in query.params:
            if param.choices:
                assert param.choice_set, f"{query.name}.{param.name} names no choice set"
                assert seen.setdefault(param.choice_set, param.choices) == param.choices
    assert seen["TieType"] == tuple(t.value for t in TIE_TYPES)


# ---- the header syntax ----------------------------------------------------------------------

SAMPLE = """// name: sample
// purpose: A sample query for the parser.
// param: who id — an id
// param: kinds list<string> = [] one of a|b as Kind — kinds
// param: among list<id> = [] — ids
// returns: id id — the id
// returns: score float? — a score, null when
//   unknown
// returns: stakes list<{project id, date date?,
//   tags list<string>}> — per project
// example:
// :param who => 'x'

MATCH (s:Stakeholder {id: $who}) WHERE size($kinds) >= 0 AND NOT s.id IN $among
RETURN s.id AS id, null AS score, [] AS stakes
"""


def test_returns_lines_are_parsed() -> None:
    query = parse_query("sample.cypher", SAMPLE)
    assert [(c.name, str(c.type), c.doc) for c in query.returns] == [
        ("id", "id", "the id"),
        ("score", "float?", "a score, null when unknown"),
        ("stakes", "list<{project id, date date?, tags list<string>}>", "per project"),
    ]
    stakes = query.returns[2].type
    assert stakes.shape == "list" and stakes.item is not None and stakes.item.shape == "map"
    assert [f.name for f in stakes.item.fields] == ["project", "date", "tags"]
    assert query.param("kinds").choice_set == "Kind"
    assert query.param("who").type == "id" and query.param("among").type == "list<id>"


def test_id_parameters_bind_like_strings() -> None:
    query = parse_query("sample.cypher", SAMPLE)
    assert bind(query, {"who": "a", "among": "b,c"}) == {
        "who": "a", "kinds": [], "among": ["b", "c"]}
    with pytest.raises(ParamError, match=re.escape("expects a string")):
        bind(query, {"who": 7})


def test_a_header_without_returns_still_parses() -> None:
    text = re.sub(r"// returns:.*\n(//   .*\n)*", "", SAMPLE)
    assert "returns" not in text
    assert parse_query("sample.cypher", text).returns == ()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("// returns: id integer — the id", "unknown type 'integer'"),
        ("// returns: id list<id — the id", "'>' expected"),
        ("// returns: id {a int b int} — the id", "',' or '}' expected"),
        ("// returns: id {a int, a int} — the id", "a key appears twice"),
        ("// returns: id id? extra — the id", "unexpected 'extra'"),
        ("// returns: id id", "expected 'name type — description'"),
        ("// returns: score int — again", "columns declared twice: ['score']"),
    ],
)
def test_bad_returns_lines_are_rejected(line: str, message: str) -> None:
    text = SAMPLE.replace("// returns: id id — the id", line)
    if "again" in line:
        text = SAMPLE.replace("// example:", "// returns: score int — again\n// example:")
    with pytest.raises(HeaderError, match=re.escape(message)):
        parse_query("sample.cypher", text)


def test_row_problems_names_what_does_not_fit() -> None:
    query = parse_query("sample.cypher", SAMPLE)
    good = {"id": "a", "score": None,
            "stakes": [{"project": "p", "date": None, "tags": ["t"]},
                       {"project": "q", "date": dt.date(2025, 1, 1), "tags": []}]}
    assert row_problems(query, good) == []
    assert row_problems(query, {"id": "a", "score": 1.5, "stakes": [], "x": 1}) == [
        "sample: columns ['id', 'score', 'stakes', 'x'] differ from the declared "
        "['id', 'score', 'stakes']"]
    assert row_problems(query, {"score": 1, "id": "a", "stakes": []})  # order matters
    assert row_problems(query, {"id": None, "score": 2, "stakes": []}) == [
        "sample.id: null, declared id"]
    assert row_problems(query, {"id": "a", "score": "high", "stakes": []}) == [
        "sample.score: 'high' is not a float"]
    assert row_problems(query, {"id": "a", "score": True, "stakes": []}) == [
        "sample.score: True is not a float"]
    bad_map = {"id": "a", "score": 1, "stakes": [{"project": "p", "tags": []}]}
    assert row_problems(query, bad_map) == [
        "sample.stakes[0]: keys ['project', 'tags'] differ from the declared "
        "['date', 'project', 'tags']"]
    bad_item = {"id": "a", "score": 1,
                "stakes": [{"project": "p", "date": dt.datetime(2025, 1, 1), "tags": [1]}]}
    assert row_problems(query, bad_item) == [
        "sample.stakes[0].date: datetime.datetime(2025, 1, 1, 0, 0) is not a date",
        "sample.stakes[0].tags[0]: 1 is not a string"]


def test_value_types_print_as_written() -> None:
    for text in ("int", "date?", "list<id>", "list<string?>?", "{a int, b list<{c bool}>}?"):
        assert str(parse_value_type(text)) == text
    assert parse_value_type(" list< int > ") == ValueType("list", item=ValueType("int"))


# ---- the values on a real graph -------------------------------------------------------------

SEED = """
CREATE (p:Project {id: $p + 'p', name: $t + ' Pilot', next_review: date('2025-12-01'),
                   engagement_strategy: true})
CREATE (a:Stakeholder:Person {id: $p + 'a', name: $t + ' Ann', kind: 'person',
        sector: 'patients_public', societal: true, seldom_heard: true, country: 'UK'})
CREATE (b:Stakeholder:Person {id: $p + 'b', name: $t + ' Bob', kind: 'person'})
CREATE (o:Stakeholder:Organisation {id: $p + 'o', name: $t + ' Org', kind: 'organisation',
        sector: 'commissioner'})
CREATE (b)-[:MEMBER_OF]->(o)
CREATE (a)-[:ASSESSED {id: $p + 'a1', date: date('2025-01-01'), assessor: 'team', interest: 3,
        impact: 8, quadrant: 'q3', category: 'customers', contact_every_days: 30}]->(p)
CREATE (a)-[:ASSESSED {id: $p + 'a2', date: date('2025-03-01'), assessor: 'team', interest: 8,
        impact: 8, quadrant: 'q4', category: 'customers', contact_every_days: 30}]->(p)
CREATE (b)-[:ASSESSED {id: $p + 'b1', date: date('2025-01-01'), assessor: 'team', interest: 7,
        impact: 2, quadrant: 'q2', contact_every_days: 10}]->(p)
CREATE (o)-[:ASSESSED {id: $p + 'o1', date: date('2025-01-01'), assessor: 'team', interest: 2,
        impact: 9, quadrant: 'q3', category: 'commissioners', contact_every_days: 60}]->(p)
CREATE (a)-[:INFLUENCES {weight: 2.0}]->(b)
CREATE (b)-[:TRUSTS]->(o)
CREATE (o)-[:COLLABORATES_WITH {weight: 1.5}]->(a)
CREATE (w1:EngagementActivity {id: $p + 'w1', name: $t + ' Workshop', type: 'workshop',
        date: date('2025-02-01'), stage: 'planning', level: 'coproduction'})-[:FOR_PROJECT]->(p)
CREATE (w2:EngagementActivity {id: $p + 'w2', name: $t + ' Newsletter', type: 'newsletter',
        date: date('2025-02-15'), stage: 'execution', level: 'engagement'})-[:FOR_PROJECT]->(p)
CREATE (a)-[:PARTICIPATED_IN]->(w1)
CREATE (b)-[:PARTICIPATED_IN]->(w1)
CREATE (s:Strategy {id: $p + 's', name: $t + ' Mentoring'})
CREATE (oc:Outcome {id: $p + 'oc', name: $t + ' Feasibility'})
CREATE (w1)-[:APPLIED]->(s)
CREATE (w1)-[:CONTRIBUTED_TO]->(oc)
CREATE (p)-[:OBSERVED {id: $p + 'obs1', date: date('2025-01-15'), value: 0.2}]->(oc)
CREATE (p)-[:OBSERVED {id: $p + 'obs2', date: date('2025-03-01'), value: 0.6}]->(oc)
"""

# Each question asked so that it answers with rows, nulls included where the header allows them
# ("{p}" is the scratch prefix of the ids, "{t}" the token in the names).
ASKED: dict[str, list[dict[str, Any]]] = {
    "stakeholders_by_category": [{"project": "{p}p", "at": "2025-06-30"}],
    "quadrants": [{"project": "{p}p", "at": "2025-06-30"}],
    "matrix_movement": [{"project": "{p}p", "from": "2025-02-01", "to": "2025-06-30"}],
    "ego_network": [{"stakeholder": "{p}a", "hops": 2}],
    "shortest_paths": [{"from": "{p}a", "to": "{p}o"},
                       {"from": "{p}b", "to": "{p}o", "trusted_only": True}],
    "introducers": [{"project": "{p}p", "target": "{p}o"}],
    "reach": [{"stakeholders": ["{p}a"], "hops": 2}],
    "q3_reach": [{"project": "{p}p", "at": "2025-02-01"}],
    "degree": [{"project": "{p}p"}],
    "neglected_high_impact": [{"project": "{p}p", "at": "2025-06-30"}],
    "coverage": [{"project": "{p}p", "at": "2025-06-30"}],
    "deepest_level": [{"project": "{p}p", "by": by} for by in
                      ("sector", "category", "kind", "organisation")],
    "overdue_contacts": [{"project": "{p}p", "at": "2025-06-30"}],
    "readiness_checklist": [{"project": "{p}p", "at": "2025-06-30"}],
    "pathways": [{"project": "{p}p", "at": "2025-06-30", "complete_only": False}],
    "strategies_before_outcome_change": [{"project": "{p}p"}],
    "stakeholder_lookup": [{"id": "{p}a", "at": "2025-06-30"}, {"id": "{p}b"}],
    "name_search": [{"text": "{t} ann"}],
}


def _scoped(raw: dict[str, Any], scratch: str) -> dict[str, Any]:
    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return value.format(p=scratch, t=scratch.rstrip("-"))
        return [fill(v) for v in value] if isinstance(value, list) else value

    return {key: fill(value) for key, value in raw.items()}


def test_every_question_is_asked() -> None:
    assert set(ASKED) == set(questions())


def test_values_have_the_declared_types(db: GraphDB,
    driver: Driver, database: str, scratch: str
) -> None:
    driver.execute_query(SEED, p=scratch, t=scratch.rstrip("-"), database_=database)
    nulls: set[str] = set()
    for name, asks in sorted(ASKED.items()):
        query = get_query(name)
        answered = 0
        for raw in asks:
            rows = run_query(db, name, _scoped(raw, scratch))
            answered += len(rows)
            for row in rows:
                assert row_problems(query, row) == [], (name, raw, row)
                nulls |= {f"{name}.{k}" for k, v in row.items() if v is None}
        assert answered, f"{name} answered nothing on the seed graph"
    # The nullable columns were exercised with nulls, not only declared.
    assert {
        "stakeholders_by_category.category", "pathways.strategy", "pathways.outcome",
        "overdue_contacts.last_contact", "overdue_contacts.days_overdue",
        "neglected_high_impact.deepest_level", "stakeholder_lookup.sector",
        "deepest_level.deepest_level",
    } <= nulls
