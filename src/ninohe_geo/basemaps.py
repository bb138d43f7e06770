"""Base maps: 地理院タイル (標準・淡色・写真) and OpenStreetMap, each with its attribution."""

from __future__ import annotations

from dataclasses import dataclass

from ninohe_geo.plan import Lang

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


def available_basemaps() -> tuple[Basemap, ...]:
    """:data:`BASEMAPS` plus an "offline" one per installed tile pack (``ninohe-geo tiles``)."""
    from ninohe_geo.tiles import offline_basemaps

    return BASEMAPS + offline_basemaps()


def basemap(basemap_id: str) -> Basemap:
    """The base map with ``basemap_id``, or the default one if unknown."""
    for b in BASEMAPS:
        if b.id == basemap_id:
            return b
    for b in available_basemaps():
        if b.id == basemap_id:
            return b
    return BASEMAPS[0]
