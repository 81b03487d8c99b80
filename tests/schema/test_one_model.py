"""One model drives every layer: a property added to (a copy of) the shipped model appears in the
template, the loader, the GraphQL object types, inputs, patches and filters, and the exports, with
no other change."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import graphql
from stakegraph.api.schema import sdl
from stakegraph.loaders import load_paths, tables, write_templates
from stakegraph.schema.combined import Model
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import Label, Prop, PropType

from stakegraph.export.graph_xml import graphml
from stakegraph.export.loader_tables import loader_tables
from stakegraph.export.subgraph import read_subgraph

SDL_FILE = Path(__file__).resolve().parents[2] / "api" / "schema.graphql"


def _model_with_new_shipped_properties() -> Model:
    """The shipped model plus two properties declared the way shipped ones are (in the spec)."""
    shipped = Model.shipped()
    added = {
        Label.STAKEHOLDER: Prop("ward", filterable=True, doc="The electoral ward."),
        Label.PROJECT: Prop("budget", PropType.FLOAT, minimum=0.0, doc="Budget in pounds."),
    }
    nodes = tuple(
        replace(spec, props=(*spec.props, added[spec.label])) if spec.label in added else spec
        for spec in shipped.nodes
    )
    return replace(shipped, nodes=nodes)


def _fields(schema: graphql.GraphQLSchema, name: str) -> set[str]:
    found = schema.get_type(name)
    assert isinstance(found, graphql.GraphQLObjectType | graphql.GraphQLInputObjectType
                      | graphql.GraphQLInterfaceType), name
    return set(found.fields)


def test_a_new_property_is_in_the_template_loader_api_and_exports(
    db: GraphDB, scratch: str, tmp_path: Path
) -> None:
    model = _model_with_new_shipped_properties()
    specs = tables(model)
    # The template.
    write_templates(tmp_path / "tpl", specs)
    with (tmp_path / "tpl" / "stakeholders.csv").open(encoding="utf-8") as f:
        assert "ward" in next(csv.reader(f))
    with (tmp_path / "tpl" / "projects.csv").open(encoding="utf-8") as f:
        assert "budget" in next(csv.reader(f))
    # The loader: typed, checked, stored.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "stakeholders.csv").write_text(
        f"id,name,kind,ward\n{scratch}a,Ann,person,Castle\n", encoding="utf-8")
    (folder / "projects.csv").write_text(
        f"id,name,budget\n{scratch}p,Plan,1250.5\n", encoding="utf-8")
    (folder / "assessments.csv").write_text(
        "stakeholder_id,project_id,date,assessor,interest,impact\n"
        f"{scratch}a,{scratch}p,2026-01-01,team,5,5\n", encoding="utf-8")
    load_paths(db, [folder], model=model)
    stored = db.read("MATCH (s:Stakeholder {id: $s}), (p:Project {id: $p}) "
                     "RETURN s.ward AS ward, p.budget AS budget", s=f"{scratch}a", p=f"{scratch}p")
    assert (stored[0]["ward"], stored[0]["budget"]) == ("Castle", 1250.5)
    # The API: object types, inputs, patches and filters.
    schema = graphql.build_schema(sdl(model))
    for type_name in ("Person", "Group", "Organisation", "Stakeholder", "StakeholderInput",
                      "StakeholderPatch", "StakeholderFilter"):
        assert "ward" in _fields(schema, type_name), type_name
    assert "budget" in _fields(schema, "Project")
    assert {"budget"} <= _fields(schema, "ProjectInput") & _fields(schema, "ProjectPatch")
    assert {"budgetMin", "budgetMax"} <= _fields(schema, "ProjectFilter")
    ward = schema.get_type("Person").fields["ward"]  # type: ignore[union-attr]
    assert ward.description == "The electoral ward."
    # The exports: the loaders' own tables and GraphML.
    graph = read_subgraph(db, f"{scratch}p", include_personal=False, model=model)
    rows = loader_tables(graph, specs, include_personal=False)
    assert rows["stakeholders"][0]["ward"] == "Castle"
    assert rows["projects"][0]["budget"] == "1250.5"
    assert b'attr.name="ward"' in graphml(graph)


def test_the_new_property_stays_out_of_the_shipped_model() -> None:
    # The committed SDL is the shipped model's (tests/api/test_server.py checks it is current).
    assert not re.search(r"\bward\b", SDL_FILE.read_text(encoding="utf-8"))
    assert "ward" not in tables(Model.shipped()).spec("stakeholders").column_names
