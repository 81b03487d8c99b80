"""A fingerprint of a graph: one hash over every node and relationship with its labels and
properties, the same whatever Neo4j's internal ids and the order things are read in.

Each node and relationship is hashed from its canonical line (`stakegraph.backup.stream`: a
relationship's line names its ends by labels and id, not by internal id), and the hashes are
added up modulo 2^128, which no order changes. The counts of nodes and relationships go into
the final hash too. Two graphs have the same fingerprint when they hold the same nodes and
relationships with the same labels, properties and property types.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from stakegraph.backup.stream import Line, stream_lines
from stakegraph.schema.graphdb import GraphDB

FORMAT = "stakegraph-fingerprint/1"
_MODULUS = 1 << 128


@dataclass(frozen=True)
class Fingerprint:
    """A graph's fingerprint and the counts it covers."""

    digest: str
    nodes: int
    relationships: int

    def __str__(self) -> str:
        return f"{self.digest} ({self.nodes:,} nodes, {self.relationships:,} relationships)"


class FingerprintBuilder:
    """Adds lines up into a fingerprint, in any order."""

    def __init__(self) -> None:
        self._sum = 0
        self.nodes = 0
        self.relationships = 0

    def add(self, data: bytes, is_node: bool) -> None:
        """Adds one canonical line (returns nothing)."""
        self._sum += int.from_bytes(hashlib.blake2b(data, digest_size=16).digest(), "big")
        if is_node:
            self.nodes += 1
        else:
            self.relationships += 1

    def result(self) -> Fingerprint:
        """Returns the fingerprint of every line added so far."""
        total = self._sum % _MODULUS
        text = f"{FORMAT} {self.nodes} {self.relationships} {total:032x}"
        return Fingerprint(hashlib.sha256(text.encode("ascii")).hexdigest(), self.nodes,
                           self.relationships)


def fingerprint_lines(lines: Iterable[Line], exclude: Iterable[str] = ()) -> Fingerprint:
    """Returns the fingerprint of ``lines``, leaving out nodes carrying a label of ``exclude``
    and relationships touching them."""
    left_out = frozenset(exclude)
    builder = FingerprintBuilder()
    for line in lines:
        if left_out and left_out.intersection(line.labels):
            continue
        builder.add(line.data, line.type is None)
    return builder.result()


def fingerprint(db: GraphDB, exclude: Iterable[str] = ()) -> Fingerprint:
    """Returns the fingerprint of the graph in ``db`` as it is now (nodes carrying a label of
    ``exclude`` and their relationships left out). Nothing should write meanwhile."""
    with db.session() as session:
        return fingerprint_lines(stream_lines(session), exclude)
