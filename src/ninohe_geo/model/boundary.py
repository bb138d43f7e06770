"""The city boundary for the "inside the city" check.

The official boundary (国土数値情報 N03, 二戸市 03213) is shipped as the context layer
``layers/city-outline.geojson`` — the output of ``ninohe-geo import`` run on the N03 file, with
its attribution 「『国土数値情報（行政区域データ）』（国土交通省）を加工して作成」 (issue #13).
The check reads ``--boundary FILE``, else ``$NINOHE_GEO_BOUNDARY``, else that shipped outline;
only when none is there does it fall back to the city's bounding box, and the report says so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from ninohe_geo.errors import DataFileError
from ninohe_geo.model.checks import SHAPE_ERRORS
from ninohe_geo.paths import BOUNDARY_ENV, layers_dir, shipped_data_dir

#: The shipped outline layer (a context layer made by the N03 importer).
OUTLINE_LAYER = "city-outline"

CITY_CODE = "03213"
#: Bounding box of 二戸市 (lon/lat), from 国土数値情報（行政区域データ）N03 2021
#: (141.026, 40.089 – 141.386, 40.373), padded ~1 km.
CITY_BBOX = (141.01, 40.08, 141.40, 40.39)


@dataclass(frozen=True)
class Boundary:
    """A boundary geometry and where it came from."""

    geometry: BaseGeometry
    source: str
    exact: bool
    """False for the bounding-box fallback."""


def read_boundary(path: Path, city_code: str = CITY_CODE) -> Boundary:
    """Read a GeoJSON boundary (an N03 file: the features whose N03_007 is ``city_code``).

    A file without N03 fields is taken whole. Raises DataFileError with what was expected.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(path, f"cannot read the boundary as GeoJSON: {exc}") from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise DataFileError(path, "expected a GeoJSON FeatureCollection with the city's polygon")
    crs_member = doc.get("crs") or {}
    if not isinstance(crs_member, dict):
        raise DataFileError(path, "the 'crs' member must be a GeoJSON 2008 named CRS object")
    crs = str((crs_member.get("properties") or {}).get("name", ""))
    if crs and not any(code in crs for code in ("CRS84", "4326", "6668", "4612")):
        raise DataFileError(path, f"boundary CRS {crs!r} is not lon/lat (expected CRS84/JGD2011)")
    if not all(isinstance(f, dict) for f in features):
        raise DataFileError(path, "every member of 'features' must be a GeoJSON Feature object")
    chosen = [
        f
        for f in features
        if not isinstance(f.get("properties"), dict)
        or "N03_007" not in f["properties"]
        or f["properties"]["N03_007"] == city_code
    ]
    if not chosen:
        raise DataFileError(path, f"no feature with N03_007 = {city_code!r}")
    try:
        geometry = shapely.union_all([shape(f["geometry"]) for f in chosen])
    except SHAPE_ERRORS as exc:
        raise DataFileError(path, f"the city's geometry cannot be read: {exc}") from exc
    return Boundary(geometry=geometry, source=str(path), exact=True)


def find_boundary(explicit: Path | None = None) -> Boundary:
    """The boundary to check against: explicit file, ``$NINOHE_GEO_BOUNDARY``, else the bbox
    (marked inexact, so reports say what they were checked against)."""
    if explicit is not None:
        # a mistyped --boundary must fail, not be silently replaced by another file
        if not explicit.is_file():
            raise DataFileError(explicit, "boundary file not found")
        return read_boundary(explicit)
    env = os.environ.get(BOUNDARY_ENV)
    if env:
        path = Path(env)
        if not path.is_file():
            raise DataFileError(path, f"boundary file not found (named by ${BOUNDARY_ENV})")
        return read_boundary(path)
    shipped = layers_dir(shipped_data_dir()) / f"{OUTLINE_LAYER}.geojson"
    if shipped.is_file():
        return read_boundary(shipped)
    return Boundary(
        geometry=box(*CITY_BBOX),
        source="bounding box of 二戸市 (no boundary file found; pass --boundary)",
        exact=False,
    )
