"""Safety of imports, each with a test: no network, no other files, caps before the full read.

The loopback listener counts TCP connections: a read that must stay offline is proven offline
by zero connections (not by a time-out).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from importer_support import Listener

from ninohe_geo.io.errors import ImportFileError, LimitExceededError, UnsupportedFormatError
from ninohe_geo.io.formats import read_source
from ninohe_geo.io.limits import Limits


def test_kml_network_link_gets_no_request(tmp_path: Path) -> None:
    with Listener() as listener:
        f = tmp_path / "link.kml"
        f.write_text(
            '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
            f"<Document><NetworkLink><Link><href>{listener.url}/more.kml</href></Link>"
            "</NetworkLink><Placemark><name>九戸城跡</name><Point>"
            "<coordinates>141.303333,40.267222</coordinates></Point></Placemark>"
            f"<Style><IconStyle><Icon><href>{listener.url}/icon.png</href></Icon></IconStyle></Style>"
            "</Document></kml>",
            encoding="utf-8",
        )
        table = read_source(f)
        assert len(table) == 1
        assert any(listener.url in note and "not followed" in note for note in table.notes)
    assert listener.connections == 0


def test_gml_schema_location_gets_no_request(tmp_path: Path) -> None:
    with Listener() as listener:
        f = tmp_path / "data.gml"
        f.write_text(
            '<?xml version="1.0"?><wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="http://example.org {listener.url}/schema.xsd"/>'
        )
        with pytest.raises(UnsupportedFormatError, match="XML that is not KML"):
            read_source(f)
    assert listener.connections == 0


def test_vrt_reading_a_url_gets_no_request(tmp_path: Path) -> None:
    with Listener() as listener:
        f = tmp_path / "points.geojson"
        f.write_text(
            "<OGRVRTDataSource><OGRVRTLayer name='x'>"
            f"<SrcDataSource>/vsicurl/{listener.url}/secret.csv</SrcDataSource>"
            "</OGRVRTLayer></OGRVRTDataSource>"
        )
        with pytest.raises(UnsupportedFormatError, match="VRT"):
            read_source(f)
    assert listener.connections == 0


def test_a_path_to_a_url_is_just_text(tmp_path: Path) -> None:
    """An upload whose content is a /vsicurl/ path is read as what it is (text) and refused."""
    with Listener() as listener:
        f = tmp_path / "remote.gpkg"
        f.write_text(f"/vsicurl/{listener.url}/x.gpkg")
        with pytest.raises(ImportFileError, match="no coordinate columns"):
            read_source(f)
    assert listener.connections == 0


def test_gdal_itself_is_kept_off_the_network() -> None:
    """Defence in depth: even GDAL asked directly for a URL makes no request once the safety
    configuration is applied (as every GDAL read here does first)."""
    import pyogrio

    from ninohe_geo.io.limits import apply_gdal_safety

    apply_gdal_safety()
    with Listener() as listener:
        with pytest.raises(pyogrio.errors.DataSourceError):
            pyogrio.read_info(f"/vsicurl/{listener.url}/x.gpkg")
        with pytest.raises(pyogrio.errors.DataSourceError):
            pyogrio.read_info(f"/vsicurl/{listener.url}/x.ninohe-geo-no-network.gpkg")
    assert listener.connections == 0


def _million_points_zip(tmp_path: Path) -> Path:
    """A small zip holding a CSV of one million points (what a hostile upload looks like)."""
    z = tmp_path / "million.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("points.csv", "w") as out:
            out.write(b"name,lat,lon\n")
            line = b"p,40.267222,141.303333\n"
            for _ in range(1000):
                out.write(line * 1000)
    return z


def test_a_small_zip_of_a_million_points_is_refused_before_parsing(tmp_path: Path) -> None:
    z = _million_points_zip(tmp_path)
    assert z.stat().st_size < 400_000  # the "335 KB zip of 1M points"
    # With the default ratio cap the zip is refused before extraction…
    with pytest.raises(LimitExceededError, match="zip bomb"):
        read_source(z)
    # …and where the ratio is allowed, the feature cap refuses it before the CSV is parsed.
    with pytest.raises(LimitExceededError, match="about 1,000,000 features; the limit is 200,000"):
        read_source(z, limits=Limits(max_ratio=10_000))


def test_zip_bomb_through_read_source(tmp_path: Path) -> None:
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.geojson", b" " * (50 * 1024 * 1024))
    with pytest.raises(LimitExceededError, match="zip bomb"):
        read_source(z)


def test_zip_slip_through_read_source(tmp_path: Path) -> None:
    z = tmp_path / "slip.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../escaped.geojson", b"{}")
    with pytest.raises(ImportFileError, match="outside the folder"):
        read_source(z)
    assert not (tmp_path.parent / "escaped.geojson").exists()


def test_time_limit_stops_an_import(tmp_path: Path) -> None:
    f = tmp_path / "many.csv"
    f.write_text("name,lat,lon\n" + "p,40.267222,141.303333\n" * 10, encoding="utf-8")
    with pytest.raises(LimitExceededError, match="import took longer than"):
        read_source(f, limits=Limits(time_limit_s=1e-9))


def test_file_size_cap(tmp_path: Path) -> None:
    f = tmp_path / "big.geojson"
    f.write_text('{"type":"FeatureCollection","features":[]}' + " " * 2000)
    with pytest.raises(LimitExceededError, match="the limit is 1,000 bytes"):
        read_source(f, limits=Limits(max_bytes=1000))
