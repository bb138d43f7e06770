"""What the pages read back from st_folium (ninohe_geo.ui.common)."""

from __future__ import annotations

from ninohe_geo.ui.common import clicked_point


def test_clicked_point_reads_a_click_on_the_map_itself() -> None:
    assert clicked_point({"last_clicked": {"lat": 40.27, "lng": 141.3}}) == (40.27, 141.3)
    assert clicked_point({"last_clicked": {"lat": 40, "lng": 141}}) == (40.0, 141.0)
    # Nothing clicked yet, or something that is not a point: no point (never an error).
    for result in (
        None,
        {},
        {"last_clicked": None},
        {"last_clicked": {"lat": "40", "lng": 1}},
        {"last_clicked": [40.27, 141.3]},
        {"last_clicked": {"lat": 40.27}},
    ):
        assert clicked_point(result) is None, result
