"""The ハザードマップポータル overlays (ninohe_geo.maps.hazards) and where they are drawn."""

from __future__ import annotations

from pathlib import Path

import folium

from ninohe_geo.maps import mapview
from ninohe_geo.maps.hazards import HAZARD_OVERLAYS, TILE_HOST, attribution, hazard_layers

REPO = Path(__file__).resolve().parents[2]


def test_the_overlays_are_the_portals_tiles_off_until_turned_on() -> None:
    assert [o.id for o in HAZARD_OVERLAYS] == ["hazard-flood", "hazard-sediment"]
    for overlay in HAZARD_OVERLAYS:
        for url in overlay.urls:
            assert url.startswith(f"https://{TILE_HOST}/raster/") and url.endswith(
                "/{z}/{x}/{y}.png"
            )
    # The three kinds of 土砂災害警戒区域, Iwate's (prefecture 03) tiles.
    sediment = HAZARD_OVERLAYS[1].urls
    assert len(sediment) == 3 and all("_data/03/" in url for url in sediment)
    layers = hazard_layers("ja")
    assert [layer["shown"] for layer in layers] == [False, False]
    assert layers[0]["label"] == "洪水浸水想定区域（想定最大規模）（ハザードマップポータル）"
    assert hazard_layers("en")[0]["label"].endswith("(Hazard Map Portal)")


def test_the_credit_names_the_portal_and_says_it_is_not_the_citys_map() -> None:
    ja, en = attribution("ja"), attribution("en")
    assert (
        "出典：ハザードマップポータルサイト" in ja and "二戸市のハザードマップではありません" in ja
    )
    assert "Hazard Map Portal Site" in en and "not Ninohe City's own hazard map" in en
    assert 'href="https://disaportal.gsi.go.jp/hazardmap/copyright/opendata.html"' in ja


def test_the_planners_and_residents_maps_offer_them_print_and_the_presenter_do_not() -> None:
    from ninohe_geo.model.catalog import load_catalog

    catalog = load_catalog(REPO / "geodata")

    def html(**kwargs: bool) -> str:
        m = folium.Map(tiles=None)
        return mapview.add_reference(m, catalog, "ja", **kwargs).get_root().render()

    assert "01_flood_l2_shinsuishin_data" in html(hazards=True)  # the planner's map
    assert "01_flood_l2_shinsuishin_data" not in html()
    # The residents' map: the outline, with the overlays in a control; print: the outline only.
    residents = html(hazards=True, outlines_only=True)
    assert "01_flood_l2_shinsuishin_data" in residents and '"control":true' in residents
    printed = html(outlines_only=True)
    assert "01_flood_l2_shinsuishin_data" not in printed and '"control":false' in printed
