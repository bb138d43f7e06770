"""Cached geometry text for large maps: same content as the plain payload, escaped, reused."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from ninohe_geo.maps import fastpayload, lod, mapview
from ninohe_geo.maps.encoding import decode_coords
from ninohe_geo.model.plan import Plan, load_plan
from ninohe_geo.query.filters import FeatureFilter, apply

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(REPO / "geodata" / "plan.yaml")


@pytest.fixture(scope="module")
def frame(plan: Plan) -> gpd.GeoDataFrame:
    """300 synthetic mixed features around Ninohe (the benchmark's generator)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    synthetic = importlib.import_module("bench.synthetic")
    made: gpd.GeoDataFrame = synthetic.make_frame(300, "mixed", plan, seed=7)
    return made


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    fastpayload.clear()


def _parts(geom: list[Any]) -> list[list[int]]:
    """The flat coordinate lists of an encoded [code, parts] geometry (single-part types)."""
    code, parts = geom
    return [parts] if code in (0, 1) else list(parts)


def test_columns_match_the_plain_payload(frame: gpd.GeoDataFrame) -> None:
    fast = json.loads(fastpayload.payload_json(frame, "en", lod.FULL))
    plain = mapview.features_payload(frame, "en")
    for column in ("ids", "names", "pillars", "loose"):
        assert fast[column] == plain[column]
    assert fast["scale"] == 1_000_000
    # at full detail the geometry is exactly the plain encoding
    assert fast["geoms"] == plain["geoms"]


def test_reduced_geometry_stays_within_the_tolerance(frame: gpd.GeoDataFrame) -> None:
    detail = lod.for_zoom(11)
    fast = json.loads(fastpayload.payload_json(frame, "ja", detail))
    assert fast["scale"] == detail.scale
    slack = detail.tolerance_deg + 1.0 / detail.scale
    total_in = total_out = 0
    for geom, original in zip(fast["geoms"], frame.geometry, strict=True):
        flats = _parts(geom)
        coords = np.array([c for flat in flats for c in decode_coords(flat)]) * (
            1_000_000 / detail.scale
        )
        total_in += shapely.get_num_coordinates(original)
        total_out += len(coords)
        # every drawn vertex lies within tolerance + quantum of the source shape
        boundary = original if original.geom_type != "Polygon" else original.exterior
        distances = shapely.distance(shapely.points(coords), boundary)
        assert float(np.max(distances)) <= slack * 1.01
        if original.geom_type == "Point":
            assert len(coords) == 1
    assert total_out < total_in, "simplification dropped no vertex at the whole-city zoom"


def test_geometry_text_is_cached_per_object_and_detail(frame: gpd.GeoDataFrame) -> None:
    detail = lod.for_zoom(11)
    first = fastpayload.payload_json(frame, "ja", detail)
    assert fastpayload.cache_size() == len(frame)
    # a filtered view holds the same geometry objects: no new entries, same text
    view = apply(frame, FeatureFilter.of(pillar=frozenset({"P1"})))
    assert 0 < len(view) < len(frame)
    again = fastpayload.payload_json(view, "ja", detail)
    assert fastpayload.cache_size() == len(frame)
    assert json.loads(again)["geoms"] == [
        g
        for g, keep in zip(json.loads(first)["geoms"], frame.index.isin(view.index), strict=True)
        if keep
    ]
    # another level of detail is cached separately
    fastpayload.payload_json(frame, "ja", lod.for_zoom(15))
    assert fastpayload.cache_size() == 2 * len(frame)


def test_an_equal_but_different_geometry_object_is_encoded_afresh(
    frame: gpd.GeoDataFrame,
) -> None:
    small = frame.iloc[:5]
    fastpayload.geometry_texts(small.geometry.values, lod.FULL)
    moved = shapely.affinity.translate(small.geometry.iloc[0], 0.01, 0.0)
    texts = fastpayload.geometry_texts(np.array([moved], dtype=object), lod.FULL)
    assert texts[0] != fastpayload.geometry_texts(small.geometry.values[:1], lod.FULL)[0]


def test_names_are_escaped_for_a_script_element(frame: gpd.GeoDataFrame) -> None:
    hostile = frame.iloc[:3].copy()
    hostile["name_ja"] = ["</script><img src=x onerror=alert(1)>", "${alert(1)}", "{{ 7*7 }}"]
    text = fastpayload.payload_json(hostile, "ja", lod.FULL)
    assert "<" not in text and ">" not in text and "{{" not in text
    assert json.loads(text)["names"] == list(hostile["name_ja"])


def test_a_collapsing_polygon_keeps_its_shape() -> None:
    tiny = shapely.Polygon([(141.25, 40.23), (141.2501, 40.23), (141.2501, 40.2301)])
    texts = fastpayload.geometry_texts(np.array([tiny], dtype=object), lod.Detail(0.01, 100_000))
    code, rings = json.loads(texts[0])
    assert code == 2 and len(rings) == 1 and len(rings[0]) == 8  # 4 vertices, none dropped
