"""The model in code: quadrants, vocabulary references and the personal-data list."""

from __future__ import annotations

import pytest
from stakegraph.schema.model import (
    HIGH_THRESHOLD,
    NODES,
    RELATIONSHIPS,
    TIE_TYPES,
    Label,
    Rel,
    personal_properties,
    quadrant,
)
from stakegraph.schema.vocabulary import schemes


@pytest.mark.parametrize(
    ("interest", "impact", "expected"),
    [
        (1, 1, "q1"),
        (5, 5, "q1"),
        (6, 5, "q2"),
        (10, 1, "q2"),
        (5, 6, "q3"),
        (1, 10, "q3"),
        (6, 6, "q4"),
        (10, 10, "q4"),
    ],
)
def test_quadrant_splits_at_the_threshold(interest: int, impact: int, expected: str) -> None:
    assert HIGH_THRESHOLD == 6
    assert quadrant(interest, impact) == expected


def test_every_vocabulary_reference_names_a_shipped_scheme() -> None:
    shipped = set(schemes())
    props = [p for spec in NODES for p in spec.props] + [
        p for spec in RELATIONSHIPS for p in spec.props
    ]
    referenced = {p.scheme for p in props if p.scheme}
    assert referenced, "the model references no vocabulary at all"
    assert referenced <= shipped, f"missing vocabularies: {sorted(referenced - shipped)}"


def test_quadrant_codes_match_the_quadrant_vocabulary() -> None:
    codes = set(schemes()["quadrant"].codes)
    assert {quadrant(i, j) for i in range(1, 11) for j in range(1, 11)} == codes


def test_personal_data_is_the_stakeholders_contact_details() -> None:
    personal = personal_properties()
    assert set(personal[Label.STAKEHOLDER]) == {"email", "phone", "notes"}


def test_every_node_has_a_required_id_and_ties_are_stakeholder_to_stakeholder() -> None:
    for spec in NODES:
        assert spec.prop("id").required, spec.label
    for rel in RELATIONSHIPS:
        if rel.type in TIE_TYPES:
            assert (rel.start, rel.end) == (Label.STAKEHOLDER, Label.STAKEHOLDER)
    assert {r.type for r in RELATIONSHIPS} >= set(TIE_TYPES) | {Rel.ASSESSED}
