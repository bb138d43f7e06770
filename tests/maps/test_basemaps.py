"""Base maps: 地理院タイル and OSM, each with its attribution."""

from __future__ import annotations

import re

import pytest

from ninohe_geo.maps.basemaps import BASEMAPS, DEFAULT_BASEMAP
from ninohe_geo.maps.tilesources import basemap


@pytest.mark.parametrize("b", BASEMAPS, ids=lambda b: b.id)
def test_every_basemap_is_complete(b) -> None:  # type: ignore[no-untyped-def]
    assert b.url.startswith("https://")
    assert all(part in b.url for part in ("{z}", "{x}", "{y}"))
    assert re.search(r'<a href="https://[^"]+"', b.attribution)
    assert 'rel="noopener"' in b.attribution
    assert b.name("ja") and b.name("en")
    assert 15 <= b.max_zoom <= 20


def test_gsi_tiles_name_the_gsi() -> None:
    gsi = [b for b in BASEMAPS if b.id.startswith("gsi-")]
    assert [b.id for b in gsi] == ["gsi-std", "gsi-pale", "gsi-photo"]
    assert all("地理院タイル" in b.attribution for b in gsi)
    assert all(b.url.startswith("https://cyberjapandata.gsi.go.jp/xyz/") for b in gsi)


def test_osm_attribution() -> None:
    assert "OpenStreetMap" in basemap("osm").attribution
    assert "copyright" in basemap("osm").attribution


def test_lookup_and_default() -> None:
    assert DEFAULT_BASEMAP == "gsi-std"
    assert basemap("gsi-photo").url.endswith(".jpg")
    assert basemap("nope").id == DEFAULT_BASEMAP
    assert len({b.id for b in BASEMAPS}) == len(BASEMAPS)
