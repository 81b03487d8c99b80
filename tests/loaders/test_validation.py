"""Every kind of bad input, each in a real file loaded against the real Neo4j: the problem is
reported at the right file, row and column with what was expected, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from loader_data import BASE, WriteFiles
from stakegraph.loaders import Problem, ValidationFailed, load_paths
from stakegraph.schema.graphdb import GraphDB


def _edit(name: str, old: str, new: str) -> dict[str, str | None]:
    assert old in BASE[name], (name, old)
    return {name: BASE[name].replace(old, new, 1)}


def _append(name: str, line: str) -> dict[str, str | None]:
    return {name: BASE[name] + line + "\n"}


# (overrides, file, row, column, words the "expected" sentence must contain)
CASES: dict[str, tuple[dict[str, str | None], str, int | None, str | None, str]] = {
    "unknown vocabulary term": (
        _edit("stakeholders.csv", "{p}clinic,Hill Clinic,organisation,care_provider",
              "{p}clinic,Hill Clinic,organisation,care_providr"),
        "stakeholders.csv", 4, "sector", "closest: care_provider"),
    "unknown term in a long vocabulary": (
        _edit("activities.csv", "workshop", "workshp"), "activities.csv", 2, "type", "closest"),
    "bad date format": (
        _edit("assessments.csv", "2025-06-01", "01/06/2025"),
        "assessments.csv", 3, "date", "YYYY-MM-DD"),
    "impossible date": (
        _edit("projects.csv", "2025-09-01", "2025-02-30"),
        "projects.csv", 2, "next_review", "real calendar date"),
    "duplicate id in a file": (
        _append("stakeholders.csv", "{p}bob,Robert,person,,,,,,,,"),
        "stakeholders.csv", 7, "id", "already in row 3"),
    "duplicate relationship identity": (
        _append("ties.csv", "{p}ann,{p}bob,Trusts,5,,"),
        "ties.csv", 5, "target_id", "already in row 2"),
    "duplicate assessment identity": (
        _append("assessments.csv", "{p}bob,{p}icbt,2025-02-01,team,,customers,1,1,,,,,"),
        "assessments.csv", 5, "assessor", "already in row 4"),
    "missing required field": (
        _edit("activities.csv", "Kick-off", ""), "activities.csv", 2, "name", "required"),
    "missing required column": (
        {"projects.csv": "id,description\n{p}icbt,no name\n"},
        "projects.csv", 1, "name", "required column"),
    "interest above 10": (
        _edit("assessments.csv", "collaborators,8,7", "collaborators,11,7"),
        "assessments.csv", 2, "interest", "from 1 to 10"),
    "impact below 1": (
        _edit("assessments.csv", "customers,9,2", "customers,9,0"),
        "assessments.csv", 4, "impact", "from 1 to 10"),
    "self-tie": (
        _append("ties.csv", "{p}ann,{p}ann,trusts,,,"), "ties.csv", 5, "target_id", "self-ties"),
    "unknown column": (
        {"outcomes.csv": "id,name,defintion\n{p}uptake,Uptake,x\n"},
        "outcomes.csv", 1, "defintion", "closest: definition"),
    "unknown file": (
        {"stakeholder.csv": "id,name,kind\n{p}zed,Zed,person\n"},
        "stakeholder.csv", None, None, "closest: stakeholders"),
    "group as a member": (
        _append("memberships.csv", "{p}voices,{p}trust,,"),
        "memberships.csv", 5, "member_id", "group"),
    "person as the organisation": (
        _append("memberships.csv", "{p}bob,{p}ann,,"),
        "memberships.csv", 5, "organisation_id", "is a person"),
    "organisation inside a group": (
        _append("memberships.csv", "{p}trust,{p}voices,,"),
        "memberships.csv", 5, "organisation_id", "is a group"),
    "bad boolean": (
        _edit("stakeholders.csv", "Carers,yes,yes", "Carers,maybe,yes"),
        "stakeholders.csv", 3, "societal", "yes/no"),
    "bad integer": (
        _edit("activities.csv", ",90,", ",ninety,"),
        "activities.csv", 2, "duration_minutes", "whole number"),
    "bad number": (
        _edit("observations.csv", "0.25", "a quarter"), "observations.csv", 2, "value", "number"),
    "tie weight not above zero": (
        _edit("ties.csv", "trusts,2,", "trusts,-1,"), "ties.csv", 2, "weight", "above 0"),
    "unknown stakeholder kind": (
        _edit("stakeholders.csv", "Bob Stone,person", "Bob Stone,persn"),
        "stakeholders.csv", 3, "kind", "closest: person"),
    "unknown tie type": (
        _edit("ties.csv", "influences", "influencs"), "ties.csv", 4, "type", "closest: influences"),
    "reference to nowhere": (
        _append("participation.csv", "{p}kickoff,{p}nobody,"),
        "participation.csv", 4, "stakeholder_id", "stakeholder in stakeholders or already in"),
    "misspelt shipped strategy": (
        _edit("activity_links.csv", "eric:develop_implementation_blueprint",
              "eric:develop_implementation_blueprnt"),
        "activity_links.csv", 2, "target_id", "closest: eric:develop_implementation_blueprint"),
    "link to the wrong kind of node": (
        _edit("activity_links.csv", "objective,{p}map-barriers", "objective,{p}uptake"),
        "activity_links.csv", 4, "target_id", "objective"),
    "custom strategy with a shipped prefix": (
        _append("strategies.csv", "eric:my_own,Mine,,"), "strategies.csv", 3, "id", "prefix"),
    "note on an objective link": (
        _edit("activity_links.csv", "objective,{p}map-barriers,", "objective,{p}map-barriers,x"),
        "activity_links.csv", 4, "note", "objective"),
    "role on an organisation's membership": (
        _edit("memberships.csv", "{p}clinic,{p}trust,,", "{p}clinic,{p}trust,partner,"),
        "memberships.csv", 4, "role", "organisation"),
}


def _find(problems: list[Problem], file: str, row: int | None, column: str | None) -> Problem:
    for p in problems:
        if p.file == file and p.row == row and p.column == column:
            return p
    raise AssertionError(f"no problem at {file}:{row}:{column} in {problems}")


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_reported_precisely_and_nothing_is_written(db: GraphDB,
    case: str, write_files: WriteFiles, scratch: str,
    nodes_under: Callable[[str], int],
) -> None:
    overrides, file, row, column, words = CASES[case]
    folder = write_files(overrides)
    with pytest.raises(ValidationFailed) as failed:
        load_paths(db, [folder])
    problem = _find(failed.value.problems, file, row, column)
    assert words in problem.expected, problem
    assert nodes_under(scratch) == 0


def test_every_problem_of_every_file_is_reported_at_once(db: GraphDB,
    write_files: WriteFiles, scratch: str,
    nodes_under: Callable[[str], int],
) -> None:
    folder = write_files({
        **_edit("stakeholders.csv", "Carers,yes,yes", "Carers,maybe,yes"),
        **_edit("ties.csv", "influences", "influencs"),
        **_edit("assessments.csv", "collaborators,8,7", "collaborators,11,0"),
    })
    with pytest.raises(ValidationFailed) as failed:
        load_paths(db, [folder], dry_run=True)
    where = {(p.file, p.row, p.column) for p in failed.value.problems}
    assert where == {
        ("stakeholders.csv", 3, "societal"), ("ties.csv", 4, "type"),
        ("assessments.csv", 2, "interest"), ("assessments.csv", 2, "impact"),
    }
    assert nodes_under(scratch) == 0


def test_references_may_point_to_nodes_already_in_the_graph(db: GraphDB,
    write_files: WriteFiles, scratch: str,
) -> None:
    load_paths(db, [write_files()])
    later = write_files({"ties.csv": "source_id,target_id,type\n{p}voices,{p}clinic,referred\n"},
                        base=False)
    report = load_paths(db, [later])
    assert report.tables["ties"].relationships.created == 1
    group_member = write_files(
        {"memberships.csv": "member_id,organisation_id\n{p}voices,{p}trust\n"}, base=False)
    with pytest.raises(ValidationFailed) as failed:
        load_paths(db, [group_member])
    assert "group" in failed.value.problems[0].expected


def test_missing_paths_and_empty_folders_are_problems(db: GraphDB, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationFailed) as failed:
        load_paths(db, [tmp_path / "nope.csv", tmp_path / "empty"])
    assert {(Path(p.file).name, p.expected) for p in failed.value.problems} == {
        ("nope.csv", "an existing file or folder"),
        ("empty", "a folder holding .csv, .xlsx or .json files")}
