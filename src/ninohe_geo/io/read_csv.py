"""CSV with coordinate columns, parsed with Python's ``csv`` as text.

Encoding: UTF-8 (with or without BOM) first, then CP932 (Shift_JIS as Windows writes it), the
two encodings Japanese open data comes in; anything else is refused with the encodings tried.
Every value stays a string (a code like ``03213`` keeps its zero).

Coordinates, by header (first match wins):

- ``緯度``/``経度``, ``latitude``/``longitude``, ``lat``/``lon``|``lng``: degrees. The
  Digital Agency's standard datasets define these as 世界測地系 degrees, so no CRS is needed
  (read as JGD2011, EPSG:6668, the same as WGS84 within ~1 m here).
- ``geometry_wkt`` or ``wkt``: WKT (what ``ninohe-geo export --format csv`` writes), degrees.
- ``X``/``Y`` (``x座標``/``y座標``): the CRS must be given (``--crs``); refused otherwise.
  In a Japanese plane rectangular CRS (EPSG:6669–6687), X is northing and Y easting.

A cell that starts with ``'`` followed by ``=``, ``+``, ``-``, ``@`` is how our exports
neutralise spreadsheet formulas; the apostrophe is removed again on import, so exports
round-trip.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyproj
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from ninohe_geo.io.crs import (
    JGD2011,
    check_location,
    crs_name,
    parse_crs,
    plane_xy_is_northing_first,
    to_lonlat,
)
from ninohe_geo.io.errors import CrsError, ImportFileError, UnsupportedFormatError
from ninohe_geo.io.limits import check_feature_count, check_size
from ninohe_geo.io.source import ReadContext, SourceTable

ENCODINGS = ("utf-8-sig", "cp932")
LATLON_PAIRS = (("緯度", "経度"), ("latitude", "longitude"), ("lat", "lon"), ("lat", "lng"))
WKT_COLUMNS = ("geometry_wkt", "wkt")
XY_PAIRS = (("x", "y"), ("x座標", "y座標"))
NEUTRALISED = ("'=", "'+", "'-", "'@")


def decode(data: bytes, file: str) -> tuple[str, str]:
    """The text and the encoding it was in (UTF-8 with/without BOM, else CP932)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnsupportedFormatError(
        file, f"text is neither UTF-8 nor CP932 (Shift_JIS); tried {', '.join(ENCODINGS)}"
    )


def parse_rows(text: str, file: str) -> tuple[list[str], list[dict[str, str | None]]]:
    """Header and rows of a CSV text; values are stripped strings, '' becomes None."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise ImportFileError(file, "the CSV is empty (no header row)") from exc
    except csv.Error as exc:
        raise ImportFileError(file, f"cannot read the CSV header: {exc}") from exc
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise ImportFileError(file, f"duplicate column name(s): {', '.join(dupes)}")
    rows: list[dict[str, str | None]] = []
    try:
        for line in reader:
            if not any(cell.strip() for cell in line):
                continue
            row: dict[str, str | None] = {}
            for name, cell in zip(header, line, strict=False):
                value = cell.strip()
                if value.startswith(NEUTRALISED):
                    value = value[1:]
                row[name] = value or None
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(file, f"CSV syntax error at line {reader.line_num}: {exc}") from exc
    return header, rows


def _find(header: list[str], pairs: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    lower = {h.lower(): h for h in header}
    for a, b in pairs:
        if a.lower() in lower and b.lower() in lower:
            return lower[a.lower()], lower[b.lower()]
    return None


def _number(value: str | None, file: str, index: int, column: str) -> float | None:
    if value is None:
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError as exc:
        raise ImportFileError(
            file, f"{value!r} is not a number", feature=f"row {index + 2}", field=column
        ) from exc


def read(path: Path, ctx: ReadContext) -> SourceTable:
    """Read a CSV with lat/lon, WKT or X/Y columns (see the module docstring)."""
    file = ctx.display_name
    check_size(path, ctx.limits)
    data = path.read_bytes()
    check_feature_count(file, max(data.count(b"\n") - 1, 0), ctx.limits)
    text, encoding = decode(data, file)
    header, rows = parse_rows(text, file)
    ctx.check_time("parsing the CSV")
    notes = [f"read as {'UTF-8' if encoding == 'utf-8-sig' else 'CP932 (Shift_JIS)'}"]
    raw: list[BaseGeometry | None] = []
    errors: dict[int, str] = {}
    latlon = _find(header, LATLON_PAIRS)
    wkt = next((h for h in header if h.lower() in WKT_COLUMNS), None)
    xy = _find(header, XY_PAIRS)
    crs: pyproj.CRS
    if wkt:
        crs = parse_crs(ctx.crs or JGD2011, file)
        for index, row in enumerate(rows):
            value = row.get(wkt)
            try:
                geom = shapely.from_wkt(value) if value else None
            except shapely.errors.GEOSException as exc:
                errors[index] = f"WKT cannot be read: {exc}"
                geom = None
            raw.append(geom)
        notes.append(f"geometry from the {wkt!r} column (WKT)")
    elif latlon:
        lat_col, lon_col = latlon
        crs = parse_crs(ctx.crs or JGD2011, file)
        for index, row in enumerate(rows):
            lat = _number(row.get(lat_col), file, index, lat_col)
            lon = _number(row.get(lon_col), file, index, lon_col)
            raw.append(Point(lon, lat) if lat is not None and lon is not None else None)
        notes.append(f"points from the {lat_col!r}/{lon_col!r} columns (degrees)")
    elif xy:
        if not ctx.crs:
            raise CrsError(
                file,
                f"the CSV has {xy[0]!r}/{xy[1]!r} columns but no CRS: give --crs "
                "(e.g. --crs EPSG:6678 for JGD2011 plane rectangular zone X, or EPSG:6668 "
                "for degrees)",
            )
        crs = parse_crs(ctx.crs, file)
        x_col, y_col = xy
        northing_first = plane_xy_is_northing_first(crs)
        for index, row in enumerate(rows):
            x = _number(row.get(x_col), file, index, x_col)
            y = _number(row.get(y_col), file, index, y_col)
            if x is None or y is None:
                raw.append(None)
            else:
                raw.append(Point(y, x) if northing_first else Point(x, y))
        if northing_first:
            notes.append(f"{x_col!r} read as northing and {y_col!r} as easting ({crs_name(crs)})")
    else:
        raise ImportFileError(
            file,
            "no coordinate columns: expected 緯度/経度, latitude/longitude, lat/lon, "
            "geometry_wkt, or X/Y with --crs",
        )
    lonlat = to_lonlat(raw, crs)
    check_location(raw, lonlat, crs, file)
    return SourceTable(file, "csv", header, rows, lonlat, crs_name(crs), notes, errors)
