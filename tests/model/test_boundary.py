"""The city boundary: the official N03 file, selection by city code, bad files, the fallback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, box, mapping

from ninohe_geo.errors import DataFileError
from ninohe_geo.model import boundary as boundary_module
from ninohe_geo.model.boundary import CITY_BBOX, CITY_CODE, find_boundary, read_boundary
from ninohe_geo.paths import BOUNDARY_ENV

CASTLE = Point(141.303333, 40.267222)  # FACTS.md: 九戸城跡
KINTAICHI = Point(141.3038889, 40.3235472)  # FACTS.md: 金田一温泉駅
JOBOJI = Point(141.1559111, 40.1835917)  # FACTS.md: 浄法寺総合支所
MORIOKA = Point(141.1527, 39.7036)  # well outside the city


def n03(code: str, geometry: Any, name: str = "") -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"N03_001": "岩手県", "N03_004": name, "N03_007": code},
        "geometry": geometry if isinstance(geometry, dict) else mapping(geometry),
    }


def write(tmp_path: Path, doc: Any, name: str = "boundary.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


# --- the official file -----------------------------------------------------------------------


def test_reference_boundary_contains_the_castle(boundary_file: Path) -> None:
    b = read_boundary(boundary_file)
    assert b.exact is True
    assert b.source == str(boundary_file)
    assert b.geometry.geom_type in {"Polygon", "MultiPolygon"}
    for place in (CASTLE, KINTAICHI, JOBOJI):
        assert b.geometry.contains(place)
    assert not b.geometry.contains(MORIOKA)
    assert not b.geometry.contains(Point(CASTLE.y, CASTLE.x))  # swapped


def test_reference_boundary_area(boundary_file: Path) -> None:
    """420.42 km² (国勢調査, FACTS.md), measured in plane rectangular zone X (EPSG:6678)."""
    geom = read_boundary(boundary_file).geometry
    to_plane = Transformer.from_crs("EPSG:4326", "EPSG:6678", always_xy=True)
    plane = shapely.transform(geom, lambda xy: np.column_stack(to_plane.transform(*xy.T)))
    assert plane.area / 1e6 == pytest.approx(420.42, rel=0.01)


def test_fallback_box_covers_the_whole_city(boundary_file: Path) -> None:
    """The fallback must not flag a feature in the south of 浄法寺 as outside the city."""
    city = read_boundary(boundary_file).geometry
    assert box(*CITY_BBOX).contains(city)


def test_the_test_session_checks_against_the_official_boundary(boundary_file: Path) -> None:
    """conftest points ``$NINOHE_GEO_BOUNDARY`` at the reference boundary for the whole run."""
    b = find_boundary()
    assert b.exact is True
    assert Path(b.source) == boundary_file


# --- N03 selection ---------------------------------------------------------------------------


def test_selects_the_city_by_code(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "type": "FeatureCollection",
            "features": [
                n03("03202", box(141.0, 39.0, 141.5, 39.5), "宮古市"),
                n03(CITY_CODE, box(141.2, 40.2, 141.4, 40.3), "二戸市"),
                n03(CITY_CODE, box(141.1, 40.1, 141.2, 40.2), "二戸市"),
            ],
        },
    )
    b = read_boundary(path)
    assert b.geometry.area == pytest.approx(0.02 + 0.01)
    assert b.geometry.contains(CASTLE)
    assert not b.geometry.contains(MORIOKA)
    other = read_boundary(path, city_code="03202")
    assert other.geometry.contains(Point(141.25, 39.25))
    assert not other.geometry.contains(CASTLE)


def test_a_file_without_n03_fields_is_taken_whole(tmp_path: Path) -> None:
    feature = {"type": "Feature", "properties": {}, "geometry": mapping(box(141, 40, 142, 41))}
    b = read_boundary(write(tmp_path, {"type": "FeatureCollection", "features": [feature]}))
    assert b.geometry.equals(box(141, 40, 142, 41))


@pytest.mark.parametrize("crs", ["urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:6668", "EPSG:4326"])
def test_lon_lat_crs_accepted(tmp_path: Path, crs: str) -> None:
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": crs}},
        "features": [n03(CITY_CODE, box(141, 40, 142, 41))],
    }
    assert read_boundary(write(tmp_path, doc)).exact


# --- bad files -------------------------------------------------------------------------------

BOX = mapping(box(141, 40, 142, 41))

BAD: list[tuple[str, Any, str]] = [
    ("not-json", b"{not json", "cannot read the boundary as GeoJSON"),
    ("not-utf8", '{"name": "二戸"}'.encode("cp932"), "cannot read"),
    ("list", [], "expected a GeoJSON FeatureCollection"),
    ("no-features", {"type": "FeatureCollection", "features": []}, "expected a GeoJSON"),
    ("features-object", {"type": "FeatureCollection", "features": {}}, "expected a GeoJSON"),
    (
        "projected-crs",
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6678"}},
            "features": [n03(CITY_CODE, BOX)],
        },
        "is not lon/lat",
    ),
    (
        "other-city",
        {"type": "FeatureCollection", "features": [n03("03202", BOX)]},
        "no feature with N03_007 = '03213'",
    ),
    (
        "crs-as-text",
        {"type": "FeatureCollection", "crs": "EPSG:6678", "features": [n03(CITY_CODE, BOX)]},
        "crs",
    ),
    ("feature-not-object", {"type": "FeatureCollection", "features": ["x"]}, "feature"),
    (
        "null-geometry",
        {"type": "FeatureCollection", "features": [n03(CITY_CODE, {"x": 1}) | {"geometry": None}]},
        "geometry",
    ),
    (
        "broken-ring",
        {
            "type": "FeatureCollection",
            "features": [n03(CITY_CODE, {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]})],
        },
        "geometry",
    ),
]


@pytest.mark.parametrize(("doc", "fragment"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_file_raises_data_file_error(tmp_path: Path, doc: Any, fragment: str) -> None:
    path = tmp_path / "boundary.geojson"
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    else:
        path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_boundary(path)
    assert err.value.path == path
    assert fragment in err.value.message


def test_missing_file_raises_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read"):
        read_boundary(tmp_path / "nope.geojson")


# --- find_boundary ---------------------------------------------------------------------------


@pytest.fixture
def no_reference(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No env var and no shipped outline: nothing to find (the product never looks in the
    shared test folder)."""
    empty = tmp_path / "no-reference"
    empty.mkdir()
    monkeypatch.delenv(BOUNDARY_ENV, raising=False)
    monkeypatch.setattr(boundary_module, "shipped_data_dir", lambda: empty)
    return empty


def test_the_shipped_outline_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #13: validate checks against the city outline shipped as a layer (made by the N03
    importer), not a bounding box, when no boundary is named."""
    monkeypatch.delenv(BOUNDARY_ENV, raising=False)
    b = find_boundary()
    assert b.exact is True and b.source.endswith("city-outline.geojson")
    assert b.geometry.contains(CASTLE)
    assert b.geometry.area < box(*CITY_BBOX).area * 0.8  # the outline, not the box


@pytest.mark.usefixtures("no_reference")
def test_fallback_bbox_when_nothing_is_found() -> None:
    b = find_boundary()
    assert b.exact is False
    assert b.geometry.equals(box(*CITY_BBOX))
    assert "bounding box" in b.source
    assert "--boundary" in b.source
    assert b.geometry.contains(CASTLE)


@pytest.mark.usefixtures("no_reference")
def test_explicit_file_wins(tmp_path: Path) -> None:
    path = write(tmp_path, {"type": "FeatureCollection", "features": [n03(CITY_CODE, BOX)]})
    b = find_boundary(path)
    assert (b.exact, b.source) == (True, str(path))


def test_env_var_is_used(no_reference: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = {"type": "FeatureCollection", "features": [n03(CITY_CODE, BOX)]}
    path = write(no_reference.parent, doc)
    monkeypatch.setenv(BOUNDARY_ENV, str(path))
    assert find_boundary().source == str(path)


def test_a_missing_env_file_is_an_error_not_a_silent_fallback(
    no_reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BOUNDARY_ENV, str(no_reference / "moved.geojson"))
    with pytest.raises(DataFileError, match="NINOHE_GEO_BOUNDARY"):
        find_boundary()


def test_the_shared_test_folder_is_not_product_code() -> None:
    """The boundary module knows nothing of ``../shared/reference`` (a test concern)."""
    source = Path(boundary_module.__file__).read_text(encoding="utf-8")
    assert "reference" not in source.split('"""', 2)[2]


@pytest.mark.usefixtures("no_reference")
def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="boundary file not found"):
        find_boundary(tmp_path / "typo.geojson")


def test_missing_explicit_file_is_an_error_even_with_a_fallback_around(
    no_reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An explicit --boundary that does not exist must not be silently replaced by another."""
    other = write(no_reference, {"type": "FeatureCollection", "features": [n03(CITY_CODE, BOX)]})
    monkeypatch.setenv(BOUNDARY_ENV, str(other))
    typo = no_reference.parent / "typo.geojson"
    with pytest.raises(DataFileError) as err:
        find_boundary(typo)
    assert err.value.path == typo
