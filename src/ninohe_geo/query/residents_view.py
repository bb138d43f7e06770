"""What the residents' page shows for a search, an area (地区) or "near me", as plain data.

One function, :func:`residents_view`, from what the resident asked (the words typed, the point
chosen) to what the page shows and in which order:

- nothing asked: every project in plan order, listed after the map, and the map shows them all;
- words typed: the matches in plan order, directly below the search box, and the map fitted to
  them;
- an area or "near me" (a point, see :mod:`ninohe_geo.model.districts`): the matches nearest
  first. The ones within :data:`NEAR_M` of the point (at least :data:`MIN_NEAR`) come directly
  below the controls, the farther ones after the map. The map is fitted to the point and the
  places among those near ones (points); only when none is a point, to the parts of their lines
  and areas within that circle — so neither a bus route from 二戸駅 to 浄法寺 nor the 浄法寺 漆林
  area (the whole district) pulls the view out to the whole circle or the whole city.

Districts have no published boundary, so "the district" on the map is this circle around its
sourced representative point, and the page says the order is a rough guide (目安).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import shapely
from shapely.geometry import Point

from ninohe_geo.maps import mapview
from ninohe_geo.model import districts
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang
from ninohe_geo.query import residents
from ninohe_geo.query.residents_map import view_key
from ninohe_geo.query.search import SearchIndex

#: Projects within this distance of the chosen point are listed first and framed on the map.
NEAR_M = 3000.0
#: …and at least this many (the nearest), when fewer lie within :data:`NEAR_M`.
MIN_NEAR = 3

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class ResidentsView:
    """What the residents' page shows, in order."""

    results: tuple[str, ...]
    """Every project that matches, in the order shown (plan order, or nearest first)."""
    first: tuple[str, ...]
    """Shown directly below the controls (only when something is asked)."""
    rest: tuple[str, ...]
    """Shown after the map: the farther matches, or every project when nothing is asked."""
    filtered: bool
    """True when words are typed or a point is chosen."""
    origin: tuple[float, float] | None
    """(lat, lon) the list is sorted from, or None."""
    fit: Bounds | None
    """(minx, miny, maxx, maxy) the map is fitted to; None leaves the map where it is."""
    key: str
    """Identity of what is asked: the map refits only when it changes."""
    distances: dict[str, str] = field(default_factory=dict)
    """Formatted distance per project id (only with a point)."""


def _bounds(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> Bounds | None:
    if len(frame) == 0:
        return None
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(frame.geometry.values))
    return minx, miny, maxx, maxy


def _near_bounds(
    features: gpd.GeoDataFrame, origin: tuple[float, float], radius_m: float
) -> Bounds:
    """The point and the parts of ``features`` within ``radius_m`` of it, in lon/lat."""
    lat, lon = origin
    centre = gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").to_crs(districts.METRIC_CRS)
    circle = centre.iloc[0].buffer(radius_m)
    parts = features.geometry.to_crs(districts.METRIC_CRS).intersection(circle)
    parts = parts[~parts.is_empty]
    shapes = gpd.GeoSeries([*parts.to_crs("EPSG:4326").values, Point(lon, lat)], crs="EPSG:4326")
    found = _bounds(shapes)
    assert found is not None  # the point is always there
    return found


def residents_view(
    catalog: Catalog,
    index: SearchIndex,
    query: str,
    origin: tuple[float, float] | None,
    lang: Lang,
) -> ResidentsView:
    """What to show for ``query`` (words, may be blank) and ``origin`` ((lat, lon) or None)."""
    asked = bool(query.strip())
    wanted = set(index.matches(query))
    if origin is None:
        results = tuple(fid for fid in residents.plan_order(catalog) if fid in wanted)
        shown = residents.subset(catalog.features, results)
        fit = _bounds(shown) if asked else mapview.data_bounds(catalog.features)
        return ResidentsView(
            results=results,
            first=results if asked else (),
            rest=() if asked else results,
            filtered=asked,
            origin=None,
            fit=fit,
            key=view_key(None, list(results) if asked else []),
        )
    matched = [fid for fid in residents.plan_order(catalog) if fid in wanted]
    ranked = districts.rank(residents.subset(catalog.features, matched), *origin)
    placed = [(fid, m) for fid, m in ranked if m is not None]
    near = [fid for fid, m in placed if m <= NEAR_M]
    if len(near) < MIN_NEAR:
        near = [fid for fid, _ in placed[:MIN_NEAR]]
    near_set = set(near)
    radius = max([NEAR_M, *(m for fid, m in placed if fid in near_set)])
    results = tuple(fid for fid, _ in ranked)
    near_frame = residents.subset(catalog.features, near)
    near_points = near_frame[near_frame.geometry.geom_type == "Point"]
    framed = near_points if len(near_points) else near_frame
    fit = _near_bounds(framed, origin, radius + 1.0)
    return ResidentsView(
        results=results,
        first=tuple(near),
        rest=tuple(fid for fid in results if fid not in near_set),
        filtered=True,
        origin=origin,
        fit=fit,
        key=view_key(origin, list(results)),
        distances={fid: districts.format_distance(m, lang) for fid, m in ranked},
    )
