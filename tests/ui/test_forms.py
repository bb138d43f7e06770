"""Form ↔ feature, history and conflict rows, indicator series, and a store's catalogue."""

from __future__ import annotations

import datetime as dt

import pytest
from store_support import (  # noqa: F401 - fixtures
    ALICE,
    BOB,
    backend_fixture,
    edited,
    new_feature,
    pg_url_fixture,
    store_fixture,
    store_url_fixture,
)

from ninohe_geo.store import ConflictError, IndicatorValue, Store
from ninohe_geo.store.base import version_of
from ninohe_geo.store.catalog import store_catalog
from ninohe_geo.ui.forms import (
    PLAN_YEARS,
    checked_date,
    conflict_rows,
    feature_from_form,
    form_values,
    history_rows,
    indicator_series,
    jst,
    suggest_id,
)


def test_form_round_trip_keeps_the_feature() -> None:
    feature = new_feature(period="2021–2025")
    values = form_values(feature)
    values["name_ja"] = "  二戸市役所  "
    values["source_url"] = ""
    out = feature_from_form(values, feature["geometry"], dt.date(2026, 11, 27))
    assert out["properties"] == {**feature["properties"], "updated": "2026-11-27"}
    assert "source_url" not in out["properties"]  # empty optional fields are left out
    assert out["id"] == feature["id"]


def test_suggest_id_is_a_free_slug() -> None:
    assert suggest_id("Ninohe Station", []) == "ninohe-station"
    assert suggest_id("Ninohe Station", ["ninohe-station"]) == "ninohe-station-2"
    assert suggest_id("二戸", []) == "feature"


def test_history_rows_newest_first_with_changed_fields(store: Store) -> None:
    v1 = store.record("castle").feature  # type: ignore[union-attr]
    v2 = edited(v1, status="done")
    store.save(ALICE, "sample", v2, version_of(v1), note="works finished")
    rows = history_rows(store.history("feature:castle"), v2, "ja")
    assert [(r.user, r.action, r.fields, r.note, r.restorable) for r in rows] == [
        ("alice", "更新", "status", "works finished", False)
    ]
    assert rows[0].at.endswith(" JST")
    assert rows[0].values == ("status: 「planned」 → 「done」",)


def test_history_times_are_shown_in_japan_standard_time() -> None:
    assert jst("2026-12-02T13:36:05+00:00") == "2026-12-02 22:36 JST"
    assert jst("2027-03-31T15:00:00+00:00") == "2027-04-01 00:00 JST"  # a new fiscal year
    assert jst("not a time") == "not a time"


def test_an_import_removal_is_labelled_and_restorable(store: Store) -> None:
    castle = store.record("castle").feature  # type: ignore[union-attr]
    store.save_batch(ALICE, "sample", [castle], replace=True, removed_note="import x: removed")
    rows = history_rows(store.history("feature:station"), None, "en")
    assert [(r.action, r.note, r.restorable) for r in rows] == [
        ("imported", "import x: removed", True)
    ]


def test_conflict_rows_show_both_sides(store: Store) -> None:
    v1 = store.record("castle").feature  # type: ignore[union-attr]
    store.save(ALICE, "sample", edited(v1, name_en="A"), version_of(v1))
    with pytest.raises(ConflictError) as info:
        store.save(BOB, "sample", edited(v1, name_en="B"), version_of(v1))
    assert conflict_rows(info.value) == [{"field": "name_en", "stored": "A", "yours": "B"}]


def test_indicator_series_leaves_missing_years_empty() -> None:
    values = [
        IndicatorValue("P2-I1", 2017, 1.5, "", "人口動態保健所・市町村別統計"),
        IndicatorValue("P2-I1", 2023, 1.3, "", "source b"),
        IndicatorValue("P1-I1", 2023, 9.0, "", "other indicator"),
    ]
    series = indicator_series(values, "P2-I1")
    assert [p.year for p in series] == [2017, *PLAN_YEARS]
    assert [p.value for p in series] == [1.5, None, None, 1.3, None, None]
    assert series[0].source == "人口動態保健所・市町村別統計"


def test_store_catalog_matches_the_folder_catalogue(store: Store) -> None:
    store.save(ALICE, "sample", new_feature(), None)
    cat = store_catalog(store)
    assert sorted(cat.features.index) == sorted(
        ["castle", "station", "urushi-area", "bus-route", "ninohe-city-hall-test"]
    )
    assert [(layer.id, layer.count, layer.title_ja) for layer in cat.layers] == [
        ("sample", 5, "テスト")
    ]
    assert cat.features.loc["ninohe-city-hall-test", "pillar"] == "F"


def test_checked_date_is_the_features_own_date_else_the_given_day() -> None:
    day = dt.date(2031, 1, 1)
    feature = {"properties": {"updated": "2024-09-26"}}
    assert checked_date(feature, day) == dt.date(2024, 9, 26)
    assert checked_date({"properties": {"updated": "not a date"}}, day) == day
    assert checked_date({"properties": {}}, day) == day
    assert checked_date(None, day) == day
