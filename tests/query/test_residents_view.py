"""What the residents' page shows for a search, an area or a point (query/residents_view.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point, box

from ninohe_geo.model import districts
from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.query.residents import plan_order
from ninohe_geo.query.residents_view import MIN_NEAR, NEAR_M, residents_view
from ninohe_geo.query.search import SearchIndex, build_index

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


@pytest.fixture(scope="module")
def index(shipped: Catalog) -> SearchIndex:
    return build_index(shipped.features)


def _contains(bounds: tuple[float, float, float, float] | None, fid: str, cat: Catalog) -> bool:
    assert bounds is not None
    return bool(box(*bounds).buffer(1e-9).contains(cat.features.loc[fid].geometry))


def _origin(district_id: str) -> tuple[float, float]:
    d = districts.district(district_id)
    assert d is not None
    return d.lat, d.lon


def test_nothing_asked_lists_everything_after_the_map(shipped: Catalog, index: SearchIndex) -> None:
    view = residents_view(shipped, index, "  ", None, "ja")
    assert not view.filtered
    assert view.first == ()
    assert list(view.rest) == plan_order(shipped) == list(view.results)
    assert all(_contains(view.fit, fid, shipped) for fid in shipped.features.index)


def test_a_search_lists_its_results_first_and_frames_them(
    shipped: Catalog, index: SearchIndex
) -> None:
    view = residents_view(shipped, index, "くのへ", None, "ja")
    assert view.filtered
    assert set(view.first) == {
        "kunohe-castle-ruins",
        "kunohe-castle-phase2-works",
        "kunohe-castle-guide-house",
    }
    assert view.rest == ()
    assert _contains(view.fit, "kunohe-castle-ruins", shipped)
    assert not _contains(view.fit, "ninohe-station", shipped)
    none = residents_view(shipped, index, "存在しない名前", None, "ja")
    assert none.results == () and none.fit is None


def test_an_area_lists_its_nearest_first_and_frames_them_not_the_city(
    shipped: Catalog, index: SearchIndex
) -> None:
    origin = _origin("joboji")
    view = residents_view(shipped, index, "", origin, "ja")
    assert view.filtered and view.origin == origin
    assert set(view.first) | set(view.rest) == set(shipped.features.index)
    assert view.first[0] in {"joboji-branch-office", "joboji-urushi-forests"}
    assert len(view.first) >= MIN_NEAR
    metres = districts.distances_m(shipped.features, *origin)
    assert all(metres[fid] <= NEAR_M for fid in view.first)
    assert all(not metres[fid] <= NEAR_M for fid in view.rest)  # farther, or no place (NaN)
    assert view.distances["joboji-branch-office"] == "0 m"
    # Framed: the point and the nearby places, not the bus line to 二戸駅 nor the 漆林 area.
    assert view.fit is not None
    minx, miny, maxx, maxy = view.fit
    assert box(*view.fit).buffer(1e-9).contains(Point(origin[1], origin[0]))
    assert not _contains(view.fit, "ninohe-station", shipped)
    assert (maxx - minx) < 0.05 and (maxy - miny) < 0.05  # a few km, not the city


def test_a_search_with_an_area_is_sorted_from_the_point(
    shipped: Catalog, index: SearchIndex
) -> None:
    view = residents_view(shipped, index, "くのへ", _origin("joboji"), "en")
    assert set(view.results) == {
        "kunohe-castle-ruins",
        "kunohe-castle-phase2-works",
        "kunohe-castle-guide-house",
    }
    # Fewer than MIN_NEAR lie within NEAR_M: the nearest placed ones come first anyway.
    assert view.first == ("kunohe-castle-ruins", "kunohe-castle-guide-house")
    assert view.rest == ("kunohe-castle-phase2-works",)  # schematic: no distance, last
    assert "schematic" in view.distances["kunohe-castle-phase2-works"]


def test_the_key_changes_with_what_is_asked_only(shipped: Catalog, index: SearchIndex) -> None:
    ja = residents_view(shipped, index, "くのへ", None, "ja")
    en = residents_view(shipped, index, "Kunohe", None, "en")
    assert ja.key == en.key  # the same results in either language: the map stays put
    assert ja.key != residents_view(shipped, index, "", None, "ja").key
    assert ja.key != residents_view(shipped, index, "くのへ", _origin("fukuoka"), "ja").key
