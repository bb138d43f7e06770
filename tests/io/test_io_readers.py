"""The readers: CSV (both open-data generations, UTF-8/CP932), GeoJSON, GeoPackage, Shapefile,
KML, GTFS, N03."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from importer_support import IMPORT_DATA
from shapely.geometry import Point

from ninohe_geo.io.errors import CrsError, ImportFileError, UnsafeInputError, UnsupportedFormatError
from ninohe_geo.io.formats import read_source
from ninohe_geo.io.limits import Limits

CASTLE = (141.303333, 40.267222)


@pytest.mark.parametrize(
    ("name", "encoding_note", "rows", "name_column"),
    [
        ("public_facilities_new.csv", "UTF-8", 2, "名称"),
        ("public_facilities_old_cp932.csv", "CP932 (Shift_JIS)", 2, "名称"),
        ("evacuation_sites_new.csv", "UTF-8", 1, "名称"),
        ("evacuation_sites_old_cp932.csv", "CP932 (Shift_JIS)", 1, "名称"),
        ("cultural_properties_new.csv", "UTF-8", 1, "名称"),
        ("cultural_properties_old_cp932.csv", "CP932 (Shift_JIS)", 1, "名称"),
        ("tourism_new.csv", "UTF-8", 1, "名称"),
        ("tourism_old_cp932.csv", "CP932 (Shift_JIS)", 1, "名称"),
    ],
)
def test_open_data_csvs_in_both_generations(
    name: str, encoding_note: str, rows: int, name_column: str
) -> None:
    table = read_source(IMPORT_DATA / name)
    assert table.format == "csv"
    assert f"read as {encoding_note}" in table.notes
    assert len(table) == rows
    assert all(isinstance(g, Point) for g in table.geometries)
    first = table.rows[0]
    assert first[name_column] in {"二戸市役所", "御返地小学校", "九戸城跡"}
    code = (
        first.get("全国地方公共団体コード")
        or first.get("都道府県コード又は市区町村コード")
        or first.get("市区町村コード")
    )
    assert code == "032131"  # read as text: the leading zero stays


def test_csv_without_bom_and_with_bom_read_the_same() -> None:
    a = read_source(IMPORT_DATA / "cultural_properties_new.csv")  # BOM
    b = read_source(IMPORT_DATA / "evacuation_sites_new.csv")  # no BOM
    assert a.columns[0] == "全国地方公共団体コード"
    assert b.columns[0] == "全国地方公共団体コード"


def test_csv_in_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(UnsupportedFormatError, match="neither UTF-8 nor CP932"):
        read_source(IMPORT_DATA / "not_utf8_or_cp932.csv")


def test_csv_without_coordinate_columns(tmp_path: Path) -> None:
    f = tmp_path / "names.csv"
    f.write_text("名称,住所\n九戸城跡,二戸市福岡\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="no coordinate columns"):
        read_source(f)


def test_csv_bad_number_names_row_and_column(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("名称,緯度,経度\n九戸城跡,40.267222,東経141度\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"\[feature row 2\] \(経度\).*not a number"):
        read_source(f)


def test_csv_duplicate_columns(tmp_path: Path) -> None:
    f = tmp_path / "dup.csv"
    f.write_text("名称,名称,緯度,経度\na,b,40.27,141.30\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="duplicate column"):
        read_source(f)


def test_csv_row_without_coordinates_keeps_the_row(tmp_path: Path) -> None:
    f = tmp_path / "gap.csv"
    f.write_text("名称,緯度,経度\n九戸城跡,40.267222,141.303333\n位置不明,,\n", encoding="utf-8")
    table = read_source(f)
    assert len(table) == 2
    assert table.geometries[1] is None


def test_geojson_reads_properties_as_text() -> None:
    table = read_source(IMPORT_DATA / "gsi_emergency_mini.geojson")
    assert table.rows[0]["NO"] == "11241"
    assert table.rows[0]["共通ID"] == "E0321300001202"
    assert table.crs == "EPSG:4326"


def test_geojson_broken_json_names_line_and_column() -> None:
    with pytest.raises(UnsupportedFormatError, match=r"not valid JSON: .* line 1, column"):
        read_source(IMPORT_DATA / "broken.geojson")


def test_geojson_feature_cap_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    calls = []
    real = json.loads
    monkeypatch.setattr(json, "loads", lambda *a, **k: calls.append(1) or real(*a, **k))
    with pytest.raises(Exception, match="about 2 features; the limit is 1"):
        read_source(IMPORT_DATA / "gsi_emergency_mini.geojson", limits=Limits(max_features=1))
    assert calls == []  # refused before json.loads built anything


def test_geojson_unreadable_geometry_is_reported_per_row(tmp_path: Path) -> None:
    f = tmp_path / "g.geojson"
    f.write_text(
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{"名称":"a"},"geometry":{"type":"Point","coordinates":[141.3,40.27]}},'
        '{"type":"Feature","properties":{"名称":"b"},"geometry":{"type":"Polygon","coordinates":[[1]]}}]}',
        encoding="utf-8",
    )
    table = read_source(f)
    assert len(table) == 2
    assert table.geometries[1] is None
    assert "cannot be read" in table.geometry_errors[1]


def _gpkg(tmp_path: Path, crs: str = "EPSG:6668", n: int = 2) -> Path:
    frame = gpd.GeoDataFrame(
        {"名称": [f"地点{i}" for i in range(n)], "code": ["03213"] * n},
        geometry=[Point(CASTLE) for _ in range(n)],
        crs="EPSG:4326",
    ).to_crs(crs)
    path = tmp_path / "points.gpkg"
    frame.to_file(path, driver="GPKG")
    return path


def test_geopackage_in_zone_x_is_transformed(tmp_path: Path) -> None:
    table = read_source(_gpkg(tmp_path, "EPSG:6678"))
    assert table.format == "gpkg"
    assert table.crs == "EPSG:6678"
    assert table.rows[0] == {"名称": "地点0", "code": "03213"}
    g = table.geometries[0]
    assert g.x == pytest.approx(CASTLE[0], abs=1e-7)
    assert g.y == pytest.approx(CASTLE[1], abs=1e-7)


def test_geopackage_feature_cap_from_header(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="about 5 features; the limit is 4"):
        read_source(_gpkg(tmp_path, n=5), limits=Limits(max_features=4))


def _shapefile_zip(tmp_path: Path, with_prj: bool) -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.GeoDataFrame({"name": ["castle"]}, geometry=[Point(CASTLE)], crs="EPSG:6668").to_file(
        folder / "castle.shp"
    )
    if not with_prj:
        (folder / "castle.prj").unlink()
    z = tmp_path / "castle.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    return z


def test_zipped_shapefile_with_prj(tmp_path: Path) -> None:
    table = read_source(_shapefile_zip(tmp_path, with_prj=True))
    assert table.format == "shapefile"
    assert table.crs == "EPSG:6668"
    assert table.rows == [{"name": "castle"}]


def test_shapefile_without_prj_asks_for_crs(tmp_path: Path) -> None:
    z = _shapefile_zip(tmp_path, with_prj=False)
    with pytest.raises(CrsError, match=r"castle.shp has no \.prj.*--crs"):
        read_source(z)
    table = read_source(z, crs="EPSG:6668")
    assert table.crs == "EPSG:6668"
    assert table.geometries[0].x == pytest.approx(CASTLE[0])


def test_kml_reads_placemarks_and_does_not_follow_network_links() -> None:
    table = read_source(IMPORT_DATA / "kml_with_networklink.kml")
    assert [r["name"] for r in table.rows] == ["九戸城跡", "二戸駅–市役所（テスト線）"]
    assert table.rows[0]["kind"] == "史跡"
    assert table.geometries[0].geom_type == "Point"
    assert table.geometries[1].geom_type == "LineString"
    assert any("NetworkLink" in n and "not followed" in n for n in table.notes)


def test_kml_with_a_dtd_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "xxe.kml"
    f.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name></Placemark></kml>'
    )
    with pytest.raises(UnsafeInputError, match="DTD or entities"):
        read_source(f)


def _gtfs_zip(tmp_path: Path, folder: str) -> Path:
    z = tmp_path / f"{folder}.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in (IMPORT_DATA / folder).iterdir():
            zf.write(f, f.name)
    return z


def test_gtfs_with_shapes(tmp_path: Path) -> None:
    table = read_source(_gtfs_zip(tmp_path, "gtfs_shapes"))
    assert table.format == "gtfs"
    routes = [r for r in table.rows if r["kind"] == "route"]
    stops = [r for r in table.rows if r["kind"] == "stop"]
    assert len(routes) == 1 and len(stops) == 3
    assert routes[0]["route_name"] == "1 二戸駅～市役所（テスト路線）"
    assert routes[0]["agency_name"] == "テスト交通（架空）"
    assert routes[0]["geometry_from"] == "shapes.txt"
    line = table.geometries[table.rows.index(routes[0])]
    assert line.geom_type == "LineString" and len(line.coords) == 3
    assert stops[0]["route_names"] == "1 二戸駅～市役所（テスト路線）"
    assert stops[0]["agency_names"] == "テスト交通（架空）"


def test_gtfs_without_shapes_uses_stop_sequences(tmp_path: Path) -> None:
    table = read_source(_gtfs_zip(tmp_path, "gtfs_no_shapes"))
    route_index = next(i for i, r in enumerate(table.rows) if r["kind"] == "route")
    assert table.rows[route_index]["geometry_from"] == "stop sequence"
    geom = table.geometries[route_index]
    # Two trips in opposite directions: two distinct stop sequences.
    assert geom.geom_type == "MultiLineString" and len(geom.geoms) == 2
    assert any("no shapes.txt" in n for n in table.notes)


def test_gtfs_missing_a_required_file(tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    shutil.copytree(IMPORT_DATA / "gtfs_no_shapes", folder)
    (folder / "trips.txt").unlink()
    z = tmp_path / "feed.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    with pytest.raises(ImportFileError, match=r"lacks trips\.txt"):
        read_source(z)
