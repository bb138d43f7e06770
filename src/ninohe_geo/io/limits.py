"""Caps on what an import may cost, checked before the full read, and safe zip extraction.

Why each cap exists:

- ``max_bytes``: the uploaded/downloaded file itself (a city's layers are kilobytes to a few MB;
  a prefecture's N03 GeoJSON is tens of MB).
- ``max_unzipped_bytes`` and ``max_ratio``: a zip's members are summed from its central directory
  *before* anything is extracted, and extraction re-counts the bytes actually written (a
  central directory can lie). A zip bomb is refused without filling the disk.
- ``max_features``: counted before parsing — from the GeoPackage/Shapefile header through GDAL's
  feature count, by counting ``"Feature"`` objects in GeoJSON bytes, and by counting lines in
  CSV/GTFS — so a 335 KB zip of a million points is refused before a million objects are built.
- ``time_limit_s``: a deadline checked between stages and inside per-feature loops. GDAL's own
  reads cannot be interrupted in-process; the feature and size caps bound them instead (an
  honest trade-off against running every read in a subprocess).
"""

from __future__ import annotations

import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ninohe_geo.io.errors import LimitExceededError, UnsafeInputError


@dataclass(frozen=True)
class Limits:
    """What one import may cost. The defaults suit a city; tests pass smaller ones."""

    max_bytes: int = 256 * 1024 * 1024
    """Largest input file, in bytes."""
    max_unzipped_bytes: int = 512 * 1024 * 1024
    """Largest total size of a zip's extracted members."""
    max_ratio: int = 200
    """Largest compression ratio of any zip member (a zip bomb compresses ~1000:1)."""
    max_members: int = 1000
    """Most members a zip may have."""
    max_features: int = 200_000
    """Most features (rows) one import may hold."""
    time_limit_s: float = 300.0
    """Wall-clock seconds one import may take (reading, mapping and checking; a 100,000-point
    import takes well under this, see bench/bench_import.py)."""

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_unzipped_bytes", "max_ratio", "max_members", "max_features"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")


DEFAULT_LIMITS = Limits()


class Deadline:
    """A wall-clock deadline for one import; :meth:`check` raises once it has passed."""

    def __init__(self, path: Path | str, seconds: float) -> None:
        self.path = path
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self, stage: str) -> None:
        """Raise LimitExceededError if the time is up (``stage`` says where it stopped)."""
        if time.monotonic() > self.end:
            raise LimitExceededError(
                self.path, f"import took longer than {self.seconds:g} s (stopped while {stage})"
            )


def check_size(path: Path, limits: Limits) -> int:
    """The file's size; LimitExceededError when above ``limits.max_bytes``."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise LimitExceededError(
            path, f"file is {size:,} bytes; the limit is {limits.max_bytes:,} bytes"
        )
    return size


def check_feature_count(path: Path | str, count: int, limits: Limits) -> None:
    """LimitExceededError when ``count`` (counted before the full read) is above the cap."""
    if count > limits.max_features:
        raise LimitExceededError(
            path,
            f"has about {count:,} features; the limit is {limits.max_features:,} "
            "(split the file, or raise the limit for a trusted file)",
        )


def _safe_member_name(archive: Path, name: str) -> PurePosixPath:
    """A member's relative path, refused if absolute, on a drive, or climbing out with ``..``."""
    pure = PurePosixPath(name.replace("\\", "/"))
    first = pure.parts[0] if pure.parts else ""
    if pure.is_absolute() or ":" in first or any(part == ".." for part in pure.parts):
        raise UnsafeInputError(archive, f"zip member {name!r} would be written outside the folder")
    return pure


def check_zip_members(archive: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip whose members escape the folder, are links, or expand too much (from the
    central directory, before anything is read); see :func:`safe_extract`."""
    if len(infos) > limits.max_members:
        raise LimitExceededError(
            archive, f"zip has {len(infos):,} members; the limit is {limits.max_members:,}"
        )
    total = 0
    for info in infos:
        _safe_member_name(archive, info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UnsafeInputError(archive, f"zip member {info.filename!r} is a symbolic link")
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
            raise LimitExceededError(
                archive,
                f"zip member {info.filename!r} expands "
                f"{info.file_size / info.compress_size:,.0f} times "
                f"(limit {limits.max_ratio}): refusing a possible zip bomb",
            )
    if total > limits.max_unzipped_bytes:
        raise LimitExceededError(
            archive,
            f"zip expands to {total:,} bytes; the limit is {limits.max_unzipped_bytes:,}",
        )


def safe_extract(archive: Path, dest: Path, limits: Limits) -> list[Path]:
    """Extract a zip into ``dest`` after checking names, count, sizes and ratios.

    Refuses (and writes nothing for) members that escape ``dest`` (zip slip), symbolic links,
    more than ``max_members`` members, a declared total above ``max_unzipped_bytes`` or a member
    compressed more than ``max_ratio``:1. While extracting, the bytes written are counted again,
    so a lying central directory is caught too. Returns the extracted files.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeInputError(archive, f"not a readable zip file: {exc}") from exc
    with zf:
        infos = zf.infolist()
        check_zip_members(archive, infos, limits)
        root = dest.resolve()
        written = 0
        out: list[Path] = []
        for info in infos:
            if info.is_dir():
                continue
            target = (root / _safe_member_name(archive, info.filename)).resolve()
            if root not in target.parents:
                raise UnsafeInputError(
                    archive, f"zip member {info.filename!r} would be written outside the folder"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > limits.max_unzipped_bytes:
                        raise LimitExceededError(
                            archive,
                            f"zip expands to more than {limits.max_unzipped_bytes:,} bytes",
                        )
                    dst.write(chunk)
            out.append(target)
        return out


#: GDAL configuration that keeps every read off the network and away from other files.
GDAL_SAFE_CONFIG: dict[str, str] = {
    # No HTTP(S)/FTP through GDAL's virtual file systems at all.
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".ninohe-geo-no-network",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    # GML/GMLAS: never download schemas or resolve xlinks.
    "GML_DOWNLOAD_WFS_SCHEMA": "NO",
    "GML_SKIP_RESOLVE_ELEMS": "ALL",
    "GDAL_GMLAS_ALLOW_REMOTE_SCHEMA_DOWNLOAD": "NO",
    "OGR_GMLAS_ALLOW_REMOTE_SCHEMA_DOWNLOAD": "NO",
    # KML via LIBKML: do not follow NetworkLinks (we parse KML ourselves anyway).
    "LIBKML_RESOLVE_STYLE": "NO",
    "LIBKML_EXTERNAL_STYLE": "NO",
    # VRT sources may not point at arbitrary files.
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "VRT_SHARED_SOURCE": "0",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
}


def apply_gdal_safety() -> None:
    """Set :data:`GDAL_SAFE_CONFIG` in GDAL (process-wide; this app never wants GDAL online)."""
    import pyogrio

    pyogrio.set_gdal_config_options(GDAL_SAFE_CONFIG)
