"""The formats an import accepts, as a data table, and the sniffer that decides by content.

A file's name is a hint, never a decision: the first bytes must match the format (a ``.geojson``
that is really XML — a GDAL VRT, a GML — is refused before anything reads it). Only the formats
below are accepted; everything else is an :class:`UnsupportedFormatError` naming them.

Readers are imported lazily by module path, as pygeoapi's provider registry does, so reading a
CSV never imports GDAL.
"""

from __future__ import annotations

import importlib
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ninohe_geo.io.errors import UnsafeInputError, UnsupportedFormatError
from ninohe_geo.io.limits import DEFAULT_LIMITS, Deadline, Limits, check_size, safe_extract
from ninohe_geo.io.source import ReadContext, SourceTable


@dataclass(frozen=True)
class Format:
    """One accepted format."""

    name: str
    """The name for ``--format``."""
    title: str
    extensions: tuple[str, ...]
    """Lower-case suffixes it usually has (a hint for the sniffer)."""
    reader: str
    """``module:function`` that reads it (imported on first use)."""
    gdal_driver: str | None = None
    """The GDAL driver used, if any (only GPKG, FlatGeobuf and ESRI Shapefile; GeoParquet is
    read by pyarrow, not GDAL)."""

    def read_function(self) -> Callable[[Path, ReadContext], SourceTable]:
        """The reader, imported now."""
        module, func = self.reader.split(":")
        fn: Callable[[Path, ReadContext], SourceTable] = getattr(
            importlib.import_module(module), func
        )
        return fn


FORMATS: tuple[Format, ...] = (
    Format("geojson", "GeoJSON", (".geojson", ".json"), "ninohe_geo.io.read_geojson:read"),
    Format("gpkg", "GeoPackage", (".gpkg",), "ninohe_geo.io.read_gdal:read_gpkg", "GPKG"),
    Format("fgb", "FlatGeobuf", (".fgb",), "ninohe_geo.io.read_gdal:read_fgb", "FlatGeobuf"),
    Format(
        "parquet",
        "GeoParquet",
        (".parquet", ".geoparquet"),
        "ninohe_geo.io.read_columnar:read_geoparquet",
    ),
    Format(
        "shapefile",
        "Shapefile (.shp, or zipped with .dbf/.shx/.prj)",
        (".shp",),
        "ninohe_geo.io.read_gdal:read_shapefile",
        "ESRI Shapefile",
    ),
    Format("kml", "KML / KMZ", (".kml", ".kmz"), "ninohe_geo.io.read_kml:read"),
    Format("csv", "CSV (緯度/経度, WKT or X/Y)", (".csv", ".txt"), "ninohe_geo.io.read_csv:read"),
    Format("gtfs", "GTFS / GTFS-JP (zip)", (".zip",), "ninohe_geo.io.read_gtfs:read"),
)
FORMAT_NAMES = tuple(f.name for f in FORMATS)
#: Inside a zip, which member to read when several could be: the first suffix found wins.
ZIP_PREFERENCE = (
    ".geojson",
    ".json",
    ".gpkg",
    ".fgb",
    ".parquet",
    ".geoparquet",
    ".shp",
    ".kml",
    ".csv",
)

SQLITE_MAGIC = b"SQLite format 3\x00"
GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")
SHP_MAGIC = b"\x00\x00\x27\x0a"
ZIP_MAGIC = b"PK\x03\x04"
#: FlatGeobuf: "fgb", the major version 3, "fgb", then the patch version (any).
FGB_MAGIC = b"fgb\x03fgb"
#: Apache Parquet: the first and the last four bytes; "PARE" ends a file with an encrypted footer.
PARQUET_MAGIC = b"PAR1"
PARQUET_ENCRYPTED_MAGIC = b"PARE"


def format_by_name(name: str) -> Format:
    """The format called ``name``; UnsupportedFormatError listing the names otherwise."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise UnsupportedFormatError("--format", f"unknown format {name!r}: one of {FORMAT_NAMES}")


def _head(path: Path, n: int = 4096) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def _tail(path: Path, n: int = 4) -> bytes:
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - n))
        return fh.read(n)


def sniff(path: Path, file: str) -> str:
    """The format of a plain (not zipped) file, decided by its first bytes (and, for Parquet,
    its last four).

    Returns a name from :data:`FORMAT_NAMES` or ``"zip"``. Raises UnsupportedFormatError for
    anything else — notably XML that is not KML (VRT, GML, …), SQLite that is not a
    GeoPackage, a FlatGeobuf of another major version and a truncated or encrypted Parquet
    file. (Whether a Parquet file is GeoParquet is for its reader: that is in the footer.)
    """
    head = _head(path)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(FGB_MAGIC):
        return "fgb"
    if head.startswith(b"fgb") and head[4:7] == b"fgb":
        raise UnsupportedFormatError(
            file, f"a FlatGeobuf of major version {head[3]}: only version 3 is read"
        )
    if head.startswith((PARQUET_MAGIC, PARQUET_ENCRYPTED_MAGIC)):
        tail = _tail(path)
        if tail == PARQUET_MAGIC and len(head) >= 8:
            return "parquet"
        if tail == PARQUET_ENCRYPTED_MAGIC:
            raise UnsupportedFormatError(file, "an encrypted Parquet file: refused")
        raise UnsupportedFormatError(
            file, "starts like a Parquet file but does not end like one (truncated?)"
        )
    if head.startswith(SQLITE_MAGIC):
        if head[68:72] in GPKG_APPLICATION_IDS:
            return "gpkg"
        raise UnsupportedFormatError(file, "an SQLite database that is not a GeoPackage")
    if head.startswith(SHP_MAGIC) and path.suffix.lower() == ".shp":
        return "shapefile"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"<"):
        lowered = text[:2048].lower()
        root = lowered.split(b"<kml", 1)
        if len(root) == 2 and not any(
            tag in root[0] for tag in (b"<ogrvrt", b"<vrt", b"<gml", b"<wfs")
        ):
            return "kml"
        kind = "a GDAL VRT" if b"vrt" in lowered[:200] else "XML that is not KML"
        raise UnsupportedFormatError(
            file,
            f"content is {kind}: refused (a file's content decides what it is, and only "
            f"{', '.join(FORMAT_NAMES)} are accepted)",
        )
    if b"\x00" in head:
        raise UnsupportedFormatError(
            file, f"binary content of an unknown format; accepted: {', '.join(FORMAT_NAMES)}"
        )
    return "csv"


def _zip_member(folder: Path, file: str) -> tuple[str, Path]:
    """Which extracted file (and format) a zip holds."""
    from ninohe_geo.io.read_gtfs import find_feed_root

    if find_feed_root(folder) is not None:
        return "gtfs", folder
    files = [p for p in folder.rglob("*") if p.is_file()]
    for suffix in ZIP_PREFERENCE:
        found = sorted(p for p in files if p.suffix.lower() == suffix)
        if found:
            return sniff(found[0], file), found[0]
    kml = sorted(p for p in files if p.name.lower() == "doc.kml")
    if kml:
        return "kml", kml[0]
    raise UnsupportedFormatError(
        file,
        "the zip holds no GeoJSON, GeoPackage, FlatGeobuf, GeoParquet, Shapefile, KML, CSV "
        "or GTFS feed",
    )


def read_source(
    path: Path,
    fmt: str | None = None,
    crs: str | None = None,
    display_name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    deadline: Deadline | None = None,
) -> SourceTable:
    """Read any accepted file into a :class:`SourceTable` (lon/lat), safely.

    ``fmt`` (``--format``) must agree with the content; it chooses among what the content
    allows (e.g. ``csv`` for a ``.txt``), never overrides it. Zips (zipped Shapefiles, KMZ,
    GTFS, N03 downloads) are checked and extracted into a temporary folder that is removed
    afterwards. ``deadline`` lets a caller count the read into a longer import's time limit.
    """
    file = display_name or path.name
    deadline = deadline or Deadline(file, limits.time_limit_s)
    ctx = ReadContext(display_name=file, crs=crs, limits=limits, deadline=deadline)
    if not path.is_file():
        raise UnsupportedFormatError(file, "not a file")
    check_size(path, limits)
    detected = sniff(path, file)
    if detected != "zip":
        _agree(fmt, detected, file)
        return format_by_name(detected).read_function()(path, ctx)
    if not zipfile.is_zipfile(path):
        raise UnsafeInputError(file, "starts like a zip but is not a readable zip file")
    with tempfile.TemporaryDirectory(prefix="ninohe-import-") as tmp:
        folder = Path(tmp)
        safe_extract(path, folder, limits)
        deadline.check("extracting the zip")
        inner, member = _zip_member(folder, file)
        _agree(fmt, inner, file)
        table = format_by_name(inner).read_function()(member, ctx)
        if inner != "gtfs":
            table.notes.insert(0, f"read {member.relative_to(folder)} from the zip")
        return table


def _agree(fmt: str | None, detected: str, file: str) -> None:
    if fmt is not None and fmt not in ("zip", detected):
        format_by_name(fmt)
        raise UnsupportedFormatError(
            file, f"--format {fmt} given, but the content is {format_by_name(detected).title}"
        )
