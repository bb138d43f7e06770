"""Compact geometry encoding: quantised, delta-encoded, and decodable back within 1e-6°."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from shapely.geometry.base import BaseGeometry

from ninohe_geo.maps.encoding import CODES, SCALE, decode_coords, encode_coords, encode_geometry

CASTLE = (141.303333, 40.267222)
STATION = (141.285639, 40.259861)
JOBOJI = (141.1559111, 40.1835917)
OUTER = [(141.14, 40.175), (141.17, 40.175), (141.17, 40.195), (141.14, 40.195), (141.14, 40.175)]
HOLE = [(141.15, 40.18), (141.15, 40.19), (141.16, 40.19), (141.16, 40.18), (141.15, 40.18)]


def _close(decoded: list[tuple[float, float]], geom: BaseGeometry) -> None:
    expected = shapely.get_coordinates(geom)
    assert np.allclose(np.asarray(decoded), expected, rtol=0, atol=1e-6)


def decode_geometry(encoded: list[Any]) -> BaseGeometry:
    """A test-side decoder: the inverse of encode_geometry, like ninohe-map.js."""
    code, parts = encoded

    def ring(flat: list[int]) -> list[tuple[float, float]]:
        return decode_coords(flat)

    def polygon(rings: list[list[int]]) -> Polygon:
        return Polygon(ring(rings[0]), [ring(r) for r in rings[1:]])

    if code == 0:
        return Point(ring(parts)[0])
    if code == 1:
        return LineString(ring(parts))
    if code == 2:
        return polygon(parts)
    if code == 3:
        return MultiPoint([ring(p)[0] for p in parts])
    if code == 4:
        return MultiLineString([ring(p) for p in parts])
    if code == 5:
        return MultiPolygon([polygon(p) for p in parts])
    raise AssertionError(f"unknown code {code}")


GEOMETRIES = [
    Point(CASTLE),
    LineString([STATION, CASTLE, JOBOJI]),
    Polygon(OUTER),
    Polygon(OUTER, [HOLE]),
    MultiPoint([CASTLE, STATION]),
    MultiLineString([[STATION, CASTLE], [CASTLE, JOBOJI, STATION]]),
    MultiPolygon([Polygon(OUTER, [HOLE]), Polygon([(x + 0.1, y) for x, y in OUTER])]),
    Point(-73.985656, -40.748433),  # negative values and the western/southern hemispheres
]


@pytest.mark.parametrize("geom", GEOMETRIES, ids=lambda g: g.geom_type)
def test_round_trip_within_1e_6(geom: BaseGeometry) -> None:
    encoded = encode_geometry(geom)
    assert encoded[0] == CODES[geom.geom_type]
    decoded = decode_geometry(encoded)
    assert decoded.geom_type == geom.geom_type
    assert decoded.equals_exact(geom, tolerance=1e-6)
    _close(
        [tuple(c) for c in shapely.get_coordinates(decoded)],
        geom,
    )


def test_delta_encoding_shape() -> None:
    flat = encode_coords(np.array([STATION, CASTLE, JOBOJI]))
    assert len(flat) == 6
    assert all(isinstance(v, int) for v in flat)
    # the first pair is absolute, the next ones are differences
    assert flat[:2] == [141285639, 40259861]
    assert flat[2:4] == [141303333 - 141285639, 40267222 - 40259861]
    assert flat[4:6] == [141155911 - 141303333, 40183592 - 40267222]
    _close(decode_coords(flat), LineString([STATION, CASTLE, JOBOJI]))


def test_point_is_one_absolute_pair() -> None:
    assert encode_geometry(Point(CASTLE)) == [0, [141303333, 40267222]]


def test_polygon_parts_are_rings() -> None:
    code, rings = encode_geometry(Polygon(OUTER, [HOLE]))
    assert code == 2
    assert [len(r) for r in rings] == [10, 10]  # 5 closed-ring points × 2


def test_multipolygon_parts_are_polygons() -> None:
    code, polys = encode_geometry(MultiPolygon([Polygon(OUTER, [HOLE]), Polygon(OUTER)]))
    assert code == 5
    assert [len(p) for p in polys] == [2, 1]


def test_z_is_dropped() -> None:
    flat = encode_coords(np.array([(141.3, 40.2, 123.0)]))
    assert flat == [141300000, 40200000]


def test_quantisation_is_1e_6() -> None:
    assert SCALE == 1_000_000
    flat = encode_coords(np.array([(141.30333349, 40.26722251)]))
    assert flat == [141303333, 40267223]


def test_unsupported_geometry_type() -> None:
    with pytest.raises(ValueError, match="GeometryCollection"):
        encode_geometry(GeometryCollection([Point(CASTLE)]))
