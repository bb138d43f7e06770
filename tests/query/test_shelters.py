"""The nearest designated site for a hazard (ninohe_geo.query.shelters)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.districts import OutsideCityError
from ninohe_geo.query.shelters import (
    FINDER_HAZARDS,
    around,
    crow_text,
    finder_sites,
    hazard_label,
    map_marks,
    nearest_sites,
)

REPO = Path(__file__).resolve().parents[2]
CITY_HALL = (40.27125, 141.30478)


@pytest.fixture(scope="module")
def reference():  # type: ignore[no-untyped-def]
    return load_catalog(REPO / "geodata").reference


def test_nearest_flood_sites_from_city_hall(reference) -> None:  # type: ignore[no-untyped-def]
    hits = nearest_sites(reference, *CITY_HALL, "flood", "ja")
    # GSI E0321300061201 / 62201 / 68201, straight-line metres from city hall's point.
    assert [h.name for h in hits] == ["福岡小学校", "福岡中学校", "福岡高校"]
    assert [round(h.distance_m, -1) for h in hits] == [150, 180, 370]
    assert [h.distance_m for h in hits] == sorted(h.distance_m for h in hits)
    assert "洪水" in hits[0].hazards and len(hits) == 3


def test_only_sites_designated_for_the_hazard_are_named(reference) -> None:  # type: ignore[no-untyped-def]
    for hazard in FINDER_HAZARDS:
        label = hazard_label(hazard, "en")
        for hit in nearest_sites(reference, *CITY_HALL, hazard, "en", limit=10):
            assert label in hit.hazards, (hazard, hit)
    # 御返地生活改善センター is designated for landslides, not floods.
    landslide = {h.id for h in nearest_sites(reference, 40.2339, 141.2218, "landslide", "ja")}
    flood = {h.id for h in nearest_sites(reference, 40.2339, 141.2218, "flood", "ja")}
    assert "gsi-e0321300001202" in landslide and "gsi-e0321300001202" not in flood


def test_bad_hazard_and_point_outside_the_city_are_refused(reference) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="tornado"):
        nearest_sites(reference, *CITY_HALL, "tornado", "ja")
    with pytest.raises(OutsideCityError):
        nearest_sites(reference, 35.68, 139.76, "flood", "ja")
    assert nearest_sites(reference.iloc[0:0], *CITY_HALL, "flood", "ja") == []


def test_the_static_sites_finder_gets_every_designated_site(reference) -> None:  # type: ignore[no-untyped-def]
    sites = finder_sites(reference, "ja")
    # The 78 GSI 指定緊急避難場所 carry hazards (the 46 指定避難所 records do not).
    assert len(sites) == 78 and all(s["hazards"] for s in sites)
    by_id = {s["id"]: s for s in sites}
    # Ranked in the browser from the same data, the answer is Python's.
    for hit in nearest_sites(reference, *CITY_HALL, "flood", "ja"):
        site = by_id[hit.id]
        assert site["name"] == hit.name and "flood" in site["hazards"]
        assert (site["lat"], site["lon"]) == (round(hit.lat, 6), round(hit.lon, 6))
    # GSI gives Japanese names only: the English page shows them rather than nothing.
    assert all(s["name"] for s in finder_sites(reference, "en"))
    assert finder_sites(reference.iloc[0:0], "ja") == []


def test_map_marks_number_the_hits_with_name_and_crow_distance(reference) -> None:  # type: ignore[no-untyped-def]
    hits = nearest_sites(reference, *CITY_HALL, "flood", "ja")
    marks = map_marks(hits, "ja")
    assert [m["id"] for m in marks] == [h.id for h in hits]
    assert marks[0]["label"] == "1. 福岡小学校（直線距離 約 150 m）"
    assert map_marks(hits, "en")[2]["label"].startswith("3. ")
    assert "in a straight line" in map_marks(hits, "en")[0]["label"]
    assert crow_text(2_437, "ja") == "約 2.4 km"
    # The view of an answer holds the point and all its sites.
    minx, miny, maxx, maxy = around(CITY_HALL, hits)
    for lat, lon in [CITY_HALL, *((h.lat, h.lon) for h in hits)]:
        assert minx <= lon <= maxx and miny <= lat <= maxy
    assert around(CITY_HALL, []) == (CITY_HALL[1], CITY_HALL[0], CITY_HALL[1], CITY_HALL[0])
