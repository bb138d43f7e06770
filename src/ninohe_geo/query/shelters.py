"""The nearest designated site for a hazard (issue #13): for a resident's point — "near me", a
chosen area, or a tapped point — the nearest 指定緊急避難場所 designated for 洪水, 土砂災害, 地震 …

Read from the reference layers (every record the GSI data holds, including those one of our own
features stands for). The distance is **as the crow flies** (a straight line), not a walking
route: every caller says so next to the figure. A site's own position is only as good as the
data's (``accuracy_m``), and the finder does not know whether a road is open; it names the
site, how far it is in a straight line, and what it is designated for.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from ninohe_geo.model.districts import distances_m
from ninohe_geo.model.plan import Lang
from ninohe_geo.model.schema import HAZARD_CODES, HAZARDS, choice, hazard_codes

#: The hazards a resident chooses among, in this order (those the city's sites are designated
#: for: the GSI data for 二戸市 lists none for 高潮, 津波 or 火山現象).
FINDER_HAZARDS: tuple[str, ...] = ("flood", "landslide", "earthquake", "fire", "inland_flood")


@dataclass(frozen=True)
class SiteHit:
    """One designated site near the point."""

    id: str
    name: str
    distance_m: float
    """Straight-line metres from the point (not a walking route)."""
    hazards: tuple[str, ...]
    """Labels of every hazard the site is designated for, in the page language."""


def hazard_label(code: str, lang: Lang) -> str:
    """「洪水」 / "Flood" for a hazard code (the code itself if unknown)."""
    return choice(HAZARDS, code).label(lang) if code in HAZARD_CODES else code


def nearest_sites(
    reference: gpd.GeoDataFrame,
    lat: float,
    lon: float,
    hazard: str,
    lang: Lang,
    limit: int = 3,
) -> list[SiteHit]:
    """The ``limit`` sites designated for ``hazard`` nearest to (lat, lon), nearest first.

    Raises:
        OutsideCityError: when the point is outside the city's extent.
        ValueError: for a hazard code that is not one of :data:`HAZARDS`.
    """
    if hazard not in HAZARD_CODES:
        raise ValueError(f"unknown hazard {hazard!r}")
    if reference.empty or "hazards" not in reference.columns:
        return []
    points = reference[reference.geometry.geom_type == "Point"]
    designated = points[[hazard in hazard_codes({"hazards": v}) for v in points["hazards"]]]
    if designated.empty:
        return []
    dist = distances_m(designated, lat, lon).dropna().sort_values(kind="stable")
    out = []
    for fid, metres in dist.head(limit).items():
        row = designated.loc[fid]
        name = row["name_ja" if lang == "ja" else "name_en"] or row["name_ja"]
        labels = tuple(hazard_label(c, lang) for c in hazard_codes({"hazards": row["hazards"]}))
        out.append(SiteHit(str(fid), str(name), float(metres), labels))
    return out
