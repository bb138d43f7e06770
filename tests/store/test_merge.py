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
from ninohe_geo.store.base import conflict_fields, merge_features, resolve_conflict, version_of


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


def test_each_clashing_field_takes_the_side_chosen_for_it(store: Store) -> None:
    """Per-field choice (issue #12): both changed the name, the summary and the location; Alice
    keeps her name and her location, Bob's summary; every unshared change lands as well."""
    start = _castle(store)
    theirs = edited(start, name_en="Bob", summary_en="Bob's summary", status="done")
    theirs["geometry"] = {"type": "Point", "coordinates": [141.31, 40.28]}
    store.save(BOB, "sample", theirs, version_of(start))
    mine = edited(start, name_en="Alice", summary_en="Alice's summary", period="R5")
    mine["geometry"] = {"type": "Point", "coordinates": [141.29, 40.26]}
    with pytest.raises(ConflictError) as info:
        store.save(ALICE, "sample", mine, version_of(start))
    err = info.value
    assert set(conflict_fields(err)) == {"name_en", "summary_en", "geometry"}
    chosen = resolve_conflict(err, frozenset({"name_en", "geometry"}))
    assert chosen is not None
    store.save(ALICE, "sample", chosen, err.current_version)
    now = _castle(store)
    assert now["properties"]["name_en"] == "Alice"
    assert now["properties"]["summary_en"] == "Bob's summary"
    assert now["geometry"] == mine["geometry"]
    assert now["properties"]["status"] == "done"  # Bob's alone
    assert now["properties"]["period"] == "R5"  # Alice's alone
    assert [c.user for c in store.history("feature:castle")] == ["bob", "alice"]


def test_a_field_one_side_removed_can_be_chosen_either_way(store: Store) -> None:
    start = _castle(store)
    base = edited(start, period="R3")
    store.save(BOB, "sample", base, version_of(start))
    props = {k: v for k, v in base["properties"].items() if k != "period"}
    store.save(BOB, "sample", {**base, "properties": props}, version_of(base))  # removed
    with pytest.raises(ConflictError) as info:
        store.save(ALICE, "sample", edited(base, period="R4"), version_of(base))
    err = info.value
    assert conflict_fields(err) == ("period",)
    gone = resolve_conflict(err, frozenset())
    kept = resolve_conflict(err, frozenset({"period"}))
    assert gone is not None and "period" not in gone["properties"]
    assert kept is not None and kept["properties"]["period"] == "R4"


def test_an_undo_that_met_a_newer_version_is_chosen_field_by_field(store: Store) -> None:
    """Without a merge (an undo meets a later change) every differing field is asked."""
    start = _castle(store)
    alice = edited(start, name_en="Alice", summary_en="Alice's summary")
    store.save(ALICE, "sample", alice, version_of(start))
    store.save(BOB, "sample", edited(alice, name_en="Bob"), version_of(alice))
    with pytest.raises(ConflictError) as info:
        store.undo_last(ALICE)
    err = info.value
    assert set(conflict_fields(err)) == {"name_en", "summary_en"}
    chosen = resolve_conflict(err, frozenset({"summary_en"}))  # undo my summary, keep Bob's name
    assert chosen is not None
    store.save(ALICE, "sample", chosen, err.current_version)
    now = _castle(store)
    assert now["properties"]["name_en"] == "Bob"
    assert now["properties"]["summary_en"] == start["properties"]["summary_en"]


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
