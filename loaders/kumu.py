"""Kumu maps in: a blueprint (Kumu's JSON) or a workbook (sheets Elements and Connections) read
into the loader's own tables, so they go through the same all-at-once validation and writer.

Elements become stakeholders (their Kumu type mapped to a kind and a sector), their fields
stakeholder columns or, when they carry interest and impact, an assessment for the load's
project; connections become ties (their type mapped to a tie type, Strength to the weight,
Direction kept: a mutual connection of a directed type is a tie each way). The mapping is a small
TOML or JSON file (`stakegraph template --kumu` writes the defaults, `TEMPLATE` below); whatever
it leaves unmapped (an element or connection type, a field, a tag, a strength word), a From/To
naming no element, and labels that collide are reported together, with file, row and field.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from stakegraph.loaders.cells import is_blank, shown
from stakegraph.loaders.problems import Problem, ValidationFailed
from stakegraph.loaders.readers import RawRow, RawTable
from stakegraph.loaders.tables import TIE_WORDS, Tables
from stakegraph.schema.model import UNDIRECTED_TIES, Kind, PropType

ELEMENTS = "elements"
CONNECTIONS = "connections"
DIRECTIONS = ("directed", "undirected", "mutual")
# Stakeholder and tie columns that Kumu's own fields fill, not a custom field.
_ELEMENT_CORE = ("label", "type", "element type", "description", "tags", "id", "_id")
_CONNECTION_CORE = ("from", "to", "type", "connection type", "direction", "strength", "id",
                    "_id")
# Fields stakegraph's own export writes from computed values: recomputed, never loaded.
SCORE_FIELD = "score: "
ASSESSMENT = "assessment."
# Where a mapping's problems are reported.
_MAPPING_KEYS = ("id_prefix", "element_types", "connection_types", "strength", "element_fields",
                 "connection_fields", "tags", "assessment")

TEMPLATE = """\
# How stakegraph reads a Kumu map (a blueprint .json, or a workbook with Elements and
# Connections sheets). Keys are matched without regard to case or surrounding spaces.
# Load with: stakegraph load MAP.json --kumu-mapping THIS_FILE [--project P]

# Stakeholder ids are this prefix followed by the element's id, or by its label made into an id
# ("Dr Ann Lee" -> "dr-ann-lee").
id_prefix = "kumu-"

# Kumu element type -> kind (person, group, organisation) and, optionally, sector.
[element_types]
"person" = { kind = "person" }
"individual" = { kind = "person" }
"patient" = { kind = "person", sector = "patients_public" }
"service user" = { kind = "person", sector = "patients_public" }
"carer" = { kind = "person", sector = "carers" }
"clinician" = { kind = "person", sector = "care_provider" }
"group" = { kind = "group" }
"team" = { kind = "group" }
"network" = { kind = "group" }
"community" = { kind = "group" }
"committee" = { kind = "group" }
"patient group" = { kind = "group", sector = "patients_public" }
"community group" = { kind = "group", sector = "patients_public" }
"organisation" = { kind = "organisation" }
"organization" = { kind = "organisation" }
"company" = { kind = "organisation", sector = "industry" }
"business" = { kind = "organisation", sector = "industry" }
"charity" = { kind = "organisation", sector = "charity" }
"nonprofit" = { kind = "organisation", sector = "charity" }
"ngo" = { kind = "organisation", sector = "charity" }
"funder" = { kind = "organisation", sector = "funder" }
"foundation" = { kind = "organisation", sector = "funder" }
"university" = { kind = "organisation", sector = "university" }
"government" = { kind = "organisation", sector = "local_government" }
"local authority" = { kind = "organisation", sector = "local_government" }
"council" = { kind = "organisation", sector = "local_government" }
"commissioner" = { kind = "organisation", sector = "commissioner" }
"provider" = { kind = "organisation", sector = "care_provider" }
"hospital" = { kind = "organisation", sector = "care_provider" }
"media" = { kind = "organisation", sector = "media" }

# Kumu connection type -> tie type (influences, trusts, collaborates_with, referred).
# "" is a connection without a type.
[connection_types]
"" = "influences"
"influence" = "influences"
"influences" = "influences"
"trust" = "trusts"
"trusts" = "trusts"
"collaboration" = "collaborates_with"
"collaborates with" = "collaborates_with"
"collaborates_with" = "collaborates_with"
"partner" = "collaborates_with"
"partnership" = "collaborates_with"
"works with" = "collaborates_with"
"referral" = "referred"
"referred" = "referred"
"introduced" = "referred"

# Words in Strength -> tie weight (a number in Strength is the weight itself).
[strength]
"weak" = 1
"medium" = 2
"moderate" = 2
"strong" = 3
"very strong" = 4

# Element fields -> a stakeholders column, "assessment.<column>" (an assessment for --project),
# or "" to leave the field out. A field named like a stakeholders or assessments column
# (Country, Seldom heard, Interest, Impact, Category...) needs no line here.
[element_fields]
"description" = "notes"
"assessed on" = "assessment.date"
"quadrant" = ""
"image" = ""
"url" = ""

# Connection fields -> a ties column, or "" to leave the field out.
[connection_fields]
"description" = "evidence"
"label" = ""
"tags" = ""

# Element tags -> a yes/no stakeholders column set to yes, or "" to ignore the tag. A tag named
# like such a column (Seldom heard, Societal) needs no line here.
[tags]
"seldom-heard" = "seldom_heard"

# Elements with assessment fields become assessments of the --project: on this date (unless an
# "Assessed on" field gives one) by this assessor (unless an "Assessor" field does).
[assessment]
assessor = "kumu import"
# date = "2026-01-31"
"""


@dataclass(frozen=True)
class KumuMapping:
    """How Kumu's types, fields, tags and strengths map onto stakegraph's tables (keys are
    normalised: lower case, single spaces)."""

    id_prefix: str = "kumu-"
    element_types: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    connection_types: Mapping[str, str] = field(default_factory=dict)
    strength: Mapping[str, float] = field(default_factory=dict)
    element_fields: Mapping[str, str] = field(default_factory=dict)
    connection_fields: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    assessor: str = "kumu import"
    assessment_date: date | None = None


def _key(text: object) -> str:
    return " ".join(str(text).strip().lower().split())


def _column_name(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", _key(text))


@cache
def default_mapping() -> KumuMapping:
    """Returns the default mapping (the one `TEMPLATE` spells out)."""
    return parse_mapping(tomllib.loads(TEMPLATE), "the default mapping", base=KumuMapping())


def read_mapping(path: Path) -> KumuMapping:
    """Returns the mapping of a TOML or JSON file, over the defaults (its entries replace or add
    to theirs); raises `ValidationFailed` naming every bad entry."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed([Problem(path.name, None, None, None,
                                        f"a readable TOML or JSON mapping ({exc})")]) from exc
    if not isinstance(raw, dict):
        raise ValidationFailed([Problem(path.name, None, None, None, "a table of sections")])
    return parse_mapping(raw, path.name, base=default_mapping())


def parse_mapping(raw: Mapping[str, Any], source: str, base: KumuMapping) -> KumuMapping:
    """Returns ``base`` with the sections of ``raw`` added; raises `ValidationFailed` naming
    every entry that is not what its section takes."""
    problems: list[Problem] = []

    def bad(section: str, key: str | None, value: object, expected: str) -> None:
        where = section if key is None else f"{section}.{key}"
        problems.append(Problem(source, None, where, None if value is None else shown(value),
                                expected))

    for key in raw:
        if key not in _MAPPING_KEYS:
            bad(str(key), None, None, f"one of the sections {', '.join(_MAPPING_KEYS)}")
    sectors = None
    types = dict(base.element_types)
    for key, value in _section(raw, "element_types", bad).items():
        kind = value.get("kind") if isinstance(value, dict) else None
        if kind not in {k.value for k in Kind}:
            bad("element_types", key, value, "{ kind = \"person\" | \"group\" | \"organisation\","
                " sector = \"<sector code>\" (optional) }")
            continue
        sector = value.get("sector") if isinstance(value, dict) else None
        from stakegraph.schema.vocabulary import scheme

        sectors = sectors or scheme("sector")
        if sector is not None and sectors.resolve(str(sector)) is None:
            bad("element_types", key, sector, "a sector of the sector vocabulary")
            continue
        types[_key(key)] = (str(kind), None if sector is None else sectors.resolve(str(sector)))
    ties = dict(base.connection_types)
    for key, value in _section(raw, "connection_types", bad).items():
        word = _column_name(str(value))
        if word not in TIE_WORDS:
            bad("connection_types", key, value, f"one of {', '.join(TIE_WORDS)}")
            continue
        ties[_key(key)] = word
    strength = dict(base.strength)
    for key, value in _section(raw, "strength", bad).items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            bad("strength", key, value, "a number above 0")
            continue
        strength[_key(key)] = float(value)
    element_fields = dict(base.element_fields)
    element_fields.update(
        {_key(k): str(v) for k, v in _section(raw, "element_fields", bad).items()})
    connection_fields = dict(base.connection_fields)
    connection_fields.update(
        {_key(k): str(v) for k, v in _section(raw, "connection_fields", bad).items()})
    tags = dict(base.tags)
    tags.update({_key(k): str(v) for k, v in _section(raw, "tags", bad).items()})
    assessment = _section(raw, "assessment", bad)
    when = base.assessment_date
    if "date" in assessment:
        value = assessment["date"]
        try:
            when = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            bad("assessment", "date", value, "a date as YYYY-MM-DD")
    prefix = raw.get("id_prefix", base.id_prefix)
    if not isinstance(prefix, str):
        bad("id_prefix", None, prefix, "text")
        prefix = base.id_prefix
    if problems:
        raise ValidationFailed(problems)
    return KumuMapping(prefix, types, ties, strength, element_fields, connection_fields, tags,
                       str(assessment.get("assessor", base.assessor)), when)


def _section(raw: Mapping[str, Any], name: str, bad: Any) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        bad(name, None, value, "a section of key = value lines")
        return {}
    return value


def is_kumu(tables: Sequence[RawTable]) -> bool:
    """Returns True when the tables read from one file are a Kumu map: elements and/or
    connections (the only tables of a file that are not the loader's own)."""
    names = {t.name for t in tables}
    return bool(names & {ELEMENTS, CONNECTIONS})


def kumu_tables(
    tables: Sequence[RawTable], mapping: KumuMapping, specs: Tables,
    default_project: str | None,
) -> list[RawTable]:
    """Returns the loader tables (stakeholders, ties and, when elements carry assessment
    fields, assessments) of one Kumu file's tables; every problem found on the way is in their
    ``problems``. Sheets named with "(ignore)" are skipped, as Kumu skips them; other sheets
    or keys (a project backup's maps and views) are not data."""
    by_name = {t.name: t for t in tables}
    elements = by_name.get(ELEMENTS)
    connections = by_name.get(CONNECTIONS)
    source = (elements or connections or tables[0]).source
    people = RawTable("stakeholders", elements.source if elements else source, [],
                      field_names={"name": "label", "kind": "type"})
    stakes = RawTable("assessments", people.source, [], field_names={"stakeholder_id": "label"})
    ties = RawTable("ties", connections.source if connections else source, [],
                    field_names={"source_id": "from", "target_id": "to", "type": "type",
                                 "weight": "strength"})
    for t in tables:
        if t.name not in (ELEMENTS, CONNECTIONS) and t.source.endswith("]") and \
                "(ignore)" not in t.source.lower():
            people.problems.append(Problem(t.source, None, None, t.name,
                                           "only Elements and Connections sheets (add "
                                           "\"(ignore)\" to the name of a sheet to skip)"))
    reader = _Reader(mapping, specs, default_project)
    ids = reader.elements(elements, people, stakes) if elements else _Ids()
    if connections:
        reader.connections(connections, ties, ids)
    out = [people, ties]
    if stakes.rows:
        out.append(stakes)
    else:
        people.problems.extend(stakes.problems)
    for table in out:
        table.columns = list(dict.fromkeys(c for row in table.rows for c in row.cells))
    return out


@dataclass
class _Ids:
    """The ids made for a file's elements: by Kumu id, and by label (None when two elements
    share a label, so it names neither)."""

    by_id: dict[str, str] = field(default_factory=dict)
    by_label: dict[str, str | None] = field(default_factory=dict)


def slug(label: str) -> str:
    """Returns an id made from a label: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^0-9a-z]+", "-", label.strip().lower()).strip("-")


class _Reader:
    """Turns Kumu rows into loader rows, collecting problems."""

    def __init__(self, mapping: KumuMapping, specs: Tables, project: str | None) -> None:
        self.mapping = mapping
        self.project = project
        self.people_columns = {c.name: c for c in specs.spec("stakeholders").columns}
        self.stake_columns = {c.name: c for c in specs.spec("assessments").columns
                              if c.ref is None}
        self.tie_columns = {c.name for c in specs.spec("ties").columns if c.ref is None} - {
            "type", "weight"}
        self.flags = {n for n, c in self.people_columns.items() if c.type is PropType.BOOLEAN}

    def elements(self, table: RawTable, people: RawTable, stakes: RawTable) -> _Ids:
        ids = _Ids()
        first: dict[str, int | str] = {}
        for raw in table.rows:
            cells = _flatten(raw.cells)
            where = raw.where

            def bad(column: str, value: object, expected: str, *, where: int | str = where
                    ) -> None:
                people.problems.append(Problem(table.source, where, column,
                                               None if value is None else shown(value), expected))

            label = cells.get("label")
            if is_blank(label):
                bad("label", None, "a label (every element needs one)")
                continue
            label = str(label).strip()
            own_id = cells.get("id", cells.get("_id"))
            ident = self.mapping.id_prefix + (str(own_id).strip() if not is_blank(own_id)
                                              else slug(label))
            if not is_blank(own_id):
                ids.by_id[str(own_id).strip()] = ident
            seen = first.get(label.lower())
            if seen is not None and is_blank(own_id):
                bad("label", label, f"a label used once (row {seen} has it too; give the "
                    "elements ids to keep them apart)")
            first.setdefault(label.lower(), where)
            ids.by_label[label.lower()] = None if label.lower() in ids.by_label else ident
            row: dict[str, Any] = {"id": ident, "name": label}
            kind_type = _key(cells.get("type", cells.get("element type", "")) or "")
            mapped = self.mapping.element_types.get(kind_type)
            if mapped is None:
                bad("type", kind_type or None, "an element type the mapping knows: add it to "
                    "[element_types] (kind and sector)")
            else:
                row["kind"] = mapped[0]
                if mapped[1] is not None:
                    row["sector"] = mapped[1]
            stake: dict[str, Any] = {}
            for name, value in cells.items():
                if name in _ELEMENT_CORE and name != "description":
                    continue
                if name.startswith(SCORE_FIELD) or is_blank(value):
                    continue
                target = self._element_target(name)
                if target is None:
                    bad(name, value, "a field the mapping knows: map it in [element_fields] to "
                        "a stakeholders column, assessment.<column>, or \"\" to leave it out")
                elif target.startswith(ASSESSMENT):
                    stake[target.removeprefix(ASSESSMENT)] = value
                    stakes.field_names[target.removeprefix(ASSESSMENT)] = name
                elif target:
                    row[target] = value
                    people.field_names.setdefault(target, name)
            for tag in _tags(cells.get("tags")):
                column = self.mapping.tags.get(_key(tag))
                if column is None:
                    column = _column_name(tag) if _column_name(tag) in self.flags else None
                if column is None:
                    bad("tags", tag, "a tag the mapping knows: map it in [tags] to a yes/no "
                        "stakeholders column, or \"\" to ignore it")
                elif column:
                    row[column] = True
            people.rows.append(RawRow(where, row))
            if stake:
                self._assessment(stake, ident, where, table.source, stakes)
        return ids

    def _element_target(self, name: str) -> str | None:
        mapped = self.mapping.element_fields.get(_key(name))
        if mapped is not None:
            return mapped
        column = _column_name(name)
        if column in self.people_columns and column not in ("id", "name"):
            return column
        if column in self.stake_columns and column not in ("date", "project_id"):
            return ASSESSMENT + column
        return None

    def _assessment(self, stake: dict[str, Any], ident: str, where: int | str, source: str,
                    stakes: RawTable) -> None:
        row = {"stakeholder_id": ident, "project_id": self.project,
               "assessor": self.mapping.assessor, "date": self.mapping.assessment_date, **stake}
        if self.project is None:
            stakes.problems.append(Problem(source, where, None, None, "a project for the "
                                           "element's assessment fields (load with --project P)"))
        if row["date"] is None:
            stakes.problems.append(Problem(source, where, None, None, "a date for the "
                                           "assessment (an \"Assessed on\" field, or [assessment] "
                                           "date in the mapping)"))
        stakes.rows.append(RawRow(where, row))

    def connections(self, table: RawTable, ties: RawTable, ids: _Ids) -> None:
        for raw in table.rows:
            cells = _flatten(raw.cells)
            where = raw.where

            def bad(column: str, value: object, expected: str, *, where: int | str = where
                    ) -> None:
                ties.problems.append(Problem(table.source, where, column,
                                             None if value is None else shown(value), expected))

            sources = self._ends(cells.get("from"), "from", ids, bad)
            targets = self._ends(cells.get("to"), "to", ids, bad)
            tie_type = _key(cells.get("type", cells.get("connection type", "")) or "")
            word = self.mapping.connection_types.get(tie_type)
            if word is None:
                bad("type", tie_type or None, "a connection type the mapping knows: add it to "
                    "[connection_types] (influences, trusts, collaborates_with or referred)")
            direction = _key(cells.get("direction") or "directed")
            if direction not in DIRECTIONS:
                bad("direction", cells.get("direction"), f"one of {', '.join(DIRECTIONS)}")
            weight = self._weight(cells.get("strength"), bad)
            extra: dict[str, Any] = {}
            for name, value in cells.items():
                if name in _CONNECTION_CORE or is_blank(value):
                    continue
                mapped = self.mapping.connection_fields.get(_key(name))
                column = mapped if mapped is not None else (
                    _column_name(name) if _column_name(name) in self.tie_columns else None)
                if column is None:
                    bad(name, value, "a field the mapping knows: map it in [connection_fields] "
                        "to a ties column, or \"\" to leave it out")
                elif column:
                    extra[column] = value
                    ties.field_names.setdefault(column, name)
            if word is None or not sources or not targets:
                continue
            both_ways = direction in ("mutual", "undirected") and TIE_WORDS[word] not in \
                UNDIRECTED_TIES
            for a in sources:
                for b in targets:
                    row = {"source_id": a, "target_id": b, "type": word, **extra}
                    if weight is not None:
                        row["weight"] = weight
                    ties.rows.append(RawRow(where, row))
                    if both_ways:
                        ties.rows.append(RawRow(where, {**row, "source_id": b, "target_id": a}))

    def _ends(self, value: object, column: str, ids: _Ids, bad: Any) -> list[str]:
        if is_blank(value):
            bad(column, None, "the label or id of an element")
            return []
        found = []
        # Kumu draws a connection to each of several elements separated by "|".
        for part in str(value).split("|"):
            name = part.strip()
            if name in ids.by_id:
                found.append(ids.by_id[name])
            elif name.lower() in ids.by_label and ids.by_label[name.lower()] is not None:
                found.append(str(ids.by_label[name.lower()]))
            elif name.lower() in ids.by_label:
                bad(column, name, "a label of one element only (several have it: use their "
                    "ids)")
            else:
                bad(column, name, "the label or id of an element of this map")
        return found

    def _weight(self, value: object, bad: Any) -> float | None:
        if is_blank(value):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            word = _key(value)
            try:
                number = self.mapping.strength.get(word) or float(word)
            except ValueError:
                bad("strength", value, "a number above 0 or a word of [strength] in the "
                    f"mapping ({', '.join(self.mapping.strength)})")
                return None
        if number <= 0:
            bad("strength", value, "a number above 0")
            return None
        return number


def _flatten(cells: Mapping[str, Any]) -> dict[str, Any]:
    """Returns the cells of a row, a project backup's ``attributes`` object spread out."""
    out = {k: v for k, v in cells.items() if k != "attributes"}
    nested = cells.get("attributes")
    if isinstance(nested, dict):
        for k, v in nested.items():
            out.setdefault(_key(k), v)
    return out


def _tags(value: object) -> list[str]:
    if is_blank(value):
        return []
    items = value if isinstance(value, list) else str(value).split("|")
    return [str(t).strip() for t in items if not is_blank(t)]


__all__ = ["TEMPLATE", "KumuMapping", "default_mapping", "is_kumu", "kumu_tables",
           "parse_mapping", "read_mapping", "slug"]
