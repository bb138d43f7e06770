"""The download helper (ninohe_geo.ui.downloads): which formats are offered, and their labels."""

from __future__ import annotations

from ninohe_geo.model.catalog import Catalog, LayerInfo
from ninohe_geo.ui.downloads import download_options, option_label


def _imported(layer: str, mapping: str) -> LayerInfo:
    return LayerInfo(layer, layer, layer, "", "", f"{layer}.geojson", 1, mapping)


def test_standard_layout_is_offered_only_when_it_fits(good_catalog: Catalog) -> None:
    features = good_catalog.features.copy()
    features["layer"] = "hinan"
    imported = [_imported("hinan", "gsi-emergency")]
    assert download_options(features, imported) == [
        "geojson",
        "gpkg",
        "csv",
        "kml",
        "csv:da-evacuation-sites",
    ]
    # Hand-made layers (no import mapping), or no layer information: our formats only.
    assert download_options(good_catalog.features, good_catalog.layers) == [
        "geojson",
        "gpkg",
        "csv",
        "kml",
    ]
    assert download_options(features) == ["geojson", "gpkg", "csv", "kml"]


def test_labels_name_the_layout_in_both_languages() -> None:
    assert option_label("csv", "ja") == "CSV"
    ja = option_label("csv:da-evacuation-sites", "ja")
    en = option_label("csv:da-evacuation-sites", "en")
    assert "指定緊急避難場所一覧" in ja and "自治体標準オープンデータセット" in ja
    assert "Emergency evacuation sites" in en and "standard open-data layout" in en
