"""The city boundary for the "inside the city" check.

The official boundary (国土数値情報 N03, 二戸市 03213) is not shipped with the project: it is read
from a file the user has — ``--boundary FILE``, ``$NINOHE_GEO_BOUNDARY``, or the shared reference
folder beside the checkout. Without one, the check falls back to the city's bounding box, and the
report says so.
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
from ninohe_geo.paths import BOUNDARY_ENV, reference_dir

CITY_CODE = "03213"
#: Bounding box of 二戸市 (lon/lat), from 国土数値情報（行政区域データ）N03 2021, padded ~1 km.
CITY_BBOX = (141.03, 40.12, 141.46, 40.41)


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
    crs = (doc.get("crs") or {}).get("properties", {}).get("name", "")
    if crs and not any(code in crs for code in ("CRS84", "4326", "6668", "4612")):
        raise DataFileError(path, f"boundary CRS {crs!r} is not lon/lat (expected CRS84/JGD2011)")
    chosen = [
        f
        for f in features
        if not isinstance(f.get("properties"), dict)
        or "N03_007" not in f["properties"]
        or f["properties"]["N03_007"] == city_code
    ]
    if not chosen:
        raise DataFileError(path, f"no feature with N03_007 = {city_code!r}")
    geometry = shapely.union_all([shape(f["geometry"]) for f in chosen])
    return Boundary(geometry=geometry, source=str(path), exact=True)


def find_boundary(explicit: Path | None = None) -> Boundary:
    """The boundary to check against: explicit file, env var, shared reference, else the bbox."""
    candidates = [explicit] if explicit else []
    env = os.environ.get(BOUNDARY_ENV)
    if env:
        candidates.append(Path(env))
    candidates.append(reference_dir() / "ninohe_boundary.geojson")
    for path in candidates:
        if path is not None and path.is_file():
            return read_boundary(path)
    if explicit is not None:
        raise DataFileError(explicit, "boundary file not found")
    return Boundary(
        geometry=box(*CITY_BBOX),
        source="bounding box of 二戸市 (no boundary file found; pass --boundary)",
        exact=False,
    )
