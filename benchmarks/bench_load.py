"""Load benchmark: our batched loader against a naive per-row MERGE loop and Neo4j's own
LOAD CSV, same data, same run.

For each size, the generator writes three copies of one synthetic dataset (same seed, different
id prefixes). Ours loads one copy with ``load_paths``; LOAD CSV (against the local instance)
reads another from the server's import directory; the naive loop sends the third one
auto-commit ``MERGE`` per row through the driver. All write the same nodes and relationships
into the same database. After an untimed warm-up load by each, ours and LOAD CSV load their copy
``--repeat`` times (deleting it in between), alternating which goes first, and their median
times are compared. The naive loop can be slow, so it runs once on a consistent sample (whole
organisation clusters with every row that refers only to them) and stops after a time budget;
its rate is what is compared. Everything written is deleted at the end.

``--custom`` measures what an organisation's declared properties cost instead: the same
dataset loaded as shipped and with five declared stakeholder columns (text, integer, boolean,
date, a term of a declared scheme), alternating, ``--repeat`` times each.

    .venv/bin/python benchmarks/bench_load.py --sizes 10000,100000
    .venv/bin/python benchmarks/bench_load.py --custom --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import neo4j
from bench_support import delete_prefix, server_version
from neo4j import Session
from stakegraph.loaders import load_paths
from stakegraph.loaders.generate import generate
from stakegraph.schema.apply import apply_schema
from stakegraph.schema.combined import Model
from stakegraph.schema.extensions import Extension, parse_declaration
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.model import HIGH_THRESHOLD, Kind, Label, Rel, quadrant

from stakegraph.db import open_graph_db
from stakegraph.settings import get_settings

RESULTS = Path(__file__).resolve().parent / "results"
LOAD_ORDER = (
    "stakeholders", "memberships", "projects", "assessments", "ties",
    "activities", "participation", "activity_links", "observations",
)
TIE_RELS = {"influences": Rel.INFLUENCES, "trusts": Rel.TRUSTS,
            "collaborates_with": Rel.COLLABORATES_WITH, "referred": Rel.REFERRED}
LINKS = {"strategy": (Rel.APPLIED, Label.STRATEGY), "objective": (Rel.PURSUED, Label.OBJECTIVE),
         "outcome": (Rel.CONTRIBUTED_TO, Label.OUTCOME)}


@dataclass
class Result:
    """One size's measurements."""

    stakeholders: int
    ties: int
    rows: int
    ours_seconds: float
    ours_rows_per_s: float
    naive_rows: int
    naive_seconds: float
    naive_rows_per_s: float
    naive_sampled: bool
    ratio: float
    # The LOAD CSV peer (None when the benchmark does not run against the local instance).
    load_csv_seconds: float | None = None
    load_csv_copy_seconds: float | None = None
    load_csv_rows_per_s: float | None = None
    ratio_load_csv: float | None = None
    # The machine is shared: how busy it was when this size finished.
    load_average_1m: float | None = None
    # Every timed round (ours and LOAD CSV alternate which goes first), with the load average
    # at its start; the seconds above are the medians.
    rounds: list[dict[str, float]] = field(default_factory=list)


# ----------------------------------------------------------------------------- the naive loop
def _text(row: dict[str, str], *names: str) -> dict[str, Any]:
    return {n: row[n] for n in names if row.get(n)}


def _bool(value: str) -> bool | None:
    return None if not value else value.lower() in ("true", "yes", "y", "1")


def _naive_row(session: Session, kind: str, row: dict[str, str], kinds: dict[str, str]) -> None:
    """Writes one row with one auto-commit query, the way a hand-written script would."""
    props: dict[str, Any]
    if kind == "stakeholders":
        label = Kind(row["kind"]).label
        props = _text(row, "name", "kind", "sector", "country")
        for flag in ("societal", "seldom_heard"):
            if (value := _bool(row.get(flag, ""))) is not None:
                props[flag] = value
        session.run(f"MERGE (n:{Label.STAKEHOLDER} {{id: $id}}) SET n += $props, n:{label}",
                    id=row["id"], props=props).consume()
    elif kind == "memberships":
        rel = Rel.PART_OF if kinds.get(row["member_id"]) == "organisation" else Rel.MEMBER_OF
        props = _text(row, "role")
        session.run(
            f"MATCH (m:{Label.STAKEHOLDER} {{id: $m}}), (o:{Label.STAKEHOLDER} {{id: $o}}) "
            f"MERGE (m)-[r:{rel}]->(o) SET r += $props, r.since = date($since)",
            m=row["member_id"], o=row["organisation_id"], props=props,
            since=row.get("since") or None,
        ).consume()
    elif kind == "projects":
        session.run(
            f"MERGE (p:{Label.PROJECT} {{id: $id}}) SET p += $props, "
            "p.start_date = date($start), p.next_review = date($review)",
            id=row["id"], props=_text(row, "name", "description", "stage"),
            start=row.get("start_date") or None, review=row.get("next_review") or None,
        ).consume()
    elif kind == "assessments":
        interest, impact = int(row["interest"]), int(row["impact"])
        props = _text(row, "assessor", "method", "category", "attitude")
        props.update(interest=interest, impact=impact, quadrant=quadrant(interest, impact))
        for name in ("influence", "contact_every_days"):
            if row.get(name):
                props[name] = int(row[name])
        rid = "|".join((row["stakeholder_id"], row["project_id"], row["date"], row["assessor"]))
        session.run(
            f"MATCH (s:{Label.STAKEHOLDER} {{id: $s}}), (p:{Label.PROJECT} {{id: $p}}) "
            f"MERGE (s)-[r:{Rel.ASSESSED} {{id: $rid}}]->(p) SET r += $props, r.date = date($d)",
            s=row["stakeholder_id"], p=row["project_id"], rid=rid, props=props, d=row["date"],
        ).consume()
    elif kind == "ties":
        rel = TIE_RELS[row["type"]]
        props = _text(row, "evidence")
        props["weight"] = float(row.get("weight") or 1)
        session.run(
            f"MATCH (a:{Label.STAKEHOLDER} {{id: $a}}), (b:{Label.STAKEHOLDER} {{id: $b}}) "
            f"MERGE (a)-[r:{rel}]->(b) SET r += $props, r.date = date($d)",
            a=row["source_id"], b=row["target_id"], props=props, d=row.get("date") or None,
        ).consume()
    elif kind == "activities":
        props = _text(row, "name", "type", "mode", "stage", "level")
        if row.get("duration_minutes"):
            props["duration_minutes"] = int(row["duration_minutes"])
        session.run(
            f"MERGE (a:{Label.ACTIVITY} {{id: $id}}) SET a += $props, a.date = date($d) "
            f"WITH a MATCH (p:{Label.PROJECT} {{id: $p}}) MERGE (a)-[:{Rel.FOR_PROJECT}]->(p)",
            id=row["id"], props=props, d=row["date"], p=row["project_id"],
        ).consume()
    elif kind == "participation":
        session.run(
            f"MATCH (s:{Label.STAKEHOLDER} {{id: $s}}), (a:{Label.ACTIVITY} {{id: $a}}) "
            f"MERGE (s)-[r:{Rel.PARTICIPATED_IN}]->(a) SET r += $props",
            s=row["stakeholder_id"], a=row["activity_id"], props=_text(row, "role"),
        ).consume()
    elif kind == "activity_links":
        rel, label = LINKS[row["link"]]
        session.run(
            f"MATCH (a:{Label.ACTIVITY} {{id: $a}}), (t:{label} {{id: $t}}) "
            f"MERGE (a)-[:{rel}]->(t)",
            a=row["activity_id"], t=row["target_id"],
        ).consume()
    elif kind == "observations":
        rid = "|".join((row["project_id"], row["outcome_id"], row["date"]))
        session.run(
            f"MATCH (p:{Label.PROJECT} {{id: $p}}), (o:{Label.OUTCOME} {{id: $o}}) "
            f"MERGE (p)-[r:{Rel.OBSERVED} {{id: $rid}}]->(o) "
            "SET r.date = date($d), r.value = $v, r.evidence = $e",
            p=row["project_id"], o=row["outcome_id"], rid=rid, d=row["date"],
            v=float(row["value"]), e=row.get("evidence") or None,
        ).consume()
    else:
        raise ValueError(kind)


def _read(folder: Path, kind: str) -> list[dict[str, str]]:
    with (folder / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _consistent_sample(folder: Path, max_rows: int) -> Iterator[tuple[str, dict[str, str]]]:
    """Yields (kind, row) for a prefix of the dataset that refers to nothing outside itself.

    The generator numbers organisations first and people cluster by cluster, so taking the
    first organisations with their people keeps whole clusters; every other file contributes
    the rows whose references all fall inside the sample.
    """
    data = {kind: _read(folder, kind) for kind in LOAD_ORDER}
    total = sum(len(rows) for rows in data.values())
    share = min(1.0, max_rows / total)
    people = [r for r in data["stakeholders"] if r["kind"] == "person"]
    orgs = [r["id"] for r in data["stakeholders"] if r["kind"] == "organisation"]
    org_of = {r["member_id"]: r["organisation_id"] for r in data["memberships"]
              if r["organisation_id"] in set(orgs)}
    wanted_orgs = set(orgs[: max(1, round(len(orgs) * share))])
    keep = {r["id"] for r in data["stakeholders"] if r["kind"] != "person"
            and (r["kind"] == "group" or r["id"] in wanted_orgs)}
    keep |= {r["id"] for r in people if org_of.get(r["id"]) in wanted_orgs}
    first_activities = data["activities"][: max(1, round(len(data["activities"]) * share))]
    activities = {r["id"] for r in first_activities}
    refs: dict[str, Callable[[dict[str, str]], bool]] = {
        "stakeholders": lambda r: r["id"] in keep,
        "memberships": lambda r: r["member_id"] in keep and r["organisation_id"] in keep,
        "projects": lambda r: True,
        "assessments": lambda r: r["stakeholder_id"] in keep,
        "ties": lambda r: r["source_id"] in keep and r["target_id"] in keep,
        "activities": lambda r: r["id"] in activities,
        "participation": lambda r: r["activity_id"] in activities and r["stakeholder_id"] in keep,
        "activity_links": lambda r: r["activity_id"] in activities,
        "observations": lambda r: True,
    }
    for kind in LOAD_ORDER:
        for row in data[kind]:
            if refs[kind](row):
                yield kind, row


def run_naive(db: GraphDB, folder: Path, max_rows: int,
              max_seconds: float) -> tuple[int, float, bool]:
    """Returns (rows written, seconds, whether it was a sample) for the per-row MERGE loop."""
    rows = list(_consistent_sample(folder, max_rows))
    kinds = {r["id"]: r["kind"] for kind, r in rows if kind == "stakeholders"}
    total_rows = sum(1 for _ in _all_rows(folder))
    done = 0
    start = time.perf_counter()
    with db.session() as session:
        for kind, row in rows:
            _naive_row(session, kind, row, kinds)
            done += 1
            if done % 500 == 0 and time.perf_counter() - start > max_seconds:
                break
    elapsed = time.perf_counter() - start
    return done, elapsed, done < total_rows


def _all_rows(folder: Path) -> Iterator[dict[str, str]]:
    for kind in LOAD_ORDER:
        yield from _read(folder, kind)


# ----------------------------------------------------------------------------- LOAD CSV peer
_BOOL = "CASE WHEN row.{0} IS NULL THEN null ELSE toLower(row.{0}) IN ['true', 'yes', 'y', '1'] END"
_QUADRANT = (
    "CASE WHEN toInteger(row.impact) >= $high "
    "THEN CASE WHEN toInteger(row.interest) >= $high THEN 'q4' ELSE 'q3' END "
    "ELSE CASE WHEN toInteger(row.interest) >= $high THEN 'q2' ELSE 'q1' END END"
)


def _in_tx(body: str, where: str = "") -> str:
    # LOAD CSV turns an empty cell into null, so SET x = row.x leaves an empty cell unset.
    return (f"LOAD CSV WITH HEADERS FROM $url AS row {where} "
            f"CALL (row) {{ {body} }} IN TRANSACTIONS OF $batch ROWS")


def load_csv_statements() -> list[tuple[str, str]]:
    """Returns (file kind, statement) pairs: the hand-written LOAD CSV import of a generated
    folder, the same nodes, relationships and property types as ours, idempotent MERGEs."""
    s, p, a = Label.STAKEHOLDER, Label.PROJECT, Label.ACTIVITY
    statements: list[tuple[str, str]] = []
    for kind in Kind:
        others = ":".join(k.label for k in Kind if k is not kind)
        statements.append(("stakeholders", _in_tx(
            f"MERGE (n:{s} {{id: row.id}}) "
            "SET n.name = row.name, n.kind = row.kind, n.sector = row.sector, "
            f"n.country = row.country, n.societal = {_BOOL.format('societal')}, "
            f"n.seldom_heard = {_BOOL.format('seldom_heard')}, n:{kind.label} REMOVE n:{others}",
            f"WITH row WHERE row.kind = '{kind.value}'")))
    for rel, member_kinds in ((Rel.MEMBER_OF, "['person', 'group']"),
                              (Rel.PART_OF, "['organisation']")):
        statements.append(("memberships", _in_tx(
            f"MATCH (m:{s} {{id: row.member_id}}) WHERE m.kind IN {member_kinds} "
            f"MATCH (o:{s} {{id: row.organisation_id}}) "
            f"MERGE (m)-[r:{rel}]->(o) SET r.role = row.role, r.since = date(row.since)")))
    statements.append(("projects", _in_tx(
        f"MERGE (n:{p} {{id: row.id}}) SET n.name = row.name, n.description = row.description, "
        "n.stage = row.stage, n.start_date = date(row.start_date), "
        "n.next_review = date(row.next_review)")))
    statements.append(("assessments", _in_tx(
        f"MATCH (x:{s} {{id: row.stakeholder_id}}) MATCH (q:{p} {{id: row.project_id}}) "
        f"MERGE (x)-[r:{Rel.ASSESSED} {{id: row.stakeholder_id + '|' + row.project_id + '|' + "
        "row.date + '|' + row.assessor}]->(q) "
        "SET r.date = date(row.date), r.assessor = row.assessor, r.method = row.method, "
        "r.category = row.category, r.interest = toInteger(row.interest), "
        "r.impact = toInteger(row.impact), r.influence = toInteger(row.influence), "
        "r.attitude = row.attitude, r.contact_every_days = toInteger(row.contact_every_days), "
        f"r.quadrant = {_QUADRANT}")))
    for word, rel in TIE_RELS.items():
        statements.append(("ties", _in_tx(
            f"MATCH (x:{s} {{id: row.source_id}}) MATCH (y:{s} {{id: row.target_id}}) "
            f"MERGE (x)-[r:{rel}]->(y) SET r.weight = coalesce(toFloat(row.weight), 1.0), "
            "r.date = date(row.date), r.evidence = row.evidence",
            f"WITH row WHERE row.type = '{word}'")))
    statements.append(("activities", _in_tx(
        f"MERGE (n:{a} {{id: row.id}}) SET n.name = row.name, n.type = row.type, "
        "n.date = date(row.date), n.mode = row.mode, "
        "n.duration_minutes = toInteger(row.duration_minutes), n.stage = row.stage, "
        f"n.level = row.level WITH n, row MATCH (q:{p} {{id: row.project_id}}) "
        f"MERGE (n)-[:{Rel.FOR_PROJECT}]->(q)")))
    statements.append(("participation", _in_tx(
        f"MATCH (x:{s} {{id: row.stakeholder_id}}) MATCH (y:{a} {{id: row.activity_id}}) "
        f"MERGE (x)-[r:{Rel.PARTICIPATED_IN}]->(y) SET r.role = row.role")))
    for word, (rel, label) in LINKS.items():
        statements.append(("activity_links", _in_tx(
            f"MATCH (x:{a} {{id: row.activity_id}}) MATCH (y:{label} {{id: row.target_id}}) "
            f"MERGE (x)-[:{rel}]->(y)",
            f"WITH row WHERE row.link = '{word}'")))
    statements.append(("observations", _in_tx(
        f"MATCH (x:{p} {{id: row.project_id}}) MATCH (y:{Label.OUTCOME} {{id: row.outcome_id}}) "
        f"MERGE (x)-[r:{Rel.OBSERVED} {{id: row.project_id + '|' + row.outcome_id + '|' + "
        "row.date}]->(y) SET r.date = date(row.date), r.value = toFloat(row.value), "
        "r.evidence = row.evidence")))
    return statements


def run_load_csv(db: GraphDB, folder: Path, import_dir: Path,
                 batch_size: int) -> tuple[float, float]:
    """Returns (seconds to copy the files into the import directory, seconds of the LOAD CSV
    statements) for one generated folder; the copies are removed afterwards."""
    start = time.perf_counter()
    target = import_dir / folder.name
    shutil.copytree(folder, target, dirs_exist_ok=True)
    copy_seconds = time.perf_counter() - start
    try:
        start = time.perf_counter()
        with db.session() as session:
            for kind, statement in load_csv_statements():
                # IN TRANSACTIONS needs an auto-commit query: session.run, not a managed one.
                session.run(statement, url=f"file:///{folder.name}/{kind}.csv",
                            batch=batch_size, high=HIGH_THRESHOLD).consume()
        return copy_seconds, time.perf_counter() - start
    finally:
        shutil.rmtree(target, ignore_errors=True)


# ----------------------------------------------------------------------------- bookkeeping
def cleanup(db: GraphDB, prefix: str) -> int:
    """Returns how many nodes it deleted whose id starts with ``prefix`` (in batches)."""
    return delete_prefix(db, prefix, (Label.STAKEHOLDER, Label.PROJECT,
                                                     Label.ACTIVITY))


def _installed(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def machine(db: GraphDB) -> dict[str, Any]:
    """Returns what the figures depend on: CPUs, Python, Neo4j version, edition and memory."""
    name, server, edition = server_version(db)
    settings = get_settings()
    memory = ({"heap": settings.heap, "pagecache": settings.pagecache}
              if settings.uses_local_neo4j else "remote server")
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "neo4j": f"{name} {server} {edition}",
        "neo4j_driver": neo4j.__version__,
        "neo4j_rust_ext": _installed("neo4j-rust-ext"),
        "neo4j_memory": memory,
        # The machine may be shared: the load average says how busy it was when measured.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "batch_size": settings.batch_size,
    }


def _round(db: GraphDB, folders: dict[str, Path], prefixes: dict[str, str],
           import_dir: Path | None, batch_size: int, ours_first: bool) -> dict[str, float]:
    """Returns the seconds of ours and of LOAD CSV (and its copy) loading the same data, after
    which both are deleted again; the load average at the start of each is kept too."""
    timed: dict[str, float] = {}

    def ours() -> None:
        timed["ours_load_average_1m"] = round(os.getloadavg()[0], 2)
        start = time.perf_counter()
        load_paths(db, [folders["ours"]], batch_size=batch_size)
        timed["ours_seconds"] = round(time.perf_counter() - start, 2)

    def peer() -> None:
        if import_dir is None:
            return
        timed["load_csv_load_average_1m"] = round(os.getloadavg()[0], 2)
        copy_seconds, csv_seconds = run_load_csv(db, folders["load_csv"],
                                                 import_dir, batch_size)
        timed["load_csv_seconds"] = round(csv_seconds, 2)
        timed["load_csv_copy_seconds"] = round(copy_seconds, 2)

    try:
        for contender in ((ours, peer) if ours_first else (peer, ours)):
            contender()
    finally:
        for name in ("ours", "load_csv"):
            if name in prefixes:
                cleanup(db, prefixes[name])
    return timed


def warm_up(db: GraphDB, workdir: Path, import_dir: Path | None) -> None:
    """Loads a small dataset with ours, LOAD CSV and the naive loop, untimed, then deletes it,
    so that the first timed contender does not pay alone for the server's query planning and
    JIT warm-up."""
    prefixes = {"ours": "bench-warm-ours-", "naive": "bench-warm-naive-",
                "load_csv": "bench-warm-loadcsv-"}
    folders = {name: workdir / f"warm-{name}" for name in prefixes}
    for name, prefix in prefixes.items():
        generate(1000, 1, folders[name], id_prefix=prefix)
    try:
        _round(db, folders, prefixes, import_dir, get_settings().batch_size, True)
        run_naive(db, folders["naive"], 500, 10.0)
    finally:
        for prefix in prefixes.values():
            cleanup(db, prefix)


def bench_size(db: GraphDB, size: int, seed: int, ties: int, workdir: Path,
               naive_rows: int, naive_seconds: float, import_dir: Path | None,
               repeat: int = 1) -> Result:
    """Returns the measurements for one dataset size, leaving nothing behind in the graph.

    ``import_dir``: the local instance's import directory, for the LOAD CSV peer (None: skip it).
    Ours and LOAD CSV load the same data ``repeat`` times, alternating which goes first; their
    median seconds are compared.
    """
    prefixes = {"ours": f"bench-ours-{size}-", "naive": f"bench-naive-{size}-",
                "load_csv": f"bench-loadcsv-{size}-"}
    if import_dir is None:
        del prefixes["load_csv"]
    for prefix in prefixes.values():
        cleanup(db, prefix)
    folders = {name: workdir / f"{name}-{size}" for name in prefixes}
    counts = None
    for name, prefix in prefixes.items():
        counts = generate(size, seed, folders[name], ties_per_stakeholder=ties, id_prefix=prefix)
    assert counts is not None
    batch_size = get_settings().batch_size
    rounds: list[dict[str, float]] = []
    try:
        for n in range(repeat):
            rounds.append(_round(db, folders, prefixes, import_dir, batch_size,
                                 ours_first=n % 2 == 0))
        done, naive_elapsed, sampled = run_naive(db, folders["naive"], naive_rows,
                                                 naive_seconds)
    finally:
        for prefix in prefixes.values():
            cleanup(db, prefix)
    ours_seconds = statistics.median(r["ours_seconds"] for r in rounds)
    ours_rate = counts.rows / ours_seconds
    naive_rate = done / naive_elapsed if naive_elapsed else 0.0
    result = Result(
        stakeholders=size, ties=counts.ties, rows=counts.rows,
        ours_seconds=round(ours_seconds, 2), ours_rows_per_s=round(ours_rate),
        naive_rows=done, naive_seconds=round(naive_elapsed, 2),
        naive_rows_per_s=round(naive_rate), naive_sampled=sampled,
        ratio=round(ours_rate / naive_rate, 1) if naive_rate else float("inf"),
        rounds=rounds,
    )
    if import_dir is not None:
        csv_seconds = statistics.median(r["load_csv_seconds"] for r in rounds)
        csv_rate = counts.rows / csv_seconds
        result.load_csv_copy_seconds = round(
            statistics.median(r["load_csv_copy_seconds"] for r in rounds), 2)
        result.load_csv_seconds = round(csv_seconds, 2)
        result.load_csv_rows_per_s = round(csv_rate)
        result.ratio_load_csv = round(ours_rate / csv_rate, 2)
    result.load_average_1m = round(os.getloadavg()[0], 2)
    return result


# Five declared stakeholder properties, one of each kind of value a register adds.
CUSTOM = parse_declaration({
    "properties": {"stakeholder": {
        "trust_code": {"type": "text"},
        "staff": {"type": "integer", "minimum": 0},
        "priority": {"type": "boolean"},
        "first_contact": {"type": "date"},
        "district": {"type": "term", "scheme": "district"},
    }},
    "schemes": {"district": {"title": "Districts", "terms": [
        {"code": f"d{i}", "label": f"District {i}"} for i in range(20)]}},
})


def with_custom_columns(folder: Path, out: Path) -> None:
    """Copies a generated dataset, giving every stakeholder row values of the five declared
    columns (deterministic, all valid)."""
    shutil.copytree(folder, out)
    path = out / "stakeholders.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[0] += ["trust_code", "staff", "priority", "first_contact", "district"]
    for n, row in enumerate(rows[1:]):
        row += [f"T{n % 977:03d}", str(n % 400), "yes" if n % 3 else "no",
                f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}", f"District {n % 20}"]
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def bench_custom(db: GraphDB, size: int, seed: int, ties: int, workdir: Path,
                 repeat: int) -> dict[str, Any]:
    """Returns the medians of loading one dataset as shipped and with five declared
    stakeholder columns (the model passed to the loader), alternating which goes first."""
    prefix = f"bench-custom-{size}-"
    plain, custom = workdir / f"plain-{size}", workdir / f"custom-{size}"
    counts = generate(size, seed, plain, ties_per_stakeholder=ties, id_prefix=prefix)
    with_custom_columns(plain, custom)
    model = Model.extended(CUSTOM, 1)
    timed: dict[str, list[float]] = {"plain": [], "custom": []}
    try:
        for n in range(repeat):
            order = (("plain", plain, None), ("custom", custom, model))
            for name, folder, chosen in order if n % 2 == 0 else order[::-1]:
                cleanup(db, prefix)
                start = time.perf_counter()
                load_paths(db, [folder], model=chosen or Model.extended(Extension(), 0))
                timed[name].append(time.perf_counter() - start)
    finally:
        cleanup(db, prefix)
    plain_s, custom_s = (statistics.median(timed[k]) for k in ("plain", "custom"))
    return {"stakeholders": size, "rows": counts.rows,
            "plain_seconds": round(plain_s, 2), "custom_seconds": round(custom_s, 2),
            "plain_rows_per_s": round(counts.rows / plain_s),
            "custom_rows_per_s": round(counts.rows / custom_s),
            "rate_ratio": round(plain_s / custom_s, 3), "rounds": timed,
            "load_average_1m": round(os.getloadavg()[0], 2)}


def print_table(results: list[Result]) -> None:
    """Prints the side-by-side table."""
    head = (f"{'stakeholders':>12} {'rows':>9} {'ours s':>8} {'ours rows/s':>12} "
            f"{'naive rows':>11} {'naive s':>8} {'naive rows/s':>13} {'ours/naive':>10} "
            f"{'LOAD CSV s':>10} {'LOAD CSV rows/s':>15} {'ours/LOAD CSV':>13} {'load':>5}")
    print(head)
    print("-" * len(head))
    for r in results:
        mark = "*" if r.naive_sampled else " "
        peer = (f"{r.load_csv_seconds:>10.1f} {r.load_csv_rows_per_s:>15,} "
                f"{r.ratio_load_csv:>12.2f}x" if r.load_csv_rows_per_s is not None
                else f"{'-':>10} {'-':>15} {'-':>13}")
        print(f"{r.stakeholders:>12,} {r.rows:>9,} {r.ours_seconds:>8.1f} "
              f"{r.ours_rows_per_s:>12,} {r.naive_rows:>10,}{mark} {r.naive_seconds:>8.1f} "
              f"{r.naive_rows_per_s:>13,} {r.ratio:>9.1f}x {peer} {r.load_average_1m:>5.2f}")
    if any(r.naive_sampled for r in results):
        print("* naive loop measured on a consistent sample of the same dataset (whole "
              "organisation clusters and every row referring only to them), time-boxed; "
              "its rate is compared.")
    print("ours s and LOAD CSV s: medians of the rounds; load: 1-minute load average when the "
          "size finished.")


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark and returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="stakeholder counts, comma separated")
    parser.add_argument("--ties", type=int, default=5, help="ties per stakeholder")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--naive-rows", type=int, default=20_000,
                        help="at most this many rows for the naive loop (a consistent sample)")
    parser.add_argument("--naive-seconds", type=float, default=120.0,
                        help="stop the naive loop after this long")
    parser.add_argument("--no-load-csv", action="store_true",
                        help="skip the LOAD CSV peer (it always is against a remote server)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed rounds of ours and LOAD CSV per size (medians compared)")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="skip the untimed small load that warms the server up first")
    parser.add_argument("--no-write", action="store_true", help="do not write the JSON result")
    parser.add_argument("--custom", action="store_true",
                        help="compare loading with five declared stakeholder columns instead")
    args = parser.parse_args(argv)
    # The driver logs every server notification (e.g. unknown property keys) as a warning.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    settings = get_settings()
    db = open_graph_db(settings)
    workdir = Path(tempfile.mkdtemp(prefix="stakegraph-bench-"))
    # LOAD CSV reads files on the server: only the local instance's import directory is ours.
    import_dir = (settings.local_home / "import"
                  if settings.uses_local_neo4j and not args.no_load_csv else None)
    if import_dir is None and not args.no_load_csv:
        print("NEO4J_URI is set: the LOAD CSV peer runs only against the local instance; "
              "skipped.", flush=True)
    try:
        apply_schema(db)
        info = machine(db)
        if args.custom:
            return _custom_main(db, args, sizes, workdir, info)
        if not args.no_warm_up:
            print("warming up: 1,000 stakeholders by each contender, untimed ...", flush=True)
            warm_up(db, workdir, import_dir)
        results = []
        for size in sizes:
            print(f"size {size:,}: generating, loading (ours, LOAD CSV) x{args.repeat}, "
                  "naive loop ...", flush=True)
            results.append(bench_size(db, size, args.seed, args.ties, workdir,
                                      args.naive_rows, args.naive_seconds, import_dir,
                                      args.repeat))
            for n, r in enumerate(results[-1].rounds, start=1):
                peer = (f", LOAD CSV {r['load_csv_seconds']:.2f} s "
                        f"(load {r['load_csv_load_average_1m']:.2f})"
                        if "load_csv_seconds" in r else "")
                print(f"  round {n}: ours {r['ours_seconds']:.2f} s "
                      f"(load {r['ours_load_average_1m']:.2f}){peer}", flush=True)
        print()
        print_table(results)
        if len(results) > 1:
            first, last = results[0], results[-1]
            print(f"ours, rows/s at {last.stakeholders:,} vs {first.stakeholders:,}: "
                  f"{last.ours_rows_per_s / first.ours_rows_per_s:.2f}")
        if not args.no_write:
            RESULTS.mkdir(parents=True, exist_ok=True)
            today = date.today().isoformat()
            out = RESULTS / f"bench_load-{today}.json"
            out.write_text(json.dumps({
                "benchmark": "bench_load",
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": info,
                "seed": args.seed,
                "ties_per_stakeholder": args.ties,
                "rounds": args.repeat,
                "warm_up": not args.no_warm_up,
                "compared": "median seconds of ours and of LOAD CSV over the rounds, which "
                            "alternate which contender goes first",
                "naive": {"max_rows": args.naive_rows, "max_seconds": args.naive_seconds,
                          "method": "one auto-commit MERGE per row through the driver"},
                "load_csv": None if import_dir is None else {
                    "method": "server-side LOAD CSV WITH HEADERS from file:/// URLs in the "
                              "import directory, CALL { MERGE ... } IN TRANSACTIONS OF "
                              "batch_size ROWS, one statement per file (per label/type where "
                              "the file mixes them); seconds exclude copying the files",
                },
                "results": [asdict(r) for r in results],
            }, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {out}")
    finally:
        db.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _custom_main(db: GraphDB, args: argparse.Namespace, sizes: list[int], workdir: Path,
                 info: dict[str, Any]) -> int:
    rows = []
    # An untimed small round first, so that neither side pays for the server's warm-up.
    bench_custom(db, 1000, 1, args.ties, workdir / "warm", 1)
    for size in sizes:
        print(f"size {size:,}: loading as shipped and with 5 declared columns "
              f"x{args.repeat} ...", flush=True)
        rows.append(bench_custom(db, size, args.seed, args.ties, workdir, args.repeat))
    print(f"{'stakeholders':>12} {'rows':>9} {'shipped s':>9} {'declared s':>10} "
          f"{'shipped rows/s':>14} {'declared rows/s':>15} {'rate ratio':>10} {'load':>5}")
    for r in rows:
        print(f"{r['stakeholders']:>12,} {r['rows']:>9,} {r['plain_seconds']:>9.2f} "
              f"{r['custom_seconds']:>10.2f} {r['plain_rows_per_s']:>14,} "
              f"{r['custom_rows_per_s']:>15,} {r['rate_ratio']:>9.3f}x "
              f"{r['load_average_1m']:>5.2f}")
    print("rate ratio: declared rate / shipped rate (medians; 1.0 = no cost).")
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"bench_load_custom-{date.today().isoformat()}.json"
        out.write_text(json.dumps({
            "benchmark": "bench_load --custom",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": info, "seed": args.seed, "ties_per_stakeholder": args.ties,
            "rounds": args.repeat, "declared": CUSTOM.document(), "results": rows,
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
