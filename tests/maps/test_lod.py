"""Levels of detail: zoom → simplification tolerance and coordinate quantum."""

from __future__ import annotations

import pytest

from ninohe_geo.maps import lod


@pytest.mark.parametrize("zoom", [0, 5, 8, 11, 12, 14, 16, 18])
def test_detail_is_below_a_pixel_with_headroom(zoom: int) -> None:
    detail = lod.for_zoom(zoom)
    px = lod.pixel_deg(zoom + lod.HEADROOM)
    assert detail.tolerance_deg == pytest.approx(px / 2)
    # the quantum is at most a quarter pixel, unless capped at the source precision
    assert 1 / detail.scale <= px / 4 or detail.scale == lod.MAX_SCALE
    assert lod.MIN_SCALE <= detail.scale <= lod.MAX_SCALE
    assert str(detail.scale).rstrip("0") == "1", "a power of ten"


def test_whole_city_zoom_uses_metre_quantum_and_street_zoom_full_precision() -> None:
    assert lod.for_zoom(11).scale == 100_000
    assert lod.for_zoom(16).scale == 1_000_000
    # finer zoom, smaller tolerance
    assert lod.for_zoom(14).tolerance_deg < lod.for_zoom(11).tolerance_deg


def test_headroom_zero_is_the_zoom_itself() -> None:
    assert lod.for_zoom(11, headroom=0).tolerance_deg == pytest.approx(lod.pixel_deg(11) / 2)


def test_negative_zoom_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        lod.for_zoom(-1)


def test_fit_zoom_of_the_city() -> None:
    # Ninohe city's extent (about 25 × 25 km) fits a 900 × 640 map at zoom 10 or 11.
    assert lod.fit_zoom((141.15, 40.15, 141.40, 40.38)) in (10, 11)
    # a single building's extent fits at a street zoom; the world at zoom 0-2
    assert lod.fit_zoom((141.2500, 40.2300, 141.2505, 40.2304)) >= 17
    assert lod.fit_zoom((-180.0, -85.0, 180.0, 85.0)) <= 2
