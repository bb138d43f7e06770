"""Large catalogues as PMTiles vector tiles; a view is a bit mask over them.

Above :data:`ninohe_geo.maps.mapview.CANVAS_THRESHOLD` features the app's map draws the whole
catalogue from one PMTiles archive (vector tiles, Mapbox Vector Tile encoding, one file with an
index: https://github.com/protomaps/PMTiles), written by GDAL's PMTiles driver through pyogrio
once per catalogue and kept in the Streamlit static folder (``/app/static/tiles/…``, served with
HTTP range requests). ``protomaps-leaflet`` (npm, served by the app itself) reads and draws it
on canvas tiles; ``static/ninohe-tiles.js`` adds what the plan's map needs on top: the filter
mask, the tooltip, click → details and the selected outline.

Each tile feature carries three integers only:

- ``i`` — the feature's position in the catalogue (the bit of the view's mask, and the index
  into the names file);
- ``p`` — its pillar's index (the colour);
- ``l`` — 1 when its place is approximate or schematic (位置は概略: dashed).

Names and ids are not repeated in every tile of every zoom: they are in one JSON file beside
the archive (``{"ids": […], "names_ja": […], "names_en": […]}``), fetched once for the tooltip
and for click → details. A filter change sends the mask only (one bit per feature: 12.5 KB
at 100,000, 16.7 KB as base64) and the browser repaints the tiles it already has: no tile is
fetched again.

Detail per zoom: tiles from :data:`MIN_ZOOM` to :data:`MAX_ZOOM` (GDAL simplifies each zoom to
its own resolution); above ``MAX_ZOOM`` the last level is drawn larger, and at
:data:`EXTENT` units per tile its grid is 0.46 m at Ninohe's latitude — under a pixel even at
zoom 18, so exact to the eye at every zoom the base maps offer.

Both files are named by a SHA-256 of the catalogue's geometry and attributes: a server restart
finds the archive it wrote before and does not build it again; a changed catalogue is a new
name, so two servers sharing the folder never overwrite each other's. A server marks the files
it serves as in use (their time, at most hourly); when a new archive is written, files unused
for :data:`KEEP_DAYS` days go, and beyond the newest :data:`KEEP_LATEST`, files unused for an
hour.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ninohe_geo.atomic import write_atomic

#: Sub-folder of the app's static folder that holds the archives.
FOLDER = "tiles"
#: The vector tile layer's name inside the archive.
LAYER = "plan"
#: Lowest zoom with tiles (the city fits the map from zoom 9; Iwate at 8).
MIN_ZOOM = 8
#: Highest zoom with tiles; above it the browser draws this level larger ("overzoom").
MAX_ZOOM = 13
#: Units per tile edge: 8192 at zoom 13 is a 0.46 m grid at latitude 40°.
EXTENT = 8192
#: Largest tile (compressed bytes) before GDAL encodes it at a lower resolution: GDAL's default
#: (500 KB) made the whole-city tiles of 100,000 features visibly blocky (measured here); at 2 MB
#: they stay exact, at the cost of heavier first tiles for very dense catalogues.
MAX_TILE_BYTES = 2_000_000
#: Features per tile before GDAL leaves the rest out (its default, 200,000, would drop features
#: from the low-zoom tiles of a million-feature catalogue: never leave a feature out).
MAX_TILE_FEATURES = 10_000_000
#: Below :data:`MAX_ZOOM`, GDAL simplifies each zoom's geometry by this many tile units: a
#: quarter of a pixel of a 256-pixel tile at :data:`EXTENT` (under the eye, even on a
#: high-density screen), and measured here at 100,000 features: 36 % fewer bytes at zoom 10,
#: and fewer features lost to GDAL's size limit at the lowest zooms (all 100,000 at zoom 10,
#: against 99,924 without). :data:`MAX_ZOOM` itself, the level drawn larger above it, keeps
#: the full grid.
SIMPLIFICATION = 8
#: Files not used for this many days are removed when a new one is written.
KEEP_DAYS = 7
#: Beyond the newest this many archives, one unused for an hour is removed too (every edit of
#: a large catalogue is a new archive: 22 MB each at 100,000 features).
KEEP_LATEST = 6


@dataclass(frozen=True)
class TileDataset:
    """A catalogue's PMTiles archive and names file, and how to address its features."""

    url: str
    """The archive, as the browser fetches it (under the app's static URL)."""
    names_url: str
    """The ids and names file beside it."""
    path: Path
    index: pd.Index
    """The catalogue's feature ids, in tile order (``i`` of each tile feature)."""
    digest: str
    bounds: tuple[float, float, float, float]
    """(minx, miny, maxx, maxy) of the whole catalogue."""

    def mask(self, view: gpd.GeoDataFrame) -> str | None:
        """Base64 bit mask (bit ``i`` = feature ``i``, least significant bit first) of the
        view's features, or None if some feature of the view is not in this archive."""
        try:
            positions = self.index.get_indexer(view.index)
        except Exception:  # pandas raises on a non-unique index; then there is no mapping
            return None
        if len(positions) and int(positions.min()) < 0:
            return None
        bits = np.zeros(len(self.index), dtype=bool)
        bits[positions] = True
        return base64.b64encode(np.packbits(bits, bitorder="little").tobytes()).decode("ascii")

    def position(self, feature_id: str | None) -> int:
        """The tile index ``i`` of a feature id, or -1 (None, or not in the archive)."""
        if feature_id is None:
            return -1
        try:
            found = self.index.get_indexer([feature_id])
        except Exception:
            return -1
        return int(found[0])


def digest_of(features: gpd.GeoDataFrame) -> str:
    """SHA-256 (20 hex digits) of what the tiles and names file hold, plus the tiling's
    settings: equal for an unchanged catalogue, in any process."""
    settings = (
        f"{MIN_ZOOM} {MAX_ZOOM} {EXTENT} {MAX_TILE_BYTES} {MAX_TILE_FEATURES} {SIMPLIFICATION}"
    )
    h = hashlib.sha256(f"ninohe-tiles/1 {settings}".encode())
    for wkb in shapely.to_wkb(np.asarray(features.geometry.values), output_dimension=2):
        h.update(wkb)
    for column in ("pillar_index", "loose"):
        h.update(features[column].to_numpy().astype("<i2").tobytes())
    for column in ("id", "name_ja", "name_en"):
        h.update("\x1f".join(features[column].astype(str)).encode("utf-8"))
    return h.hexdigest()[:20]


def tile_frame(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The tiles' features: ``i``, ``p``, ``l`` and the geometry (EPSG:4326)."""
    return gpd.GeoDataFrame(
        {
            "i": np.arange(len(features), dtype=np.int32),
            "p": features["pillar_index"].to_numpy().astype(np.int16),
            "l": features["loose"].to_numpy().astype(np.int16),
        },
        geometry=np.asarray(features.geometry.values),
        crs="EPSG:4326",
    )


def build(features: gpd.GeoDataFrame, path: Path) -> Path:
    """Write the PMTiles archive of ``features`` to ``path`` (atomically: GDAL writes a
    temporary file in the same folder, renamed when complete)."""
    import pyogrio

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pmtiles")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # GDAL refuses to write over an existing file
    try:
        pyogrio.write_dataframe(
            tile_frame(features),
            tmp,
            layer=LAYER,
            driver="PMTiles",
            dataset_options={
                "MINZOOM": str(MIN_ZOOM),
                "MAXZOOM": str(MAX_ZOOM),
                "EXTENT": str(EXTENT),
                "MAX_SIZE": str(MAX_TILE_BYTES),
                "MAX_FEATURES": str(MAX_TILE_FEATURES),
                "SIMPLIFICATION": str(SIMPLIFICATION),
                "SIMPLIFICATION_MAX_ZOOM": str(MAX_ZOOM - 1),
                "NAME": "ninohe-geo",
            },
        )
        os.chmod(tmp, 0o644)  # a web server may run as another user
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def names_json(features: gpd.GeoDataFrame) -> bytes:
    """The names file: ids and both names, in tile order."""
    doc = {
        "ids": features["id"].astype(str).tolist(),
        "names_ja": features["name_ja"].astype(str).tolist(),
        "names_en": features["name_en"].astype(str).tolist(),
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _prune(folder: Path, keep: set[Path]) -> None:
    """Remove archives and names files unused for :data:`KEEP_DAYS` days (other servers'
    recent files stay: they may be in use; a server touches its own on every publish, at most
    once an hour), and temporary files a killed build left a day ago."""
    now = time.time()
    cutoff = now - KEEP_DAYS * 86400
    in_use = keep | {d.path for _, d in _published.values()}
    in_use |= {d.path.with_suffix(".json") for _, d in _published.values()}
    archives = []
    for path in folder.glob("plan-*.pmtiles"):
        try:
            archives.append((path.stat().st_mtime, path))
        except OSError:
            continue
    archives.sort(reverse=True)
    for rank, (mtime, archive) in enumerate(archives):
        if archive in in_use or not (
            mtime < cutoff or (rank >= KEEP_LATEST and mtime < now - 3600)
        ):
            continue
        for old in (archive, archive.with_suffix(".json")):
            old.unlink(missing_ok=True)
    for names in folder.glob("plan-*.json"):  # a names file whose archive is gone
        try:
            if not names.with_suffix(".pmtiles").exists() and names.stat().st_mtime < cutoff:
                names.unlink()
        except OSError:
            continue
    for tmp in folder.glob(".tmp-*"):
        try:
            if tmp.stat().st_mtime < now - 86400:
                tmp.unlink()
        except OSError:
            continue


def _still_there(dataset: TileDataset) -> bool:
    """True when both files of a remembered archive are still there (marked in use again)."""
    names = dataset.path.with_suffix(".json")
    if dataset.path.is_file() and names.is_file():  # not removed under us
        _keep_fresh(dataset.path, names)
        return True
    return False


def _keep_fresh(*paths: Path) -> None:
    """Mark files as in use (their time: another server's prune spares them), at most once an
    hour per file."""
    now = time.time()  # the process's clock, the one _prune compares with
    for path in paths:
        try:
            if path.stat().st_mtime < now - 3600:
                os.utime(path, (now, now))
        except OSError:
            continue


_lock = threading.Lock()
_published: dict[tuple[int, str, str], tuple[gpd.GeoDataFrame, TileDataset]] = {}
#: How many frames' archives are remembered; the least recently published is forgotten first,
#: so the catalogue every map page asks for is not pushed out by a few import previews.
REMEMBERED = 4


def _remember(key: tuple[int, str, str], entry: tuple[gpd.GeoDataFrame, TileDataset]) -> None:
    """``entry`` as the most recently used, forgetting the least recently used beyond
    :data:`REMEMBERED` (a lookup may run outside the lock: every step tolerates another
    thread's)."""
    _published.pop(key, None)
    while len(_published) >= REMEMBERED:
        try:
            _published.pop(next(iter(_published)), None)
        except (StopIteration, RuntimeError):
            break
    _published[key] = entry


def publish(features: gpd.GeoDataFrame, static_dir: Path, static_url: str) -> TileDataset:
    """The archive and names file of ``features`` in ``static_dir/tiles``: built when no
    file of that digest is there yet (remembered for that very frame object), and where the
    browser finds them."""
    key = (id(features), str(static_dir), static_url.rstrip("/"))
    hit = _published.get(key)  # a remembered catalogue does not wait for another's build
    if hit is not None and hit[0] is features and _still_there(hit[1]):
        _remember(key, hit)
        return hit[1]
    with _lock:
        hit = _published.get(key)
        if hit is not None and hit[0] is features and _still_there(hit[1]):
            return hit[1]
        digest = digest_of(features)
        folder = static_dir / FOLDER
        path = folder / f"plan-{digest}.pmtiles"
        names = folder / f"plan-{digest}.json"
        now = time.time()
        if path.is_file():
            os.utime(path, (now, now))  # in use again: not pruned
        else:
            build(features, path)
            os.utime(path, (now, now))
        if names.is_file():
            os.utime(names, (now, now))
        else:
            write_atomic(names, names_json(features))
            os.utime(names, (now, now))
        _prune(folder, {path, names})
        base = f"{static_url.rstrip('/')}/{FOLDER}"
        minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(features.geometry.values))
        dataset = TileDataset(
            url=f"{base}/{path.name}",
            names_url=f"{base}/{names.name}",
            path=path,
            index=pd.Index(features.index),
            digest=digest,
            bounds=(minx, miny, maxx, maxy),
        )
        _remember(key, (features, dataset))
        return dataset
