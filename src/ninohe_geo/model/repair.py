"""Repairs offered for invalid polygons, with the area change they cause.

Shared by the validator (which names the offer in the invalid-geometry message) and imports
(which apply it when asked: ``ninohe-geo import --repair``, or the checkbox on the import page).
A repair is never silent: the planner sees how much area it adds or removes, measured in
square metres in JGD2011 plane rectangular zone X (EPSG:6678), Ninohe's survey CRS.

``shapely.make_valid`` keeps every part of the input; only polygonal parts are kept here, since
a polygon feature must stay a polygon. A self-cancelling shape (a bow-tie's signed area is 0)
is reported as such rather than as a meaningless percentage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

POLYGONAL = frozenset({"Polygon", "MultiPolygon"})
_TO_METRES = pyproj.Transformer.from_crs(4326, 6678, always_xy=True)


def area_m2(geom: BaseGeometry) -> float:
    """Area of a lon/lat geometry in square metres (EPSG:6678)."""

    def to_metres(xy: np.ndarray) -> np.ndarray:
        x, y = _TO_METRES.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return float(shapely.transform(geom, to_metres).area)


@dataclass(frozen=True)
class Repair:
    """A valid geometry offered for an invalid one, with what it changes."""

    geometry: BaseGeometry
    area_before_m2: float
    area_after_m2: float

    def describe(self) -> str:
        """The offer in words (for reports)."""
        before, after = self.area_before_m2, self.area_after_m2
        if before < 0.01 * after:  # parts of the drawn ring cancel out (a bow-tie: ≈ 0 m²)
            change = "was ≈ 0: self-cancelling"
        else:
            change = f"{(after - before) / before * 100:+.2f} %"
        return (
            f"repair offered (make_valid): area {before:,.0f} m² → {after:,.0f} m² ({change}); "
            "accept it with ninohe-geo import --repair"
        )


def offer_repair(geom: BaseGeometry) -> Repair | None:
    """A valid version of an invalid polygon (its polygonal parts), or None."""
    if geom.is_valid or geom.geom_type not in POLYGONAL:
        return None
    fixed = shapely.make_valid(geom)
    if fixed.geom_type == "GeometryCollection":
        parts = [g for g in fixed.geoms if g.geom_type in POLYGONAL]
        fixed = shapely.union_all(parts) if parts else fixed
    if fixed.geom_type not in POLYGONAL or fixed.is_empty:
        return None
    return Repair(fixed, area_m2(geom), area_m2(fixed))


def repair_note(geom: BaseGeometry) -> str:
    """``"; repair offered …"`` for an invalid polygon that can be repaired, else ''."""
    repair = offer_repair(geom)
    return f"; {repair.describe()}" if repair is not None else ""
