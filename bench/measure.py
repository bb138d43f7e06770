"""The two map paths and how they are timed.

- plain: what a naive app does — ``folium.Map`` + ``folium.GeoJson(gdf)`` with the whole
  properties table (every schema column);
- ours: :func:`ninohe_geo.maps.mapview.standalone_map`.

Each is timed from building the map to the rendered HTML string (``m.get_root().render()``).
Ours sends every feature inline (Leaflet's canvas above ``mapview.CANVAS_THRESHOLD``), as a page
without the catalogue's vector tiles does; the app's large maps send a tile archive's URL and a
mask instead (measured by :mod:`bench.bench_tiles`). Until issue #15 ours was a private canvas
format with a cached geometry text, timed *cold* and *warm*; both are retired.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import folium
import geopandas as gpd
import shapely

from ninohe_geo.maps import mapview
from ninohe_geo.model.plan import Plan

#: Where the app serves its static files (as in the app and the published site).
STATIC_URL = "/app/static"


def plain_html(features: gpd.GeoDataFrame) -> str:
    """The naive folium page: every feature with every property, as GeoJSON."""
    m = folium.Map(location=list(mapview.DEFAULT_CENTER), zoom_start=mapview.DEFAULT_ZOOM)
    folium.GeoJson(features).add_to(m)
    if len(features):
        minx, miny, maxx, maxy = shapely.total_bounds(features.geometry.values)
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    html: str = m.get_root().render()
    return html


def ours_html(features: gpd.GeoDataFrame, plan: Plan) -> str:
    """Our page: :func:`ninohe_geo.maps.mapview.standalone_map`, rendered the same way."""
    m = mapview.standalone_map(features, plan, "ja", static_url=STATIC_URL)
    html: str = m.get_root().render()
    return html


@dataclass(frozen=True)
class Timing:
    """Wall times of the repeats (seconds) and the size of the page (UTF-8 bytes)."""

    seconds: tuple[float, ...]
    nbytes: int

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class Pair:
    """Plain and ours, measured on the same table in the same process."""

    plain: Timing
    ours: Timing

    @property
    def time_ratio(self) -> float:
        """How many times longer plain folium takes."""
        return self.plain.median / self.ours.median

    @property
    def bytes_ratio(self) -> float:
        """How many times larger the plain page is."""
        return self.plain.nbytes / self.ours.nbytes


def _once(build: Callable[[], str]) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    html = build()
    elapsed = time.perf_counter() - start
    return elapsed, len(html.encode("utf-8"))


def measure_pair(features: gpd.GeoDataFrame, plan: Plan, repeat: int) -> Pair:
    """Time both paths ``repeat`` times, interleaved (and alternating which goes first)."""
    runs: dict[str, list[float]] = {"plain": [], "ours": []}
    sizes: dict[str, int] = {}
    builds: dict[str, Callable[[], str]] = {
        "plain": lambda: plain_html(features),
        "ours": lambda: ours_html(features, plan),
    }
    for r in range(repeat):
        order = ("plain", "ours") if r % 2 == 0 else ("ours", "plain")
        for name in order:
            elapsed, nbytes = _once(builds[name])
            runs[name].append(elapsed)
            sizes[name] = nbytes
    return Pair(
        plain=Timing(tuple(runs["plain"]), sizes["plain"]),
        ours=Timing(tuple(runs["ours"]), sizes["ours"]),
    )
