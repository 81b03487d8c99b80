"""Vocabulary values in input: code, label or ``scheme:code``, normalised to the code."""

from __future__ import annotations

from stakegraph.api.errors import invalid
from stakegraph.schema.combined import Model


def vocabulary_code(model: Model, field: str, scheme_name: str, value: str | None) -> str | None:
    """Returns the code of a term of ``model``'s scheme (declared terms included) given as code,
    label or ``scheme:code``; an unknown value is a VALIDATION error naming the closest terms."""
    if value is None:
        return None
    vocab = model.scheme(scheme_name)
    code = vocab.resolve(value)
    if code is None:
        closest = ", ".join(vocab.closest(value))
        raise invalid(field, f"{value!r} is not a term of {scheme_name} (closest: {closest})")
    return code
