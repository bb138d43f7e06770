"""Feature payloads for large maps: encode each geometry once, assemble any view by joining.

A filter change used to re-simplify, re-encode and re-serialise every shown geometry: at
100,000 features about 2 s of server time per change, repeated for every visitor. Geometries do
not change between filter changes — only which of them are shown — so this module keeps, per
level of detail (:class:`ninohe_geo.maps.lod.Detail`), the JSON text of each encoded geometry, and a
view's payload is the join of the cached pieces (tens of milliseconds at 100,000).

The cache is keyed by the geometry *object* (``id`` plus an identity check, so a recycled ``id``
can never return another geometry's text). The catalogue is shared read-only by every session
(``st.cache_resource``) and a filtered view holds the same geometry objects, so every session and
every filter hits the same entries, with no change to the pages' data flow. Trade-offs: the
cache holds the geometries it has seen alive until it is cleared; it is bounded
(:data:`MAX_ENTRIES`, cleared whole when full: simple, and a reload of the catalogue replaces
every geometry anyway); memory is about the size of the JSON text (≈ 100 bytes per point,
≈ 200–400 per line or polygon at city zooms).

Where it is used now: standalone pages (the published site, print, the benchmark's HTML) and
views that are not a subset of a published catalogue file. The app's map and presentation pages
send a large catalogue's views as a bit mask over one static file instead
(:mod:`ninohe_geo.maps.fastdata`): no geometry crosses the websocket on a filter change.

Only digits, ``-``, ``,`` and brackets are in a geometry's text, so the pieces are safe inside a
``<script>`` without escaping; names and ids still go through :func:`ninohe_geo.escape.script_json`.
"""

from __future__ import annotations

import threading
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from ninohe_geo.escape import script_json
from ninohe_geo.maps.encoding import SCALE, encode_geometries
from ninohe_geo.maps.lod import Detail
from ninohe_geo.model.plan import Lang

#: Cached geometries (all levels of detail together) before the cache is cleared.
MAX_ENTRIES = 600_000

#: (tolerance, scale) → {id(geometry): (geometry, text)}
_stores: dict[tuple[float, int], dict[int, tuple[Any, str]]] = {}
_lock = threading.Lock()


def clear() -> None:
    """Forget every cached geometry text (tests; a catalogue reload does not need it)."""
    with _lock:
        _stores.clear()


def cache_size() -> int:
    """How many (geometry, level of detail) texts are cached."""
    return sum(len(store) for store in list(_stores.values()))


def reduce_geometries(geoms: np.ndarray, detail: Detail, rescale: bool = True) -> np.ndarray:
    """Simplify (points untouched) and, with ``rescale``, rescale so that
    :func:`encode_geometries` quantises to ``1 / detail.scale`` degrees (it rounds to 1e-6:
    coordinates × scale/1e6 first)."""
    out = geoms
    if detail.tolerance_deg > 0:
        # Plain Douglas–Peucker (no topology preservation: 5× faster, and a drawing needs no
        # validity); a polygon that collapses keeps its original shape (it is drawn as a dot).
        simple = shapely.simplify(out, detail.tolerance_deg, preserve_topology=False)
        out = np.where(shapely.is_empty(simple), out, simple)
    if rescale and detail.scale != SCALE:
        factor = detail.scale / SCALE
        out = shapely.transform(out, lambda c: c * factor)
    return np.asarray(out, dtype=object)


def _text(value: list[Any]) -> str:
    """Compact JSON of nested lists of ints (json.dumps per geometry is 5× slower)."""
    if not value or isinstance(value[0], int):
        return "[" + ",".join(map(str, value)) + "]"
    return "[" + ",".join(map(_text, value)) + "]"


def geometry_texts(geoms: Any, detail: Detail) -> list[str]:
    """The JSON text of each geometry's ``[code, parts]`` at ``detail`` (cached)."""
    arr = np.asarray(geoms, dtype=object)
    objs = arr.tolist()
    key = (float(detail.tolerance_deg), int(detail.scale))
    store = _stores.get(key)
    if store is None:
        with _lock:
            store = _stores.setdefault(key, {})
    hits = [store.get(id(g)) for g in objs]
    texts = [h[1] if h is not None and h[0] is g else "" for h, g in zip(hits, objs, strict=True)]
    missing = [i for i, text in enumerate(texts) if not text]
    if missing:
        encoded = encode_geometries(reduce_geometries(arr[missing], detail))
        with _lock:
            if cache_size() + len(missing) > MAX_ENTRIES:
                _stores.clear()
                store = _stores.setdefault(key, {})
            for i, (code, parts) in zip(missing, encoded, strict=True):
                text = f"[{int(code)},{_text(parts)}]"
                texts[i] = text
                store[id(objs[i])] = (objs[i], text)
    return texts


def payload_json(features: gpd.GeoDataFrame, lang: Lang, detail: Detail) -> str:
    """``script_json(features_payload(...))`` plus ``"scale"``, built from cached geometry text.

    The same column arrays as :func:`ninohe_geo.maps.mapview.features_payload` (ids, names, pillars,
    loose, geoms), plus ``scale``: the quantum is ``1 / scale`` degrees (``ninohe-fast.js`` reads
    it; absent means 1e6).
    """
    name_col = "name_ja" if lang == "ja" else "name_en"
    head = script_json(
        {
            "ids": features["id"].tolist(),
            "names": features[name_col].tolist(),
            "pillars": features["pillar_index"].astype(int).tolist(),
            "loose": features["loose"].astype(int).tolist(),
            "scale": detail.scale,
        }
    )
    geoms = ",".join(geometry_texts(features.geometry.values, detail))
    return f'{head[:-1]},"geoms":[{geoms}]}}'
