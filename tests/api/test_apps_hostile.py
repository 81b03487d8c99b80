"""Every argument, hostile values: each String and ID argument and input field of every root
field (found by walking the schema the server serves, so a new field is covered without a new
test), and each text parameter of every library question, is sent very long text, control
characters, full-text query syntax, confusables and odd Unicode. The answer is data or a coded
refusal (VALIDATION, NOT_FOUND, CONFLICT), never INTERNAL, and the server logs no traceback."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from api_support import Graph, Server, start_workers, stop_server

# One or two of each kind, combined where they can be: every value goes to every slot.
HOSTILE: dict[str, str] = {
    "long": "a" * 5_000,
    "very long words": "patient forum " * 8_000,
    "control": "\x00\x01\x07\x1b[31mred\x1b[0m\r\n\t\x7f",
    "lucene operators": 'a^ Jame~ name:(a OR b)~ AND \\ " a&&b||!c -d +e [a TO z] {!x} ?',
    "lucene wildcard": "*",
    "lucene regex": "/re.*x/",
    "cypher": "x' OR 1=1 //",
    "confusables": "\u0410nn \u0421arer \uff41\uff44\uff4d\uff49\uff4e \u0130stanbul",
    "odd unicode": ("\u202eevil\u202c a\u200bb\u200dc \U0001f469\u200d\U0001f467 \ufeffx "
                    "\uffff\U0010ffff " + "\ufdfa" * 50),
    "combining marks": "e" + "\u0301" * 500,
    "lone surrogate": "\ud800",
    "spaces only": " \u3000\u00a0\t",
    "empty": "",
}
ALLOWED = {"VALIDATION", "NOT_FOUND", "CONFLICT"}

TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
INTROSPECTION = f"""{{ __schema {{ queryType {{ name }} mutationType {{ name }}
  types {{ kind name enumValues {{ name }}
    fields {{ name args {{ name type {{ {TYPE_REF} }} }} type {{ {TYPE_REF} }} }}
    inputFields {{ name type {{ {TYPE_REF} }} }} }} }} }}"""


@dataclass(frozen=True)
class Slot:
    """A String or ID position in a root field's arguments: the path of names to it."""

    root: str
    field: str
    path: tuple[str, ...]


@pytest.fixture(scope="module")
def hostile_api(api_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Server]:
    """The API in two workers."""
    server = start_workers(api_env, tmp_path_factory.mktemp("hostile"))
    yield server
    stop_server(server)


def _named(ref: dict[str, Any]) -> dict[str, Any]:
    while ref["kind"] in ("NON_NULL", "LIST"):
        ref = ref["ofType"]
    return ref


def _is_list(ref: dict[str, Any]) -> bool:
    while ref["kind"] == "NON_NULL":
        ref = ref["ofType"]
    return bool(ref["kind"] == "LIST")


def _type_text(ref: dict[str, Any]) -> str:
    if ref["kind"] == "NON_NULL":
        return _type_text(ref["ofType"]) + "!"
    if ref["kind"] == "LIST":
        return f"[{_type_text(ref['ofType'])}]"
    return str(ref["name"])


class Schema:
    """The introspected schema, with valid values for every argument and input field."""

    def __init__(self, raw: dict[str, Any], graph: Graph) -> None:
        self.types = {t["name"]: t for t in raw["types"]}
        self.roots = {"query": raw["queryType"]["name"], "mutation": raw["mutationType"]["name"]}
        self.graph = graph
        self.fresh = itertools.count()

    def slots(self) -> list[Slot]:
        """Returns every String/ID argument and (nested) input field of every root field."""
        out = []
        for root, type_name in self.roots.items():
            for field in self.types[type_name]["fields"]:
                for arg in field["args"]:
                    out.extend(Slot(root, field["name"], (arg["name"], *rest))
                               for rest in self._text_paths(arg["type"], set()))
        return out

    def _text_paths(self, ref: dict[str, Any], seen: set[str]) -> list[tuple[str, ...]]:
        named = _named(ref)
        if named["name"] in ("String", "ID"):
            return [()]
        if named["kind"] != "INPUT_OBJECT" or named["name"] in seen:
            return []
        inner = self.types[named["name"]]["inputFields"]
        return [(f["name"], *rest) for f in inner
                for rest in self._text_paths(f["type"], seen | {named["name"]})]

    def field(self, slot: Slot) -> dict[str, Any]:
        """Returns the introspected root field of ``slot``."""
        fields = self.types[self.roots[slot.root]]["fields"]
        return next(f for f in fields if f["name"] == slot.field)

    def valid(self, ref: dict[str, Any], name: str, field: str, *, required_only: bool = True
              ) -> Any:
        """Returns a valid value of a type for an argument or input field called ``name``."""
        named = _named(ref)
        value: Any
        if named["kind"] == "INPUT_OBJECT":
            value = {f["name"]: self.valid(f["type"], f["name"], field)
                     for f in self.types[named["name"]]["inputFields"]
                     if f["type"]["kind"] == "NON_NULL" or not required_only}
        elif named["kind"] == "ENUM":
            value = self.types[named["name"]]["enumValues"][0]["name"]
        elif named["name"] == "ID":
            value = self._id(name, field)
        else:
            value = {"String": self._text(name), "Int": 5 if name != "first" else 3,
                     "Float": 1.0, "Boolean": False, "Date": "2025-06-30",
                     "JSON": {}}.get(named["name"], "x")
        return [value] if _is_list(ref) else value

    def _id(self, name: str, field: str) -> str:
        g = self.graph
        lowered = name.lower()
        if field.startswith("create") or (field == "recordActivity" and name == "id"):
            return g.id(f"h{next(self.fresh)}")
        for word, ident in (("project", "p1"), ("activit", "w1"), ("strateg", "st"),
                            ("outcome", "oc"), ("objective", "ob"), ("target", "bob"),
                            ("concept", "x")):
            if word in lowered or (lowered == "id" and word in field.lower()):
                return g.id(ident) if ident != "x" else "quadrant:q1"
        return g.id("ann")

    @staticmethod
    def _text(name: str) -> str:
        return {"name": "Hostile test", "assessor": "team", "scheme": "quadrant",
                "text": "ann", "document": "{ __typename }"}.get(name, "x")

    def selection(self, ref: dict[str, Any], depth: int = 0) -> str:
        """Returns a selection of a type's leaves (and, one level down, of its objects')."""
        named = self.types[_named(ref)["name"]]
        if named["kind"] in ("SCALAR", "ENUM"):
            return ""
        if named["kind"] == "UNION" or depth > 1:
            return "{ __typename }"
        parts = ["__typename"]
        for f in named["fields"]:
            if any(a["type"]["kind"] == "NON_NULL" for a in f["args"]):
                continue
            inner = self.types[_named(f["type"])["name"]]
            if inner["kind"] in ("SCALAR", "ENUM"):
                parts.append(f["name"])
            elif depth < 1:
                parts.append(f["name"] + " " + self.selection(f["type"], depth + 1))
        return "{ " + " ".join(parts) + " }"

    def request(self, slot: Slot, hostile: str) -> tuple[str, dict[str, Any]]:
        """Returns the document and variables sending ``hostile`` at ``slot`` (every other
        required argument valid)."""
        field = self.field(slot)
        args = {a["name"]: a for a in field["args"]}
        variables: dict[str, Any] = {}
        for name, arg in args.items():
            if arg["type"]["kind"] == "NON_NULL" or name == slot.path[0]:
                variables[name] = self.valid(arg["type"], name, slot.field)
        target = args[slot.path[0]]["type"]
        if len(slot.path) == 1:
            variables[slot.path[0]] = [hostile] if _is_list(target) else hostile
        else:
            holder = variables[slot.path[0]]
            holder = holder[0] if isinstance(holder, list) else holder
            ref = target
            for step in slot.path[1:-1]:
                inner = next(f for f in self.types[_named(ref)["name"]]["inputFields"]
                             if f["name"] == step)
                ref = inner["type"]
                if holder.get(step) is None:
                    holder[step] = self.valid(ref, step, slot.field)
                holder = holder[step][0] if isinstance(holder[step], list) else holder[step]
            last = next(f for f in self.types[_named(ref)["name"]]["inputFields"]
                        if f["name"] == slot.path[-1])
            holder[slot.path[-1]] = [hostile] if _is_list(last["type"]) else hostile
        declared = ", ".join(f"${n}: {_type_text(args[n]['type'])}" for n in variables)
        passed = ", ".join(f"{n}: ${n}" for n in variables)
        call = f"{slot.field}({passed})" if passed else slot.field
        operation = slot.root if not declared else f"{slot.root}({declared})"
        return f"{operation} {{ {call} {self.selection(field['type'])} }}", variables


_HTTP = httpx.Client(timeout=60)  # keep-alive connections, shared by the test's threads


def _send(server: Server, key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    # ASCII JSON: a lone surrogate travels as the \\ud800 escape, as a client may send it.
    payload = json.dumps({"query": query, "variables": variables})
    response = _HTTP.post(server.url + "/graphql", content=payload,
                          headers={"X-API-Key": key, "Content-Type": "application/json"})
    assert response.status_code in (200, 400), (response.status_code, response.text[:500])
    body: dict[str, Any] = response.json()
    return body


def _problems(body: dict[str, Any], where: str) -> list[str]:
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
    if codes - ALLOWED:
        return [f"{where}: {sorted(c for c in codes if c)}: "
                f"{[e['message'][:200] for e in body['errors']]}"]
    return []


def test_every_text_argument_of_every_root_field_survives_hostile_values(
    hostile_api: Server, keys: dict[str, str], graph: Graph,
) -> None:
    raw = _send(hostile_api, keys["admin"], INTROSPECTION, {})["data"]["__schema"]
    schema = Schema(raw, graph)
    slots = schema.slots()
    # The walk finds the fields this issue is about, and the mutations' nested inputs.
    found = {(s.field, s.path) for s in slots}
    assert ("nameSearch", ("text",)) in found and ("stakeholders", ("filter", "search")) in found
    assert ("createStakeholder", ("input", "name")) in found
    # The analyses: the job's input (an unknown project is NOT_FOUND, so no job starts) and
    # the reads of jobs, runs and the summary.
    assert {("startAnalysis", ("input", "project")), ("analysisJob", ("id",)),
            ("analysisJobs", ("project",)), ("analyticsRun", ("id",)),
            ("analyticsRuns", ("project",)), ("networkSummary", ("project",))} <= found
    assert len({s.field for s in slots}) >= 30
    # Queries first: the mutations may delete what later requests name (NOT_FOUND is fine).
    jobs = [(slot, label, value) for slot in sorted(slots, key=lambda s: s.root != "query")
            for label, value in HOSTILE.items()]

    def run(job: tuple[Slot, str, str]) -> list[str]:
        slot, label, value = job
        query, variables = schema.request(slot, value)
        body = _send(hostile_api, keys["admin"], query, variables)
        return _problems(body, f"{slot.field}({'.'.join(slot.path)}) <- {label}")

    with ThreadPoolExecutor(4) as pool:
        problems = [p for found in pool.map(run, jobs) for p in found]
    assert not problems, "\n".join(problems[:40])
    assert "Traceback" not in hostile_api.log_text()


def test_name_search_takes_lucene_syntax_as_text_and_refuses_huge_text(
    hostile_api: Server, keys: dict[str, str], graph: Graph,
) -> None:
    search = "query($t: String!) { nameSearch(text: $t, limit: 200) { id } }"

    def found(text: str) -> set[str]:
        body = _send(hostile_api, keys["reader"], search, {"t": text})
        assert not body.get("errors"), body["errors"]
        return {row["id"] for row in body["data"]["nameSearch"]}

    plain = found(f"{graph.prefix} Ann")
    assert graph.id("ann") in plain
    # Lucene's operators are word breaks, as they are in the indexed names: no fuzzy search,
    # no boost, no field, no error.
    for text in (f"{graph.prefix} Ann~", f"{graph.prefix} Ann^", f"{graph.prefix}: (Ann)",
                 f'"{graph.prefix}" +Ann'):
        assert found(text) == plain, text
    assert graph.id("ann") not in found(f"{graph.prefix} Anne~2")
    long = _send(hostile_api, keys["reader"], search, {"t": "a" * 5_000})
    assert [e["extensions"]["code"] for e in long["errors"]] == ["VALIDATION"]
    assert "at most 200 characters" in long["errors"][0]["message"]


def test_every_text_parameter_of_every_library_question_survives_hostile_values(
    hostile_api: Server, keys: dict[str, str], graph: Graph,
) -> None:
    listed = _send(hostile_api, keys["admin"],
                   "{ questions { name params { name type required } } }", {})
    problems = []
    for question in listed["data"]["questions"]:
        params = question["params"]
        base: dict[str, Any] = {p["name"]: _valid_param(p, graph) for p in params if p["required"]}
        for param in params:
            if param["type"] not in ("string", "id", "list<string>", "list<id>"):
                continue
            for label, value in HOSTILE.items():
                sent = {**base, param["name"]: [value] if param["type"].startswith("list")
                        else value}
                body = _send(hostile_api, keys["admin"],
                             "query($n: String!, $p: JSON) { question(name: $n, params: $p) "
                             "{ columns rows } }", {"n": question["name"], "p": sent})
                problems += _problems(body, f"{question['name']}.{param['name']} <- {label}")
    assert not problems, "\n".join(problems[:40])
    assert "Traceback" not in hostile_api.log_text()


def _valid_param(param: dict[str, Any], graph: Graph) -> Any:
    if param["type"] in ("id", "string"):
        return graph.id("p1") if "project" in param["name"] else graph.id("ann")
    if param["type"].startswith("list"):
        return [graph.id("ann")]
    return {"int": 2, "float": 1.0, "bool": False, "date": "2025-06-30"}[param["type"]]
