"""Format sniffing by content (ninohe_geo.io.formats)."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from importer_support import IMPORT_DATA

from ninohe_geo.io.errors import UnsupportedFormatError
from ninohe_geo.io.formats import FORMAT_NAMES, FORMATS, format_by_name, read_source, sniff


def test_every_format_has_an_importable_reader() -> None:
    for fmt in FORMATS:
        assert callable(fmt.read_function()), fmt.name
    assert FORMAT_NAMES == (
        "geojson",
        "gpkg",
        "fgb",
        "parquet",
        "shapefile",
        "kml",
        "csv",
        "gtfs",
    )


def test_unknown_format_name_lists_the_known_ones() -> None:
    with pytest.raises(UnsupportedFormatError, match="one of"):
        format_by_name("dxf")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gsi_emergency_mini.geojson", "geojson"),
        ("kml_with_networklink.kml", "kml"),
        ("tourism_new.csv", "csv"),
        ("public_facilities_old_cp932.csv", "csv"),
    ],
)
def test_sniff_fixtures(name: str, expected: str) -> None:
    assert sniff(IMPORT_DATA / name, name) == expected


def test_vrt_disguised_as_geojson_is_refused_and_gdal_is_never_called(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyogrio

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("GDAL must not open a refused file")

    monkeypatch.setattr(pyogrio, "read_info", forbidden)
    monkeypatch.setattr(pyogrio, "read_dataframe", forbidden)
    monkeypatch.setattr(pyogrio, "list_layers", forbidden)
    with pytest.raises(UnsupportedFormatError, match="GDAL VRT: refused"):
        read_source(IMPORT_DATA / "vrt_disguised.geojson")


def test_gml_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "data.geojson"
    f.write_text('<?xml version="1.0"?><gml:FeatureCollection xmlns:gml="x"/>')
    with pytest.raises(UnsupportedFormatError, match="XML that is not KML"):
        sniff(f, f.name)


def test_sqlite_that_is_not_a_geopackage_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "fake.gpkg"
    con = sqlite3.connect(f)
    con.execute("create table t (a)")
    con.commit()
    con.close()
    with pytest.raises(UnsupportedFormatError, match="not a GeoPackage"):
        sniff(f, f.name)


def test_binary_junk_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "junk.csv"
    f.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(UnsupportedFormatError, match="binary content"):
        sniff(f, f.name)


def test_format_option_must_agree_with_content() -> None:
    with pytest.raises(
        UnsupportedFormatError, match="--format csv given, but the content is GeoJSON"
    ):
        read_source(IMPORT_DATA / "gsi_emergency_mini.geojson", fmt="csv")


def test_the_name_does_not_decide(tmp_path: Path) -> None:
    f = tmp_path / "really-geojson.csv"
    shutil.copy(IMPORT_DATA / "gsi_emergency_mini.geojson", f)
    assert read_source(f).format == "geojson"


def test_zip_with_a_geojson_inside(tmp_path: Path) -> None:
    z = tmp_path / "download.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(IMPORT_DATA / "gsi_emergency_mini.geojson", "data/shelters.geojson")
        zf.writestr("readme.txt", "about")
    table = read_source(z)
    assert table.format == "geojson"
    assert len(table) == 2
    assert table.notes[0] == "read data/shelters.geojson from the zip"


def test_zip_without_anything_readable(tmp_path: Path) -> None:
    z = tmp_path / "empty.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("image.png", b"\x89PNG")
    with pytest.raises(UnsupportedFormatError, match="holds no GeoJSON"):
        read_source(z)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="not a file"):
        read_source(tmp_path / "nope.geojson")


def test_kmz_is_a_zip_with_doc_kml(tmp_path: Path) -> None:
    z = tmp_path / "places.kmz"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(IMPORT_DATA / "kml_with_networklink.kml", "doc.kml")
    table = read_source(z)
    assert table.format == "kml"
    assert table.rows[0]["name"] == "九戸城跡"
