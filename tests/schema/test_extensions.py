"""Declarations of the model's extensions: what they may say, every problem at once, and the model
they make (pure: no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stakegraph.schema.combined import Model
from stakegraph.schema.extensions import (
    DeclarationInvalid,
    DeclaredType,
    Target,
    parse_declaration,
    read_declaration,
)
from stakegraph.schema.model import Kind, Label, PropType, Rel
from stakegraph.schema.vocabulary import DECLARED, SHIPPED

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "extension.toml"


def test_the_example_declaration_reads_and_makes_the_model() -> None:
    extension = read_declaration(EXAMPLE)
    assert {(p.target, p.name, p.type) for p in extension.properties} == {
        (Target.STAKEHOLDER, "local_authority", DeclaredType.TERM),
        (Target.ORGANISATION, "trust_code", DeclaredType.TEXT),
        (Target.PERSON, "preferred_contact", DeclaredType.TEXT),
        (Target.PROJECT, "priority", DeclaredType.BOOLEAN),
        (Target.ACTIVITY, "topics", DeclaredType.TERMS),
        (Target.TIE, "confidence", DeclaredType.INTEGER),
    }
    model = Model.extended(extension, 3)
    assert model.version == 3
    stakeholder = {p.name: p for p in model.node(Label.STAKEHOLDER).props}
    assert stakeholder["trust_code"].kinds == (Kind.ORGANISATION,)
    assert stakeholder["trust_code"].custom and not stakeholder["name"].custom
    assert stakeholder["preferred_contact"].personal
    assert model.personal(Label.STAKEHOLDER) == ("email", "phone", "notes", "preferred_contact")
    topics = model.node(Label.ACTIVITY).prop("topics")
    assert topics.many and topics.scheme == "topic" and topics.type is PropType.STRING
    for tie in (Rel.INFLUENCES, Rel.TRUSTS, Rel.COLLABORATES_WITH, Rel.REFERRED):
        confidence = next(p for p in model.rel(tie).props if p.name == "confidence")
        assert (confidence.minimum, confidence.maximum) == (1.0, 5.0)
    sector = model.scheme("sector")
    assert sector.resolve("Housing association") == "housing_association"
    assert sector.term("housing_association").origin == DECLARED
    assert sector.term("charity").origin == SHIPPED
    assert model.scheme("local_authority").resolve("Rutland County Council") == "rutland"
    # The shipped model is untouched by extending a copy of it.
    assert "trust_code" not in {p.name for p in Model.shipped().node(Label.STAKEHOLDER).props}
    assert Model.shipped().key != model.key


def test_a_declaration_reads_back_equal_from_its_canonical_document() -> None:
    extension = read_declaration(EXAMPLE)
    again = parse_declaration(json.loads(extension.canonical_json()))
    assert again == extension
    assert again.canonical_json() == extension.canonical_json()


def test_json_declarations_read_like_toml(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(read_declaration(EXAMPLE).document()), encoding="utf-8")
    assert read_declaration(path) == read_declaration(EXAMPLE)


BAD = {
    "properties": {
        "planet": {"x": {"type": "text"}},
        "stakeholder": {
            "email": {"type": "text"},
            "stakes": {"type": "text"},
            "class": {"type": "text"},
            "Bad-Name": {"type": "text"},
            "blob": {"type": "blob"},
            "ward": {"type": "term"},
            "count": {"type": "text", "minimum": 1},
            "band": {"type": "integer", "minimum": 5, "maximum": 1},
            "flag": {"type": "boolean", "required": "yes"},
            "note2": {"type": "text", "colour": "red"},
            "shared": {"type": "text"},
        },
        "person": {"shared": {"type": "integer"}},
    },
    "schemes": {"sector": {"terms": []}, "own": {"terms": [{"code": "A B", "label": "x"},
                                                           {"code": "a", "label": ""}]}},
    "terms": {"nine_cs": [{"code": "x", "label": "X"}],
              "sector": [{"code": "charity", "label": "Charity again"},
                         {"code": "new_one", "label": "Charity"}],
              "nosuch": []},
    "extra": 1,
}


def test_every_problem_of_a_declaration_is_reported_at_once() -> None:
    with pytest.raises(DeclarationInvalid) as caught:
        parse_declaration(BAD, "bad.toml")
    where = {p.where for p in caught.value.problems}
    assert {
        "(document).extra",
        "properties.planet",
        "properties.stakeholder.email",
        "properties.stakeholder.stakes",
        "properties.stakeholder.class",
        "properties.stakeholder.Bad-Name",
        "properties.stakeholder.blob.type",
        "properties.stakeholder.ward.scheme",
        "properties.stakeholder.count.minimum",
        "properties.stakeholder.band.maximum",
        "properties.stakeholder.flag.required",
        "properties.stakeholder.note2.colour",
        "properties.person.shared",
        "schemes.sector",
        "schemes.own.terms[0].code",
        "schemes.own.terms[1].label",
        "terms.nine_cs",
        "terms.sector[0].code",
        "terms.sector[1].label",
        "terms.nosuch",
    } <= where
    message = str(caught.value)
    assert message.startswith("bad.toml: ") and "nothing was applied" in message
    closed = next(p for p in caught.value.problems if p.where == "terms.nine_cs")
    assert "defines the method and stays closed" in closed.expected
    assert caught.value.code == "VALIDATION"


def test_unreadable_files_are_one_problem(tmp_path: Path) -> None:
    broken = tmp_path / "x.toml"
    broken.write_text("[properties\n", encoding="utf-8")
    with pytest.raises(DeclarationInvalid, match="valid TOML"):
        read_declaration(broken)
    other = tmp_path / "x.yaml"
    other.write_text("a: 1", encoding="utf-8")
    with pytest.raises(DeclarationInvalid, match=r"a \.toml or \.json file"):
        read_declaration(other)
