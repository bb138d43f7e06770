"""CRS handling: declared CRSs, EPSG:6678 northing first, and the likely-mistake messages."""

from __future__ import annotations

from pathlib import Path

import pyproj
import pytest
from importer_support import IMPORT_DATA
from shapely.geometry import Point

from ninohe_geo.io.crs import check_location, parse_crs, plane_xy_is_northing_first, to_lonlat
from ninohe_geo.io.errors import CrsError, LocationError
from ninohe_geo.io.formats import read_source

CASTLE = (141.303333, 40.267222)  # FACTS.md: castle guide page


def test_zone_x_is_northing_first() -> None:
    assert plane_xy_is_northing_first(pyproj.CRS.from_epsg(6678))
    assert not plane_xy_is_northing_first(pyproj.CRS.from_epsg(6668))


@pytest.mark.parametrize("text", ["EPSG:6678", "6678", "urn:ogc:def:crs:EPSG::6678"])
def test_parse_crs_forms(text: str) -> None:
    assert parse_crs(text, "f").to_epsg() == 6678


def test_parse_crs_unknown() -> None:
    with pytest.raises(CrsError, match="unknown CRS 'EPSG:999999'"):
        parse_crs("EPSG:999999", "f")


def test_csv_xy_needs_a_crs() -> None:
    with pytest.raises(CrsError, match="'X'/'Y' columns but no CRS: give --crs"):
        read_source(IMPORT_DATA / "kunohe_zone10_xy.csv")


def test_csv_xy_in_zone_x_reads_x_as_northing() -> None:
    table = read_source(IMPORT_DATA / "kunohe_zone10_xy.csv", crs="EPSG:6678")
    point = table.geometries[0]
    assert point.x == pytest.approx(CASTLE[0], abs=1e-6)  # ≈ 0.1 m
    assert point.y == pytest.approx(CASTLE[1], abs=1e-6)
    assert "'X' read as northing and 'Y' as easting (EPSG:6678)" in table.notes


def test_geojson_declared_6668_and_6678_agree() -> None:
    a = read_source(IMPORT_DATA / "kunohe_6668.geojson").geometries[0]
    b = read_source(IMPORT_DATA / "kunohe_6678.geojson").geometries[0]
    assert a.distance(b) < 1e-6
    assert b.x == pytest.approx(CASTLE[0], abs=1e-6)


def test_swapped_latitude_longitude() -> None:
    with pytest.raises(LocationError, match="longitude and latitude are swapped"):
        read_source(IMPORT_DATA / "kunohe_swapped_latlon.csv")


def test_metres_read_as_degrees() -> None:
    with pytest.raises(LocationError, match=r"are metres, not degrees.*--crs EPSG:6678"):
        read_source(IMPORT_DATA / "kunohe_zone10_xy.csv", crs="EPSG:6668")


def test_wrong_zone_names_zone_x() -> None:
    with pytest.raises(LocationError, match=r"wrong zone.*zone X \(EPSG:6678\)"):
        read_source(IMPORT_DATA / "kunohe_zone10_xy.csv", crs="EPSG:6677")


def test_degrees_with_a_projected_crs(tmp_path: Path) -> None:
    f = tmp_path / "deg.csv"
    f.write_text("名称,X,Y\n九戸城跡,141.303333,40.267222\n", encoding="utf-8")
    with pytest.raises(LocationError, match=r"look like degrees .* projected EPSG:6678"):
        read_source(f, crs="EPSG:6678")


def test_far_away_but_plausible_degrees() -> None:
    sendai = [Point(140.8824, 38.2601)]  # Sendai Station: plausible degrees, 220 km away
    with pytest.raises(LocationError, match=r"far from Ninohe .*lon 140\.8824, lat 38\.2601"):
        check_location(sendai, sendai, pyproj.CRS.from_epsg(4326), "f.csv")


def test_near_the_city_passes() -> None:
    pts = [Point(CASTLE)]
    check_location(pts, pts, pyproj.CRS.from_epsg(4326), "f.csv")


def test_to_lonlat_keeps_missing_geometries() -> None:
    out = to_lonlat([None, Point(39974.274, 29774.590)], pyproj.CRS.from_epsg(6678))
    assert out[0] is None
    assert out[1].x == pytest.approx(CASTLE[0], abs=1e-6)
