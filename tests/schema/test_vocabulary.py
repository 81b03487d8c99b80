"""The shipped vocabularies: the counts the sources give, and lookups by code or label."""

from __future__ import annotations

from collections import Counter

from stakegraph.schema.vocabulary import ENTITY_SCHEMES, scheme, schemes

EXPECTED_COUNTS = {
    "nine_cs": 9,
    "quadrant": 4,
    "spectrum_level": 4,
    "lifecycle_stage": 5,
    "eric": 73,
    "eric_cluster": 9,
    "proctor_outcome": 8,
    "implementation_phase": 5,
    "iap2": 5,
    "attitude": 5,
    "salience": 7,
    "cfir_role": 9,
}


def test_counts_match_the_sources() -> None:
    found = {name: len(s.terms) for name, s in schemes().items()}
    for name, count in EXPECTED_COUNTS.items():
        assert found.get(name) == count, name


def test_istem_and_support_schemes_are_present_and_non_empty() -> None:
    for name in (
        "istem_objective",
        "istem_approach",
        "istem_quality",
        "istem_outcome",
        "support_competency",
        "support_outcome",
    ):
        assert len(scheme(name).terms) >= 3, name


def test_eric_strategies_fall_into_the_nine_clusters_with_published_sizes() -> None:
    sizes = Counter(t.extra["cluster"] for t in scheme("eric").terms)
    assert set(sizes) == set(scheme("eric_cluster").codes)
    # Waltz et al. (2015): 10, 4, 4, 17, 11, 5, 5, 9, 8.
    assert sorted(sizes.values()) == sorted([10, 4, 4, 17, 11, 5, 5, 9, 8])


def test_codes_are_unique_and_ordered_schemes_are_numbered_from_one() -> None:
    for s in schemes().values():
        assert len(set(s.codes)) == len(s.codes), s.name
        if s.ordered:
            assert [t.order for t in s.terms] == list(range(1, len(s.terms) + 1)), s.name


def test_spectrum_levels_run_from_engagement_to_coproduction() -> None:
    levels = scheme("spectrum_level")
    assert levels.ordered
    assert levels.codes[0] == "engagement"
    assert len(levels.codes) == 4


def test_resolve_accepts_code_label_and_scheme_id_and_closest_suggests() -> None:
    stages = scheme("lifecycle_stage")
    assert stages.resolve("Planning") == "planning"
    assert stages.resolve("lifecycle_stage:closure") == "closure"
    assert stages.resolve("planing") is None
    assert stages.closest("planing")[0] == "planning"


def test_entity_schemes_exist() -> None:
    assert set(ENTITY_SCHEMES) <= set(schemes())
