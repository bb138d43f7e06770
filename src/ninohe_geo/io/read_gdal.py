"""GeoPackage, FlatGeobuf and Shapefile, read through GDAL (pyogrio) — the only formats that go
to GDAL (GeoParquet is read by pyarrow, :mod:`ninohe_geo.io.read_columnar`).

Safety, in order: the sniffer has already checked the magic bytes (SQLite with the GeoPackage
application id; ``fgb\x03fgb`` of FlatGeobuf 3; the Shapefile file code 9994), so GDAL never
guesses; GeoPackages are opened with the explicit ``GPKG:`` driver prefix; GDAL's network access
is switched off (:func:`limits.apply_gdal_safety`); the driver GDAL reports is checked against
the expected one; and the feature count from the header is checked before any feature is read.
FlatGeobuf's buffers are verified while reading (the driver's ``VERIFY_BUFFERS`` default), so a
damaged or truncated file is an :class:`ImportFileError` naming it, not a crash.

A Shapefile without ``.prj`` has no CRS: it is refused unless ``--crs`` gives one. Text fields
of a ``.dbf`` without ``.cpg`` are decoded by GDAL (which honours the DBF language id); N03
shapefiles come with CP932 text and a ``.cpg`` in recent editions.
"""

from __future__ import annotations

from pathlib import Path

import pyogrio

from ninohe_geo.io.crs import crs_name, parse_crs
from ninohe_geo.io.errors import CrsError, ImportFileError, UnsafeInputError
from ninohe_geo.io.limits import apply_gdal_safety, check_feature_count, check_size
from ninohe_geo.io.read_columnar import frame_table
from ninohe_geo.io.source import ReadContext, SourceTable

#: What pyogrio raises for a file GDAL cannot open or read (a damaged feature is a
#: ``FeatureError``, a ``DataLayerError``; an unopenable file a ``DataSourceError``).
_GDAL_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


def _open_name(path: Path, driver: str) -> str:
    if driver == "GPKG":
        return f"GPKG:{path}"
    return str(path)


def _pick_layer(path: Path, driver: str, file: str) -> tuple[str, list[str]]:
    """The first layer with geometry, and notes about others left out."""
    layers = pyogrio.list_layers(_open_name(path, driver))
    if not len(layers):
        raise ImportFileError(
            file, f"GDAL finds no layer in it (an empty, damaged or truncated {driver} file?)"
        )
    spatial = [str(name) for name, gtype in layers if gtype is not None]
    if not spatial:
        raise ImportFileError(file, "the file has no layer with geometry")
    notes = []
    if len(spatial) > 1:
        notes.append(f"read layer {spatial[0]!r}; other layers ignored: {', '.join(spatial[1:])}")
    return spatial[0], notes


def read_with_driver(path: Path, ctx: ReadContext, driver: str, fmt: str) -> SourceTable:
    """Read ``path`` with GDAL ``driver`` ("GPKG", "FlatGeobuf" or "ESRI Shapefile")."""
    file = ctx.display_name
    check_size(path, ctx.limits)
    apply_gdal_safety()
    name = _open_name(path, driver)
    try:
        layer, notes = _pick_layer(path, driver, file)
        info = pyogrio.read_info(name, layer=layer)
    except _GDAL_ERRORS as exc:
        raise ImportFileError(file, f"GDAL cannot open it as {driver}: {exc}") from exc
    if info["driver"] != driver:
        raise UnsafeInputError(file, f"GDAL opened it as {info['driver']}, expected {driver}")
    check_feature_count(file, int(info["features"]), ctx.limits)
    declared = info.get("crs")
    if declared:
        crs = parse_crs(declared, file)
        if ctx.crs:
            notes.append(f"--crs {ctx.crs} ignored: the file declares {crs_name(crs)}")
    elif ctx.crs:
        crs = parse_crs(ctx.crs, file)
    else:
        hint = " (.prj missing)" if driver == "ESRI Shapefile" else ""
        raise CrsError(file, f"the file has no CRS{hint}: give --crs, e.g. --crs EPSG:6668")
    ctx.check_time("opening the file")
    try:
        frame = pyogrio.read_dataframe(
            name, layer=layer, max_features=ctx.limits.max_features + 1, on_invalid="ignore"
        )
    except _GDAL_ERRORS as exc:
        raise ImportFileError(
            file, f"GDAL cannot read the features (damaged or truncated file?): {exc}"
        ) from exc
    check_feature_count(file, len(frame), ctx.limits)
    ctx.check_time("reading the features")
    return frame_table(frame, crs, file, fmt, notes)


def read_gpkg(path: Path, ctx: ReadContext) -> SourceTable:
    """Read a GeoPackage's first spatial layer."""
    return read_with_driver(path, ctx, "GPKG", "gpkg")


def read_fgb(path: Path, ctx: ReadContext) -> SourceTable:
    """Read a FlatGeobuf file (one layer; its features in the file's order, which is the
    spatial index's when it has one)."""
    return read_with_driver(path, ctx, "FlatGeobuf", "fgb")


def read_shapefile(path: Path, ctx: ReadContext) -> SourceTable:
    """Read a Shapefile (``.shp`` with its ``.dbf``/``.shx``; ``.prj`` or ``--crs``)."""
    if not path.with_suffix(".prj").exists() and not any(
        p.suffix.lower() == ".prj" and p.stem == path.stem for p in path.parent.iterdir()
    ):
        if not ctx.crs:
            raise CrsError(
                ctx.display_name,
                f"{path.name} has no .prj, so its CRS is unknown: give --crs "
                "(e.g. --crs EPSG:6668 for JGD2011 degrees, EPSG:6678 for zone X metres)",
            )
    return read_with_driver(path, ctx, "ESRI Shapefile", "shapefile")
