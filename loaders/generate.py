"""A synthetic stakeholder dataset in the loader's CSV formats, for tests and benchmarks.

The network is shaped like the real ones the demo describes: people cluster inside organisations
(whose sizes are heavy-tailed), ties inside an organisation grow by preferential attachment (so a
few people collect most ties), and a small set of brokers hold the ties between organisations.
Everything is drawn from one ``random.Random(seed)``, so a seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path

from stakegraph.schema.errors import StakegraphError
from stakegraph.schema.model import HIGH_THRESHOLD
from stakegraph.schema.vocabulary import scheme

# Column orders follow loaders/README.md.
STAKEHOLDER_COLUMNS = ("id", "name", "kind", "sector", "societal", "seldom_heard", "country")
MEMBERSHIP_COLUMNS = ("member_id", "organisation_id", "role", "since")
PROJECT_COLUMNS = ("id", "name", "description", "stage", "start_date", "next_review")
ASSESSMENT_COLUMNS = (
    "stakeholder_id", "project_id", "date", "assessor", "method", "category",
    "interest", "impact", "influence", "attitude", "contact_every_days",
)
TIE_COLUMNS = ("source_id", "target_id", "type", "weight", "date", "evidence")
ACTIVITY_COLUMNS = (
    "id", "project_id", "name", "type", "date", "mode", "duration_minutes", "stage", "level",
)
PARTICIPATION_COLUMNS = ("activity_id", "stakeholder_id", "role")
LINK_COLUMNS = ("activity_id", "link", "target_id")
OBSERVATION_COLUMNS = ("project_id", "outcome_id", "date", "value", "evidence")

# The mix of tie types: influence and collaboration dominate; snowball referrals are rarer.
TIE_TYPE_WEIGHTS = (
    ("influences", 35),
    ("collaborates_with", 35),
    ("trusts", 20),
    ("referred", 10),
)
TIE_EVIDENCE = (
    "named in stakeholder interview",
    "co-signed a service plan",
    "snowball question: who influences you?",
    "shared steering group",
    "referral recorded in engagement log",
    "joint funding bid",
)
START = date(2024, 1, 1)
SPAN_DAYS = 900
PEOPLE_PER_ORGANISATION = 40
PEOPLE_PER_GROUP = 200
BROKER_SHARE = 0.01
BROKER_TIE_SHARE = 0.05
STAKEHOLDERS_PER_PROJECT = 2000
STAKEHOLDERS_PER_ACTIVITY = 25
ASSESSED_SHARE = 0.25
ASSESSMENT_DATES = (date(2025, 3, 1), date(2026, 3, 1))
ORGANISATION_SECTORS = (
    "care_provider", "commissioner", "charity", "local_government", "industry", "university",
    "funder",
)


@dataclass(frozen=True)
class GeneratedCounts:
    """How many rows each generated file holds."""

    stakeholders: int
    organisations: int
    groups: int
    persons: int
    memberships: int
    projects: int
    assessments: int
    ties: int
    activities: int
    participation: int
    activity_links: int
    observations: int

    @property
    def rows(self) -> int:
        """Returns the number of data rows over all files."""
        per_file = ("stakeholders", "memberships", "projects", "assessments", "ties",
                    "activities", "participation", "activity_links", "observations")
        return sum(int(getattr(self, name)) for name in per_file)

    def as_dict(self) -> dict[str, int]:
        """Returns the counts by name."""
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class _Vocab:
    sectors: tuple[str, ...]
    societal_sector: str
    categories: tuple[str, ...]
    stages: tuple[str, ...]
    levels: tuple[str, ...]
    activity_types: tuple[str, ...]
    modes: tuple[str, ...]
    attitudes: tuple[str, ...]
    strategies: tuple[str, ...]
    outcomes: tuple[str, ...]
    objectives: tuple[str, ...]


def _vocab() -> _Vocab:
    return _Vocab(
        sectors=tuple(c for c in scheme("sector").codes if c in ORGANISATION_SECTORS)
        or scheme("sector").codes,
        societal_sector=next((c for c in scheme("sector").codes if "patient" in c), "other"),
        categories=scheme("nine_cs").codes,
        stages=scheme("lifecycle_stage").codes,
        levels=scheme("spectrum_level").codes,
        activity_types=scheme("activity_type").codes,
        modes=scheme("engagement_mode").codes,
        attitudes=scheme("attitude").codes,
        strategies=tuple(t.id for t in scheme("eric").terms),
        outcomes=tuple(t.id for t in scheme("proctor_outcome").terms),
        objectives=tuple(t.id for t in scheme("istem_objective").terms),
    )


def _day(rng: random.Random) -> str:
    return (START + timedelta(days=rng.randrange(SPAN_DAYS))).isoformat()


def _cluster_sizes(rng: random.Random, people: int, clusters: int) -> list[int]:
    """Splits ``people`` over ``clusters`` with Pareto-like (heavy-tailed) sizes, each >= 1."""
    weights = [rng.paretovariate(1.6) for _ in range(clusters)]
    total = sum(weights)
    sizes = [max(1, int(people * w / total)) for w in weights]
    # Fix rounding so the sizes add up exactly, taking from or giving to the largest.
    diff = people - sum(sizes)
    biggest = max(range(clusters), key=sizes.__getitem__)
    sizes[biggest] += diff
    if sizes[biggest] < 1:
        raise StakegraphError("too few people for the number of organisations")
    return sizes


class _Ties:
    """Tie rows with (type, source, target) identity; collaboration is stored one way only."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.keys: set[tuple[str, int, int]] = set()
        self.rows: list[tuple[int, int, str]] = []
        self.types = tuple(word for word, _ in TIE_TYPE_WEIGHTS)
        self.cum = list(itertools.accumulate(weight for _, weight in TIE_TYPE_WEIGHTS))

    def add(self, source: int, target: int) -> bool:
        if source == target:
            return False
        tie_type = self.rng.choices(self.types, cum_weights=self.cum)[0]
        key_source, key_target = source, target
        if tie_type == "collaborates_with" and source > target:
            key_source, key_target = target, source
        key = (tie_type, key_source, key_target)
        if key in self.keys:
            return False
        self.keys.add(key)
        self.rows.append((key_source, key_target, tie_type))
        return True


def _grow_cluster(
    ties: _Ties, members: Sequence[int], per_member: int, budget: int, pool: list[int]
) -> int:
    """Adds preferential-attachment ties inside one cluster; returns how many it added.

    ``pool`` lists each member once per tie end plus once for itself, so a uniform pick from it
    is a pick proportional to degree + 1; it is left filled for later top-ups.
    """
    rng = ties.rng
    pool.append(members[0])
    added = 0
    for position in range(1, len(members)):
        node = members[position]
        wanted = min(per_member, position)
        for _ in range(wanted * 3):
            if wanted == 0 or added >= budget:
                break
            target = pool[rng.randrange(len(pool))]
            if ties.add(node, target):
                pool.append(target)
                pool.append(node)
                added += 1
                wanted -= 1
        pool.append(node)
    return added


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def generate(
    n_stakeholders: int,
    seed: int,
    outdir: Path,
    ties_per_stakeholder: int = 5,
    id_prefix: str = "gen-",
) -> GeneratedCounts:
    """Returns the row counts after writing a synthetic dataset of ``n_stakeholders`` to
    ``outdir`` (one CSV per table); the same arguments give byte-identical files."""
    if n_stakeholders < 20:
        raise StakegraphError("n_stakeholders must be at least 20")
    if ties_per_stakeholder < 1:
        raise StakegraphError("ties_per_stakeholder must be at least 1")
    rng = random.Random(seed)
    vocab = _vocab()
    outdir.mkdir(parents=True, exist_ok=True)
    p = id_prefix

    n_orgs = max(2, n_stakeholders // PEOPLE_PER_ORGANISATION)
    n_groups = max(1, n_stakeholders // PEOPLE_PER_GROUP)
    n_people = n_stakeholders - n_orgs - n_groups
    # Stakeholder numbering: organisations, then groups, then people cluster by cluster, so a
    # prefix of the stakeholder file holds whole clusters (the benchmark samples that way).
    org_index = list(range(n_orgs))
    group_index = list(range(n_orgs, n_orgs + n_groups))
    sizes = _cluster_sizes(rng, n_people, n_orgs)
    clusters: list[list[int]] = []
    next_person = n_orgs + n_groups
    for size in sizes:
        clusters.append(list(range(next_person, next_person + size)))
        next_person += size

    def sid(index: int) -> str:
        return f"{p}s{index:07d}"

    # Organisations head their own cluster; groups draw from all of them.
    cluster_of = [i % n_orgs for i in range(n_stakeholders)]
    for c, members in enumerate(clusters):
        for m in members:
            cluster_of[m] = c
    org_sector = [vocab.sectors[rng.randrange(len(vocab.sectors))] for _ in org_index]

    def stakeholder_rows() -> Iterable[tuple[object, ...]]:
        for o in org_index:
            yield (sid(o), f"Organisation {o + 1}", "organisation", org_sector[o], "", "", "GB")
        for g in group_index:
            yield (sid(g), f"Group {g - n_orgs + 1}", "group", vocab.societal_sector, "true",
                   "true" if g % 3 == 0 else "false", "GB")
        for c, members in enumerate(clusters):
            for m in members:
                seldom = rng.random() < 0.03
                yield (sid(m), f"Person {m + 1}", "person", org_sector[c], "",
                       "true" if seldom else "", "GB")

    counts: dict[str, int] = {}
    counts["stakeholders"] = _write(outdir / "stakeholders.csv", STAKEHOLDER_COLUMNS,
                                    stakeholder_rows())

    def membership_rows() -> Iterable[tuple[object, ...]]:
        for o in org_index:
            parent = (o // 10) * 10
            if parent != o:
                yield (sid(o), sid(parent), "", "")
        for c, members in enumerate(clusters):
            for m in members:
                role = "lead" if m == members[0] else "staff"
                yield (sid(m), sid(c), role, _day(rng))
                if rng.random() < 0.1:
                    g = group_index[rng.randrange(n_groups)]
                    yield (sid(m), sid(g), "member", "")

    counts["memberships"] = _write(outdir / "memberships.csv", MEMBERSHIP_COLUMNS,
                                   membership_rows())

    ties = _Ties(rng)
    total_ties = n_stakeholders * ties_per_stakeholder
    pools: list[list[int]] = [[] for _ in clusters]
    broker_budget = int(total_ties * BROKER_TIE_SHARE)
    cluster_budget = total_ties - broker_budget - n_orgs // 2
    for c, members in enumerate(clusters):
        share = round(cluster_budget * len(members) / n_people)
        _grow_cluster(ties, members, ties_per_stakeholder, share, pools[c])
    # Organisations collaborate with a few peers of their own.
    for _ in range(n_orgs // 2):
        ties.add(rng.randrange(n_orgs), rng.randrange(n_orgs))
    lead_brokers = [clusters[c][0] for c in range(0, n_orgs, 4)]
    brokers = sorted(set(lead_brokers) | {rng.randrange(n_orgs + n_groups, n_stakeholders)
                                          for _ in range(max(2, int(n_people * BROKER_SHARE)))})
    # Brokers hold the ties between clusters.
    placed = 0
    for _ in range(broker_budget * 4):
        if placed >= broker_budget or len(ties.rows) >= total_ties:
            break
        source = brokers[rng.randrange(len(brokers))]
        target = rng.randrange(n_orgs + n_groups, n_stakeholders)
        if cluster_of[target] != cluster_of[source] and ties.add(source, target):
            placed += 1
    # Whatever is still missing (small clusters cannot take their share) grows by
    # preferential attachment in clusters picked by size.
    cum_sizes = list(itertools.accumulate(sizes))
    attempts = 0
    while len(ties.rows) < total_ties:
        attempts += 1
        if attempts > total_ties * 20:
            raise StakegraphError(
                f"cannot place {total_ties} distinct ties among {n_stakeholders} stakeholders"
            )
        c = rng.choices(range(n_orgs), cum_weights=cum_sizes)[0]
        pool = pools[c]
        source = clusters[c][rng.randrange(len(clusters[c]))]
        target = pool[rng.randrange(len(pool))]
        if ties.add(source, target):
            pool.append(source)
            pool.append(target)

    counts["ties"] = _write(
        outdir / "ties.csv",
        TIE_COLUMNS,
        (
            (sid(s), sid(t), tie_type, f"{rng.uniform(0.5, 5.0):.1f}", _day(rng),
             TIE_EVIDENCE[rng.randrange(len(TIE_EVIDENCE))])
            for s, t, tie_type in ties.rows
        ),
    )

    n_projects = max(2, n_stakeholders // STAKEHOLDERS_PER_PROJECT)
    project_ids = [f"{p}project{j:04d}" for j in range(n_projects)]
    counts["projects"] = _write(
        outdir / "projects.csv",
        PROJECT_COLUMNS,
        (
            (pid, f"Programme {j + 1}", "Synthetic implementation programme",
             vocab.stages[j % len(vocab.stages)], _day(rng), "2026-12-01")
            for j, pid in enumerate(project_ids)
        ),
    )

    def assessment_rows() -> Iterable[tuple[object, ...]]:
        for s in range(n_stakeholders):
            if rng.random() >= ASSESSED_SHARE:
                continue
            project = project_ids[cluster_of[s] % n_projects]
            interest, impact = rng.randint(1, 10), rng.randint(1, 10)
            category = vocab.categories[rng.randrange(len(vocab.categories))]
            for when in ASSESSMENT_DATES:
                yield (sid(s), project, when.isoformat(), "synthetic", "desk review", category,
                       interest, impact, rng.randint(1, 10),
                       vocab.attitudes[rng.randrange(len(vocab.attitudes))],
                       (30, 60, 90)[rng.randrange(3)])
                # Between the two dates about a third move (often across the high threshold).
                if rng.random() < 0.33:
                    interest = min(10, max(1, interest + rng.choice((-4, -3, 3, 4))))
                    impact = min(10, max(1, impact + rng.choice((-1, 0, 1))))
                    if impact == HIGH_THRESHOLD - 1:
                        impact = HIGH_THRESHOLD

    counts["assessments"] = _write(outdir / "assessments.csv", ASSESSMENT_COLUMNS,
                                   assessment_rows())

    n_activities = max(len(vocab.stages) * len(vocab.levels),
                       n_stakeholders // STAKEHOLDERS_PER_ACTIVITY)
    activity_ids = [f"{p}activity{a:06d}" for a in range(n_activities)]
    activity_project = [project_ids[rng.randrange(n_projects)] for _ in activity_ids]
    counts["activities"] = _write(
        outdir / "activities.csv",
        ACTIVITY_COLUMNS,
        (
            (aid, activity_project[a], f"Activity {a + 1}",
             vocab.activity_types[rng.randrange(len(vocab.activity_types))], _day(rng),
             vocab.modes[rng.randrange(len(vocab.modes))], (30, 60, 90, 120)[rng.randrange(4)],
             vocab.stages[a % len(vocab.stages)],
             vocab.levels[(a // len(vocab.stages)) % len(vocab.levels)])
            for a, aid in enumerate(activity_ids)
        ),
    )

    broker_set = set(brokers)

    def participation_rows() -> Iterable[tuple[object, ...]]:
        for aid in activity_ids:
            # Activities draw from one cluster mostly, plus its brokers: as meetings do.
            members = clusters[rng.randrange(n_orgs)]
            wanted = min(len(members), rng.randint(2, 8))
            chosen = set(rng.sample(members, wanted))
            chosen.add(brokers[rng.randrange(len(brokers))])
            for s in sorted(chosen):
                yield (aid, sid(s), "facilitator" if s in broker_set else "participant")

    counts["participation"] = _write(outdir / "participation.csv", PARTICIPATION_COLUMNS,
                                     participation_rows())

    def link_rows() -> Iterable[tuple[object, ...]]:
        for aid in activity_ids:
            yield (aid, "strategy", vocab.strategies[rng.randrange(len(vocab.strategies))])
            if rng.random() < 0.5:
                yield (aid, "objective", vocab.objectives[rng.randrange(len(vocab.objectives))])
            if rng.random() < 0.3:
                yield (aid, "outcome", vocab.outcomes[rng.randrange(len(vocab.outcomes))])

    counts["activity_links"] = _write(outdir / "activity_links.csv", LINK_COLUMNS, link_rows())

    def observation_rows() -> Iterable[tuple[object, ...]]:
        for pid in project_ids:
            for outcome in rng.sample(vocab.outcomes, 3):
                value = rng.uniform(0.05, 0.4)
                for quarter in range(4):
                    when = date(2025, 1 + 3 * quarter, 1).isoformat()
                    yield (pid, outcome, when, f"{value:.2f}", "quarterly survey")
                    value = min(1.0, value + rng.uniform(0.0, 0.15))

    counts["observations"] = _write(outdir / "observations.csv", OBSERVATION_COLUMNS,
                                    observation_rows())
    return GeneratedCounts(
        organisations=n_orgs,
        groups=n_groups,
        persons=n_people,
        **counts,
    )
