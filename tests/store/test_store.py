"""The storage interface, run against every backend (file and PostGIS): saves, versions,
conflicts, history, restore, undo, soft delete, batches (imports), indicator values, roles,
copying."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT
from store_support import (  # noqa: F401 - fixtures
    ADMIN,
    ALICE,
    BOB,
    backend_fixture,
    broken_feature,
    edited,
    fresh_store,
    new_feature,
    pg_url_fixture,
    store_fixture,
    store_url_fixture,
)

from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.store import (
    ConflictError,
    Identity,
    IndicatorValue,
    InvalidFeature,
    NotFound,
    PermissionDenied,
    Record,
    Store,
    copy_store,
    open_store,
)
from ninohe_geo.store.base import version_of
from ninohe_geo.store.file import FileStore

SHIPPED_CASTLE = REPO_ROOT / "geodata" / "layers" / "kunohe-castle.geojson"


def _castle(store: Store) -> dict:
    rec = store.record("castle")
    assert rec is not None
    return rec.feature


def test_reads_the_fixture_with_content_versions(store: Store) -> None:
    recs = store.records()
    assert [r.id for r in recs] == ["castle", "station", "urushi-area", "bus-route"]
    assert {r.layer for r in recs} == {"sample"}
    assert all(r.version == version_of(r.feature) and len(r.version) == 16 for r in recs)
    assert store.layers()["sample"]["title_ja"] == "テスト"
    assert "二戸市" in store.plan_yaml()


def test_create_is_recorded_with_who_when_before_after(store: Store) -> None:
    feature = new_feature()
    rec = store.save(ALICE, "sample", feature, None, note="new")
    assert store.record(feature["id"]) == rec
    [change] = store.history(f"feature:{feature['id']}")
    assert (change.action, change.user, change.before, change.after, change.note) == (
        "create",
        "alice",
        None,
        feature,
        "new",
    )
    assert change.at.endswith("+00:00")


def test_update_with_current_version_lands(store: Store) -> None:
    before = _castle(store)
    after = edited(before, status="in_progress", name_en="Kunohe Castle site")
    store.save(ALICE, "sample", after, version_of(before))
    assert _castle(store) == after
    change = store.history("feature:castle")[-1]
    assert (change.action, change.before, change.after) == ("update", before, after)


def test_stale_version_raises_conflict_with_the_difference(store: Store) -> None:
    start = _castle(store)
    store.save(ALICE, "sample", edited(start, name_ja="九戸城跡（A）"), version_of(start))
    mine = edited(start, name_ja="九戸城跡（B）")
    with pytest.raises(ConflictError) as info:
        store.save(BOB, "sample", mine, version_of(start))
    err = info.value
    assert ("name_ja", "九戸城跡（A）", "九戸城跡（B）") in err.diff
    assert err.current_version == version_of(_castle(store))
    assert _castle(store)["properties"]["name_ja"] == "九戸城跡（A）"  # nothing overwritten
    # Bob chooses to keep his: he saves over the version he has now seen.
    store.save(BOB, "sample", mine, err.current_version)
    assert _castle(store)["properties"]["name_ja"] == "九戸城跡（B）"


def test_two_editors_on_different_features_both_land(store: Store) -> None:
    castle = _castle(store)
    station = store.record("station")
    assert station is not None
    store.save(ALICE, "sample", edited(castle, status="done"), version_of(castle))
    store.save(BOB, "sample", edited(station.feature, status="done"), station.version)
    assert {r.id: r.feature["properties"]["status"] for r in store.records()}["castle"] == "done"
    assert store.record("station").feature["properties"]["status"] == "done"  # type: ignore[union-attr]


def test_creating_an_existing_id_is_a_conflict(store: Store) -> None:
    with pytest.raises(ConflictError):
        store.save(ALICE, "sample", new_feature(id="castle"), None)


def test_invalid_feature_is_refused_and_nothing_changes(store: Store) -> None:
    before = store.snapshot()
    with pytest.raises(InvalidFeature) as info:
        store.save(ALICE, "sample", broken_feature(), None)
    text = str(info.value)
    for expected in ("lower-case slug", "P9-99", "finished", "ISO date", "summary_ja"):
        assert expected in text
    with pytest.raises(InvalidFeature, match="layer"):
        store.save(ALICE, "../etc", new_feature(), None)
    assert store.snapshot() == before


def test_soft_delete_hides_keeps_history_and_restores(store: Store) -> None:
    castle = _castle(store)
    store.delete(ALICE, "castle", version_of(castle), note="duplicate")
    assert "castle" not in [r.id for r in store.records()]
    deleted = [r for r in store.records(include_deleted=True) if r.id == "castle"]
    assert len(deleted) == 1 and deleted[0].deleted and deleted[0].feature == castle
    change = store.history("feature:castle")[-1]
    assert (change.action, change.before, change.after) == ("delete", castle, None)
    # Restore the state before the delete: the 'before' of the delete is the after of nothing
    # recorded, so restore the delete's own before via a restore of a saved state.
    updated = edited(castle, status="done")
    store.save(ALICE, "sample", updated, None)  # re-create from the deleted copy
    assert _castle(store) == updated
    with pytest.raises(NotFound):
        store.delete(ALICE, "nope", "0" * 16)


def test_restore_a_past_state_from_history(store: Store) -> None:
    v1 = _castle(store)
    v2 = edited(v1, name_en="Two")
    v3 = edited(v1, name_en="Three")
    store.save(ALICE, "sample", v2, version_of(v1))
    store.save(BOB, "sample", v3, version_of(v2))
    first = store.history("feature:castle")[0]
    assert first.after == v2
    restored = store.restore(ALICE, first.seq)
    assert restored is not None and _castle(store) == v2
    last = store.history("feature:castle")[-1]
    assert (last.action, last.before, last.after) == ("restore", v3, v2)
    # Restoring a deleted feature brings it back to the map.
    store.delete(ALICE, "castle", version_of(v2))
    store.restore(ALICE, last.seq)
    assert _castle(store) == v2


def test_undo_my_last_change(store: Store) -> None:
    v1 = _castle(store)
    store.save(ALICE, "sample", edited(v1, status="done"), version_of(v1))
    undone = store.undo_last(ALICE)
    assert undone.user == "alice" and _castle(store) == v1
    assert store.history("feature:castle")[-1].action == "undo"
    # Undo a creation: the feature leaves the map.
    feature = new_feature()
    store.save(ALICE, "sample", feature, None)
    store.undo_last(ALICE)
    assert feature["id"] not in [r.id for r in store.records()]
    with pytest.raises(NotFound):
        store.undo_last(Identity("carol", "editor"))


def test_undo_twice_walks_back_through_my_changes(store: Store) -> None:
    v1 = _castle(store)
    v2 = edited(v1, status="done")
    v3 = edited(v2, name_en="Three")
    store.save(ALICE, "sample", v2, version_of(v1))
    store.save(ALICE, "sample", v3, version_of(v2))
    assert store.undo_last(ALICE).after == v3
    assert _castle(store) == v2
    assert store.undo_last(ALICE).after == v2
    assert _castle(store) == v1
    with pytest.raises(NotFound):
        store.undo_last(ALICE)


def test_undo_refuses_when_someone_changed_it_since(store: Store) -> None:
    v1 = _castle(store)
    v2 = edited(v1, status="done")
    store.save(ALICE, "sample", v2, version_of(v1))
    store.save(BOB, "sample", edited(v2, status="study"), version_of(v2))
    with pytest.raises(ConflictError):
        store.undo_last(ALICE)
    assert _castle(store)["properties"]["status"] == "study"


def test_indicator_values_are_sourced_and_recorded(store: Store) -> None:
    value = IndicatorValue("P2-I1", 2017, 1.5, "", "人口動態保健所・市町村別統計 (2013–2017)")
    store.set_indicator_value(ALICE, value)
    store.set_indicator_value(ALICE, IndicatorValue("P2-I1", 2017, 1.51, "", "corrected"))
    assert store.indicator_values() == [IndicatorValue("P2-I1", 2017, 1.51, "", "corrected")]
    changes = store.history("indicator:P2-I1:2017")
    assert [c.action for c in changes] == ["create", "update"]
    assert changes[1].before == value.as_dict()
    with pytest.raises(InvalidFeature, match="source"):
        store.set_indicator_value(ALICE, IndicatorValue("P2-I1", 2018, 1.4, "", " "))


WRITES: dict[str, Callable[[Store, Identity], object]] = {
    "save": lambda s, who: s.save(who, "sample", new_feature(), None),
    "update": lambda s, who: s.save(
        who, "sample", edited(_castle(s), status="done"), version_of(_castle(s))
    ),
    "delete": lambda s, who: s.delete(who, "castle", version_of(_castle(s))),
    "restore": lambda s, who: s.restore(who, 1),
    "undo_last": lambda s, who: s.undo_last(who),
    "set_indicator_value": lambda s, who: s.set_indicator_value(
        who, IndicatorValue("P2-I1", 2017, 1.5, "", "source")
    ),
    "replace_all": lambda s, who: s.replace_all(who, s.snapshot()),
    "save_batch": lambda s, who: s.save_batch(who, "sample", [new_feature()], replace=True),
}


@pytest.mark.parametrize(
    "who",
    [Identity.anonymous(), Identity("visitor", "viewer"), Identity("", "editor")],
    ids=["anonymous", "viewer", "nameless"],
)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_refuses_non_editors(store: Store, write: str, who: Identity) -> None:
    store.save(ALICE, "sample", edited(_castle(store), status="done"), version_of(_castle(store)))
    before = store.snapshot()
    with pytest.raises(PermissionDenied):
        WRITES[write](store, who)
    assert store.snapshot() == before


def test_replace_all_needs_an_admin(store: Store) -> None:
    with pytest.raises(PermissionDenied, match="admin"):
        store.replace_all(ALICE, store.snapshot())
    store.replace_all(ADMIN, store.snapshot())


def test_copy_round_trip_between_backends(
    store_url: str, backend: str, tmp_path: Path, pg_url: str
) -> None:
    src = open_store(store_url)
    v1 = _castle(src)
    src.save(ALICE, "sample", edited(v1, status="done"), version_of(v1))
    src.delete(BOB, "station", src.record("station").version)  # type: ignore[union-attr]
    src.set_indicator_value(ALICE, IndicatorValue("F-I1", 2022, 12.5, "%", "市民意識調査"))
    other = pg_url if backend == "file" else str(tmp_path / "copy")
    copy_store(store_url, other)
    back = tmp_path / "back"
    copy_store(other, back)
    a, b, c = src.snapshot(), open_store(other).snapshot(), FileStore(back).snapshot()
    for snap in (b, c):
        assert snap.plan_yaml == a.plan_yaml
        assert snap.layers == a.layers
        assert sorted(snap.records, key=lambda r: r.id) == sorted(a.records, key=lambda r: r.id)
        assert snap.history == a.history
        assert snap.indicators == a.indicators
    # The copied folder is a working data folder for the app.
    cat = load_catalog(back)
    assert sorted(cat.features.index) == ["bus-route", "castle", "urushi-area"]
    assert not [p for p in cat.problems if p.severity == "error"]


def test_copy_keeps_files_the_store_does_not_own(tmp_path: Path, make_data_dir) -> None:  # type: ignore[no-untyped-def]
    src = make_data_dir("good")
    dst = make_data_dir()
    (dst / "users.json").write_text("{}", encoding="utf-8")
    copy_store(src, dst)
    assert (dst / "users.json").read_text(encoding="utf-8") == "{}"
    assert json.loads((dst / "layers" / "sample.geojson").read_bytes()) == json.loads(
        (src / "layers" / "sample.geojson").read_bytes()
    )
    leftovers = [p.name for p in dst.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_file_store_keeps_the_layer_layout_and_the_catalogue_sees_saves(
    make_data_dir,  # type: ignore[no-untyped-def]
) -> None:
    root = make_data_dir("good", SHIPPED_CASTLE)
    original = (root / "layers" / SHIPPED_CASTLE.name).read_text(encoding="utf-8")
    s = FileStore(root)
    castle = s.record("kunohe-castle-ruins").feature  # type: ignore[union-attr]
    changed = edited(castle, status="done")
    s.save(ALICE, "kunohe-castle", changed, version_of(castle))
    s.save(ALICE, "kunohe-castle", castle, version_of(changed))
    # A save rewrites the shipped file in its own layout: an undone edit leaves no git diff.
    assert (root / "layers" / SHIPPED_CASTLE.name).read_text(encoding="utf-8") == original
    s.save(ALICE, "sample", new_feature(), None)
    cat = load_catalog(root)
    assert "ninohe-city-hall-test" in cat.features.index
    lines = (root / "history" / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line).get("commit") for line in lines[1::2]] == [1, 2, 3]


def test_deleted_copy_is_independent(store: Store) -> None:
    snap = store.snapshot()
    mutated = copy.deepcopy(snap.records[0].feature)
    mutated["properties"]["name_ja"] = "x"
    assert store.snapshot() == snap


def test_concurrent_editors_lose_nothing(store_url: str) -> None:
    """Eight threads, each with its own store object: saves to different features all land;
    racing saves to one feature either land or get ConflictError — none is lost silently."""
    import threading

    ids = ["castle", "station", "urushi-area", "bus-route"]
    errors: list[BaseException] = []
    landed: list[str] = []
    conflicts: list[str] = []
    lock = threading.Lock()

    def editor(n: int) -> None:
        who = Identity(f"editor{n}", "editor")
        s = open_store(store_url)
        try:
            for round_ in range(5):
                fid = ids[n % 4]  # two editors per feature
                rec = s.record(fid)
                assert rec is not None
                mine = edited(rec.feature, name_en=f"editor{n} round {round_}")
                try:
                    s.save(who, "sample", mine, rec.version)
                except ConflictError:
                    with lock:
                        conflicts.append(fid)
                else:
                    with lock:
                        landed.append(fid)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert len(landed) + len(conflicts) == 40
    s = open_store(store_url)
    history = s.history()
    assert len(history) == len(landed)  # every landed save recorded, nothing else
    for fid in ids:
        mine = [c for c in history if c.key == f"feature:{fid}"]
        assert mine, fid
        # Each recorded change starts from the previous one's result: no silent overwrite.
        for prev, nxt in itertools.pairwise(mine):
            assert nxt.before == prev.after
        assert s.record(fid).feature == mine[-1].after  # type: ignore[union-attr]


# --- batches (imports): one atomic write, one history entry per feature, one undo step -------


def _ids(store: Store, layer: str = "sample") -> list[str]:
    return [r.id for r in store.records() if r.layer == layer]


def test_batch_records_every_feature_under_one_batch(store: Store) -> None:
    castle = _castle(store)
    changed = edited(castle, status="done")
    station = store.record("station").feature  # type: ignore[union-attr]
    result = store.save_batch(
        ALICE,
        "sample",
        [changed, station, new_feature()],
        replace=True,
        meta={"id": "sample", "title_ja": "取り込み"},
        note="import x.geojson",
        removed_note="import x.geojson: not in the file",
    )
    assert (result.created, result.updated, result.deleted, result.unchanged) == (1, 1, 2, 1)
    assert _ids(store) == ["castle", "station", "ninohe-city-hall-test"]
    assert store.layers()["sample"]["title_ja"] == "取り込み"
    batch = [c for c in store.history() if c.batch == result.batch]
    assert len(batch) == result.changed == 4
    assert {c.action for c in batch} == {"import"} and {c.user for c in batch} == {"alice"}
    by_key = {c.key: c for c in batch}
    assert (by_key["feature:castle"].before, by_key["feature:castle"].after) == (castle, changed)
    assert by_key["feature:ninohe-city-hall-test"].before is None
    removed = by_key["feature:urushi-area"]
    assert removed.after is None and removed.note == "import x.geojson: not in the file"
    assert "feature:station" not in by_key  # unchanged: nothing recorded
    # A feature the import removed is soft-deleted, and restoring its removal brings it back.
    deleted = sorted(r.id for r in store.records(include_deleted=True) if r.deleted)
    assert deleted == ["bus-route", "urushi-area"]
    store.restore(BOB, removed.seq)
    assert store.record("urushi-area") == Record("sample", removed.before)  # type: ignore[arg-type]


def test_undo_takes_a_whole_batch_back(store: Store) -> None:
    start = store.records()
    castle = _castle(store)
    store.save_batch(ALICE, "sample", [edited(castle, status="done"), new_feature()], replace=True)
    undone = store.undo_last(ALICE)
    assert undone.action == "import"
    assert sorted(store.records(), key=lambda r: r.id) == sorted(start, key=lambda r: r.id)
    undos = [c for c in store.history() if c.action == "undo"]
    assert len(undos) == 5 and len({c.batch for c in undos}) == 1 and undos[0].batch
    with pytest.raises(NotFound):
        store.undo_last(ALICE)  # the batch is undone: nothing else of Alice's


def test_undo_of_a_batch_refuses_if_one_feature_changed_since(store: Store) -> None:
    castle = _castle(store)
    store.save_batch(ALICE, "sample", [edited(castle, status="done"), new_feature()])
    now = _castle(store)
    store.save(BOB, "sample", edited(now, name_en="Bob's"), version_of(now))
    before = store.snapshot()
    with pytest.raises(ConflictError):
        store.undo_last(ALICE)
    assert store.snapshot() == before  # all or nothing: the new feature stays too


@pytest.mark.parametrize(
    ("layer", "features", "error"),
    [
        ("other", lambda s: [new_feature(), _castle(s)], "moving it"),
        ("sample", lambda s: [new_feature(), broken_feature()], "not valid"),
        ("sample", lambda s: [new_feature(), new_feature()], "twice"),
        ("../x", lambda s: [new_feature()], "lower-case slug"),
    ],
    ids=["other-layer", "invalid", "twice", "bad-layer"],
)
def test_a_refused_batch_writes_nothing(
    store: Store, layer: str, features: Callable[[Store], list[dict]], error: str
) -> None:
    batch = features(store)
    before, revision = store.snapshot(), store.revision()
    with pytest.raises(InvalidFeature, match=error):
        store.save_batch(ALICE, layer, batch)
    assert store.snapshot() == before
    assert store.revision() == revision


def test_a_batch_failing_midway_leaves_the_old_state(
    store: Store, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import psycopg

    from ninohe_geo.store import StoreUnavailable
    from ninohe_geo.store import file as file_backend
    from ninohe_geo.store.postgis import PostGISStore

    def fail(*args: object, **kwargs: object) -> None:
        if backend == "file":  # the layer file's replacement fails after the history append
            raise OSError(errno.ENOSPC, "No space left on device")
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    if backend == "file":
        monkeypatch.setattr(file_backend, "write_atomic", fail)
    else:  # the features are written; the history insert fails inside the transaction
        monkeypatch.setattr(PostGISStore, "_history_rows", fail)
    castle = _castle(store)
    before = store.snapshot()
    with pytest.raises(StoreUnavailable):
        store.save_batch(ALICE, "sample", [edited(castle, status="done"), new_feature()])
    monkeypatch.undo()
    assert store.snapshot() == before
    store.save(ALICE, "sample", new_feature(), None)  # and the store still works
    assert [c.action for c in store.history()] == ["create"]


def test_copy_keeps_batches(store_url: str, backend: str, tmp_path: Path, pg_url: str) -> None:
    src = open_store(store_url)
    castle = _castle(src)
    src.save_batch(ALICE, "sample", [edited(castle, status="done"), new_feature()], replace=True)
    other = pg_url if backend == "file" else str(tmp_path / "copy")
    copy_store(store_url, other)
    copied = open_store(other)
    assert copied.snapshot().history == src.snapshot().history
    assert {c.batch for c in copied.history()} != {""}
    # The copy still knows the batch: undoing it there takes the whole import back.
    copied.undo_last(ALICE)
    assert sorted(_ids(copied)) == ["bus-route", "castle", "station", "urushi-area"]
    assert _castle(copied) == castle


def test_file_store_recovers_a_batch_cut_short_by_a_crash(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    """The history lines of a batch are written, the layer file is not (a kill -9 between
    steps 2 and 3): readers ignore the batch, and the next write aborts all of it."""
    root = make_data_dir("good")
    s = FileStore(root)
    before = s.snapshot()
    lines = [
        {
            "seq": n,
            "key": f"feature:f{n}",
            "action": "import",
            "user": "alice",
            "at": "2026-11-27T00:00:00+00:00",
            "layer": "sample",
            "before": None,
            "after": new_feature(id=f"f{n}"),
            "note": "",
            "batch": "b1",
        }
        for n in (1, 2, 3)
    ]
    s.history_path.parent.mkdir(parents=True, exist_ok=True)
    s.history_path.write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    assert s.snapshot() == before
    s.save(ALICE, "sample", new_feature(), None)
    tail = s.history_path.read_text(encoding="utf-8").splitlines()[3:6]
    assert [json.loads(line) for line in tail] == [{"abort": 1}, {"abort": 2}, {"abort": 3}]
    assert [c.seq for c in s.history()] == [4]
