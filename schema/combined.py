"""The model every layer derives from: the shipped model plus an organisation's declared
extensions, as one `Model`.

The loaders' tables, the GraphQL types, inputs and filters, the exports, the templates and the
docs all take a `Model` (`Model.shipped()` when nothing is declared; the model in force is read
from the graph by `stakegraph.schema.declared.read_model`). A custom property is a `Prop` like
the shipped ones (``custom=True``), so it goes wherever the shipped ones go.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property

from stakegraph.schema.extensions import CustomProperty, DeclaredType, Extension, Target
from stakegraph.schema.model import (
    NODES,
    RELATIONSHIPS,
    Label,
    NodeSpec,
    Prop,
    PropType,
    Rel,
    RelSpec,
)
from stakegraph.schema.vocabulary import DECLARED, Scheme, Term, schemes, with_terms

# Where a label that is a kind of stakeholder takes its properties from.
_BASE_LABEL = {extra: spec.label for spec in NODES for extra in spec.extra_labels}


@dataclass(frozen=True)
class Model:
    """Node and relationship specs (custom properties after the shipped ones), the schemes with
    their declared terms, the extension they came from and its version (0: none)."""

    nodes: tuple[NodeSpec, ...]
    relationships: tuple[RelSpec, ...]
    schemes: Mapping[str, Scheme] = field(compare=False)
    extension: Extension = field(default_factory=Extension)
    version: int = 0

    @staticmethod
    @cache
    def shipped() -> Model:
        """Returns the model as stakegraph ships it (no declared extension)."""
        return Model(NODES, RELATIONSHIPS, schemes(), Extension(), 0)

    @staticmethod
    def extended(extension: Extension, version: int) -> Model:
        """Returns the shipped model with ``extension``'s properties and terms."""
        if extension.is_empty:
            return replace(Model.shipped(), extension=extension, version=version)
        return Model(
            tuple(_with_custom_node_props(spec, extension) for spec in NODES),
            tuple(_with_custom_rel_props(spec, extension) for spec in RELATIONSHIPS),
            _schemes(extension),
            extension,
            version,
        )

    @cached_property
    def key(self) -> str:
        """Returns a short hash of what the model holds: equal models have equal keys (for
        caches of what is derived from a model)."""
        text = repr((self.nodes, self.relationships, sorted(
            (s.name, tuple((t.code, t.label) for t in s.terms)) for s in self.schemes.values()
        )))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def node(self, label: Label) -> NodeSpec:
        """Returns the spec of a node label (a kind of stakeholder gives Stakeholder's)."""
        wanted = _BASE_LABEL.get(label, label)
        for spec in self.nodes:
            if spec.label == wanted:
                return spec
        raise KeyError(label)

    def rel(self, rel: Rel) -> RelSpec:
        """Returns the spec of a relationship type."""
        for spec in self.relationships:
            if spec.type == rel:
                return spec
        raise KeyError(rel)

    def props(self, owner: Label | Rel) -> tuple[Prop, ...]:
        """Returns the properties of a label or relationship type."""
        return self.node(owner).props if isinstance(owner, Label) else self.rel(owner).props

    def scheme(self, name: str) -> Scheme:
        """Returns a scheme (shipped, with its declared terms, or declared)."""
        return self.schemes[name]

    def dates(self, owner: Label | Rel) -> frozenset[str]:
        """Returns the names of the date properties of a label or relationship type."""
        return frozenset(p.name for p in self.props(owner) if p.type is PropType.DATE)

    def personal(self, owner: Label | Rel) -> tuple[str, ...]:
        """Returns the names of the personal-data properties of a label or relationship
        type."""
        return tuple(p.name for p in self.props(owner) if p.personal)

    def personal_by_owner(self) -> dict[Label | Rel, tuple[str, ...]]:
        """Returns, for every label and relationship type that has some, its personal-data
        properties."""
        owners: list[Label | Rel] = [s.label for s in self.nodes]
        owners += [s.type for s in self.relationships]
        return {o: self.personal(o) for o in owners if self.personal(o)}

    def custom(self, owner: Label | Rel) -> tuple[Prop, ...]:
        """Returns the declared (custom) properties of a label or relationship type."""
        return tuple(p for p in self.props(owner) if p.custom)


def custom_prop(declared: CustomProperty) -> Prop:
    """Returns the `Prop` of a declared property."""
    value_type = declared.type
    return Prop(
        declared.name,
        value_type.prop_type,
        required=declared.required,
        personal=declared.personal,
        scheme=declared.scheme,
        minimum=declared.minimum,
        maximum=declared.maximum,
        doc=declared.description or f"{declared.name.replace('_', ' ').capitalize()} "
        f"(declared by this organisation).",
        many=value_type is DeclaredType.TERMS,
        kinds=declared.target.kinds,
        custom=True,
        # Custom text is usually a code (a trust code, a ward): equality is worth having.
        filterable=None if value_type is not DeclaredType.TEXT else True,
    )


def _with_custom_node_props(spec: NodeSpec, extension: Extension) -> NodeSpec:
    added = tuple(custom_prop(p) for p in extension.properties if p.target.label == spec.label)
    return replace(spec, props=spec.props + added) if added else spec


def _with_custom_rel_props(spec: RelSpec, extension: Extension) -> RelSpec:
    added = tuple(custom_prop(p) for p in extension.properties if spec.type in p.target.rels)
    return replace(spec, props=spec.props + added) if added else spec


def _schemes(extension: Extension) -> dict[str, Scheme]:
    out = dict(schemes())
    for name, added in extension.added_terms.items():
        out[name] = with_terms(out[name], tuple(
            Term(name, t.code, t.label, t.definition, 0, None) for t in added))
    for own in extension.schemes:
        terms = tuple(Term(own.name, t.code, t.label, t.definition, i, None, origin=DECLARED)
                      for i, t in enumerate(own.terms, start=1))
        out[own.name] = Scheme(own.name, own.title, own.description, own.ordered, (), terms,
                               open=True, origin=DECLARED)
    return out


__all__ = ["Model", "Target", "custom_prop"]
