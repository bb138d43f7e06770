"""GeoJSON, parsed with Python's ``json`` — never handed to GDAL.

Why not GDAL: GDAL opens a file as whatever its content says, so a ``.geojson`` may really be a
VRT that reads server files. The sniffer (:mod:`formats`) only lets JSON text reach this reader,
and ``json`` can do nothing but build dicts and lists.

A legacy ``crs`` member (GeoJSON 2008, still written by QGIS and many portals, e.g.
``urn:ogc:def:crs:EPSG::6668``) is honoured; without one, RFC 7946 says WGS84 lon/lat. The
feature count is estimated from the bytes before parsing (see :mod:`limits`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyproj
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ninohe_geo.io.crs import check_location, crs_name, parse_crs, to_lonlat
from ninohe_geo.io.errors import ImportFileError, UnsupportedFormatError
from ninohe_geo.io.limits import check_feature_count, check_size
from ninohe_geo.io.source import ReadContext, SourceTable, text_value

_FEATURE = re.compile(rb'"type"\s*:\s*"Feature"')


def count_features(data: bytes) -> int:
    """How many Feature objects the bytes hold (an upper bound, found without parsing)."""
    return len(_FEATURE.findall(data))


def declared_crs(doc: dict[str, Any], file: str, given: str | None) -> pyproj.CRS:
    """The document's legacy ``crs`` member, else ``given`` (--crs), else RFC 7946's WGS84."""
    member = doc.get("crs")
    if isinstance(member, dict):
        name = (member.get("properties") or {}).get("name")
        if isinstance(name, str) and name:
            return parse_crs(name, file, "CRS in the file's 'crs' member")
        raise ImportFileError(file, "the 'crs' member has no properties.name", field="crs")
    if given:
        return parse_crs(given, file)
    return pyproj.CRS.from_epsg(4326)


def read(path: Path, ctx: ReadContext) -> SourceTable:
    """Read a GeoJSON FeatureCollection (or a single Feature)."""
    file = ctx.display_name
    check_size(path, ctx.limits)
    data = path.read_bytes()
    check_feature_count(file, count_features(data), ctx.limits)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnsupportedFormatError(file, f"GeoJSON must be UTF-8: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise UnsupportedFormatError(
            file, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise UnsupportedFormatError(file, "expected a GeoJSON FeatureCollection or Feature")
    features = doc.get("features")
    if not isinstance(features, list):
        raise ImportFileError(file, "'features' must be a list", field="features")
    crs = declared_crs(doc, file, ctx.crs)
    columns: list[str] = []
    seen: set[str] = set()
    rows: list[dict[str, str | None]] = []
    raw: list[BaseGeometry | None] = []
    notes: list[str] = []
    geometry_errors: dict[int, str] = {}
    for index, feat in enumerate(features):
        if index % 1000 == 0:
            ctx.check_time("reading GeoJSON features")
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise ImportFileError(file, "not a GeoJSON Feature object", feature=f"#{index + 1}")
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise ImportFileError(
                file, "properties must be an object", feature=f"#{index + 1}", field="properties"
            )
        row = {str(k): text_value(v) for k, v in props.items()}
        if "id" in feat and "id" not in row:
            row["id"] = text_value(feat["id"])
        for key in row:
            if key not in seen:
                seen.add(key)
                columns.append(key)
        rows.append(row)
        geom, error = _geometry(feat.get("geometry"))
        raw.append(geom)
        if error:
            geometry_errors[index] = error
    lonlat = to_lonlat(raw, crs)
    check_location(raw, lonlat, crs, file)
    if "crs" in doc:
        notes.append(f"coordinates transformed from the file's declared CRS {crs_name(crs)}")
    return SourceTable(
        file, "geojson", columns, rows, lonlat, crs_name(crs), notes, geometry_errors
    )


def _geometry(raw: Any) -> tuple[BaseGeometry | None, str | None]:
    """The geometry of a feature, or None and why it cannot be read."""
    if raw is None:
        return None, None
    try:
        geom = shape(raw)
    except (
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        IndexError,
        shapely.errors.GEOSException,
    ) as exc:
        return None, f"geometry cannot be read: {exc}"
    return (None, "geometry is empty") if geom.is_empty else (geom, None)
