"""The nearest designated site for a hazard (ninohe_geo.query.shelters)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.districts import OutsideCityError
from ninohe_geo.query.shelters import FINDER_HAZARDS, hazard_label, nearest_sites

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
