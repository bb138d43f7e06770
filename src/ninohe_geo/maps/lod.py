"""Level of detail: how much geometry a map drawn at a given zoom actually needs.

A screen pixel at zoom ``z`` spans ``360 / (256 · 2**z)`` degrees of longitude (Web Mercator,
256-pixel tiles). Vertices closer together than a fraction of that, and decimals finer than it,
are invisible: shipping them costs bytes, encoding time and drawing time for nothing.

:func:`for_zoom` turns a zoom into a :class:`Detail`: a simplification tolerance of half a
pixel and a coordinate quantum of at most a quarter pixel, both at ``zoom + headroom``. The
headroom (3 zoom levels by default) is the honest trade-off: the map stays exact to the eye
when a reader zooms in up to 3 levels without the server being asked again (8× closer); beyond
that, a vertex may be off by more than a pixel until the page asks for a finer detail (pass the
zoom the map reports). Points never change: simplification leaves them alone and the quantum
is at most 1e-5° (about 1 m), finer than the plan's most exact sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Zoom levels of headroom: detail good for this many levels beyond the zoom shown.
HEADROOM = 3
#: Quantisation never finer than the source precision (1e-6°, ~0.1 m) …
MAX_SCALE = 1_000_000
#: … nor coarser than 1e-5° (~1 m), so points stay where the sources put them.
MIN_SCALE = 100_000


@dataclass(frozen=True)
class Detail:
    """How geometries are reduced for one map."""

    tolerance_deg: float
    """Douglas–Peucker tolerance in degrees (0: no simplification)."""
    scale: int
    """Coordinates are rounded to ``1 / scale`` degrees (a power of ten)."""


#: Full detail: no simplification, 1e-6° (what the app drew before levels of detail existed).
FULL = Detail(0.0, MAX_SCALE)


def pixel_deg(zoom: float) -> float:
    """Degrees of longitude per screen pixel at ``zoom`` (256-pixel Web Mercator tiles)."""
    return 360.0 / (256.0 * math.pow(2.0, zoom))


def for_zoom(zoom: float, headroom: int = HEADROOM) -> Detail:
    """Half-pixel simplification and a ≤ quarter-pixel quantum at ``zoom + headroom``."""
    if zoom < 0 or headroom < 0:
        raise ValueError(f"zoom ({zoom}) and headroom ({headroom}) must be non-negative")
    px = pixel_deg(zoom + headroom)
    # Smallest power of ten whose quantum (1/scale) is at most a quarter pixel.
    scale = 10 ** math.ceil(math.log10(4.0 / px))
    return Detail(tolerance_deg=px / 2.0, scale=int(min(max(scale, MIN_SCALE), MAX_SCALE)))


def fit_zoom(
    bounds: tuple[float, float, float, float], size_px: tuple[int, int] = (900, 640)
) -> int:
    """The zoom at which ``bounds`` (minx, miny, maxx, maxy) fits a map of ``size_px``.

    As Leaflet's ``fitBounds`` would choose (whole zoom levels, Web Mercator), so the server can
    pick a level of detail for the view the browser will show without asking it.
    """
    minx, miny, maxx, maxy = bounds
    width_px, height_px = size_px

    def merc_y(lat: float) -> float:
        lat = max(min(lat, 85.0511), -85.0511)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)

    span_x = max(maxx - minx, 1e-9) / 360.0
    span_y = max(merc_y(maxy) - merc_y(miny), 1e-9)
    zx = math.log2(width_px / (256.0 * span_x))
    zy = math.log2(height_px / (256.0 * span_y))
    return max(0, min(20, math.floor(min(zx, zy))))
