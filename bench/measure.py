"""The two map paths and how they are timed.

- plain: what a naive app does — ``folium.Map`` + ``folium.GeoJson(gdf)`` with the whole
  properties table (every schema column);
- ours: :func:`ninohe_geo.maps.mapview.standalone_map`.

Each is timed from building the map to the rendered HTML string (``m.get_root().render()``).
Ours is timed twice per repeat: *cold* (the geometry-text cache of
:mod:`ninohe_geo.maps.fastpayload` emptied first: what the first render after loading data costs
without the load-time warm-up) and *warm* (cache filled: what a filter change or another
visitor costs in the app, which warms the cache when it loads a large catalogue).
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

from ninohe_geo.maps import fastpayload, mapview
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
    """Warm: the geometry cache filled (the app's steady state)."""
    cold: Timing | None = None
    """Cold: the geometry cache emptied before each run."""

    @property
    def time_ratio(self) -> float:
        """How many times longer plain folium takes."""
        return self.plain.median / self.ours.median

    @property
    def cold_ratio(self) -> float:
        """How many times longer plain folium takes than ours with an empty cache."""
        return self.plain.median / self.cold.median if self.cold else float("nan")

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
    runs: dict[str, list[float]] = {"plain": [], "cold": [], "ours": []}
    sizes: dict[str, int] = {}

    def cold() -> str:
        fastpayload.clear()
        return ours_html(features, plan)

    builds: dict[str, Callable[[], str]] = {
        "plain": lambda: plain_html(features),
        "cold": cold,
        "ours": lambda: ours_html(features, plan),  # right after cold: the cache is warm
    }
    for r in range(repeat):
        order = ("plain", "cold", "ours") if r % 2 == 0 else ("cold", "ours", "plain")
        for name in order:
            elapsed, nbytes = _once(builds[name])
            runs[name].append(elapsed)
            sizes[name] = nbytes
    return Pair(
        plain=Timing(tuple(runs["plain"]), sizes["plain"]),
        ours=Timing(tuple(runs["ours"]), sizes["ours"]),
        cold=Timing(tuple(runs["cold"]), sizes["cold"]),
    )
