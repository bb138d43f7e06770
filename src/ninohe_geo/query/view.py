"""The whole view as a URL query string, and a QR code of it.

A shared link carries everything needed to show the same map again: filters (via
:mod:`ninohe_geo.query.filters`), base map, centre and zoom, the selected feature, the language, and
the tour and stop of a presentation. Parsing is forgiving and strict at once: a value that is
unknown, malformed or out of range is dropped (the default applies), so a hand-edited or stale
link still opens, and nothing from the URL is trusted beyond its type and range.

The same :class:`View` drives the map page, the presentation page and ``ninohe-geo print
--view QUERY``, so a printout of a link shows what the link shows.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import geopandas as gpd
import segno

from ninohe_geo.i18n import DEFAULT_LANG, parse_lang
from ninohe_geo.maps.basemaps import DEFAULT_BASEMAP
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang
from ninohe_geo.model.tours import TourSet, clamp_stop, stop_view
from ninohe_geo.query import filters

#: Decimal places of the centre in a URL: 5 places is about 1 m, plenty for a view.
CENTER_DECIMALS = 5
MIN_ZOOM, MAX_ZOOM = 5, 19


@dataclass(frozen=True)
class View:
    """Everything a shared link restores. ``None`` means "the default"."""

    filter: filters.FeatureFilter = field(default_factory=filters.FeatureFilter)
    basemap: str = DEFAULT_BASEMAP
    center: tuple[float, float] | None = None
    """(lat, lon) of the map's centre; None: fit the data."""
    zoom: int | None = None
    feature: str | None = None
    """The selected feature's id."""
    lang: Lang = DEFAULT_LANG
    tour: str | None = None
    stop: int | None = None
    """1-based stop number within ``tour``."""


def _first(raw: str | Sequence[str] | None) -> str:
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else (str(raw[0]) if len(raw) else "")


def parse_center(text: str) -> tuple[float, float] | None:
    """``"40.26722,141.30333"`` → (lat, lon); None unless two finite numbers in range."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, CENTER_DECIMALS), round(lon, CENTER_DECIMALS)


def parse_zoom(text: str) -> int | None:
    """A zoom level from the URL (an integer within :data:`MIN_ZOOM`–:data:`MAX_ZOOM`)."""
    try:
        value = round(float(text))
    except (ValueError, OverflowError):
        return None
    return value if MIN_ZOOM <= value <= MAX_ZOOM else None


def parse_stop(text: str) -> int | None:
    """A 1-based stop number (clamped to the tour later, when the tour is known)."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value >= 1 else None


def format_center(center: tuple[float, float]) -> str:
    """(lat, lon) → ``"40.26722,141.30333"`` (trailing zeros trimmed)."""
    return ",".join(f"{v:.{CENTER_DECIMALS}f}".rstrip("0").rstrip(".") for v in center)


def from_query(
    params: Mapping[str, str | Sequence[str]],
    known: Mapping[str, frozenset[str]] | None = None,
) -> View:
    """A :class:`View` from URL parameters.

    ``known`` maps a parameter to its allowed values, as in :func:`filters.from_query`, plus
    optional ``basemap``, ``feature`` and ``tour`` entries: a value not listed is dropped.
    """
    known = known or {}
    basemap = _first(params.get("basemap")) or DEFAULT_BASEMAP
    if "basemap" in known and basemap not in known["basemap"]:
        basemap = DEFAULT_BASEMAP
    feature = _first(params.get("feature")) or None
    if feature is not None and "feature" in known and feature not in known["feature"]:
        feature = None
    tour = _first(params.get("tour")) or None
    if tour is not None and "tour" in known and tour not in known["tour"]:
        tour = None
    return View(
        filter=filters.from_query(params, known),
        basemap=basemap,
        center=parse_center(_first(params.get("center"))),
        zoom=parse_zoom(_first(params.get("zoom"))),
        feature=feature,
        lang=parse_lang(_first(params.get("lang")) or DEFAULT_LANG),
        tour=tour,
        stop=parse_stop(_first(params.get("stop"))) if tour else None,
    )


def to_query(view: View) -> dict[str, str]:
    """URL parameters for ``view``: only what differs from the default, in a stable order."""
    params: dict[str, str] = dict(filters.to_query(view.filter))
    if view.basemap != DEFAULT_BASEMAP:
        params["basemap"] = view.basemap
    if view.center is not None:
        params["center"] = format_center(view.center)
    if view.zoom is not None:
        params["zoom"] = str(view.zoom)
    if view.feature:
        params["feature"] = view.feature
    if view.lang != DEFAULT_LANG:
        params["lang"] = view.lang
    if view.tour:
        params["tour"] = view.tour
        if view.stop is not None:
            params["stop"] = str(view.stop)
    return params


def share_url(base: str, view: View) -> str:
    """``base`` (the page's address without a query) with ``view`` as its query string."""
    query = urlencode(to_query(view))
    base = base.split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{query}" if query else base


def qr_svg(url: str, scale: int = 6) -> str:
    """A QR code of ``url`` as an SVG document (error correction M: survives a projector)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True
    )
    return out.getvalue().decode("utf-8")


def qr_png(url: str, scale: int = 8) -> bytes:
    """A QR code of ``url`` as PNG bytes (for printing or projecting)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def shown_features(
    catalog: Catalog, view: View, tours: TourSet | None = None
) -> tuple[gpd.GeoDataFrame, tuple[float, float, float, float] | None, int | None]:
    """The features a view shows, and the frame of a tour stop (bounds, max zoom) if any: its
    filters, narrowed to the stop's layers when the view is at a tour stop. The map page, the
    presenter's page and the printout all ask this one function."""
    features = filters.apply(catalog.features, view.filter)
    tour = tours.get(view.tour) if tours is not None else None
    if tour is None:
        return features, None, None
    sview = stop_view(tour.stops[clamp_stop(tour, view.stop) - 1], catalog)
    if sview.layers:
        features = features[features["layer"].isin(sview.layers)]
    return features, sview.bounds, sview.max_zoom
