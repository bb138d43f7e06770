"""Feature checks: geometry parsing, RFC 7946 winding, the city boundary, ids, plan links."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from ninohe_geo.model.boundary import read_boundary
from ninohe_geo.model.checks import (
    Problem,
    boundary_problems,
    check_feature,
    duplicate_id_problems,
    feature_label,
    parse_geometry,
    winding_problems,
)
from ninohe_geo.model.plan import Plan

CCW = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
CW = list(reversed(CCW))
HOLE_CW = [(0.2, 0.2), (0.2, 0.8), (0.8, 0.8), (0.8, 0.2), (0.2, 0.2)]
HOLE_CCW = list(reversed(HOLE_CW))

#: A synthetic "city": 1° × 1° box, for unit cases independent of the real boundary.
BOX = box(141.0, 40.0, 142.0, 41.0)

CASTLE = (141.303333, 40.267222)  # FACTS.md: 九戸城跡

FEATURE: dict[str, Any] = {
    "type": "Feature",
    "id": "castle",
    "geometry": {"type": "Point", "coordinates": list(CASTLE)},
    "properties": {
        "id": "castle",
        "name_ja": "九戸城跡",
        "name_en": "Kunohe Castle ruins",
        "measure": "P3-01",
        "initiative": "P3-01.1",
        "status": "planned",
        "summary_ja": "国史跡。",
        "summary_en": "National historic site.",
        "accuracy": "facility",
        "source": "castle guide page",
        "updated": "2026-11-27",
    },
}


def feature(**props: Any) -> dict[str, Any]:
    """The castle feature with some properties changed (the member ``id`` follows ``id``)."""
    raw = copy.deepcopy(FEATURE)
    raw["properties"].update(props)
    if "id" in props:
        raw["id"] = props["id"]
    return raw


# --- winding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("geom", "expected"),
    [
        (Polygon(CCW), []),
        (Polygon(CW), ["polygon 1: exterior ring must be counter-clockwise (RFC 7946)"]),
        (Polygon(CCW, [HOLE_CW]), []),
        (Polygon(CCW, [HOLE_CCW]), ["polygon 1: holes must be clockwise (RFC 7946)"]),
        (
            Polygon(CW, [HOLE_CCW]),
            [
                "polygon 1: exterior ring must be counter-clockwise (RFC 7946)",
                "polygon 1: holes must be clockwise (RFC 7946)",
            ],
        ),
        (
            MultiPolygon([Polygon(CCW), Polygon([(x + 2, y) for x, y in CW])]),
            ["polygon 2: exterior ring must be counter-clockwise (RFC 7946)"],
        ),
        (Point(0, 0), []),
        (LineString(CW), []),
    ],
    ids=["ccw", "cw", "ccw-hole-cw", "hole-ccw", "both-wrong", "multi-second-cw", "point", "line"],
)
def test_winding(geom: BaseGeometry, expected: list[str]) -> None:
    assert winding_problems(geom) == expected


def test_clockwise_polygon_feature_is_an_error(plan: Plan) -> None:
    ring = [[141.30 + x * 0.01, 40.26 + y * 0.01] for x, y in CW]
    raw = feature()
    raw["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    geom, problems = check_feature(raw, 0, plan, "a.geojson")
    assert geom is not None
    assert [p.message for p in problems] == [
        "polygon 1: exterior ring must be counter-clockwise (RFC 7946)"
    ]
    assert problems[0].severity == "error"
    assert problems[0].field == "geometry"


# --- parse_geometry --------------------------------------------------------------------------


def test_parse_point() -> None:
    geom, problems = parse_geometry({"type": "Point", "coordinates": list(CASTLE)})
    assert problems == []
    assert geom is not None and geom.equals(Point(CASTLE))


@pytest.mark.parametrize(
    ("raw", "fragment", "usable"),
    [
        (None, "missing geometry (null geometries cannot be mapped)", False),
        ("Point", "missing geometry", False),
        ({"type": "Point", "coordinates": []}, "geometry is empty", False),
        ({"type": "MultiPoint", "coordinates": []}, "geometry is empty", False),
        (
            {"type": "GeometryCollection", "geometries": []},
            "geometry type 'GeometryCollection' is not one of",
            False,
        ),
        ({"type": "Circle", "coordinates": [0, 0]}, "geometry type 'Circle'", False),
        ({"type": "LineString", "coordinates": [[141.3, 40.2]]}, "cannot be read", False),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "cannot be read", False),
        ({"type": "Point"}, "cannot be read", False),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [141.28, 40.25],
                        [141.30, 40.27],
                        [141.30, 40.25],
                        [141.28, 40.27],
                        [141.28, 40.25],
                    ]
                ],
            },
            "invalid geometry: Self-intersection",
            True,
        ),
        (
            # EPSG:6678 (plane rectangular zone X) metres, northing first
            {"type": "Point", "coordinates": [-28000.0, 30000.0]},
            "not longitude/latitude in degrees",
            True,
        ),
        ({"type": "Point", "coordinates": [141.3, 95.0]}, "not longitude/latitude", True),
        ({"type": "Point", "coordinates": [181.0, 40.0]}, "not longitude/latitude", True),
    ],
    ids=[
        "null",
        "not-an-object",
        "empty-point",
        "empty-multipoint",
        "collection",
        "unknown-type",
        "one-point-line",
        "short-ring",
        "no-coordinates",
        "bowtie",
        "projected-metres",
        "lat-over-90",
        "lon-over-180",
    ],
)
def test_parse_geometry_problems(raw: Any, fragment: str, usable: bool) -> None:
    geom, problems = parse_geometry(raw)
    assert len(problems) == 1, problems
    assert fragment in problems[0]
    assert (geom is not None) == usable


# --- boundary --------------------------------------------------------------------------------


def test_point_inside_box_is_fine() -> None:
    assert boundary_problems("a.geojson", "castle", Point(CASTLE), BOX) == []


def test_point_within_tolerance_is_fine() -> None:
    assert boundary_problems("a.geojson", "edge", Point(142.0003, 40.5), BOX) == []
    assert boundary_problems("a.geojson", "edge", Point(142.001, 40.5), BOX) != []


def test_swapped_point_is_an_error_mentioning_the_swap() -> None:
    lat, lon = CASTLE[1], CASTLE[0]
    [problem] = boundary_problems("a.geojson", "castle", Point(lat, lon), BOX)
    assert problem.severity == "error"
    assert (problem.file, problem.feature, problem.field) == ("a.geojson", "castle", "geometry")
    assert "outside the city boundary" in problem.message
    assert "swapped longitude/latitude" in problem.message
    assert "lon 40.26722, lat 141.30333" in problem.message


def test_line_crossing_the_boundary_is_a_warning() -> None:
    line = LineString([(141.5, 40.5), (142.5, 40.5)])
    [problem] = boundary_problems("a.geojson", "route", line, BOX)
    assert problem.severity == "warning"
    assert "route leaves the city boundary" in problem.message


def test_line_fully_outside_is_an_error() -> None:
    line = LineString([(143.0, 40.5), (144.0, 40.5)])
    [problem] = boundary_problems("a.geojson", "route", line, BOX)
    assert problem.severity == "error"
    assert "outside the city boundary" in problem.message


def test_polygon_crossing_the_boundary_is_an_error() -> None:
    area = box(141.9, 40.5, 142.1, 40.6)
    [problem] = boundary_problems("a.geojson", "area", area, BOX)
    assert problem.severity == "error"


def test_castle_inside_the_real_boundary(boundary_file: Path) -> None:
    city = read_boundary(boundary_file).geometry
    assert boundary_problems("a.geojson", "castle", Point(CASTLE), city) == []


def test_swapped_castle_outside_the_real_boundary(boundary_file: Path) -> None:
    city = read_boundary(boundary_file).geometry
    [problem] = boundary_problems("a.geojson", "castle", Point(CASTLE[1], CASTLE[0]), city)
    assert problem.severity == "error"
    assert "swapped" in problem.message


def test_real_boundary_lines(boundary_file: Path) -> None:
    city = read_boundary(boundary_file).geometry
    # 二戸駅 → 盛岡 (far outside the city to the south): leaves the city
    leaving = LineString([(141.285639, 40.259861), (141.15, 39.70)])
    [warning] = boundary_problems("a.geojson", "route", leaving, city)
    assert warning.severity == "warning"
    # 盛岡 → 仙台: nowhere near
    away = LineString([(141.15, 39.70), (140.87, 38.26)])
    [error] = boundary_problems("a.geojson", "route", away, city)
    assert error.severity == "error"
    # 二戸駅 → 市役所 → 金田一温泉駅: inside
    inside = LineString([(141.285639, 40.259861), (141.30478, 40.27125), (141.3038889, 40.3235472)])
    assert boundary_problems("a.geojson", "route", inside, city) == []


# --- duplicate ids ---------------------------------------------------------------------------


def test_duplicate_ids() -> None:
    problems = duplicate_id_problems(
        [("a.geojson", "x"), ("a.geojson", "y"), ("b.geojson", "x"), ("c.geojson", "x")]
    )
    assert [(p.file, p.feature, p.field) for p in problems] == [
        ("b.geojson", "x", "id"),
        ("c.geojson", "x", "id"),
    ]
    assert all(p.message == "duplicate id: already used in a.geojson" for p in problems)


def test_no_duplicates() -> None:
    assert duplicate_id_problems([("a.geojson", "x"), ("b.geojson", "y")]) == []


# --- check_feature ---------------------------------------------------------------------------


def test_good_feature(plan: Plan) -> None:
    geom, problems = check_feature(feature(), 0, plan, "a.geojson")
    assert problems == []
    assert geom is not None and geom.equals(Point(CASTLE))


@pytest.mark.parametrize(
    ("raw", "label", "field", "fragment"),
    [
        (feature(measure="P9-99", initiative=None), "castle", "measure", "unknown measure 'P9-99'"),
        (feature(initiative="P3-01.9"), "castle", "initiative", "unknown initiative 'P3-01.9'"),
        (
            feature(initiative="P3-02.1"),
            "castle",
            "initiative",
            "initiative 'P3-02.1' belongs to measure 'P3-02', not 'P3-01'",
        ),
        (feature(source=None), "castle", "source", "missing field 'source'"),
        (feature(id=None), "#3", "id", "missing field 'id'"),
        (feature(name_ja=7), "castle", "name_ja", "must be text, got int"),
        (feature(status="finished"), "castle", "status", "status 'finished' is not one of"),
        (feature(accuracy="exact"), "castle", "accuracy", "accuracy 'exact' is not one of"),
        (feature(updated="2026/11/27"), "castle", "updated", "not an ISO date"),
        (feature(id="Castle"), "Castle", "id", "must be a lower-case slug"),
        (feature(reading_ja="クノヘ"), "castle", "reading_ja", "must be hiragana"),
        ({**FEATURE, "id": "other"}, "castle", "id", "feature id and properties.id differ"),
        ({**FEATURE, "geometry": None}, "castle", "geometry", "missing geometry"),
        ({**FEATURE, "properties": []}, "#3", "properties", "properties must be an object"),
        ({**FEATURE, "type": "Point"}, "#3", None, "not a GeoJSON Feature object"),
        ("feature", "#3", None, "not a GeoJSON Feature object"),
    ],
    ids=[
        "unknown-measure",
        "unknown-initiative",
        "initiative-of-other-measure",
        "missing-source",
        "missing-id",
        "wrong-type",
        "bad-status",
        "bad-accuracy",
        "bad-date",
        "bad-slug",
        "bad-reading",
        "id-mismatch",
        "null-geometry",
        "properties-not-object",
        "not-a-feature",
        "not-an-object",
    ],
)
def test_check_feature_problems(
    plan: Plan, raw: Any, label: str, field: str | None, fragment: str
) -> None:
    _, problems = check_feature(raw, 2, plan, "a.geojson")
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.file == "a.geojson"
    assert problem.feature == label
    assert problem.field == field
    assert fragment in problem.message
    assert problem.severity == "error"


def test_feature_label() -> None:
    assert feature_label(FEATURE, 0) == "castle"
    assert feature_label({"properties": {"id": 5}}, 4) == "#5"
    assert feature_label({}, 0) == "#1"


def test_problem_text_names_file_feature_and_field() -> None:
    problem = Problem("a.geojson", "castle", "missing field 'source'", field="source")
    assert str(problem) == "ERROR: a.geojson [feature castle] (source): missing field 'source'"
    whole_file = Problem("b.geojson", None, "not valid JSON", severity="warning")
    assert str(whole_file) == "WARNING: b.geojson: not valid JSON"
