"""Applying a changed declaration of the model's extensions to the graph, safely.

Adding a property, a term or a scheme is free. What would touch stored values is checked
first, against the graph:

- a property or term that is removed while values use it is refused with how many use it,
  unless ``drop_data`` is given: then the values are removed (a term from a list of terms),
  in the same transaction as the new version and an audit event;
- a term in use by a required property (an activity's type) cannot be removed at all;
- a changed type is refused unless every stored value converts by the loader's own cell
  rules (text to number, term to terms...); then all are converted, or none;
- a property that becomes required is refused while nodes lack a value.

Every check runs before anything is written; the new version (``ModelExtension`` node), the
value changes, the vocabulary nodes of added and removed terms and the audit event are one
write transaction. Two concurrent changes collide on the version's uniqueness constraint.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError
from stakegraph.loaders.cells import BadCell, parse
from stakegraph.loaders.tables import Column, tables
from stakegraph.schema.combined import Model
from stakegraph.schema.declared import (
    CREATE_VERSION,
    LATEST,
    SYNC_DECLARED_PROPERTIES,
    declared_property_rows,
    digest,
    model_from_record,
)
from stakegraph.schema.errors import ErrorCode, StakegraphError
from stakegraph.schema.extensions import CustomProperty, Extension, Target
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, Label, Prop, Rel
from stakegraph.schema.version import write_transaction
from stakegraph.schema.vocabulary import DECLARED

# Examples of values that do not convert, shown in a refusal.
_EXAMPLES = 3


class ModelChangeRefused(StakegraphError):
    """A declaration whose application would lose or break stored values; ``reasons`` says
    every one of them (nothing was written)."""

    code = ErrorCode.CONFLICT

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
        super().__init__(f"the model change was refused; nothing was written: {reasons[0]}{more}",
                         reasons=reasons)


@dataclass(frozen=True)
class Owner:
    """Where values of one property live: nodes of a label or relationships of some types."""

    label: Label | None = None
    rels: tuple[Rel, ...] = ()

    def match(self, var: str) -> str:
        """Returns the MATCH clause binding ``var`` to every node or relationship."""
        if self.label is not None:
            return f"MATCH ({var}:{self.label})"
        return f"MATCH ()-[{var}:{'|'.join(self.rels)}]->()"

    @property
    def noun(self) -> str:
        """Returns what the values sit on, for messages."""
        if self.label is not None:
            return {Label.STAKEHOLDER: "stakeholders", Label.PERSON: "persons",
                    Label.GROUP: "groups", Label.ORGANISATION: "organisations",
                    Label.PROJECT: "projects", Label.ACTIVITY: "activities"}[self.label]
        return "assessments" if self.rels == (Rel.ASSESSED,) else "ties"


def owner_of(target: Target) -> Owner:
    """Returns where a property declared on ``target`` is stored."""
    if target.kinds:
        return Owner(label=target.kinds[0].label)
    if target.label is not None:
        return Owner(label=target.label)
    return Owner(rels=target.rels)


@dataclass(frozen=True)
class TermUse:
    """A property whose values are terms of a scheme, and where they live."""

    owner: Owner
    prop: str
    many: bool
    required: bool


def term_uses(model: Model, scheme: str) -> list[TermUse]:
    """Returns every property of ``model`` whose values are terms of ``scheme``."""
    uses: list[TermUse] = []
    for spec in model.nodes:
        for p in spec.props:
            if p.scheme == scheme:
                label = p.kinds[0].label if p.kinds else spec.label
                uses.append(TermUse(Owner(label=label), p.name, p.many, p.required))
    tie_done = False
    for rel_spec in model.relationships:
        for p in rel_spec.props:
            if p.scheme != scheme:
                continue
            if rel_spec.type in TIE_TYPES:
                if tie_done:
                    continue
                tie_done = True
                uses.append(TermUse(Owner(rels=TIE_TYPES), p.name, p.many, p.required))
            else:
                uses.append(TermUse(Owner(rels=(rel_spec.type,)), p.name, p.many, p.required))
    return uses


@dataclass
class ModelChange:
    """What a new declaration changes compared with the one in force (pure: no graph)."""

    added: list[CustomProperty] = field(default_factory=list)
    removed: list[CustomProperty] = field(default_factory=list)
    retyped: list[tuple[CustomProperty, CustomProperty]] = field(default_factory=list)
    now_required: list[CustomProperty] = field(default_factory=list)
    added_terms: list[tuple[str, str]] = field(default_factory=list)
    removed_terms: list[tuple[str, str]] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Returns whether nothing changes."""
        return not (self.added or self.removed or self.retyped or self.now_required
                    or self.added_terms or self.removed_terms or self.other)

    def lines(self) -> list[str]:
        """Returns the change, one line per item, for people."""
        out = [f"add property {p.target}.{p.name} ({p.type})" for p in self.added]
        out += [f"remove property {p.target}.{p.name}" for p in self.removed]
        out += [f"change {a.target}.{a.name} from {_type_text(a)} to {_type_text(b)}"
                for a, b in self.retyped]
        out += [f"make {p.target}.{p.name} required" for p in self.now_required]
        out += [f"add term {s}:{c}" for s, c in self.added_terms]
        out += [f"remove term {s}:{c}" for s, c in self.removed_terms]
        return out + self.other


def _type_text(p: CustomProperty) -> str:
    return f"{p.type} of {p.scheme}" if p.scheme else str(p.type)


def _terms(extension: Extension) -> set[tuple[str, str]]:
    found = {(s.name, t.code) for s in extension.schemes for t in s.terms}
    found |= {(name, t.code) for name, terms in extension.added_terms.items() for t in terms}
    return found


def compare(old: Extension, new: Extension) -> ModelChange:
    """Returns what ``new`` changes compared with ``old``."""
    change = ModelChange()
    before = {(p.target, p.name): p for p in old.properties}
    after = {(p.target, p.name): p for p in new.properties}
    for key, p in after.items():
        was = before.get(key)
        if was is None:
            change.added.append(p)
            if p.required:
                change.now_required.append(p)
            continue
        if (was.type, was.scheme) != (p.type, p.scheme):
            change.retyped.append((was, p))
        if p.required and not was.required:
            change.now_required.append(p)
        if (was.personal, was.description, was.minimum, was.maximum) != (
                p.personal, p.description, p.minimum, p.maximum):
            change.other.append(f"update {p.target}.{p.name} (description, personal or range)")
    change.removed = [p for key, p in before.items() if key not in after]
    old_terms, new_terms = _terms(old), _terms(new)
    change.added_terms = sorted(new_terms - old_terms)
    change.removed_terms = sorted(old_terms - new_terms)
    for s in new.schemes:
        was_scheme = next((o for o in old.schemes if o.name == s.name), None)
        if was_scheme is not None and (was_scheme.title, was_scheme.description,
                                       was_scheme.ordered) != (s.title, s.description,
                                                               s.ordered):
            change.other.append(f"update scheme {s.name}")
    return change


@dataclass(frozen=True)
class ChangeReport:
    """What applying a declaration did: the versions, the changes and the values touched."""

    from_version: int
    to_version: int
    changes: list[str]
    values_removed: int
    values_converted: int
    dry_run: bool


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _Tx:
    """Runs statements in the change's transaction."""

    def __init__(self, tx: ManagedTransaction) -> None:
        self.tx = tx

    def rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return [r.data() for r in self.tx.run(query, params)]

    def one(self, query: str, **params: Any) -> Any:
        rows = self.rows(query, **params)
        return next(iter(rows[0].values())) if rows else None


def _count_values(tx: _Tx, owner: Owner, prop: str) -> int:
    return int(tx.one(f"{owner.match('x')} WHERE x.{prop} IS NOT NULL RETURN count(x) AS n"))


def _count_missing(tx: _Tx, owner: Owner, prop: str) -> int:
    return int(tx.one(f"{owner.match('x')} WHERE x.{prop} IS NULL RETURN count(x) AS n"))


def _count_term(tx: _Tx, use: TermUse, code: str) -> int:
    test = f"$code IN x.{use.prop}" if use.many else f"x.{use.prop} = $code"
    return int(tx.one(f"{use.owner.match('x')} WHERE {test} RETURN count(x) AS n", code=code))


def _remove_values(tx: _Tx, owner: Owner, prop: str) -> int:
    return int(tx.one(f"{owner.match('x')} WHERE x.{prop} IS NOT NULL "
                      f"REMOVE x.{prop} RETURN count(x) AS n"))


def _remove_term(tx: _Tx, use: TermUse, code: str) -> int:
    p = use.prop
    if use.many:
        # A list that loses its last term loses the property (an empty list means nothing).
        return int(tx.one(
            f"{use.owner.match('x')} WHERE $code IN x.{p} "
            f"WITH x, [t IN x.{p} WHERE t <> $code] AS kept "
            f"SET x.{p} = CASE WHEN size(kept) = 0 THEN null ELSE kept END "
            "RETURN count(x) AS n", code=code))
    return int(tx.one(f"{use.owner.match('x')} WHERE x.{p} = $code REMOVE x.{p} "
                      "RETURN count(x) AS n", code=code))


def _column(model: Model, declared: CustomProperty) -> Column:
    target = declared.target
    table = {Target.PROJECT: "projects", Target.ACTIVITY: "activities",
             Target.ASSESSMENT: "assessments", Target.TIE: "ties"}.get(target, "stakeholders")
    return tables(model).spec(table).column(declared.name)


def _native(value: Any) -> Any:
    convert = getattr(value, "to_native", None)
    return convert() if callable(convert) else value


def _convert_values(tx: _Tx, new_model: Model, old: CustomProperty, new: CustomProperty
                    ) -> tuple[list[tuple[str, Any]], list[str]]:
    """Returns (element id, converted value) of every stored value, and the refusals of the
    values that do not convert."""
    owner = owner_of(old.target)
    column = _column(new_model, new)
    converted: list[tuple[str, Any]] = []
    bad: list[str] = []
    examples: list[str] = []
    for row in tx.rows(f"{owner.match('x')} WHERE x.{old.name} IS NOT NULL "
                       f"RETURN elementId(x) AS key, x.{old.name} AS value"):
        value = _native(row["value"])
        if isinstance(value, list) and not column.many:
            value = value[0] if len(value) == 1 else value
        try:
            converted.append((row["key"], parse(value, column)))
        except BadCell as exc:
            bad.append(row["key"])
            if len(examples) < _EXAMPLES:
                examples.append(f"{value!r} ({exc.message})")
    refusals = []
    if bad:
        refusals.append(
            f"{len(bad)} of the {owner.noun}' {old.name} values do not convert to "
            f"{_type_text(new)}, e.g. {'; '.join(examples)}: change them first, or remove the "
            "property and declare a new one")
    return converted, refusals


def _write_converted(tx: _Tx, owner: Owner, prop: str, values: list[tuple[str, Any]]) -> None:
    where = "WHERE elementId(x) = row[0]"
    match = (f"MATCH (x) {where}" if owner.label is not None
             else f"MATCH ()-[x]->() {where}")
    for start in range(0, len(values), 5000):
        batch = [[key, value] for key, value in values[start:start + 5000]]
        tx.rows(f"UNWIND $rows AS row {match} SET x.{prop} = row[1]", rows=batch)


def _checks(tx: _Tx, old_model: Model, new_model: Model, change: ModelChange, drop_data: bool
            ) -> tuple[list[str], dict[tuple[Target, str], list[tuple[str, Any]]]]:
    """Returns the refusals of a change (empty: it may go ahead) and the converted values of
    the retyped properties."""
    refusals: list[str] = []
    for p in change.removed:
        used = _count_values(tx, owner_of(p.target), p.name)
        if used and not drop_data:
            refusals.append(f"{used} {owner_of(p.target).noun} have a value of {p.target}."
                            f"{p.name}: pass --drop-data to remove the property and its values")
    gone = {(owner_of(p.target), p.name) for p in change.removed}
    for scheme, code in change.removed_terms:
        for use in term_uses(old_model, scheme):
            if (use.owner, use.prop) in gone:
                continue  # the property goes, and its values with it
            used = _count_term(tx, use, code)
            if not used:
                continue
            if use.required:
                refusals.append(f"{used} {use.owner.noun} have {scheme}:{code} as their "
                                f"{use.prop}, which is required: change them first")
            elif not drop_data:
                refusals.append(f"{used} {use.owner.noun} have {scheme}:{code} in {use.prop}: "
                                "pass --drop-data to remove the term and its uses")
    for p in change.now_required:
        missing = _count_missing(tx, owner_of(p.target), p.name)
        if missing:
            refusals.append(f"{missing} {owner_of(p.target).noun} have no {p.name}: give "
                            f"them one before declaring {p.target}.{p.name} required")
    converted: dict[tuple[Target, str], list[tuple[str, Any]]] = {}
    for old, new in change.retyped:
        values, bad = _convert_values(tx, new_model, old, new)
        refusals += bad
        converted[(new.target, new.name)] = values
    return refusals, converted


def _write_change(tx: _Tx, old_model: Model, new_model: Model, change: ModelChange,
                  converted: dict[tuple[Target, str], list[tuple[str, Any]]]) -> tuple[int, int]:
    removed = 0
    for p in change.removed:
        removed += _remove_values(tx, owner_of(p.target), p.name)
    for scheme, code in change.removed_terms:
        for use in term_uses(old_model, scheme):
            removed += _remove_term(tx, use, code)
        tx.rows(f"MATCH (c:{Label.CONCEPT} {{id: $id}}) DETACH DELETE c", id=f"{scheme}:{code}")
    for (target, name), values in converted.items():
        _write_converted(tx, owner_of(target), name, values)
    rows = [
        {"id": t.id, "scheme": t.scheme, "code": t.code, "name": t.label,
         "definition": t.definition, "order": t.order, "source": s.title, "origin": DECLARED}
        for s in new_model.schemes.values() for t in s.terms if t.origin == DECLARED
    ]
    tx.rows(f"UNWIND $rows AS row MERGE (c:{Label.CONCEPT} {{id: row.id}}) SET c += row",
            rows=rows)
    return removed, sum(len(v) for v in converted.values())


def apply_declaration(
    db: GraphDB, extension: Extension, *, drop_data: bool = False, dry_run: bool = False,
    actor: str = "cli", via: str = "cli",
) -> ChangeReport:
    """Returns what applying ``extension`` as the model's new declaration did (or, with
    ``dry_run``, would do); raises ModelChangeRefused, writing nothing, when it would lose or
    break stored values (see the module's docstring)."""

    def work(raw: ManagedTransaction) -> ChangeReport:
        tx = _Tx(raw)
        found = tx.rows(LATEST)
        old_model = (model_from_record(found[0]["version"], found[0]["declaration"],
                                       found[0]["sha256"]) if found else Model.shipped())
        new_model = Model.extended(extension, old_model.version + 1)
        change = compare(old_model.extension, extension)
        if change.is_empty:
            return ChangeReport(old_model.version, old_model.version, [], 0, 0, dry_run)
        refusals, converted = _checks(tx, old_model, new_model, change, drop_data)
        if refusals:
            raise ModelChangeRefused(refusals)
        if dry_run:
            return ChangeReport(old_model.version, new_model.version, change.lines(), 0,
                                sum(len(v) for v in converted.values()), True)
        removed, retyped = _write_change(tx, old_model, new_model, change, converted)
        at = _now()
        tx.rows(SYNC_DECLARED_PROPERTIES, rows=declared_property_rows(extension))
        tx.rows(CREATE_VERSION, version=new_model.version,
                declaration=extension.canonical_json(), sha256=digest(extension),
                applied_at=at, applied_by=actor)
        summary = "; ".join(change.lines())
        if removed or retyped:
            summary += f"; {removed} values removed, {retyped} converted"
        tx.rows(
            f"CREATE (e:{Label.AUDIT} {{id: $id, action: 'model-change', subject: $subject, "
            "actor: $actor, via: $via, at: datetime($at), summary: $summary})",
            id=f"model|v{new_model.version}|{uuid.uuid4().hex}",
            subject=f"model v{new_model.version}", actor=actor, via=via, at=at, summary=summary)
        return ChangeReport(old_model.version, new_model.version, change.lines(), removed,
                            retyped, False)

    with db.session() as session:
        try:
            if dry_run:
                return session.execute_read(work)
            return write_transaction(session, work)
        except ConstraintError:
            raise StakegraphError(
                "another model change was applied at the same moment: run the command again",
                code=ErrorCode.CONFLICT) from None


def declared_props(model: Model) -> Iterator[tuple[str, Prop]]:
    """Yields (owner name, property) for every declared property of ``model``."""
    for spec in model.nodes:
        for p in spec.props:
            if p.custom:
                yield str(spec.label), p
    for rel in model.relationships:
        for p in rel.props:
            if p.custom and rel.type in (Rel.ASSESSED, Rel.INFLUENCES):
                yield "ties" if rel.type is Rel.INFLUENCES else str(rel.type), p
