"""The export formats (kept apart so the CLI can list them without loading the writers)."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """The export formats."""

    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"
    JSON = "json"
    KUMU = "kumu"
