"""Two editors, one feature (issue #12): changes to different fields merge by themselves,
three-way against the version each started from, on every backend; only a field both changed
is asked about, and choosing either side keeps the other editor's other changes."""

from __future__ import annotations

import pytest
from store_support import (  # noqa: F401 - fixtures
    ALICE,
    BOB,
    backend_fixture,
    edited,
    pg_url_fixture,
    store_fixture,
    store_url_fixture,
)

from ninohe_geo.store import ConflictError, Store
from ninohe_geo.store.base import merge_features, resolve_conflict, version_of


def _castle(store: Store) -> dict:  # type: ignore[type-arg]
    rec = store.record("castle")
    assert rec is not None
    return rec.feature


def test_changes_to_different_fields_both_land(store: Store) -> None:
    start = _castle(store)
    store.save(BOB, "sample", edited(start, name_en="Kunohe Castle (Bob)"), version_of(start))
    # Alice started from the same version and changes another field: no conflict.
    saved = store.save(ALICE, "sample", edited(start, summary_ja="アリスの説明"), version_of(start))
    now = _castle(store)
    assert now == saved.feature
    assert now["properties"]["name_en"] == "Kunohe Castle (Bob)"
    assert now["properties"]["summary_ja"] == "アリスの説明"
    history = store.history("feature:castle")
    assert [c.user for c in history] == ["bob", "alice"]
    assert "(merged)" in history[-1].note


def test_a_moved_point_and_a_new_name_merge(store: Store) -> None:
    start = _castle(store)
    moved = edited(start)
    moved["geometry"] = {"type": "Point", "coordinates": [141.3, 40.27]}
    store.save(BOB, "sample", moved, version_of(start))
    store.save(ALICE, "sample", edited(start, name_en="Renamed"), version_of(start))
    now = _castle(store)
    assert now["geometry"] == moved["geometry"]
    assert now["properties"]["name_en"] == "Renamed"


def test_the_same_change_twice_is_no_conflict(store: Store) -> None:
    start = _castle(store)
    store.save(BOB, "sample", edited(start, status="done"), version_of(start))
    rec = store.save(ALICE, "sample", edited(start, status="done"), version_of(start))
    assert rec.feature["properties"]["status"] == "done"
    assert [c.user for c in store.history("feature:castle")] == ["bob"]  # nothing more to write


def test_only_the_field_both_changed_is_asked_and_either_choice_keeps_the_rest(
    store: Store,
) -> None:
    start = _castle(store)
    store.save(BOB, "sample", edited(start, name_en="Bob", status="done"), version_of(start))
    mine = edited(start, name_en="Alice", summary_en="Alice's summary")
    with pytest.raises(ConflictError) as info:
        store.save(ALICE, "sample", mine, version_of(start))
    err = info.value
    assert err.clashes == ("name_en",)
    assert [d[0] for d in err.diff] == ["name_en"]
    assert _castle(store)["properties"]["summary_en"] != "Alice's summary"  # nothing written yet
    keep_mine = resolve_conflict(err, frozenset(err.clashes))
    keep_theirs = resolve_conflict(err, frozenset())
    assert keep_mine is not None and keep_theirs is not None
    for choice, name in ((keep_theirs, "Bob"), (keep_mine, "Alice")):
        assert choice["properties"]["name_en"] == name
        assert choice["properties"]["status"] == "done"  # Bob's other change
        assert choice["properties"]["summary_en"] == "Alice's summary"  # Alice's other change
    store.save(ALICE, "sample", keep_mine, err.current_version)
    assert _castle(store)["properties"]["name_en"] == "Alice"
    assert _castle(store)["properties"]["status"] == "done"


def test_a_feature_deleted_meanwhile_is_still_a_conflict(store: Store) -> None:
    start = _castle(store)
    store.delete(BOB, "castle", version_of(start))
    with pytest.raises(ConflictError):
        store.save(ALICE, "sample", edited(start, name_en="x"), version_of(start))


@pytest.mark.parametrize(
    ("theirs", "mine", "merged", "clashes"),
    [
        ({"a": 2}, {"a": 1}, {"a": 2}, ()),
        ({"a": 1}, {"a": 3}, {"a": 3}, ()),
        ({"a": 2}, {"a": 3}, {"a": 2}, ("a",)),
        ({"a": 2}, {"a": 2}, {"a": 2}, ()),
        ({"a": 1, "b": 5}, {"a": 1, "c": 6}, {"a": 1, "b": 5, "c": 6}, ()),
        ({}, {"a": 1}, {}, ()),  # they removed a field I did not touch
        ({"a": 1}, {}, {}, ()),  # I removed a field they did not touch
        ({}, {"a": 4}, {}, ("a",)),  # they removed it, I changed it
    ],
)
def test_merge_features_table(
    theirs: dict,
    mine: dict,
    merged: dict,
    clashes: tuple[str, ...],  # type: ignore[type-arg]
) -> None:
    geometry = {"type": "Point", "coordinates": [0, 0]}

    def feature(props: dict) -> dict:  # type: ignore[type-arg]
        return {"type": "Feature", "geometry": geometry, "properties": props}

    out, found = merge_features(feature({"a": 1}), feature(theirs), feature(mine))
    assert out["properties"] == merged
    assert found == clashes
