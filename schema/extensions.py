"""An organisation's own extensions of the model, declared once in a file: custom properties,
terms added to the open shipped vocabularies, and vocabularies of its own.

The declaration (TOML or JSON, the same structure)::

    [properties.stakeholder.local_authority]     # on every stakeholder
    type = "term"
    scheme = "local_authority"
    description = "The council area the stakeholder mainly works in."

    [properties.person.home_postcode]            # on persons only
    type = "text"
    personal = true

    [schemes.local_authority]                    # a vocabulary of its own
    title = "Local authorities"
    terms = [{code = "leicester", label = "Leicester City Council"}]

    [terms]                                      # added to open shipped vocabularies
    sector = [{code = "housing_association", label = "Housing association"}]

Targets: stakeholder (every kind), person, group, organisation, project, activity, assessment
and tie (every tie type). Types: text, integer, number, date, boolean, term (one term of a
scheme) and terms (a list of them). Every problem of a declaration is reported at once, each
naming where it is and what was expected. This module only reads and checks declarations;
`stakegraph.schema.combined` makes the model they describe, and `stakegraph.schema.declared`
keeps them in the graph.
"""

from __future__ import annotations

import json
import keyword
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from stakegraph.schema.errors import StakegraphError
from stakegraph.schema.model import (
    TIE_TYPES,
    Kind,
    Label,
    PropType,
    Rel,
    node_spec,
    rel_spec,
)
from stakegraph.schema.vocabulary import schemes

_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_CODE = re.compile(r"[a-z0-9][a-z0-9_]{0,59}")
# Names the layers built on the model already use for something else on these targets: the
# links of a node (GraphQL fields), the loader's reference columns, labels.
RESERVED = frozenset({
    "id", "kind", "labels", "type", "stakes", "ties", "participations", "memberships",
    "members", "parent", "parts", "project", "activities", "observations", "participants",
    "strategies", "objectives", "outcomes", "stakeholder", "activity", "source", "target",
    "advice", "is_vocabulary", "member", "organisation", "uses", "contributions", "pursuits",
    "broader", "narrower", "typename", "row",
})
MAX_TERMS = 2000
MAX_PROPERTIES = 200


class Target(StrEnum):
    """Where a custom property can be declared."""

    STAKEHOLDER = "stakeholder"
    PERSON = "person"
    GROUP = "group"
    ORGANISATION = "organisation"
    PROJECT = "project"
    ACTIVITY = "activity"
    ASSESSMENT = "assessment"
    TIE = "tie"

    @property
    def label(self) -> Label | None:
        """Returns the node label the property sits on (None for relationships)."""
        return {
            Target.STAKEHOLDER: Label.STAKEHOLDER,
            Target.PERSON: Label.STAKEHOLDER,
            Target.GROUP: Label.STAKEHOLDER,
            Target.ORGANISATION: Label.STAKEHOLDER,
            Target.PROJECT: Label.PROJECT,
            Target.ACTIVITY: Label.ACTIVITY,
        }.get(self)

    @property
    def rels(self) -> tuple[Rel, ...]:
        """Returns the relationship types the property sits on (empty for nodes)."""
        if self is Target.ASSESSMENT:
            return (Rel.ASSESSED,)
        if self is Target.TIE:
            return TIE_TYPES
        return ()

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """Returns the stakeholder kinds that have the property (empty: every kind)."""
        return {Target.PERSON: (Kind.PERSON,), Target.GROUP: (Kind.GROUP,),
                Target.ORGANISATION: (Kind.ORGANISATION,)}.get(self, ())


class DeclaredType(StrEnum):
    """The types a custom property can have."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    TERM = "term"
    TERMS = "terms"

    @property
    def prop_type(self) -> PropType:
        """Returns how the value is stored in Neo4j."""
        return {
            DeclaredType.INTEGER: PropType.INTEGER,
            DeclaredType.NUMBER: PropType.FLOAT,
            DeclaredType.DATE: PropType.DATE,
            DeclaredType.BOOLEAN: PropType.BOOLEAN,
        }.get(self, PropType.STRING)

    @property
    def has_scheme(self) -> bool:
        """Returns whether values are terms of a scheme."""
        return self in (DeclaredType.TERM, DeclaredType.TERMS)


@dataclass(frozen=True)
class CustomProperty:
    """One declared property."""

    target: Target
    name: str
    type: DeclaredType
    scheme: str | None = None
    required: bool = False
    personal: bool = False
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class DeclaredTerm:
    """One declared term: its code, label and definition."""

    code: str
    label: str
    definition: str = ""


@dataclass(frozen=True)
class CustomScheme:
    """A vocabulary of the organisation's own."""

    name: str
    title: str
    description: str = ""
    ordered: bool = False
    terms: tuple[DeclaredTerm, ...] = ()


@dataclass(frozen=True)
class Extension:
    """Everything an organisation declared; ``added_terms`` are by shipped scheme name."""

    properties: tuple[CustomProperty, ...] = ()
    schemes: tuple[CustomScheme, ...] = ()
    added_terms: Mapping[str, tuple[DeclaredTerm, ...]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Returns whether nothing is declared."""
        return not (self.properties or self.schemes or any(self.added_terms.values()))

    def document(self) -> dict[str, Any]:
        """Returns the declaration as a JSON-ready document in a canonical order (the form kept
        in the graph and hashed); reading it back gives an equal Extension."""
        properties: dict[str, dict[str, Any]] = {}
        for p in sorted(self.properties, key=lambda p: (p.target.value, p.name)):
            entry: dict[str, Any] = {"type": p.type.value}
            if p.scheme is not None:
                entry["scheme"] = p.scheme
            if p.required:
                entry["required"] = True
            if p.personal:
                entry["personal"] = True
            if p.description:
                entry["description"] = p.description
            if p.minimum is not None:
                entry["minimum"] = p.minimum
            if p.maximum is not None:
                entry["maximum"] = p.maximum
            properties.setdefault(p.target.value, {})[p.name] = entry
        own = {
            s.name: {"title": s.title, "description": s.description, "ordered": s.ordered,
                     "terms": [_term_document(t) for t in s.terms]}
            for s in sorted(self.schemes, key=lambda s: s.name)
        }
        added = {name: [_term_document(t) for t in terms]
                 for name, terms in sorted(self.added_terms.items()) if terms}
        return {"properties": properties, "schemes": own, "terms": added}

    def canonical_json(self) -> str:
        """Returns `document` as compact JSON with sorted keys (what is stored and hashed)."""
        return json.dumps(self.document(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)

    def property(self, target: Target, name: str) -> CustomProperty | None:
        """Returns the declared property ``name`` of ``target``, or None."""
        return next((p for p in self.properties if p.target is target and p.name == name), None)

    def scheme_terms(self, name: str) -> tuple[DeclaredTerm, ...]:
        """Returns the declared terms of a scheme: a custom scheme's, or those added to a
        shipped one."""
        for s in self.schemes:
            if s.name == name:
                return s.terms
        return tuple(self.added_terms.get(name, ()))


def _term_document(term: DeclaredTerm) -> dict[str, str]:
    entry = {"code": term.code, "label": term.label}
    if term.definition:
        entry["definition"] = term.definition
    return entry


@dataclass(frozen=True)
class DeclarationProblem:
    """One problem of a declaration: where (``properties.person.postcode.type``) and what was
    expected there."""

    where: str
    expected: str
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Returns the problem as a JSON-ready dict."""
        return {"where": self.where, "value": self.value, "expected": self.expected}

    def __str__(self) -> str:
        got = f" (got {self.value})" if self.value is not None else ""
        return f"{self.where}: expected {self.expected}{got}"


class DeclarationInvalid(StakegraphError):
    """A declaration with problems; ``problems`` lists every one, nothing was applied."""

    def __init__(self, source: str, problems: list[DeclarationProblem]) -> None:
        self.source = source
        self.problems = problems
        first = str(problems[0]) if problems else ""
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{source}: {len(problems)} problem(s) in the declaration; nothing was applied: "
            f"{first}{more}",
            source=source, problems=[p.as_dict() for p in problems],
        )


def read_declaration(path: Path) -> Extension:
    """Returns the extension declared in a TOML or JSON file; raises DeclarationInvalid with
    every problem found."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeclarationInvalid(str(path), [DeclarationProblem(
            "file", "a readable UTF-8 text file", type(exc).__name__)]) from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        elif path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            raise DeclarationInvalid(str(path), [DeclarationProblem(
                "file", "a .toml or .json file", path.suffix or "no suffix")])
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DeclarationInvalid(str(path), [DeclarationProblem(
            "file", f"valid {path.suffix.lstrip('.').upper()}", str(exc))]) from None
    return parse_declaration(data, str(path))


def parse_declaration(data: Any, source: str = "declaration") -> Extension:
    """Returns the Extension a parsed document declares; raises DeclarationInvalid listing
    every problem (unknown keys, bad names and types, clashes with the shipped model)."""
    checker = _Checker()
    extension = checker.extension(data)
    if checker.problems:
        raise DeclarationInvalid(source, checker.problems)
    return extension


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


class _Checker:
    """Walks a declaration document, collecting every problem."""

    def __init__(self) -> None:
        self.problems: list[DeclarationProblem] = []

    def problem(self, where: str, expected: str, value: Any = None) -> None:
        self.problems.append(
            DeclarationProblem(where, expected, None if value is None else _shown(value)))

    def table(self, where: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(where, "a table of named entries", value)
            return {}
        return value

    def keys(self, where: str, entry: dict[str, Any], allowed: tuple[str, ...]) -> None:
        for key in entry:
            if key not in allowed:
                self.problem(f"{where}.{key}", f"one of the keys {', '.join(allowed)}", key)

    def text(self, where: str, value: Any, default: str = "", limit: int = 2000) -> str:
        if value is None:
            return default
        if not isinstance(value, str) or len(value) > limit or "\x00" in value:
            self.problem(where, f"text of at most {limit} characters", value)
            return default
        return value.strip()

    def flag(self, where: str, value: Any) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(where, "true or false", value)
            return False
        return value

    def number(self, where: str, value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, "a number", value)
            return None
        return float(value)

    def extension(self, data: Any) -> Extension:
        if not isinstance(data, dict):
            self.problem("(document)", "a table with properties, schemes and terms", data)
            return Extension()
        self.keys("(document)", data, ("properties", "schemes", "terms"))
        own = self.own_schemes(self.table("schemes", data.get("schemes")))
        added = self.added_terms(self.table("terms", data.get("terms")))
        known = {**{name: True for name in schemes()}, **{s.name: True for s in own}}
        properties = self.properties(self.table("properties", data.get("properties")), known)
        if len(properties) > MAX_PROPERTIES:
            self.problem("properties", f"at most {MAX_PROPERTIES} properties", len(properties))
        # Canonical order, so that a declaration read back from its document is equal to it.
        return Extension(
            tuple(sorted(properties, key=lambda p: (p.target.value, p.name))),
            tuple(sorted(own, key=lambda s: s.name)),
            {name: terms for name, terms in sorted(added.items()) if terms},
        )

    def terms(self, where: str, value: Any, taken: set[str],
              shipped_labels: frozenset[str] = frozenset()) -> tuple[DeclaredTerm, ...]:
        if not isinstance(value, list):
            self.problem(where, "a list of {code, label, definition} entries", value)
            return ()
        if len(value) > MAX_TERMS:
            self.problem(where, f"at most {MAX_TERMS} terms", len(value))
        out: list[DeclaredTerm] = []
        labels = set()
        for i, raw in enumerate(value):
            at = f"{where}[{i}]"
            if not isinstance(raw, dict):
                self.problem(at, "a {code, label, definition} entry", raw)
                continue
            self.keys(at, raw, ("code", "label", "definition"))
            code = raw.get("code")
            if not isinstance(code, str) or not _CODE.fullmatch(code):
                self.problem(f"{at}.code", "a code of lower-case letters, digits and _", code)
                continue
            if code in taken:
                self.problem(f"{at}.code", "a code not already in the scheme", code)
                continue
            label = self.text(f"{at}.label", raw.get("label"), limit=200)
            if not label:
                self.problem(f"{at}.label", "a label (the term's display name)")
                continue
            if label.lower() in labels or label.lower() in shipped_labels:
                self.problem(f"{at}.label", "a label not already in the scheme", label)
                continue
            taken.add(code)
            labels.add(label.lower())
            out.append(DeclaredTerm(code, label, self.text(f"{at}.definition",
                                                            raw.get("definition"))))
        return tuple(out)

    def own_schemes(self, table: dict[str, Any]) -> list[CustomScheme]:
        out = []
        for name, raw in table.items():
            where = f"schemes.{name}"
            if not _NAME.fullmatch(name):
                self.problem(where, "a scheme name of lower-case letters, digits and _", name)
                continue
            if name in schemes():
                self.problem(where, "a new scheme name (to add terms to a shipped scheme, use "
                             f"[terms] {name} = [...])", name)
                continue
            entry = self.table(where, raw)
            self.keys(where, entry, ("title", "description", "ordered", "terms"))
            title = self.text(f"{where}.title", entry.get("title"), default=name, limit=200)
            terms = self.terms(f"{where}.terms", entry.get("terms", []), set())
            out.append(CustomScheme(
                name, title or name, self.text(f"{where}.description", entry.get("description")),
                self.flag(f"{where}.ordered", entry.get("ordered")), terms))
        return out

    def added_terms(self, table: dict[str, Any]) -> dict[str, tuple[DeclaredTerm, ...]]:
        out = {}
        shipped = schemes()
        for name, raw in table.items():
            where = f"terms.{name}"
            base = shipped.get(name)
            if base is None:
                self.problem(where, "the name of a shipped scheme (declare your own under "
                             "[schemes])", name)
                continue
            if not base.open:
                opened = ", ".join(sorted(s.name for s in shipped.values() if s.open))
                self.problem(where, f"a scheme open to local terms ({opened}); {name} defines "
                             "the method and stays closed", name)
                continue
            shipped_labels = frozenset(t.label.lower() for t in base.terms)
            out[name] = self.terms(where, raw, set(base.codes), shipped_labels)
        return out

    def properties(self, table: dict[str, Any], known: dict[str, bool]) -> list[CustomProperty]:
        out: list[CustomProperty] = []
        stakeholder_names: dict[str, str] = {}
        for target_name, raw in table.items():
            try:
                target = Target(target_name)
            except ValueError:
                self.problem(f"properties.{target_name}",
                             f"a target: {', '.join(t.value for t in Target)}", target_name)
                continue
            for name, entry in self.table(f"properties.{target_name}", raw).items():
                where = f"properties.{target_name}.{name}"
                prop = self.property(where, target, name, self.table(where, entry), known)
                if prop is None:
                    continue
                if target.label is Label.STAKEHOLDER:
                    if name in stakeholder_names:
                        self.problem(where, "a name not also declared on "
                                     f"{stakeholder_names[name]} (stakeholders share one "
                                     "file and one set of names)", name)
                        continue
                    stakeholder_names[name] = target_name
                out.append(prop)
        return out

    def property(self, where: str, target: Target, name: str, entry: dict[str, Any],
                 known: dict[str, bool]) -> CustomProperty | None:
        self.keys(where, entry, ("type", "scheme", "required", "personal", "description",
                                 "minimum", "maximum"))
        if not _NAME.fullmatch(name):
            self.problem(where, "a name of lower-case letters, digits and _, starting with a "
                         "letter, at most 40 characters", name)
            return None
        if (name in RESERVED or name.endswith("_id") or name.startswith("_")
                or keyword.iskeyword(name)):
            self.problem(where, "a name stakegraph does not already use (not id, kind, type, "
                         "a link name such as stakes or ties, or one ending in _id)", name)
            return None
        shipped = _shipped_names(target)
        if name in shipped:
            self.problem(where, f"a name the shipped model does not have on {target.value} "
                         f"(it has {name})", name)
            return None
        raw_type = entry.get("type")
        try:
            value_type = DeclaredType(str(raw_type))
        except ValueError:
            self.problem(f"{where}.type", f"one of {', '.join(v.value for v in DeclaredType)}",
                         raw_type)
            return None
        scheme = entry.get("scheme")
        if value_type.has_scheme:
            if not isinstance(scheme, str) or scheme not in known:
                self.problem(f"{where}.scheme", "the name of a shipped scheme or one declared "
                             "under [schemes]", scheme)
                return None
        elif scheme is not None:
            self.problem(f"{where}.scheme", "no scheme (only term and terms have one)", scheme)
            return None
        minimum = self.number(f"{where}.minimum", entry.get("minimum"))
        maximum = self.number(f"{where}.maximum", entry.get("maximum"))
        if (minimum is not None or maximum is not None) and value_type not in (
                DeclaredType.INTEGER, DeclaredType.NUMBER):
            self.problem(f"{where}.minimum", "no range (only integer and number have one)")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem(f"{where}.maximum", f"at least the minimum {minimum}", maximum)
        return CustomProperty(
            target, name, value_type, scheme if value_type.has_scheme else None,
            self.flag(f"{where}.required", entry.get("required")),
            self.flag(f"{where}.personal", entry.get("personal")),
            self.text(f"{where}.description", entry.get("description")),
            minimum, maximum,
        )


def _shipped_names(target: Target) -> set[str]:
    """Returns the property names the shipped model has where ``target`` puts a property."""
    if target.label is not None:
        return {p.name for p in node_spec(target.label).props}
    return {p.name for rel in target.rels for p in rel_spec(rel).props}


__all__ = [
    "CustomProperty",
    "CustomScheme",
    "DeclarationInvalid",
    "DeclarationProblem",
    "DeclaredTerm",
    "DeclaredType",
    "Extension",
    "Target",
    "parse_declaration",
    "read_declaration",
]
