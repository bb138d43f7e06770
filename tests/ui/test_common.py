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


def test_a_saved_project_reloads_the_catalogue(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    """Issue #14: projects are part of the catalogue (the map's details and 年度 filter, the
    plan page), so writing projects.json changes the data signature the cache is keyed on."""
    from ninohe_geo.store import Identity
    from ninohe_geo.store.file import FileStore
    from ninohe_geo.ui.common import _data_signature

    root = make_data_dir("good")
    before = _data_signature(root)
    project = {"id": "p1", "name_ja": "テスト", "name_en": "", "measures": ["P3-07"], "years": []}
    FileStore(root).save_project(Identity("alice", "editor"), project, None)
    assert _data_signature(root) != before
