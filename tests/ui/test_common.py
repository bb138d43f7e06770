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


def test_warm_up_loads_the_catalogue_the_first_visitor_then_finds(  # type: ignore[no-untyped-def]
    make_data_dir, monkeypatch, tmp_path
) -> None:
    """serve.py's start-up thread: the catalogue is loaded into the shared cache, so the first
    page run does not load it again; a failure is logged, never raised."""
    import streamlit as st

    from ninohe_geo.paths import CACHE_ENV, DATA_ENV
    from ninohe_geo.ui import common

    root = make_data_dir("good")
    monkeypatch.setenv(DATA_ENV, str(root))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    st.cache_resource.clear()
    loads: list[object] = []
    real = common.load_catalog_cached
    monkeypatch.setattr(common, "load_catalog_cached", lambda *a: loads.append(a) or real(*a))
    common.warm_up()
    assert len(loads) == 1
    assert len(common.catalog().features) == 4  # the good fixture, from the cache
    assert len(loads) == 1
    st.cache_resource.clear()
    monkeypatch.setattr(common, "load_catalog_cached", lambda *a: 1 / 0)
    common.warm_up()  # logged, not raised
    st.cache_resource.clear()
