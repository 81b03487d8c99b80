"""Property values as JSON that keeps their Neo4j type, and back.

Strings, integers, booleans and finite floats are themselves (JSON keeps ``1`` and ``1.0``
apart). Every other type is an object with one ``$``-key naming it (a property value is never a
map in Neo4j, so such an object cannot be data): ``{"$date": "2026-01-02"}``, ``{"$datetime":
"2026-07-02T10:11:12.500000000", "offset": 3600, "zone": "Europe/London"}`` (wall time, offset
in seconds, zone if any), ``{"$duration": [months, days, seconds, nanoseconds]}``,
``{"$point": [srid, x, y]}``, ``{"$float": "nan"}``... Lists are lists of encoded values.
`decode` gives back the driver's own types, which it sends to Neo4j as the same Neo4j types.

One ambiguity of the driver is settled with the server's help: it reads a datetime at offset
``Z`` and one in the zone ``UTC`` as the same value, and would write both back as the zone.
The queries that read properties also return the keys whose value is at offset ``Z``
(``utc_offset_keys``), so those come back as offsets.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pytz
from neo4j.spatial import CartesianPoint, Point, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from stakegraph.schema.errors import StakegraphError

# The srid of each kind of point Neo4j stores, and the driver's class for it.
_POINTS: dict[int, type[Point]] = {
    7203: CartesianPoint, 9157: CartesianPoint, 4326: WGS84Point, 4979: WGS84Point,
}
_PLAIN = (str, int, bool)

# The Cypher expression listing the keys of ``n`` whose value is a datetime at offset Z (see
# the module docstring); ``{var}`` is the node or relationship variable.
UTC_OFFSET_KEYS = ("[k IN keys({var}) WHERE {var}[k] IS :: ZONED DATETIME "
                   "AND toString({var}[k]) ENDS WITH 'Z']")


class UnsupportedValue(StakegraphError):
    """A property value of a type this version does not know how to keep."""


def encode(value: Any, utc_offset: bool = False) -> Any:
    """Returns ``value`` (as the driver gives it) as JSON-ready data that keeps its type;
    ``utc_offset``: a UTC datetime is stored at offset Z rather than in the zone UTC."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if kind is list:
        return [encode(item, utc_offset) for item in value]
    if kind is Date:
        return {"$date": value.iso_format()}
    if kind is DateTime:
        return _encode_datetime(value, utc_offset)
    if kind is Time:
        if value.tzinfo is None:
            return {"$localtime": value.iso_format()}
        return {"$time": value.replace(tzinfo=None).iso_format(),
                "offset": _offset_seconds(value.utcoffset())}
    if kind is Duration:
        return {"$duration": [value.months, value.days, value.seconds, value.nanoseconds]}
    if isinstance(value, Point):
        return {"$point": [value.srid, *(float(c) for c in value)]}
    if isinstance(value, bytes | bytearray):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    raise UnsupportedValue(f"a property value of type {kind.__name__} cannot be kept (expected "
                           "a string, number, boolean, temporal value, point or byte array)")


def _offset_seconds(offset: dt.timedelta | None) -> int:
    if offset is None:
        raise UnsupportedValue("a zoned temporal value without an offset cannot be kept")
    return int(offset.total_seconds())


def _encode_datetime(value: DateTime, utc_offset: bool) -> dict[str, Any]:
    tz = value.tzinfo
    if tz is None:
        return {"$localdatetime": value.iso_format()}
    # Wall time and offset apart: the driver's own text gets negative part-hour offsets wrong
    # (-03:30 comes out as -04:30).
    out: dict[str, Any] = {"$datetime": value.replace(tzinfo=None).iso_format(),
                           "offset": _offset_seconds(value.utcoffset())}
    zone = getattr(tz, "zone", None)
    if isinstance(zone, str) and zone and not (utc_offset and zone == "UTC"):
        out["zone"] = zone
    return out


def encode_props(props: Mapping[str, Any], utc_offset_keys: Iterable[str] = ()) -> dict[str, Any]:
    """Returns a property map with every value encoded (see `encode`)."""
    offsets = frozenset(utc_offset_keys)
    if offsets:
        return {k: encode(v, k in offsets) for k, v in props.items()}
    return {k: encode(v) for k, v in props.items()}


def decode(data: Any) -> Any:
    """Returns the driver value that `encode` made ``data`` from; raises `UnsupportedValue`
    for data no encoder writes."""
    if isinstance(data, str | int | float):
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if isinstance(data, dict) and "$date" in data and len(data) == 1:
        return _date(data["$date"])
    tags = [k for k in data if k.startswith("$")] if isinstance(data, dict) else []
    if len(tags) == 1:
        tag = tags[0]
        try:
            return _decode_tagged(tag, data[tag], data)
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise UnsupportedValue(f"a stored value {data!r} does not read as {tag[1:]}: "
                                   f"{exc}") from None
    raise UnsupportedValue(f"a stored value {data!r} is not one stakegraph writes "
                           "(expected a string, number, boolean, list or a $-tagged object)")


@functools.lru_cache(maxsize=65_536)
def _date(text: str) -> Date:
    # Dates repeat across a graph (a tie's, an assessment's, an activity's): parsing each once
    # saves most of a restore's decoding. A Date is immutable, so sharing one is safe.
    try:
        return Date.from_iso_format(text)
    except (TypeError, ValueError) as exc:
        raise UnsupportedValue(f"a stored value {text!r} does not read as date: {exc}") from None


def _decode_tagged(tag: str, raw: Any, data: Mapping[str, Any]) -> Any:
    if tag == "$float" and raw in ("nan", "inf", "-inf"):
        return float(raw)
    if tag == "$date":
        return Date.from_iso_format(raw)
    if tag == "$localdatetime":
        return DateTime.from_iso_format(raw)
    if tag == "$datetime":
        return _decode_datetime(raw, int(data["offset"]), data.get("zone"))
    if tag == "$time":
        return Time.from_iso_format(raw).replace(tzinfo=_TimeOffset(int(data["offset"])))
    if tag == "$localtime":
        return Time.from_iso_format(raw)
    if tag == "$duration" and isinstance(raw, list) and len(raw) == 4:
        months, days, seconds, nanoseconds = (int(x) for x in raw)
        return Duration(months=months, days=days, seconds=seconds, nanoseconds=nanoseconds)
    if tag == "$point" and isinstance(raw, list) and len(raw) in (3, 4):
        return _POINTS[int(raw[0])](tuple(float(c) for c in raw[1:]))
    if tag == "$bytes":
        return bytearray(base64.b64decode(raw, validate=True))
    raise ValueError("unknown tag")


def _fixed(seconds: int) -> dt.timezone:
    # A standard-library offset, not pytz's: pytz's offset 0 *is* its UTC zone, which the
    # driver would send as the zone rather than the offset.
    return dt.timezone(dt.timedelta(seconds=seconds))


class _TimeOffset(dt.tzinfo):
    """A fixed offset for a time of day: the driver asks a time's zone for its offset with the
    time itself, which the standard library's offsets refuse."""

    def __init__(self, seconds: int) -> None:
        self._offset = dt.timedelta(seconds=seconds)

    def utcoffset(self, _: object) -> dt.timedelta:
        return self._offset

    def dst(self, _: object) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, _: object) -> str:
        return f"UTC{self._offset}"


def _decode_datetime(wall: str, offset: int, zone: str | None) -> DateTime:
    fixed = DateTime.from_iso_format(wall).replace(tzinfo=_fixed(offset))
    if zone is None:
        return fixed
    return fixed.astimezone(pytz.timezone(zone))


def decode_props(data: Mapping[str, Any]) -> dict[str, Any]:
    """Returns a property map of driver values from its encoded form."""
    return {k: decode(v) for k, v in data.items()}
