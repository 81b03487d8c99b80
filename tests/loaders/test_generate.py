"""The synthetic generator: deterministic, the promised size and shape, loadable, and its CLI."""

from __future__ import annotations

import csv
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from neo4j import Driver
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import GeneratedCounts, generate
from stakegraph.schema.errors import StakegraphError
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import TIE_TYPES, Label

FILES = (
    "stakeholders.csv", "memberships.csv", "projects.csv", "assessments.csv", "ties.csv",
    "activities.csv", "participation.csv", "activity_links.csv", "observations.csv",
)


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    generate(300, 7, tmp_path / "a")
    generate(300, 7, tmp_path / "b")
    generate(300, 8, tmp_path / "c")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(FILES)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    differing = [n for n in FILES if _bytes(tmp_path / "a")[n] != _bytes(tmp_path / "c")[n]]
    assert "ties.csv" in differing and "assessments.csv" in differing


def test_the_id_prefix_is_applied_to_every_generated_id(tmp_path: Path) -> None:
    generate(100, 1, tmp_path, id_prefix="zz9-")
    for row in _rows(tmp_path, "ties.csv"):
        assert row["source_id"].startswith("zz9-") and row["target_id"].startswith("zz9-")
    for name in ("stakeholders.csv", "projects.csv", "activities.csv"):
        assert all(r["id"].startswith("zz9-") for r in _rows(tmp_path, name))


@pytest.fixture(scope="module")
def shaped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GeneratedCounts]:
    folder = tmp_path_factory.mktemp("gen2000")
    return folder, generate(2000, 3, folder, ties_per_stakeholder=5)


def test_counts_match_the_files_and_the_tie_count_is_exact(
    shaped: tuple[Path, GeneratedCounts],
) -> None:
    folder, counts = shaped
    assert counts.stakeholders == 2000
    assert counts.ties == 2000 * 5
    assert counts.organisations + counts.groups + counts.persons == 2000
    for name in FILES:
        assert len(_rows(folder, name)) == counts.as_dict()[name.removesuffix(".csv")], name
    assert counts.rows == sum(len(_rows(folder, n)) for n in FILES)


def test_ties_are_distinct_and_never_self_ties(shaped: tuple[Path, GeneratedCounts]) -> None:
    folder, _ = shaped
    ties = _rows(folder, "ties.csv")
    keys = [(t["type"], t["source_id"], t["target_id"]) for t in ties]
    assert len(set(keys)) == len(keys)
    assert all(t["source_id"] != t["target_id"] for t in ties)
    # Collaboration is undirected: a pair is stored one way only.
    pairs = [frozenset((s, t)) for kind, s, t in keys if kind == "collaborates_with"]
    assert len(set(pairs)) == len(pairs)
    assert {t["type"] for t in ties} == {r.value.lower() for r in TIE_TYPES}


def test_degree_is_heavy_tailed(shaped: tuple[Path, GeneratedCounts]) -> None:
    folder, counts = shaped
    degree: Counter[str] = Counter()
    for t in _rows(folder, "ties.csv"):
        degree[t["source_id"]] += 1
        degree[t["target_id"]] += 1
    mean = 2 * counts.ties / counts.stakeholders
    ranked = sorted(degree.values(), reverse=True)
    assert ranked[0] > 5 * mean
    # The top 1% of stakeholders hold far more than 1% of the tie ends.
    top = ranked[: counts.stakeholders // 100]
    assert sum(top) > 0.04 * sum(ranked)


def test_organisations_are_clusters_joined_by_a_few_brokers(
    shaped: tuple[Path, GeneratedCounts],
) -> None:
    folder, counts = shaped
    kind = {r["id"]: r["kind"] for r in _rows(folder, "stakeholders.csv")}
    org_of: dict[str, str] = {}
    for m in _rows(folder, "memberships.csv"):
        if kind[m["member_id"]] == "person" and kind[m["organisation_id"]] == "organisation":
            assert m["member_id"] not in org_of, "a person belongs to one organisation"
            org_of[m["member_id"]] = m["organisation_id"]
    assert len(org_of) == counts.persons
    assert len(set(org_of.values())) == counts.organisations
    between = [t for t in _rows(folder, "ties.csv")
               if t["source_id"] in org_of and t["target_id"] in org_of
               and org_of[t["source_id"]] != org_of[t["target_id"]]]
    person_ties = [t for t in _rows(folder, "ties.csv")
                   if t["source_id"] in org_of and t["target_id"] in org_of]
    assert 0.01 < len(between) / len(person_ties) < 0.2
    brokers = {t["source_id"] for t in between}
    assert 2 <= len(brokers) < counts.persons * 0.1


def test_too_small_a_dataset_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StakegraphError, match="at least 20"):
        generate(5, 1, tmp_path)


def test_a_generated_dataset_loads_cleanly(db: GraphDB,
    tmp_path: Path, driver: Driver, database: str, scratch: str
) -> None:
    counts = generate(300, 11, tmp_path, id_prefix=scratch)
    load_paths(db, [tmp_path])
    records = driver.execute_query(
        f"""
        MATCH (s:{Label.STAKEHOLDER}) WHERE s.id STARTS WITH $prefix
        WITH count(s) AS stakeholders
        MATCH (a:{Label.STAKEHOLDER})-[r]->(b:{Label.STAKEHOLDER})
        WHERE a.id STARTS WITH $prefix AND type(r) IN $ties
        RETURN stakeholders, count(r) AS ties
        """,
        prefix=scratch,
        ties=[str(t) for t in TIE_TYPES],
        database_=database,
    ).records
    assert records[0]["stakeholders"] == counts.stakeholders
    assert records[0]["ties"] == counts.ties
    activities = driver.execute_query(
        f"MATCH (a:{Label.ACTIVITY})-->(p:{Label.PROJECT}) WHERE a.id STARTS WITH $prefix "
        "RETURN count(a) AS n",
        prefix=scratch,
        database_=database,
    ).records[0]["n"]
    assert activities == counts.activities


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["stakegraph", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_cli_generate_writes_the_same_files_as_the_library(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    out = _cli(cli_env, "generate", "--stakeholders", "150", "--seed", "5",
               "--ties-per-stakeholder", "3", "--id-prefix", "cli-", str(tmp_path / "cli"))
    assert out.returncode == 0, out.stderr
    assert "ties" in out.stdout and "450" in out.stdout
    generate(150, 5, tmp_path / "lib", ties_per_stakeholder=3, id_prefix="cli-")
    assert _bytes(tmp_path / "cli") == _bytes(tmp_path / "lib")


def test_cli_generate_reports_a_bad_size_in_one_line(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    out = _cli(cli_env, "generate", "--stakeholders", "3", "--seed", "1", str(tmp_path))
    assert out.returncode == 1
    assert "at least 20" in out.stderr and "Traceback" not in out.stderr
