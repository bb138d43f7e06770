"""地区 ("my area") and "near me": distances from a point, never invented boundaries.

No public boundary of the city's districts (福岡, 石切所, 堀野, 金田一, 浄法寺, …) is in the
repository or in the reference data, so this module draws none. A district is a *sourced
representative point* — a public building or station in it, with its citation — and "my area"
lists projects by distance from that point. The page says so (「代表地点からの距離順・目安」).
Districts with no sourced point (堀野, 斗米, 仁左平, 御返地, 足沢, …) are left out rather than
guessed; adding one is a new row of :data:`DISTRICTS` with its source.

Distances are computed in the plane rectangular CS zone X (EPSG:6678), the survey CRS of
Iwate, to the nearest point of each geometry. Schematic features are diagrams, not places: they
get no distance and are listed after the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from ninohe_geo.model.plan import Lang

#: The survey CRS of Iwate (JGD2011 / plane rectangular CS X), in metres.
METRIC_CRS = "EPSG:6678"


@dataclass(frozen=True)
class District:
    """A district (地区) represented by one sourced point."""

    id: str
    """Stable slug, used in URLs (``?area=fukuoka``)."""
    name_ja: str
    name_en: str
    lat: float
    lon: float
    point_ja: str
    """What the point is, in Japanese (e.g. 二戸市役所)."""
    point_en: str
    source: str
    """Where the coordinate comes from."""

    def name(self, lang: Lang) -> str:
        """The district's name in ``lang``."""
        return self.name_ja if lang == "ja" else self.name_en

    def point(self, lang: Lang) -> str:
        """The representative point's name in ``lang``."""
        return self.point_ja if lang == "ja" else self.point_en


#: Districts with a sourced representative point (../shared/reference/FACTS.md, "Places").
DISTRICTS: tuple[District, ...] = (
    District(
        "fukuoka",
        "福岡",
        "Fukuoka",
        40.27125,
        141.30478,
        "二戸市役所（福岡字川又）",
        "Ninohe City Hall (Fukuoka)",
        "ja.wikipedia 二戸市",
    ),
    District(
        "ishikirido",
        "石切所",
        "Ishikirido",
        40.259861,
        141.285639,
        "二戸駅（石切所字森合）",
        "Ninohe Station (Ishikirido)",
        "ja.wikipedia 二戸駅",
    ),
    District(
        "kintaichi",
        "金田一",
        "Kintaichi",
        40.3235472,
        141.3038889,
        "金田一温泉駅（金田一字水梨）",
        "Kintaichi-Onsen Station (Kintaichi)",
        "ja.wikipedia 金田一温泉駅",
    ),
    District(
        "joboji",
        "浄法寺",
        "Jōbōji",
        40.1835917,
        141.1559111,
        "浄法寺総合支所",
        "Jōbōji branch office",
        "ja.wikipedia 浄法寺町 (coordinates near the branch office)",
    ),
)

#: The city's extent with a margin (lat/lon): a "near me" point outside is refused politely.
CITY_BOX = (140.95, 40.05, 141.50, 40.45)


class OutsideCityError(ValueError):
    """A location far outside Ninohe: ranking by distance from it would mean nothing."""


def district(district_id: str) -> District | None:
    """The district with ``district_id``, or None."""
    return next((d for d in DISTRICTS if d.id == district_id), None)


def in_city_box(lat: float, lon: float) -> bool:
    """True when (lat, lon) lies within the city's extent (with a margin)."""
    minx, miny, maxx, maxy = CITY_BOX
    return minx <= lon <= maxx and miny <= lat <= maxy


def distances_m(features: gpd.GeoDataFrame, lat: float, lon: float) -> pd.Series:
    """Metres from (lat, lon) to each feature; NaN for schematic features (no real place).

    Raises:
        OutsideCityError: when the point is outside the city's extent.
    """
    if not in_city_box(lat, lon):
        raise OutsideCityError(f"({lat:.4f}, {lon:.4f}) is outside Ninohe City")
    origin = gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
    metric = features.geometry.to_crs(METRIC_CRS)
    result = metric.distance(origin).round(0)
    result[features["accuracy"] == "schematic"] = float("nan")
    result.name = "distance_m"
    return result


def rank(features: gpd.GeoDataFrame, lat: float, lon: float) -> list[tuple[str, float | None]]:
    """(feature id, metres or None) nearest first; schematic features last, in table order."""
    dist = distances_m(features, lat, lon)
    placed = dist.dropna().sort_values(kind="stable")
    unplaced = dist[dist.isna()]
    return [(str(fid), float(d)) for fid, d in placed.items()] + [
        (str(fid), None) for fid in unplaced.index
    ]


def format_distance(metres: float | None, lang: Lang) -> str:
    """``850 m`` / ``2.4 km``; a dash-free honest note for schematic features."""
    if metres is None:
        return "距離なし（模式図）" if lang == "ja" else "no distance (schematic)"
    if metres < 1000:
        return f"{int(round(metres, -1))} m"
    return f"{metres / 1000:.1f} km"
