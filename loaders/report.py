"""What a load did (or, in a dry run, would do): counts per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Counts:
    """Created, updated and unchanged items (nodes or relationships)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Returns the number of items looked at."""
        return self.created + self.updated + self.unchanged

    def add(self, other: Counts) -> None:
        """Adds ``other`` into these counts."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged

    def as_dict(self) -> dict[str, int]:
        """Returns the counts as a JSON-ready dict."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class TableReport:
    """One table (file/sheet) of the load: rows read, nodes and relationships written."""

    table: str
    rows: int = 0
    nodes: Counts = field(default_factory=Counts)
    relationships: Counts = field(default_factory=Counts)

    def as_dict(self) -> dict[str, Any]:
        """Returns the report of this table as a JSON-ready dict."""
        return {
            "rows": self.rows,
            "nodes": self.nodes.as_dict(),
            "relationships": self.relationships.as_dict(),
        }


@dataclass
class LoadReport:
    """The outcome of `load_paths`: per table counts, in load order, and whether it was a dry
    run."""

    dry_run: bool
    tables: dict[str, TableReport] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def table(self, name: str) -> TableReport:
        """Returns (creating if needed) the report of one table."""
        if name not in self.tables:
            self.tables[name] = TableReport(name)
        return self.tables[name]

    @property
    def rows_read(self) -> int:
        """Returns the number of data rows read over all files."""
        return sum(k.rows for k in self.tables.values())

    @property
    def nodes(self) -> Counts:
        """Returns the node counts summed over all tables."""
        total = Counts()
        for k in self.tables.values():
            total.add(k.nodes)
        return total

    @property
    def relationships(self) -> Counts:
        """Returns the relationship counts summed over all tables."""
        total = Counts()
        for k in self.tables.values():
            total.add(k.relationships)
        return total

    @property
    def changed(self) -> bool:
        """Returns whether anything was (or would be) created or updated."""
        n, r = self.nodes, self.relationships
        return bool(n.created or n.updated or r.created or r.updated)

    def as_dict(self) -> dict[str, Any]:
        """Returns the whole report as a JSON-ready dict."""
        return {
            "dry_run": self.dry_run,
            "files": self.files,
            "rows_read": self.rows_read,
            "tables": {name: t.as_dict() for name, t in self.tables.items()},
            "totals": {
                "nodes": self.nodes.as_dict(),
                "relationships": self.relationships.as_dict(),
            },
        }
