"""Rate limits per caller, shared by every worker process of a host.

A caller is its API key or token subject, or its address when it sends no credential; each role
has its own limit (``STAKEGRAPH_API_RATE_<ROLE>``, e.g. ``600/min``), a token bucket that holds up
to the limit's count and refills evenly over its period. Uvicorn's workers are separate
processes, so the buckets live in a small file mapped into every worker's memory (in the
host's shared state directory): one fixed table of slots, split into stripes, each stripe
guarded by an ``fcntl`` lock on its byte range. A check is a few microseconds (one lock, a
search of 32 slots in C, one write) and needs no service beside the API. When a stripe is full,
the caller seen longest ago gives up its slot: it comes back with a full bucket, which is what
an idle caller would have anyway.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from stakegraph.api.auth import Principal
from stakegraph.api.errors import ApiError, ErrorCode

from stakegraph.settings import RateLimit, Settings, parse_rate

# One slot: the caller's 16-byte digest, the tokens left, when they were counted (epoch s).
_SLOT = struct.Struct("<16sdd")
SLOTS_PER_STRIPE = 32
STRIPES = 256
_STRIPE_BYTES = _SLOT.size * SLOTS_PER_STRIPE
TABLE_BYTES = _STRIPE_BYTES * STRIPES
_EMPTY = bytes(16)
TABLE_FILE = "rate-limits.slots"


class RateLimited(ApiError):
    """The caller has used up its requests for now; ``retry_after`` says in how many seconds
    the next one is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            ErrorCode.RATE_LIMITED,
            f"too many requests: try again in {retry_after} s", retryAfter=retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Decision:
    """A check's outcome: allowed or not, and (refused) the seconds until the next token."""

    allowed: bool
    retry_after: int = 0


class SlotTable:
    """The token buckets of all callers, in a file every worker of the host maps."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        # Growing the file is harmless when another worker does it at the same time: both
        # extend it to the same size with zeros (empty slots).
        if os.fstat(self._fd).st_size < TABLE_BYTES:
            os.ftruncate(self._fd, TABLE_BYTES)
        self._map = mmap.mmap(self._fd, TABLE_BYTES)

    def close(self) -> None:
        """Unmaps and closes the table (returns nothing)."""
        self._map.close()
        os.close(self._fd)

    def take(self, digest: bytes, limit: RateLimit, now: float) -> Decision:
        """Returns whether the caller of ``digest`` may make one more request now, taking a
        token from its bucket when it may."""
        stripe = int.from_bytes(digest[:4], "little") % STRIPES
        start = stripe * _STRIPE_BYTES
        fcntl.lockf(self._fd, fcntl.LOCK_EX, _STRIPE_BYTES, start)
        try:
            offset = self._find(digest, start)
            capacity = float(limit.requests)
            if offset is None:
                offset = self._free_slot(start)
                tokens = capacity
            else:
                _, tokens, stamp = _SLOT.unpack_from(self._map, offset)
                # A clock that went back (or a table from before a reboot) refills nothing.
                tokens = min(capacity, tokens + max(0.0, now - stamp) * limit.per_second)
            if tokens >= 1.0:
                _SLOT.pack_into(self._map, offset, digest, tokens - 1.0, now)
                return Decision(True)
            _SLOT.pack_into(self._map, offset, digest, tokens, now)
            return Decision(False, max(1, math.ceil((1.0 - tokens) / limit.per_second)))
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, _STRIPE_BYTES, start)

    def _find(self, digest: bytes, start: int) -> int | None:
        end = start + _STRIPE_BYTES
        at = self._map.find(digest, start, end)
        while at >= 0:
            if (at - start) % _SLOT.size == 0:
                return at
            at = self._map.find(digest, at + 1, end)
        return None

    def _free_slot(self, start: int) -> int:
        oldest, oldest_stamp = start, math.inf
        for offset in range(start, start + _STRIPE_BYTES, _SLOT.size):
            key, _, stamp = _SLOT.unpack_from(self._map, offset)
            if key == _EMPTY:
                return offset
            if stamp < oldest_stamp:
                oldest, oldest_stamp = offset, stamp
        return oldest


def caller_key(principal: Principal, address: str | None) -> tuple[str, str]:
    """Returns the role whose limit applies and who the caller is: its key or token subject,
    or its address when it has no valid credential."""
    if principal.role is None:
        return "anonymous", f"address:{address or '-'}"
    return principal.role.value, principal.subject


class RateLimiter:
    """The per-role limits of the settings over the host's shared table."""

    def __init__(self, settings: Settings, state_dir: Path) -> None:
        self.limits: dict[str, RateLimit | None] = {
            "anonymous": parse_rate(settings.api_rate_anonymous),
            "reader": parse_rate(settings.api_rate_reader),
            "editor": parse_rate(settings.api_rate_editor),
            "admin": parse_rate(settings.api_rate_admin),
        }
        self.table: SlotTable | None = None
        if any(self.limits.values()):
            self.table = SlotTable(state_dir / TABLE_FILE)

    @property
    def active(self) -> bool:
        """Returns True when any role is limited."""
        return self.table is not None

    def check(self, principal: Principal, address: str | None) -> None:
        """Returns nothing when the caller may go on; raises RateLimited otherwise."""
        if self.table is None:
            return
        role, who = caller_key(principal, address)
        limit = self.limits[role]
        if limit is None:
            return
        # The role is part of the key: a caller whose role changed starts a bucket of its own.
        digest = hashlib.blake2b(f"{role}\0{who}".encode(), digest_size=16).digest()
        decision = self.table.take(digest, limit, time.time())
        if not decision.allowed:
            raise RateLimited(decision.retry_after)

    def close(self) -> None:
        """Releases the table (returns nothing)."""
        if self.table is not None:
            self.table.close()
            self.table = None
