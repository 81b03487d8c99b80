"""Maven's transfer lines read as progress: which file is being fetched, how much has arrived."""

from __future__ import annotations

import re
from dataclasses import dataclass

# What the first build fetches into an empty ~/.m2 (Neo4j, Browser, APOC, OpenGDS, Maven's own
# plugins), measured into an empty local repository (1,251 files, 180.0 MB): the denominator of
# "how far". Later builds fetch little or nothing.
EXPECTED_FIRST_FETCH_BYTES = 180_000_000

# Maven 3.8 prefixes them with "[INFO] "; colour codes may precede that.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_STARTED = re.compile(r"^(?:\[INFO\] )?Downloading from [^:]+: (?P<url>\S+)")
_FINISHED = re.compile(
    r"^(?:\[INFO\] )?Downloaded from [^:]+: (?P<url>\S+) "
    r"\((?P<size>[\d.,]+) (?P<unit>B|kB|KB|MB|GB) at"
)
_UNITS = {"B": 1, "kB": 1_000, "KB": 1_024, "MB": 1_000_000, "GB": 1_000_000_000}


@dataclass
class FetchProgress:
    """How far Maven's downloads are: files and bytes finished, and the file in flight."""

    files: int = 0
    bytes: int = 0
    current: str = ""

    def read(self, line: str) -> bool:
        """Returns True when ``line`` (one line of Maven's batch-mode output) moved the progress
        on: a download started or finished."""
        text = _ANSI.sub("", line).strip()
        started = _STARTED.match(text)
        if started:
            self.current = _file_name(started.group("url"))
            return True
        finished = _FINISHED.match(text)
        if finished:
            self.files += 1
            size = float(finished.group("size").replace(",", ""))
            self.bytes += int(size * _UNITS[finished.group("unit")])
            return True
        return False

    @property
    def share(self) -> float:
        """Returns the share of the expected first fetch that has arrived (at most 1)."""
        return min(1.0, self.bytes / EXPECTED_FIRST_FETCH_BYTES)


def _file_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]
