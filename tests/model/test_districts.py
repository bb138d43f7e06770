"""Districts as sourced points, distances, "near me" (src/ninohe_geo/districts.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.model.districts import (
    DISTRICTS,
    OutsideCityError,
    distances_m,
    district,
    format_distance,
    in_city_box,
    rank,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


def test_every_district_has_a_source_and_a_unique_id() -> None:
    ids = [d.id for d in DISTRICTS]
    assert len(ids) == len(set(ids))
    assert {d.name_ja for d in DISTRICTS} >= {"福岡", "石切所", "金田一", "浄法寺"}
    for d in DISTRICTS:
        assert d.source and d.point_ja and d.point_en
        assert district(d.id) is d
    assert district("horino") is None  # no sourced point: left out, not guessed


def test_district_points_lie_in_the_city(boundary_file: Path) -> None:
    doc = json.loads(boundary_file.read_text(encoding="utf-8"))
    geom = doc["features"][0]["geometry"] if doc.get("type") == "FeatureCollection" else doc
    city = shape(geom)
    for d in DISTRICTS:
        assert city.contains(Point(d.lon, d.lat)), d.id
        assert in_city_box(d.lat, d.lon)


def test_rank_from_city_hall(shipped: Catalog) -> None:
    fukuoka = district("fukuoka")
    assert fukuoka is not None
    ranked = rank(shipped.features, fukuoka.lat, fukuoka.lon)
    assert ranked[0] == ("ninohe-city-hall", 0.0)
    assert len(ranked) == len(shipped.features)
    placed = [m for _, m in ranked if m is not None]
    assert placed == sorted(placed)
    # Schematic features are diagrams: no distance, and after every placed one.
    schematic = set(shipped.features.index[shipped.features["accuracy"] == "schematic"])
    assert schematic
    tail = [fid for fid, m in ranked if m is None]
    assert set(tail) == schematic
    assert [fid for fid, _ in ranked[-len(tail) :]] == tail


def test_distance_is_metric_and_plausible(shipped: Catalog) -> None:
    # City hall to Ninohe Station: about 2.2 km as the crow flies (haversine of FACTS.md points).
    station, hall = (40.259861, 141.285639), (40.27125, 141.30478)
    dlat, dlon = math.radians(hall[0] - station[0]), math.radians(hall[1] - station[1])
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(station[0]))
        * math.cos(math.radians(hall[0]))
        * math.sin(dlon / 2) ** 2
    )
    haversine = 2 * 6_371_000 * math.asin(math.sqrt(a))
    d = distances_m(shipped.features, *hall)["ninohe-station"]
    assert abs(d - haversine) / haversine < 0.01


@pytest.mark.parametrize(("lat", "lon"), [(35.68, 139.76), (0.0, 0.0), (40.27, 142.5)])
def test_far_away_location_is_refused(shipped: Catalog, lat: float, lon: float) -> None:
    with pytest.raises(OutsideCityError, match="outside Ninohe"):
        rank(shipped.features, lat, lon)


@pytest.mark.parametrize(
    ("metres", "lang", "text"),
    [
        (0.0, "ja", "0 m"),
        (844.0, "en", "840 m"),
        (2449.0, "ja", "2.4 km"),
        (None, "ja", "距離なし（模式図）"),
        (None, "en", "no distance (schematic)"),
    ],
)
def test_format_distance(metres: float | None, lang: str, text: str) -> None:
    assert format_distance(metres, lang) == text  # type: ignore[arg-type]
