"""GeoParquet, read through pyarrow (``geopandas.read_parquet``), not GDAL; and the step every
table-shaped reader shares: a GeoDataFrame (any CRS) into a :class:`SourceTable`.

Safety, in order: the sniffer has already checked that the file starts and ends with ``PAR1``
(so the footer is where Parquet puts it, and an encrypted footer, ``PARE``, is refused); the
footer alone is then read — it must carry the GeoParquet ``geo`` metadata, else the file is
"not GeoParquet" —, and its row count is checked against ``max_features`` and its uncompressed
size against ``max_unzipped_bytes`` (Parquet pages are compressed, so a small file can expand a
lot) before any column is decoded. pyarrow reads the local file only: a Parquet file cannot
point anywhere else. Every failure is an :class:`ImportFileError` naming the file.

The CRS is the one the ``geo`` metadata declares (GeoParquet's default, when it declares none,
is OGC:CRS84, longitude/latitude); ``crs: null`` means unknown, so ``--crs`` must say it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ninohe_geo.io.crs import check_location, crs_name, parse_crs, to_lonlat
from ninohe_geo.io.errors import CrsError, ImportFileError, LimitExceededError
from ninohe_geo.io.limits import check_feature_count, check_size
from ninohe_geo.io.source import ReadContext, SourceTable, text_value


def _cell(value: Any) -> str | None:
    """A cell as text: pandas' missing markers (``pd.NA`` of string columns, ``NaT``) → None."""
    if value is pd.NA or value is pd.NaT:
        return None
    return text_value(value)


def frame_table(frame: Any, crs: Any, file: str, fmt: str, notes: list[str]) -> SourceTable:
    """A :class:`SourceTable` of ``frame`` (a GeoDataFrame) whose coordinates are in ``crs``
    (a pyproj CRS): values as text, geometries transformed to lon/lat and checked to be near
    the city (:func:`~ninohe_geo.io.crs.check_location`)."""
    geometry = frame.geometry.name
    columns = [str(c) for c in frame.columns if c != geometry]
    values = frame[[c for c in frame.columns if c != geometry]].astype(object).to_numpy()
    rows = [{col: _cell(v) for col, v in zip(columns, row, strict=True)} for row in values]
    raw = [None if g is None or g.is_empty else g for g in frame.geometry.to_numpy()]
    lonlat = to_lonlat(raw, crs)
    check_location(raw, lonlat, crs, file)
    return SourceTable(file, fmt, columns, rows, lonlat, crs_name(crs), notes)


def _footer(path: Path, file: str) -> Any:
    """The Parquet file's metadata (footer), read without decoding any column."""
    import pyarrow
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path).metadata
    except (pyarrow.ArrowException, OSError, ValueError) as exc:
        raise ImportFileError(file, f"not a readable Parquet file (damaged?): {exc}") from exc


def _geo_metadata(meta: Any, file: str) -> dict[str, Any]:
    """The GeoParquet ``geo`` key-value metadata, parsed; ImportFileError without one."""
    raw = (meta.metadata or {}).get(b"geo")
    if raw is None:
        raise ImportFileError(
            file,
            "not GeoParquet: no geometry column metadata (a plain Parquet table; write it "
            "with GeoParquet metadata, e.g. geopandas to_parquet or GDAL, or export CSV)",
        )
    try:
        geo = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportFileError(
            file, f"not GeoParquet: its 'geo' metadata is not JSON ({exc})"
        ) from exc
    if not isinstance(geo, dict) or not isinstance(geo.get("columns"), dict) or not geo["columns"]:
        raise ImportFileError(file, "not GeoParquet: its 'geo' metadata names no geometry column")
    return geo


def read_geoparquet(path: Path, ctx: ReadContext) -> SourceTable:
    """Read a GeoParquet file (1.0 or 1.1, WKB or native encoding) with its primary geometry."""
    import geopandas as gpd
    import pyarrow

    file = ctx.display_name
    check_size(path, ctx.limits)
    meta = _footer(path, file)
    geo = _geo_metadata(meta, file)
    check_feature_count(file, int(meta.num_rows), ctx.limits)
    expanded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if expanded > ctx.limits.max_unzipped_bytes:
        raise LimitExceededError(
            file,
            f"its columns expand to {expanded:,} bytes; the limit is "
            f"{ctx.limits.max_unzipped_bytes:,}",
        )
    ctx.check_time("opening the file")
    try:
        frame = gpd.read_parquet(path)
    except (pyarrow.ArrowException, OSError, ValueError, TypeError, KeyError) as exc:
        raise ImportFileError(file, f"cannot read it as GeoParquet: {exc}") from exc
    ctx.check_time("reading the features")
    notes: list[str] = []
    others = [str(c) for c in geo["columns"] if c != frame.geometry.name]
    if others:
        notes.append(f"read geometry column {frame.geometry.name!r}; as text: {', '.join(others)}")
    if frame.crs is not None:
        crs = frame.crs
        if ctx.crs:
            notes.append(f"--crs {ctx.crs} ignored: the file declares {crs_name(crs)}")
    elif ctx.crs:
        crs = parse_crs(ctx.crs, file)
    else:
        raise CrsError(file, "the file's CRS is unknown (crs: null): give --crs, e.g. EPSG:6668")
    return frame_table(frame, crs, file, "parquet", notes)
