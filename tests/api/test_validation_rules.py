"""Mutations validate their input by the loaders' own rules.

For every property of every node and relationship kind a mutation can set (the columns of the
loader kinds that are fields of the mutations' input types, found in the schema), boundary
values are read by the loader (its table check: the blank/required rule and `parse`, which is
asked on its own too) and sent through the real API over HTTP, many per request as aliases.
The API must refuse exactly what the loader refuses (a VALIDATION error naming the camelCase
field, quoting the loader's sentence of what was expected) and store exactly what the loader
would store, as read back from Neo4j.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import graphql
import pytest
from api_support import Client
from neo4j import Driver
from stakegraph.api.gql import camel
from stakegraph.api.schema import sdl
from stakegraph.api.validation import MAX_STRING
from stakegraph.loaders.cells import BadCell, is_blank, parse
from stakegraph.loaders.plan import DEFAULT_WEIGHT
from stakegraph.loaders.readers import RawRow, RawTable
from stakegraph.loaders.tables import LINK_WORDS, TIE_WORDS, Column, tables
from stakegraph.loaders.validate import check_table, row_problem
from stakegraph.schema.combined import Model
from stakegraph.schema.model import Label, PropType, Rel
from stakegraph.schema.vocabulary import scheme

# The GraphQL name of each node kind in its create/update mutations (createStakeholder, ...).
NODE_MUTATIONS = {
    "stakeholders": "Stakeholder",
    "projects": "Project",
    "activities": "Activity",
    "strategies": "Strategy",
    "outcomes": "Outcome",
    "objectives": "Objective",
}
# Loader kinds no mutation writes.
NOT_SETTABLE = {"memberships", "observations"}
# Mutation inputs that write no loader kind, each with the test of its own checks.
NOT_LOADER_INPUTS = {
    "AnalysisInput":
        "tests/api/test_analysis_jobs.py::test_bad_job_requests_are_refused_and_start_nothing",
}
# Aliases per request: under the API's alias limit (30).
BATCH = 25
SHIPPED = tables(Model.shipped())
KINDS = SHIPPED.specs
_KIND_OF_LABEL = {k.label: k.name for k in KINDS if k.label is not None}
_REQUIRED_SENTENCE = "is required"


@cache
def _schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(sdl())


def _input_type(type_: graphql.GraphQLInputType) -> graphql.GraphQLInputObjectType:
    named = graphql.get_named_type(type_)
    assert isinstance(named, graphql.GraphQLInputObjectType)
    return named


def _argument_type(mutation: str, arg: str) -> graphql.GraphQLInputObjectType:
    mutation_type = _schema().mutation_type
    assert mutation_type is not None
    return _input_type(mutation_type.fields[mutation].args[arg].type)


# --- where mutations carry loader columns -----------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """One mutation input carrying columns of a loader kind: ``fields`` maps each column to
    the input field holding it; a refusal names ``error_fields[column]`` if given (a list
    field), else that field. ``writes`` is the loader kind written (default ``kind``)."""

    name: str
    kind: str
    mutation: str
    input_type: graphql.GraphQLInputObjectType
    fields: dict[str, str]
    patch: bool = False
    error_fields: tuple[tuple[str, str], ...] = ()
    writes: str = ""

    def error_field(self, column: str) -> str:
        """Returns the input field a refusal of ``column`` names."""
        return dict(self.error_fields).get(column, self.fields[column])

    def field_type(self, column: str) -> graphql.GraphQLInputType:
        """Returns the GraphQL type of the field carrying ``column``."""
        type_: graphql.GraphQLInputType = self.input_type.fields[self.fields[column]].type
        return type_

    def enum(self, column: str) -> list[str] | None:
        """Returns the GraphQL enum values of the field carrying ``column``, if an enum."""
        named = graphql.get_named_type(self.field_type(column))
        return list(named.values) if isinstance(named, graphql.GraphQLEnumType) else None


def _columns_in(kind: str, type_: graphql.GraphQLInputObjectType) -> dict[str, str]:
    columns = SHIPPED.spec(kind).columns
    return {c.name: camel(c.name) for c in columns if camel(c.name) in type_.fields}


def surfaces() -> list[Surface]:
    """Returns every mutation input that carries loader columns."""
    found = []
    for kind, name in NODE_MUTATIONS.items():
        for patch, mutation, arg in ((False, f"create{name}", "input"),
                                     (True, f"update{name}", "patch")):
            type_ = _argument_type(mutation, arg)
            found.append(Surface(f"{kind}-{'update' if patch else 'create'}", kind, mutation,
                                 type_, _columns_in(kind, type_), patch))
    for kind, mutation in (("assessments", "assessStake"), ("ties", "addTie")):
        type_ = _argument_type(mutation, "input")
        found.append(Surface(kind, kind, mutation, type_, _columns_in(kind, type_)))
    record = _argument_type("recordActivity", "input")
    participant = _input_type(record.fields["participants"].type)
    found.append(Surface("participation", "participation", "recordActivity", participant,
                         _columns_in("participation", participant),
                         error_fields=(("stakeholder_id", "participants"),)))
    for word, (_, label) in LINK_WORDS.items():
        # A link names its target by id, under the id rule of the target's own kind.
        found.append(Surface(f"links-{word}", _KIND_OF_LABEL[label], "recordActivity", record,
                             {"id": f"{word}Ids"}, writes="activity_links"))
    return found


SURFACES = surfaces()


def test_every_mutation_input_field_is_checked() -> None:
    """Every scalar field of every mutation input is a loader column a surface checks, and
    every loader kind is written by some mutation or listed as not."""
    mutation_type = _schema().mutation_type
    assert mutation_type is not None
    pending = [graphql.get_named_type(a.type)
               for f in mutation_type.fields.values() for a in f.args.values()]
    seen: set[str] = set()
    leaves: set[tuple[str, str]] = set()
    while pending:
        type_ = pending.pop()
        if (not isinstance(type_, graphql.GraphQLInputObjectType) or type_.name in seen
                or type_.name in NOT_LOADER_INPUTS):
            continue
        seen.add(type_.name)
        for name, input_field in type_.fields.items():
            inner = graphql.get_named_type(input_field.type)
            if isinstance(inner, graphql.GraphQLInputObjectType):
                pending.append(inner)
            else:
                leaves.add((type_.name, name))
    covered = {(s.input_type.name, f) for s in SURFACES for f in s.fields.values()}
    assert leaves - covered == set()
    written = {s.writes or s.kind for s in SURFACES}
    assert written | NOT_SETTABLE == {k.name for k in KINDS}
    assert not written & NOT_SETTABLE


# --- boundary values, and what the loader makes of them ---------------------------------------


def _pad(text: str, length: int) -> str:
    return text + "x" * (length - len(text))


def _distinct(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if not any(type(v) is type(o) and v == o for o in out):
            out.append(v)
    return out


def boundary_values(column: Column, key: str, enum: list[str] | None) -> list[Any]:
    """Returns the values to try in ``column``; ids are made from ``key``."""
    if column.name == "id" or column.ref is not None:
        return [key, f"  {key}  ", _pad(key, 200), _pad(key, 201), key + "a\x01b", "  "]
    if enum is not None:
        return enum
    if column.scheme is not None:
        vocab = scheme(column.scheme)
        first = vocab.terms[0]
        # A term whose label differs from its code: the label is an accepted alias.
        other = next((t for t in vocab.terms if t.label.lower() != t.code), vocab.terms[-1])
        near_miss = first.code[:-1] + ("q" if first.code[-1] != "q" else "z")
        return _distinct([first.code, other.label, f"{vocab.name}:{other.code}",
                          other.code.upper().replace("_", " "), f"  {first.code}  ",
                          near_miss, "  "])
    if column.type is PropType.STRING:
        return ["  padded text  ", "Zoë, naïve ✓", "bell\x07inside", "nul\x00inside", "  "]
    if column.type is PropType.BOOLEAN:
        return [True, False]
    if column.type is PropType.DATE:
        return [date(2025, 3, 14), date(2024, 2, 29), date(1, 1, 1), date(9999, 12, 31)]
    bounds = [b for b in (column.minimum, column.maximum) if b is not None]
    numbers: list[Any]
    if column.type is PropType.INTEGER:
        numbers = [int(b) + d for b in bounds for d in (-1, 0, 1)] or [-1, 0, 1]
    else:
        numbers = [float(b) + d for b in bounds for d in (-0.5, 0.0, 0.5)] or [-1.5, 0.0, 2.5]
    if column.above_zero:
        numbers += [-1.0, 0.0, 1e-9]
    return _distinct(numbers)


def base_value(column: Column, key: str, enum: list[str] | None) -> Any:
    """Returns a valid value of ``column`` in the rows of check ``key``."""
    if column.name == "id":
        return key
    if column.ref is not None:
        return key + column.name
    if enum is not None:
        return enum[0]
    if column.scheme is not None:
        return scheme(column.scheme).codes[0]
    return {
        PropType.STRING: "base",
        PropType.INTEGER: int(column.minimum) if column.minimum is not None else 1,
        PropType.FLOAT: 1.0,
        PropType.BOOLEAN: True,
        PropType.DATE: date(2025, 1, 1),
    }[column.type]


def base_row(kind: str, key: str, surface: Surface | None = None) -> dict[str, Any]:
    """Returns the required columns of a valid row of ``kind`` for check ``key``."""
    return {
        c.name: base_value(c, key, surface.enum(c.name)
                           if surface and c.name in surface.fields else None)
        for c in SHIPPED.spec(kind).columns if c.required
    }


def loader_reads(kind: str, column: Column, value: Any, base: dict[str, Any]) -> tuple[bool, Any]:
    """Returns (accepted, the stored value or the expected sentence) for a row of ``kind``
    whose ``column`` holds ``value``, as the loader's own table check reads it."""
    spec = SHIPPED.spec(kind)
    table = RawTable(kind, "check", list(spec.column_names),
                     [RawRow(2, {**base, column.name: value})])
    records = check_table(table, SHIPPED)
    assert all(p.column == column.name for p in table.problems), table.problems
    verdict: tuple[bool, Any] = (
        (False, table.problems[0].expected) if table.problems
        else (True, records[0].values[column.name])
    )
    if not is_blank(value):
        # `parse` itself, not only the table check's faster path, says the same.
        try:
            assert verdict == (True, parse(value, column)), (column.name, value)
        except BadCell as exc:
            assert verdict == (False, str(exc)), (column.name, value)
    return verdict


@dataclass
class Check:
    """One value of one column through one surface, with the loader's verdict on it."""

    surface: Surface
    column: Column
    value: Any
    index: int
    key: str
    base: dict[str, Any]
    accepted: bool
    expected: Any  # the stored value if accepted, else the loader's expectation sentence

    @property
    def alias(self) -> str:
        """Returns the alias (and variable) name of the check's mutation."""
        return f"c{self.index}"

    @property
    def stored(self) -> Any:
        """Returns what the loader writes for an accepted value."""
        if self.surface.kind == "ties" and self.column.name == "weight" and self.expected is None:
            return DEFAULT_WEIGHT
        return self.expected


def checks(surface: Surface, prefix: str) -> list[Check]:
    """Returns the checks of a surface: every boundary value of every column it carries,
    and null where the field is nullable."""
    found: list[Check] = []
    for column in SHIPPED.spec(surface.kind).columns:
        if column.name not in surface.fields:
            continue
        enum = surface.enum(column.name)
        if column.choices:
            # A closed list is a GraphQL enum whose values are the loader's words.
            assert enum is not None and {e.lower() for e in enum} == set(column.choices)
        count = len(boundary_values(column, "", enum))
        nullable = not graphql.is_non_null_type(surface.field_type(column.name))
        for i in range(count + nullable):
            key = f"{prefix}{surface.name}-{len(found)}-"
            value = boundary_values(column, key, enum)[i] if i < count else None
            base = base_row(surface.kind, key, surface)
            accepted, expected = loader_reads(surface.kind, column, value, base)
            found.append(Check(surface, column, value, len(found), key, base, accepted,
                               expected))
    return found


# --- the graph the checks need -----------------------------------------------------------------


def needed_nodes(check: Check) -> list[tuple[Label, str]]:
    """Returns the nodes a check's mutation refers to: those of the base row, and the tested
    reference when the loader accepts it."""
    s = check.surface
    needed = []
    if s.mutation == "recordActivity":
        activity = SHIPPED.spec("activities").column("project_id")
        needed.append((Label.PROJECT, base_value(activity, check.key, None)))
    if s.writes == "activity_links":
        label = SHIPPED.spec(s.kind).label
        assert label is not None
        return needed + ([(label, check.expected)] if check.accepted else [])
    for c in SHIPPED.spec(s.kind).columns:
        if c.ref is None or c.name not in s.fields:
            continue  # (a participation's activity is the one recordActivity creates)
        if c is check.column:
            if check.accepted:
                needed.append((c.ref, check.expected))
        else:
            needed.append((c.ref, check.base[c.name]))
    return needed


def create_nodes(driver: Driver, database: str, nodes: set[tuple[Label, str]]) -> None:
    """Creates the nodes checks refer to (stakeholders as persons)."""
    for label in {label for label, _ in nodes}:
        person = label is Label.STAKEHOLDER
        labels = f"{label}:{Label.PERSON}" if person else label
        driver.execute_query(
            f"UNWIND $ids AS id CREATE (n:{labels} {{id: id, name: 'ref'}}) "
            + ("SET n.kind = 'person'" if person else ""),
            ids=sorted(i for lab, i in nodes if lab is label), database_=database,
        )


def preset(check: Check) -> dict[str, Any]:
    """Returns the properties of a patch check's node before the patch: the required ones,
    and a valid value in the tested one (so that a removal shows)."""
    s = check.surface
    return {
        c.prop: parse(base_value(c, check.key, s.enum(c.name) if c.name in s.fields else None), c)
        for c in SHIPPED.spec(s.kind).columns
        if c.prop is not None and (c.required or c is check.column)
    }


def create_patched_nodes(driver: Driver, database: str, all_checks: list[Check]) -> None:
    """Creates the node each patch check changes."""
    label = SHIPPED.spec(all_checks[0].surface.kind).label
    assert label is not None
    extra = f":{Label.PERSON}" if label is Label.STAKEHOLDER else ""
    driver.execute_query(f"UNWIND $rows AS row CREATE (n:{label}{extra}) SET n = row",
                         rows=[preset(c) for c in all_checks], database_=database)


# --- through the API ---------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _input(check: Check) -> dict[str, Any]:
    """Returns the input object of a check's mutation: the base row and the tested value."""
    s = check.surface
    fields = {} if s.patch else {s.fields[c]: v for c, v in check.base.items() if c in s.fields}
    fields[s.fields[check.column.name]] = check.value
    if s.mutation != "recordActivity":
        return fields
    activity = {camel(c): v for c, v in base_row("activities", check.key).items()}
    if s.writes == "activity_links":
        return {"activity": activity, s.fields["id"]: [check.value]}
    return {"activity": activity, "participants": [fields]}


def send(client: Client, batch: list[Check]) -> dict[str, dict[str, Any] | None]:
    """Runs a batch of checks as one request; returns the error of the alias refused, and
    None for the aliases after it (never run: the refusal ended the request)."""
    definitions, selections, variables = [], [], {}
    for check in batch:
        s, var = check.surface, f"v{check.alias}"
        arg = "patch" if s.patch else "input"
        definitions.append(f"${var}: {_argument_type(s.mutation, arg).name}!")
        target = f'id: "{check.key}", ' if s.patch else ""
        selections.append(f"{check.alias}: {s.mutation}({target}{arg}: ${var}) {{ __typename }}")
        variables[var] = _json(_input(check))
    body = client.post(
        f"mutation Checks({', '.join(definitions)}) {{ {' '.join(selections)} }}", variables
    )
    errors: dict[str, dict[str, Any] | None] = {}
    for error in body.get("errors") or []:
        assert error.get("path"), error  # a refusal of one alias, never of the whole request
        errors[error["path"][0]] = error
    assert len(errors) <= 1, errors
    aliases = [c.alias for c in batch]
    for alias in list(errors):
        errors.update(dict.fromkeys(aliases[aliases.index(alias) + 1:]))
    return errors


def batches(all_checks: list[Check]) -> Iterator[list[Check]]:
    """Yields the checks in requests of at most BATCH, each with at most one refusal, last:
    a refused mutation's null reaches the (non-null) root, which ends the request."""
    accepted = [c for c in all_checks if c.accepted]
    refused = [c for c in all_checks if not c.accepted]
    per = min(BATCH - 1, -(-len(accepted) // max(len(refused), 1)))
    for n, check in enumerate(refused):
        yield [*accepted[n * per:(n + 1) * per], check]
    rest = accepted[len(refused) * per:]
    for start in range(0, len(rest), BATCH):
        yield rest[start:start + BATCH]


# --- what was written --------------------------------------------------------------------------

RelRow = tuple[str, str, str, dict[str, Any]]  # start id, end id, type, properties


@dataclass
class Written:
    """The nodes a surface's checks wrote (id -> properties) and their relationships."""

    nodes: dict[str, dict[str, Any]]
    rels: list[RelRow]

    def nodes_of(self, key: str) -> dict[str, dict[str, Any]]:
        """Returns the nodes of check ``key``."""
        return {i: p for i, p in self.nodes.items() if i.startswith(key)}

    def rels_of(self, key: str, types: set[str]) -> list[RelRow]:
        """Returns the relationships of these types touching a node of check ``key``."""
        return [r for r in self.rels
                if r[2] in types and (r[0].startswith(key) or r[1].startswith(key))]


def _native(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v.to_native() if hasattr(v, "to_native") else v for k, v in props.items()}


def read_back(driver: Driver, database: str, surface: Surface, prefix: str) -> Written:
    """Returns the nodes of a surface's checks (stakeholders for assessments and ties, the
    activities recordActivity made, else the kind's nodes) and every relationship of them."""
    if surface.kind in ("assessments", "ties"):
        label = Label.STAKEHOLDER
    elif surface.mutation == "recordActivity":
        label = Label.ACTIVITY
    else:
        label = SHIPPED.spec(surface.kind).label or Label.STAKEHOLDER
    records, _, _ = driver.execute_query(
        f"MATCH (n:{label}) WHERE n.id STARTS WITH $p OPTIONAL MATCH (n)-[r]-() "
        "WITH n, collect(DISTINCT r) AS rs RETURN n.id AS id, properties(n) AS props, "
        "[r IN rs | [startNode(r).id, endNode(r).id, type(r), properties(r)]] AS rels",
        p=f"{prefix}{surface.name}-", database_=database,
    )
    rels = {(s, e, t): _native(p) for r in records for s, e, t, p in r["rels"]}
    return Written({r["id"]: _native(r["props"]) for r in records},
                   [(s, e, t, p) for (s, e, t), p in rels.items()])


_TIE_TYPES = {str(r) for r in TIE_WORDS.values()}


def _one(values: list[Any]) -> Any:
    """Returns the only value of a list, or the list when it has none or several."""
    return values[0] if len(values) == 1 else values


def _found(check: Check, written: Written) -> tuple[bool, Any]:
    """Returns whether a check's mutation wrote anything, and the value stored for the tested
    column (a property, or the id at the end of a relationship)."""
    s, column = check.surface, check.column
    if s.patch:
        return True, written.nodes[check.key].get(column.prop or "")
    if s.kind in ("assessments", "ties"):
        rels = written.rels_of(check.key,
                               _TIE_TYPES if s.kind == "ties" else {str(Rel.ASSESSED)})
        if len(rels) != 1:
            return bool(rels), rels
        start, end, rel_type, props = rels[0]
        if column.name == "type":
            return True, next(w for w, r in TIE_WORDS.items() if str(r) == rel_type)
        ends = {"source_id": start, "stakeholder_id": start, "target_id": end,
                "project_id": end}
        return True, ends[column.name] if column.name in ends else props.get(column.prop or "")
    nodes = written.nodes_of(check.key)
    if len(nodes) != 1:
        return bool(nodes), sorted(nodes)
    (ident, props), = nodes.items()
    if s.writes == "activity_links":
        rel = str(LINK_WORDS[s.name.removeprefix("links-")][0])
        return True, _one([r[1] for r in written.rels_of(check.key, {rel})])
    if s.kind == "participation":
        rels = written.rels_of(check.key, {str(Rel.PARTICIPATED_IN)})
        if column.name == "stakeholder_id":
            return True, _one([r[0] for r in rels])
        return True, _one([r[3].get("role") for r in rels])
    if column.name == "id":
        return True, ident
    if column.ref is not None:
        return True, _one([r[1] for r in written.rels_of(check.key, {str(Rel.FOR_PROJECT)})])
    return True, props.get(column.prop or "")


def verdict(check: Check, error: dict[str, Any] | None, written: Written) -> list[str]:
    """Returns what is wrong with the API's answer to a check and with what it stored."""
    where = f"{check.surface.name} {check.column.name}={check.value!r}"
    wrote, got = _found(check, written)
    if check.accepted:
        problems = [] if error is None else [f"{where}: loader accepts, API: {error['message']}"]
        if got != check.stored:
            problems.append(f"{where}: stored {got!r}, the loader stores {check.stored!r}")
        return problems
    if error is None:
        return [f"{where}: loader refuses ({check.expected}), API accepts"]
    problems = []
    field_name = check.surface.error_field(check.column.name)
    extensions = error.get("extensions", {})
    if extensions.get("code") != "VALIDATION" or extensions.get("field") != field_name:
        problems.append(f"{where}: wanted VALIDATION on {field_name}, got {extensions}")
    if check.value is None or is_blank(check.value):
        if _REQUIRED_SENTENCE not in error["message"]:
            problems.append(f"{where}: wanted a required-field refusal: {error['message']}")
    elif not error["message"].startswith(f"{field_name}: expected {check.expected}, got "):
        problems.append(f"{where}: wanted the loader's {check.expected!r}: {error['message']}")
    if check.surface.patch:
        before = preset(check).get(check.column.prop or "")
        if got != before:
            problems.append(f"{where}: refused but changed {before!r} to {got!r}")
    elif wrote:
        problems.append(f"{where}: refused but wrote {got!r}")
    return problems


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_mutation_input_follows_the_loader(
    surface: Surface, clients: dict[str, Client], driver: Driver, database: str, scratch: str
) -> None:
    all_checks = checks(surface, scratch)
    assert any(c.accepted for c in all_checks) and any(not c.accepted for c in all_checks)
    create_nodes(driver, database, {n for c in all_checks for n in needed_nodes(c)})
    if surface.patch:
        create_patched_nodes(driver, database, all_checks)
    errors: dict[str, dict[str, Any] | None] = {}
    for batch in batches(all_checks):
        errors.update(send(clients["editor"], batch))
    written = read_back(driver, database, surface, scratch)
    problems: list[str] = []
    for check in all_checks:
        if check.alias in errors and errors[check.alias] is None:
            problems.append(f"{check.alias} {check.column.name}={check.value!r}: not run (a "
                            "mutation before it in its request was refused)")
        else:
            problems += verdict(check, errors.get(check.alias), written)
    assert not problems, "\n".join(problems)


def test_text_size_cap_is_the_api_own_limit(
    clients: dict[str, Client], driver: Driver, database: str, scratch: str
) -> None:
    """Files have no cap on one text value; a network caller's is MAX_STRING characters."""
    notes = SHIPPED.spec("stakeholders").column("notes")
    at, above = "n" * MAX_STRING, "n" * (MAX_STRING + 1)
    assert parse(at, notes) == at and parse(above, notes) == above
    body = clients["editor"].post(
        "mutation($a: StakeholderInput!, $b: StakeholderInput!) { "
        "a: createStakeholder(input: $a) { id } b: createStakeholder(input: $b) { id } }",
        {"a": {"id": scratch + "at", "name": "n", "kind": "PERSON", "notes": at},
         "b": {"id": scratch + "above", "name": "n", "kind": "PERSON", "notes": above}},
    )
    errors = {e["path"][0]: e for e in body["errors"]}
    assert set(errors) == {"b"} and errors["b"]["extensions"]["field"] == "notes"
    assert errors["b"]["message"].startswith(f"notes: expected at most {MAX_STRING} characters")
    records, _, _ = driver.execute_query(
        "MATCH (n:Stakeholder) WHERE n.id STARTS WITH $p RETURN n.id AS id, size(n.notes) AS n",
        p=scratch, database_=database,
    )
    assert [(r["id"], r["n"]) for r in records] == [(scratch + "at", MAX_STRING)]


def test_refusals_quote_the_loader(clients: dict[str, Client], scratch: str) -> None:
    """Refusals word for word: the camelCase field, the loader's sentence, the value."""
    c = clients["editor"]
    stake = {"stakeholderId": scratch + "s", "projectId": scratch + "p", "date": "2025-01-01",
             "assessor": "team", "interest": 11, "impact": 5}
    body = c.post("mutation($i: AssessStakeInput!) { assessStake(input: $i) { id } }",
                  {"i": stake})
    assert [e["message"] for e in body["errors"]] == [
        "interest: expected a number from 1 to 10, got 11"
    ]
    tie = {"type": "TRUSTS", "sourceId": scratch + "a", "targetId": scratch + "b", "weight": 0}
    body = c.post("mutation($i: TieInput!) { addTie(input: $i) { type } }", {"i": tie})
    assert [e["message"] for e in body["errors"]] == [
        "weight: expected a number above 0 and at most 1000000, got 0.0"
    ]
    body = c.post("mutation($i: ID!) { deleteProject(id: $i) { id } }", {"i": "p\u0001q"})
    assert [(e["message"], e["extensions"]["field"]) for e in body["errors"]] == [
        ('id: expected an id of at most 200 printable characters, got "p\\u0001q"', "id")
    ]


def test_rules_across_a_row_are_the_loader_s(
    clients: dict[str, Client], driver: Driver, database: str, scratch: str
) -> None:
    """A custom strategy, outcome or objective may not take a shipped vocabulary's namespace,
    and a tie may not join a stakeholder to itself: the loader's own row rules, same words."""
    c = clients["editor"]
    for mutation, kind in (("createStrategy", "strategies"), ("createOutcome", "outcomes"),
                           ("createObjective", "objectives")):
        reserved = {"id": "eric:" + scratch + "x", "name": "Mine"}
        expected = row_problem(SHIPPED.spec(kind), reserved)
        assert expected is not None
        body = c.post(f"mutation($i: EntityInput!) {{ {mutation}(input: $i) {{ id }} }}",
                      {"i": reserved})
        assert [e["extensions"]["field"] for e in body["errors"]] == ["id"]
        assert body["errors"][0]["message"] == (
            f'id: expected {expected[1]}, got "{reserved["id"]}"'
        )
    driver.execute_query("CREATE (:Stakeholder:Person {id: $s, name: 'Self', kind: 'person'})",
                         s=scratch + "self", database_=database)
    body = c.post("mutation($i: TieInput!) { addTie(input: $i) { weight } }",
                  {"i": {"type": "TRUSTS", "sourceId": scratch + "self",
                         "targetId": scratch + "self"}})
    assert [e["message"] for e in body["errors"]] == [
        f'targetId: expected a stakeholder other than the source (no self-ties), '
        f'got "{scratch}self"'
    ]
    written, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.id STARTS WITH 'eric:' + $p OR (n.id = $s AND EXISTS { (n)--() }) "
        "RETURN count(n) AS n", p=scratch, s=scratch + "self", database_=database,
    )
    assert written[0]["n"] == 0
