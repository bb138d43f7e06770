"""Compact geometry encoding for the browser.

Plain ``folium.GeoJson`` ships every coordinate as a 17-digit float and every property of every
feature. The map needs neither: coordinates are quantised to 1e-6° (about 0.1 m, finer than any
source we have), delta-encoded along each ring as integers, and the features travel as column
arrays holding only what the map draws (id, name, pillar, accuracy flag). ``ninohe-map.js``
decodes them. Details are shown beside the map by the app, from the full table.

Geometry codes: 0 Point, 1 LineString, 2 Polygon, 3 MultiPoint, 4 MultiLineString,
5 MultiPolygon.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

SCALE = 1_000_000
CODES = {
    "Point": 0,
    "LineString": 1,
    "Polygon": 2,
    "MultiPoint": 3,
    "MultiLineString": 4,
    "MultiPolygon": 5,
}


def encode_coords(coords: np.ndarray) -> list[int]:
    """Quantise and delta-encode an (n, 2+) array as a flat list [dx0, dy0, dx1, dy1, …]."""
    q = np.rint(np.asarray(coords)[:, :2] * SCALE).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    out: list[int] = deltas.ravel().tolist()
    return out


def _polygon(poly: Any) -> list[list[int]]:
    rings = [poly.exterior, *poly.interiors]
    return [encode_coords(shapely.get_coordinates(r)) for r in rings]


def encode_geometry(geom: BaseGeometry) -> list[Any]:
    """``[code, parts]`` for one geometry (see the module docstring)."""
    kind = geom.geom_type
    if kind in ("Point", "LineString"):
        return [CODES[kind], encode_coords(shapely.get_coordinates(geom))]
    if kind == "Polygon":
        return [2, _polygon(geom)]
    if kind in ("MultiPoint", "MultiLineString"):
        return [CODES[kind], [encode_coords(shapely.get_coordinates(g)) for g in geom.geoms]]
    if kind == "MultiPolygon":
        return [5, [_polygon(p) for p in geom.geoms]]
    raise ValueError(f"cannot encode geometry type {kind}")


def _encode_chunks(parts: np.ndarray) -> list[list[int]]:
    """:func:`encode_coords` of every point sequence in ``parts`` (lines, rings), vectorised."""
    coords, index = shapely.get_coordinates(parts, return_index=True)
    q = np.rint(coords * SCALE).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    counts = np.bincount(index, minlength=len(parts))
    starts = np.cumsum(counts) - counts
    first = starts[counts > 0]
    deltas[first] = q[first]  # each sequence starts from absolute coordinates
    flat: list[int] = deltas.ravel().tolist()
    return [
        flat[2 * s : 2 * (s + c)] for s, c in zip(starts.tolist(), counts.tolist(), strict=True)
    ]


def encode_geometries(geoms: Any) -> list[list[Any]]:
    """``[encode_geometry(g) for g in geoms]``, vectorised for Points, LineStrings and Polygons.

    Multi-part geometries (rare in the plan's layers) go through :func:`encode_geometry` one by
    one; other types raise ValueError as there.
    """
    arr = np.asarray(geoms, dtype=object)
    out: list[Any] = [None] * len(arr)
    type_ids = shapely.get_type_id(arr)  # 0 Point, 1 LineString, 3 Polygon
    simple = np.flatnonzero((type_ids == 0) | (type_ids == 1))
    if len(simple):
        for i, chunk in zip(simple.tolist(), _encode_chunks(arr[simple]), strict=True):
            out[i] = [int(type_ids[i]), chunk]
    polygons = np.flatnonzero(type_ids == 3)
    if len(polygons):
        rings, owner = shapely.get_rings(arr[polygons], return_index=True)  # exterior first
        grouped: list[list[list[int]]] = [[] for _ in range(len(polygons))]
        for o, chunk in zip(owner.tolist(), _encode_chunks(rings), strict=True):
            grouped[o].append(chunk)
        for i, polygon_rings in zip(polygons.tolist(), grouped, strict=True):
            out[i] = [CODES["Polygon"], polygon_rings]
    for i in np.flatnonzero(~np.isin(type_ids, (0, 1, 3))).tolist():
        out[i] = encode_geometry(arr[i])
    return out


def decode_coords(flat: list[int]) -> list[tuple[float, float]]:
    """Inverse of :func:`encode_coords` (used by tests and the published site's checks)."""
    arr = np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0) / SCALE
    return [(float(x), float(y)) for x, y in arr]
