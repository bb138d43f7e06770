"""Base maps: 地理院タイル (標準・淡色・写真) and OpenStreetMap, each with its attribution."""

from __future__ import annotations

from dataclasses import dataclass

from ninohe_geo.model.plan import Lang

GSI_ATTRIBUTION = (
    '<a href="https://maps.gsi.go.jp/development/ichiran.html" target="_blank" '
    'rel="noopener">地理院タイル</a>'
)
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" '
    'rel="noopener">OpenStreetMap</a> contributors'
)


@dataclass(frozen=True)
class Basemap:
    """A tile source."""

    id: str
    name_ja: str
    name_en: str
    url: str
    attribution: str
    """HTML written by us (never from data); shown in the map's attribution control."""
    max_zoom: int

    def name(self, lang: Lang) -> str:
        """Display name in ``lang``."""
        return self.name_ja if lang == "ja" else self.name_en


BASEMAPS: tuple[Basemap, ...] = (
    Basemap(
        "gsi-std",
        "地理院地図 標準",
        "GSI Standard",
        "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
        GSI_ATTRIBUTION,
        18,
    ),
    Basemap(
        "gsi-pale",
        "地理院地図 淡色",
        "GSI Pale",
        "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png",
        GSI_ATTRIBUTION,
        18,
    ),
    Basemap(
        "gsi-photo",
        "地理院地図 写真",
        "GSI Aerial photo",
        "https://cyberjapandata.gsi.go.jp/xyz/seamlessphoto/{z}/{x}/{y}.jpg",
        GSI_ATTRIBUTION,
        18,
    ),
    Basemap(
        "osm",
        "OpenStreetMap",
        "OpenStreetMap",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        OSM_ATTRIBUTION,
        19,
    ),
)
DEFAULT_BASEMAP = "gsi-std"
