"""Large catalogues as one static, binary file per level of detail; a view is a bit mask.

At 100,000 features every filter change used to send the whole encoded geometry of the view
(~13 MB of JSON) over Streamlit's websocket, and the browser decoded it again (~1.8 s): the
geometry never changes between filter changes, only which features are shown. So, once per
catalogue, the app writes every geometry at the map's level of detail into one file in the
Streamlit static folder (served at ``/app/static/data/…``, cacheable, fetched once per browser
tab), and a view sends only

- the file's URL (named by the SHA-256 of its bytes, so a changed catalogue is a new file and
  two servers sharing the folder never overwrite each other's),
- a bit mask of the features shown (one bit per catalogue feature: 12.5 KB at 100,000).

``ninohe-fast.js`` fetches and decodes a file once, keeps it in the map's window, and redraws
from the mask: a filter change costs the server a ``get_indexer`` and a ``packbits``, and the
browser a repaint.

The file is gzip-compressed (the static route serves it as is; the browser inflates it with
``DecompressionStream``); inside, little-endian (as every browser's typed arrays are on the
platforms we serve)::

    "NGF1"  uint32 json_length  json (UTF-8)  padding to 8 bytes
    uint8  kind[n]        0 point, 1 line, 2 polygon          padding to 8
    uint8  pillar[n]      index into the plan's pillars       padding to 8
    uint8  loose[n]       1 when the location is approximate  padding to 8
    int32  feat_part[n + 1]   first sequence of each feature  padding to 8
    int32  part_start[m + 1]  first vertex of each sequence   padding to 8
    int32  coords[2 v]        lon, lat × scale; each sequence's first vertex absolute,
                              the others as differences from the previous vertex

The JSON holds ``n``, ``m`` (sequences: points, lines, polygon rings), ``v`` (vertices),
``scale`` (the quantum is ``1 / scale`` degrees), ``ids``, ``names_ja`` and ``names_en``. Only
:func:`ninohe_geo.escape.script_json`-safe JSON reaches a page; the browser puts names in the
DOM with ``textContent`` only.

Trade-offs: one level of detail per catalogue (the whole-city zoom plus 3 levels of headroom,
:func:`ninohe_geo.maps.lod.for_zoom`); the file costs a few seconds to build when a large catalogue
loads; old files are removed after :data:`KEEP_DAYS` days unused.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ninohe_geo.atomic import write_atomic
from ninohe_geo.escape import script_json
from ninohe_geo.maps.lod import Detail

MAGIC = b"NGF1"
#: Sub-folder of the app's static folder that holds the files.
FOLDER = "data"
#: gzip level of the file (6 would be 10 % smaller and twice as slow at 100,000 features).
COMPRESS_LEVEL = 3
#: Files not used for this many days are removed when a new one is written.
KEEP_DAYS = 7

#: shapely type ids → the file's kinds.
_KINDS = {0: 0, 4: 0, 1: 1, 2: 1, 5: 1, 3: 2, 6: 2}


@dataclass(frozen=True)
class FastDataset:
    """A catalogue's geometry as one static file, and how to address its features."""

    url: str
    """Where the browser fetches it (under the app's static URL)."""
    path: Path
    index: pd.Index
    """The catalogue's feature ids, in file order."""
    digest: str

    def mask(self, view: gpd.GeoDataFrame) -> str | None:
        """Base64 bit mask (bit ``i`` = feature ``i``, least significant bit first) of the
        view's features, or None if some feature of the view is not in this file."""
        try:
            positions = self.index.get_indexer(view.index)
        except Exception:  # pandas raises on a non-unique index; then there is no mapping
            return None
        if len(positions) and int(positions.min()) < 0:
            return None
        bits = np.zeros(len(self.index), dtype=bool)
        bits[positions] = True
        return base64.b64encode(np.packbits(bits, bitorder="little").tobytes()).decode("ascii")


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 8)


def _sequences(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature → sequence offsets, sequence → vertex offsets, and the vertices (n × 2)."""
    n = len(geoms)
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    is_polygon = shapely.get_type_id(parts) == 3
    singles = np.flatnonzero(~is_polygon)
    rings, ring_of = shapely.get_rings(parts[is_polygon], return_index=True)
    polygon_part = np.flatnonzero(is_polygon)[ring_of]
    # Every sequence (a point, a line, a ring) with the part it belongs to, in part order
    # (a stable sort keeps a polygon's exterior before its holes).
    seqs = np.concatenate([parts[singles], rings])
    owner = np.concatenate([singles, polygon_part])
    order = np.argsort(owner, kind="stable")
    seqs, owner = seqs[order], owner[order]
    coords, seq_of = shapely.get_coordinates(seqs, return_index=True)
    per_seq = np.bincount(seq_of, minlength=len(seqs))
    per_feature = np.bincount(part_feature[owner], minlength=n)
    part_start = np.concatenate([[0], np.cumsum(per_seq)]).astype(np.int32)
    feat_part = np.concatenate([[0], np.cumsum(per_feature)]).astype(np.int32)
    return feat_part, part_start, coords


def build(features: gpd.GeoDataFrame, detail: Detail) -> bytes:
    """The file's bytes for ``features`` at ``detail`` (see the module docstring)."""
    from ninohe_geo.maps.fastpayload import reduce_geometries

    geoms = np.asarray(features.geometry.values, dtype=object)
    reduced = reduce_geometries(geoms, detail, rescale=False)
    feat_part, part_start, coords = _sequences(reduced)
    quantised = np.rint(coords[:, :2] * detail.scale).astype(np.int64)
    # Delta-encode along each sequence (its first vertex stays absolute): small numbers,
    # which is what makes the compressed file ~3× smaller.
    deltas = np.diff(quantised, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    starts = part_start[:-1][part_start[:-1] < len(quantised)]
    deltas[starts] = quantised[starts]
    kinds = np.vectorize(_KINDS.get, otypes=[np.uint8])(shapely.get_type_id(geoms))
    meta = {
        "n": len(features),
        "m": len(part_start) - 1,
        "v": len(quantised),
        "scale": detail.scale,
        "ids": features["id"].tolist(),
        "names_ja": features["name_ja"].tolist(),
        "names_en": features["name_en"].tolist(),
    }
    head = script_json(meta).encode("utf-8")
    body = b"".join(
        [
            _pad(MAGIC + len(head).to_bytes(4, "little") + head),
            _pad(kinds.astype("<u1").tobytes()),
            _pad(features["pillar_index"].to_numpy().astype("<u1").tobytes()),
            _pad(features["loose"].to_numpy().astype("<u1").tobytes()),
            _pad(feat_part.astype("<i4").tobytes()),
            _pad(part_start.astype("<i4").tobytes()),
            deltas.astype("<i4").tobytes(),
        ]
    )
    return gzip.compress(body, compresslevel=COMPRESS_LEVEL, mtime=0)


def parse(blob: bytes) -> dict[str, Any]:
    """Read a file back (tests and tools): the JSON members plus the arrays, as numpy, with
    ``coords`` absolute again."""
    data = gzip.decompress(blob)
    if data[:4] != MAGIC:
        raise ValueError("not a ninohe-geo fast data file (magic)")
    length = int.from_bytes(data[4:8], "little")
    meta: dict[str, Any] = json.loads(data[8 : 8 + length].decode("utf-8"))
    offset = 8 + length
    offset += -offset % 8
    n, m, v = meta["n"], meta["m"], meta["v"]

    def take(dtype: str, count: int) -> np.ndarray:
        nonlocal offset
        arr = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
        offset += arr.nbytes
        offset += -offset % 8
        return arr

    meta["kind"] = take("<u1", n)
    meta["pillar"] = take("<u1", n)
    meta["loose"] = take("<u1", n)
    meta["feat_part"] = take("<i4", n + 1)
    meta["part_start"] = take("<i4", m + 1)
    deltas = take("<i4", 2 * v).reshape(-1, 2).astype(np.int64)
    coords = np.cumsum(deltas, axis=0)
    starts = meta["part_start"][:-1]
    starts = starts[starts < v]
    # Undo the delta per sequence: subtract the running sum carried over from before it.
    carried = coords[starts] - deltas[starts]
    seq_len = np.diff(meta["part_start"])[: len(starts)]
    coords -= np.repeat(carried, seq_len, axis=0)
    meta["coords"] = coords.astype(np.int32)
    return meta


def _prune(folder: Path, keep: Path) -> None:
    """Remove files of this kind unused for :data:`KEEP_DAYS` days (other servers' recent
    files stay: they may be in use)."""
    cutoff = time.time() - KEEP_DAYS * 86400
    for old in folder.glob("fast-*.bin"):
        try:
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            continue


_lock = threading.Lock()
_published: dict[tuple[int, str, str, Detail], tuple[gpd.GeoDataFrame, FastDataset]] = {}


def publish(
    features: gpd.GeoDataFrame, static_dir: Path, static_url: str, detail: Detail
) -> FastDataset:
    """Write the file for ``features`` into ``static_dir/data`` (once per catalogue frame:
    the result is remembered for that very frame object) and say where it is served."""
    key = (id(features), str(static_dir), static_url.rstrip("/"), detail)
    with _lock:
        hit = _published.get(key)
        if hit is not None and hit[0] is features:
            return hit[1]
        data = build(features, detail)
        digest = hashlib.sha256(data).hexdigest()[:20]
        folder = static_dir / FOLDER
        path = folder / f"fast-{digest}.bin"
        if path.is_file() and path.stat().st_size == len(data):
            path.touch()  # in use again: not pruned
        else:
            write_atomic(path, data)
        _prune(folder, path)
        dataset = FastDataset(
            url=f"{static_url.rstrip('/')}/{FOLDER}/{path.name}",
            path=path,
            index=pd.Index(features.index),
            digest=digest,
        )
        if len(_published) >= 4:  # a few catalogues at most (reloads replace the frame)
            _published.clear()
        _published[key] = (features, dataset)
        return dataset
