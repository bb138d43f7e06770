"""The download helper (ninohe_geo.ui.downloads): which formats are offered, their labels, and
the file names and media types of the downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from ninohe_geo.io.export import EXPORT_FORMATS, MEDIA_TYPES, export_bytes
from ninohe_geo.io.formats import sniff
from ninohe_geo.model.catalog import Catalog, LayerInfo
from ninohe_geo.ui.downloads import _chosen, download_options, option_label


def _imported(layer: str, mapping: str) -> LayerInfo:
    return LayerInfo(layer, layer, layer, "", "", f"{layer}.geojson", 1, mapping)


def test_standard_layout_is_offered_only_when_it_fits(good_catalog: Catalog) -> None:
    features = good_catalog.features.copy()
    features["layer"] = "hinan"
    imported = [_imported("hinan", "gsi-emergency")]
    ours = ["geojson", "gpkg", "fgb", "parquet", "csv", "kml"]
    assert download_options(features, imported) == [*ours, "csv:da-evacuation-sites"]
    # Hand-made layers (no import mapping), or no layer information: our formats only.
    assert download_options(good_catalog.features, good_catalog.layers) == ours
    assert download_options(features) == ours


def test_labels_name_the_layout_in_both_languages() -> None:
    assert option_label("csv", "ja") == "CSV"
    ja = option_label("csv:da-evacuation-sites", "ja")
    en = option_label("csv:da-evacuation-sites", "en")
    assert "指定緊急避難場所一覧" in ja and "自治体標準オープンデータセット" in ja
    assert "Emergency evacuation sites" in en and "standard open-data layout" in en


@pytest.mark.parametrize(
    ("option", "name", "mime"),
    [
        ("geojson", "plan.geojson", "application/geo+json"),
        ("gpkg", "plan.gpkg", "application/geopackage+sqlite3"),
        ("fgb", "plan.fgb", "application/flatgeobuf"),
        ("parquet", "plan.parquet", "application/vnd.apache.parquet"),
        ("csv", "plan.csv", "text/csv"),
        ("kml", "plan.kml", "application/vnd.google-earth.kml+xml"),
        ("csv:da-evacuation-sites", "plan-da-evacuation-sites.csv", "text/csv"),
    ],
)
def test_each_download_has_its_suffix_and_media_type(option: str, name: str, mime: str) -> None:
    fmt, layout, file_name = _chosen(option, "plan")
    assert file_name == name
    assert MEDIA_TYPES[fmt] == mime
    assert (layout is not None) == option.startswith("csv:")


@pytest.mark.parametrize("fmt", ["fgb", "parquet"])
def test_the_new_downloads_are_files_the_importer_recognises(
    good_catalog: Catalog, tmp_path: Path, fmt: str
) -> None:
    _, _, name = _chosen(fmt, "ninohe-geo")
    path = tmp_path / name
    path.write_bytes(export_bytes(good_catalog.features, fmt))
    assert sniff(path, name) == fmt


def test_every_format_has_a_label_in_both_languages() -> None:
    for fmt in EXPORT_FORMATS:
        assert option_label(fmt, "ja") and option_label(fmt, "en"), fmt
    assert option_label("gpkg", "ja") == option_label("gpkg", "en") == "GeoPackage"
    assert option_label("fgb", "ja") == "FlatGeobuf（.fgb・GISソフト向けの高速な形式）"
    assert option_label("fgb", "en") == "FlatGeobuf (.fgb, a fast format for GIS software)"
    assert option_label("parquet", "ja").startswith("GeoParquet（.parquet・")
    assert option_label("parquet", "en").startswith("GeoParquet (.parquet, ")
