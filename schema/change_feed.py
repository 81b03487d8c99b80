"""The change feed: every mutation, load batch and erasure records what it changed, in its own
transaction, as numbered ``Change`` nodes; API workers follow the feed to serve subscriptions.

The numbers come from one ``ChangeFeed`` counter that each recording transaction increments. The
increment write-locks the counter until commit, so numbers are given out in commit order: when a
reader sees change n, every change before n is committed and visible too. That serialises the
recording step of concurrent writers, which is the price of an exact order. Every writer (API
mutation, load batch, erasure) records last, just before its commit, so the counter is held for
that step alone and writers do not wait for each other's whole transactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stakegraph.schema.model import Label

# Records $events (maps of entity, op, ids, projects, fields, via, actor), numbered on from the
# counter; returns the numbers given.
RECORD = (
    f"MERGE (f:{Label.CHANGE_FEED} {{id: 'feed'}}) ON CREATE SET f.last = 0 "
    "SET f.last = f.last + size($events) "
    "WITH f.last - size($events) AS base "
    "UNWIND range(0, size($events) - 1) AS i "
    f"CREATE (c:{Label.CHANGE}) SET c = $events[i], c.seq = base + i + 1, "
    "c.id = toString(base + i + 1), c.at = toString(datetime()) "
    "RETURN collect(c.seq) AS seqs"
)
# The changes after $after, in order, at most $limit.
AFTER = (
    f"MATCH (c:{Label.CHANGE}) WHERE c.seq > $after "
    "RETURN c.seq AS seq, c.at AS at, c.entity AS entity, c.op AS op, c.ids AS ids, "
    "coalesce(c.projects, []) AS projects, coalesce(c.fields, []) AS fields, c.via AS via, "
    "c.actor AS actor ORDER BY c.seq LIMIT $limit"
)
# The last number given out (0 when nothing was ever recorded).
LAST = f"OPTIONAL MATCH (f:{Label.CHANGE_FEED} {{id: 'feed'}}) RETURN coalesce(f.last, 0) AS last"
# Deletes changes recorded before $before (an ISO date-time), at most $limit at a time.
PRUNE = (
    f"MATCH (c:{Label.CHANGE}) WHERE c.at < $before WITH c LIMIT $limit "
    "DETACH DELETE c RETURN count(*) AS pruned"
)

OPS = ("created", "updated", "deleted", "loaded")


def change(entity: str, op: str, ids: Iterable[str], *, projects: Iterable[str] = (),
           fields: Iterable[str] = (), via: str = "api", actor: str | None = None
           ) -> dict[str, Any]:
    """Returns one change to record: ``entity`` is the loader table of what changed
    (``stakeholders``, ``ties``...), ``op`` one of OPS."""
    if op not in OPS:
        raise ValueError(f"unknown change op {op!r}")
    return {"entity": entity, "op": op, "ids": sorted(set(ids)),
            "projects": sorted(set(projects)), "fields": sorted(set(fields)), "via": via,
            "actor": actor}
