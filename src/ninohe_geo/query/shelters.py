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
from typing import Any

import geopandas as gpd
import pandas as pd

from ninohe_geo.i18n import t
from ninohe_geo.model.districts import distances_m, format_distance
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
    lat: float
    lon: float


def _designated_points(reference: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The reference points that carry hazards (the GSI sites), in table order."""
    if reference.empty or "hazards" not in reference.columns:
        return reference.iloc[0:0]
    return reference[reference.geometry.geom_type == "Point"]


def _name(row: pd.Series, lang: Lang) -> str:
    return str(row["name_ja" if lang == "ja" else "name_en"] or row["name_ja"])


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
    points = _designated_points(reference)
    if points.empty:
        return []
    designated = points[[hazard in hazard_codes({"hazards": v}) for v in points["hazards"]]]
    if designated.empty:
        return []
    dist = distances_m(designated, lat, lon).dropna().sort_values(kind="stable")
    out = []
    for fid, metres in dist.head(limit).items():
        row = designated.loc[fid]
        labels = tuple(hazard_label(c, lang) for c in hazard_codes({"hazards": row["hazards"]}))
        at = row.geometry
        out.append(SiteHit(str(fid), _name(row, lang), float(metres), labels, at.y, at.x))
    return out


def finder_sites(reference: gpd.GeoDataFrame, lang: Lang) -> list[dict[str, Any]]:
    """Every site :func:`nearest_sites` chooses from, as plain data for the static site's own
    finder (which runs in the browser): id, name, lat, lon, hazard codes."""
    out = []
    for fid, row in _designated_points(reference).iterrows():
        codes = hazard_codes({"hazards": row["hazards"]})
        if codes:
            at = row.geometry
            out.append(
                {
                    "id": str(fid),
                    "name": _name(row, lang),
                    "lat": round(float(at.y), 6),
                    "lon": round(float(at.x), 6),
                    "hazards": list(codes),
                }
            )
    return out


def crow_text(metres: float, lang: Lang) -> str:
    """「約 150 m」「約 2.4 km」: the straight-line distance to 10 m, as the static site's finder
    says it too (its own arithmetic may differ from ours by a few metres)."""
    return t("about_distance", lang, distance=format_distance(metres, lang))


def map_marks(hits: list[SiteHit], lang: Lang) -> list[dict[str, Any]]:
    """The hits as the map numbers them (``ninoheGeo.addSiteHits``): id, lat, lon, and a label
    with the number, name and straight-line distance."""
    return [
        {
            "id": hit.id,
            "lat": hit.lat,
            "lon": hit.lon,
            "label": t(
                "res_site_mark",
                lang,
                n=n,
                name=hit.name,
                distance=crow_text(hit.distance_m, lang),
            ),
        }
        for n, hit in enumerate(hits, start=1)
    ]


def around(origin: tuple[float, float], hits: list[SiteHit]) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) holding the point and its sites: the map's view of an answer."""
    lats = [origin[0], *(h.lat for h in hits)]
    lons = [origin[1], *(h.lon for h in hits)]
    return min(lons), min(lats), max(lons), max(lats)
