"""Coordinate reference systems: resolve what a file declares, transform to lon/lat, and catch
coordinates that cannot be in Ninohe — naming the likely mistake.

Axis order. GDAL, GeoJSON and shapely put x = easting/longitude first whatever the CRS's
official axis order, so geometries are transformed with ``always_xy=True``. The exception is a
CSV with ``X``/``Y`` columns in a Japanese plane rectangular system (e.g. EPSG:6678, zone X):
Japanese survey convention, and the CRS's own axis order, is X = northing, Y = easting, and
:func:`plane_xy_is_northing_first` says so to the CSV reader.

The city check here is coarse (is the data anywhere near Ninohe at all?); whether each feature is
inside the boundary is the validation report's job.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError as PyprojCRSError
from shapely.geometry.base import BaseGeometry

from ninohe_geo.io.errors import CrsError, LocationError
from ninohe_geo.model.boundary import CITY_BBOX

#: Lon/lat CRSs treated as the same for a city map (JGD2011/JGD2000/WGS84 differ by < 1 m here
#: except Tokyo Datum, which is transformed properly).
WGS84 = "EPSG:4326"
JGD2011 = "EPSG:6668"
#: JGD2011 plane rectangular zones I–XIX (EPSG:6669–6687); Ninohe is in zone X (EPSG:6678).
JGD2011_ZONES = {f"EPSG:{6668 + n}": n for n in range(1, 20)}
#: JGD2000 zones I–XIX (EPSG:2443–2461).
JGD2000_ZONES = {f"EPSG:{2442 + n}": n for n in range(1, 20)}
NINOHE_ZONE = "EPSG:6678"
#: How far (degrees) from the city's bounding box data may lie before it is "far from the city".
FAR_DEG = 0.5
ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX".split()


def parse_crs(value: str, file: str, what: str = "CRS") -> pyproj.CRS:
    """A pyproj CRS from user or file input (``EPSG:6678``, ``6678``, an OGC URN, WKT)."""
    text = value.strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return pyproj.CRS.from_user_input(text)
    except PyprojCRSError as exc:
        raise CrsError(
            file, f"unknown {what} {value!r}: give an EPSG code, e.g. EPSG:6678"
        ) from exc


def crs_name(crs: pyproj.CRS) -> str:
    """``EPSG:NNNN`` when the CRS has one, else its name."""
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else crs.name


def plane_xy_is_northing_first(crs: pyproj.CRS) -> bool:
    """True for CRSs whose first axis is northing (Japanese plane rectangular systems)."""
    axes = crs.axis_info
    return bool(crs.is_projected and axes and axes[0].direction.lower() == "north")


def to_lonlat(geoms: Sequence[BaseGeometry | None], crs: pyproj.CRS) -> list[BaseGeometry | None]:
    """Geometries (x = easting/longitude first) transformed from ``crs`` to EPSG:4326."""
    target = pyproj.CRS.from_epsg(4326)
    if crs.equals(target) or crs_name(crs) in (WGS84, JGD2011, "OGC:CRS84"):
        return list(geoms)
    transformer = pyproj.Transformer.from_crs(crs, target, always_xy=True)
    arr = np.array(geoms, dtype=object)
    present = np.array([g is not None for g in geoms], dtype=bool)
    if present.any():
        arr[present] = shapely.transform(
            arr[present], lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
        )
    return list(arr)


def _region() -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = CITY_BBOX
    return minx - FAR_DEG, miny - FAR_DEG, maxx + FAR_DEG, maxy + FAR_DEG


def _near(xy: np.ndarray) -> bool:
    """Whether the median point of ``xy`` (lon, lat) lies near Ninohe."""
    if xy.size == 0 or not np.isfinite(xy).all():
        return False
    minx, miny, maxx, maxy = _region()
    x, y = np.median(xy[:, 0]), np.median(xy[:, 1])
    return bool(minx <= x <= maxx and miny <= y <= maxy)


def _points(geoms: Sequence[BaseGeometry | None]) -> np.ndarray:
    present = [g for g in geoms if g is not None and not g.is_empty]
    if not present:
        return np.empty((0, 2))
    coords: np.ndarray = shapely.get_coordinates(present)
    return coords


def check_location(
    raw: Sequence[BaseGeometry | None],
    lonlat: Sequence[BaseGeometry | None],
    crs: pyproj.CRS,
    file: str,
) -> None:
    """Raise LocationError when the data is nowhere near Ninohe, naming the likely mistake.

    ``raw`` are the geometries as read (in ``crs``), ``lonlat`` after transformation. Tried in
    order: degrees given a projected CRS, swapped longitude/latitude, metres read as degrees,
    another plane rectangular zone; otherwise the message says where the data is. Swapped
    easting/northing cannot be told apart here (in zone X Ninohe lies at X ≈ 30 km, Y ≈ 40 km,
    so a swap moves data only ~14 km); the per-feature boundary check catches what it can.
    """
    xy = _points(lonlat)
    raw_xy = _points(raw)
    if xy.size == 0:
        return
    name = crs_name(crs)
    mx, my = (float(np.median(raw_xy[:, 0])), float(np.median(raw_xy[:, 1])))
    looks_degrees = abs(mx) <= 180 and abs(my) <= 90
    small = abs(mx) <= 180 and abs(my) <= 180
    if crs.is_projected and small and (_near(raw_xy) or _near(raw_xy[:, ::-1])):
        # A few metres from a zone's origin can still be "near" the city: degrees mislabelled.
        raise LocationError(
            file,
            f"coordinates look like degrees ({mx:.5f}, {my:.5f}) but the CRS is the "
            f"projected {name}: give --crs {JGD2011} (or fix the file's CRS)",
        )
    if _near(xy):
        return
    if crs.is_geographic:
        if _near(raw_xy[:, ::-1]):
            raise LocationError(
                file,
                f"longitude and latitude are swapped (read lon {mx:.5f}, lat {my:.5f}; Ninohe is "
                "near lon 141.3, lat 40.3): check the column order or the file's axis order",
            )
        if not looks_degrees:
            raise LocationError(
                file,
                f"coordinates like ({mx:.1f}, {my:.1f}) are metres, not degrees: the file's CRS "
                f"({name}) is wrong or missing — give the projected CRS, e.g. --crs {NINOHE_ZONE} "
                "(JGD2011 plane rectangular zone X, used for survey data in Iwate)",
            )
    else:
        for code, zone in {**JGD2011_ZONES, **JGD2000_ZONES}.items():
            if code == name:
                continue
            if _try(raw, pyproj.CRS.from_user_input(code)):
                raise LocationError(
                    file,
                    f"wrong zone: the data is not near Ninohe in {name} but is in zone "
                    f"{ROMAN[zone - 1]} ({code}); Ninohe is in zone X ({NINOHE_ZONE}): "
                    f"give --crs {NINOHE_ZONE} if the data is from Ninohe",
                )
    lon, lat = float(np.median(xy[:, 0])), float(np.median(xy[:, 1]))
    raise LocationError(
        file,
        f"coordinates are far from Ninohe (around lon {lon:.4f}, lat {lat:.4f} after reading "
        f"them in {name}); check the CRS (--crs) and the coordinate columns",
    )


def _try(raw: Sequence[BaseGeometry | None], crs: pyproj.CRS) -> bool:
    """Whether ``raw`` read in ``crs`` lies near Ninohe."""
    present = [g for g in raw if g is not None and not g.is_empty]
    if not present:
        return False
    try:
        out = to_lonlat(present, crs)
    except (PyprojCRSError, ValueError):
        return False
    return _near(_points(out))
