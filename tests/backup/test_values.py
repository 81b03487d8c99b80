"""Typed values: what the driver reads from the real Neo4j comes back, through JSON, as the same
Neo4j value (type, zone or offset, precision)."""

from __future__ import annotations

import math

import orjson
import pytest
from neo4j import Driver

from stakegraph.backup.values import UnsupportedValue, decode, decode_props, encode, encode_props

# Scalars by their Cypher; lists apart (toString does not take a list).
SCALARS = {
    "date": "date('2026-01-02')",
    "offset_z": "datetime('2026-01-02T10:11:12.123456789Z')",
    "offset": "datetime('2026-01-02T10:11:12-03:30')",
    "zoned": "datetime('2026-07-02T10:11:12.5[Europe/London]')",
    "zone_utc": "datetime('2026-07-02T10:11:12[UTC]')",
    "local": "localdatetime('2026-01-02T10:11:12.000000001')",
    "time": "time('10:11:12.5+02:00')",
    "time_negative": "time('10:11:12-03:30')",
    "localtime": "localtime('10:11:12')",
    "duration": "duration('P1Y2M3DT4H5M6.7S')",
    "cartesian": "point({x: 1.5, y: -2.5})",
    "cartesian3": "point({x: 1.0, y: 2.0, z: 3.0})",
    "wgs": "point({longitude: 1.0, latitude: 2.0})",
    "wgs3": "point({longitude: 1.0, latitude: 2.0, height: 3.0})",
    "float": "1.0", "int": "1", "neg_zero": "-0.0", "inf": "1.0 / 0.0",
    "yes": "true", "text": "'text \"with\" quotes'",
}
LISTS = {"floats": "[1.0, 2.5]", "dates": "[date('2020-01-01'), date('2020-01-02')]",
         "empty": "[]"}


def test_every_value_comes_back_as_the_same_neo4j_value(driver: Driver, database: str) -> None:
    every = {**SCALARS, **LISTS}
    query = "RETURN " + ", ".join(f"{cypher} AS {name}" for name, cypher in every.items())
    values = driver.execute_query(query, database_=database)[0][0].data()
    offsets = ["offset_z"]  # what the backup's queries find for a datetime at offset Z
    encoded = encode_props(values, offsets)
    back = decode_props(orjson.loads(orjson.dumps(encoded)))
    assert encode_props(back, offsets) == encoded
    for key in ("date", "local", "time", "duration", "cartesian", "wgs3", "dates", "floats"):
        assert back[key] == values[key], key
        assert type(back[key]) is type(values[key]), key
    assert type(back["float"]) is float and type(back["int"]) is int
    assert math.copysign(1.0, back["neg_zero"]) == -1.0
    # Sent back to Neo4j, each scalar reads as the same text as the original: offsets and
    # zones kept apart, nanoseconds kept.
    text = "RETURN " + ", ".join(f"toString({cypher}) AS {name}"
                                 for name, cypher in SCALARS.items())
    original = driver.execute_query(text, database_=database)[0][0].data()
    shown = driver.execute_query(
        "UNWIND keys($v) AS k RETURN k, toString($v[k]) AS text",
        v={k: back[k] for k in SCALARS}, database_=database)[0]
    assert {r["k"]: r["text"] for r in shown} == original
    assert original["offset_z"].endswith("Z") and original["zone_utc"].endswith("Z[UTC]")


def test_nan_and_bytes_survive() -> None:
    nan = decode(orjson.loads(orjson.dumps(encode(float("nan")))))
    assert math.isnan(nan)
    assert decode(encode(bytearray(b"\x00\xff"))) == bytearray(b"\x00\xff")
    assert decode(encode([1, 2])) == [1, 2]


@pytest.mark.parametrize("data", [
    {"$date": "not a date"}, {"$nope": 1}, {"a": 1}, {"$duration": [1, 2]}, None,
    {"$point": [1, 0.0, 0.0]},
])
def test_data_no_encoder_writes_is_refused_in_one_line(data: object) -> None:
    with pytest.raises(UnsupportedValue) as refused:
        decode(data)
    assert "\n" not in str(refused.value)


def test_a_value_of_an_unknown_type_is_refused() -> None:
    with pytest.raises(UnsupportedValue, match="cannot be kept"):
        encode(object())
