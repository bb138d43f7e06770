"""Imports end to end (ninohe_geo.io.pipeline): the report, all-or-nothing writes, repairs,
exclusions, the history an import leaves on every store backend (file and PostGIS: recorded,
restorable, undoable in one step) — and the real GSI files from the shared reference folder
(integration)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from importer_support import IMPORT_DATA, test_boundary, tree_digest
from store_support import (  # noqa: F401 - fixtures
    ALICE,
    BOB,
    backend_fixture,
    new_feature,
    pg_url_fixture,
    store_fixture,
    store_url_fixture,
)

from ninohe_geo.io.errors import ImportBlockedError, ImportFileError
from ninohe_geo.io.mapping import mapping_by_name, parse_mapping
from ninohe_geo.io.pipeline import prepare_import, write_import
from ninohe_geo.model.boundary import find_boundary
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.repair import area_m2, offer_repair
from ninohe_geo.model.schema import property_problems
from ninohe_geo.store import Identity, PermissionDenied, Store

HAZARDS_JA = (
    "洪水",
    "崖崩れ・土石流・地滑り",
    "高潮",
    "地震",
    "津波",
    "大規模な火事",
    "内水氾濫",
    "火山現象",
)


def _prepare(path: Path, root: Path, layer: str = "imported", **kw: object):  # type: ignore[no-untyped-def]
    return prepare_import(path, layer, store=root, boundary=test_boundary(), **kw)  # type: ignore[arg-type]


def test_clean_import_writes_an_rfc7946_layer_the_catalogue_loads(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir("good")
    prepared = _prepare(IMPORT_DATA / "gsi_emergency_mini.geojson", root, "shelters")
    assert prepared.report().ok
    target = write_import(prepared, root).path
    assert target == root / "layers" / "shelters.geojson"
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert "crs" not in doc
    assert doc["layer"]["title_ja"] == "指定緊急避難場所（国土地理院データ）"
    assert doc["layer"]["import"]["mapping"] == "gsi-emergency"
    assert doc["layer"]["import"]["file"] == "gsi_emergency_mini.geojson"
    assert doc["layer"]["kind"] == "reference"  # official context, no invented measure
    for feat in doc["features"]:
        assert property_problems(feat["properties"], "reference") == []
        assert all(len(str(c).split(".")[-1]) <= 7 for c in feat["geometry"]["coordinates"])
    catalog = load_catalog(root)
    assert not [p for p in catalog.problems if p.severity == "error"]
    shelters = catalog.reference[catalog.reference["layer"] == "shelters"]
    assert sorted(shelters["id"]) == ["gsi-e0321300001202", "gsi-e0321300002201"]
    assert not list((root / "layers").glob(".*tmp"))  # no temporary file left behind


def test_errors_are_reported_per_feature_and_block_everything(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir("good")
    before = tree_digest(root)
    prepared = _prepare(IMPORT_DATA / "ours_with_errors.geojson", root)
    report = prepared.report()
    found = {(p.feature, p.field, p.message.split(":")[0]) for p in report.errors}
    assert ("test-unknown-measure", "measure", "unknown measure 'P9-99'") in found
    assert ("test-missing", "name_en", "missing field 'name_en'") in found
    assert ("test-missing", "source", "missing field 'source'") in found
    assert (
        "test-outside",
        "geometry",
        "outside the city boundary (at lon 141.13670, lat 39.70160); "
        "check for swapped longitude/latitude or a wrong CRS",
    ) in found
    assert ("test-dup", "id", "duplicate id") in found
    with pytest.raises(
        ImportBlockedError, match="5 error\\(s\\) block the import; nothing was written"
    ):
        write_import(prepared, root)
    assert tree_digest(root) == before


def test_excluding_the_bad_features_lets_the_rest_in(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    prepared = _prepare(IMPORT_DATA / "ours_with_errors.geojson", root)
    bad = ["test-unknown-measure", "test-missing", "test-outside", "test-dup"]
    assert not prepared.blocking(bad)
    report = prepared.report(bad)
    assert report.ok
    assert sum(p.message == "excluded from the import" for p in report.problems) == 5  # dup twice
    with pytest.raises(ImportBlockedError, match="no feature left"):
        write_import(prepared, root, exclude=bad)


def test_excluding_an_unknown_id_is_an_error(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    prepared = _prepare(IMPORT_DATA / "gsi_emergency_mini.geojson", root)
    blocking = prepared.blocking(["no-such-id"])
    assert [p.message for p in blocking] == ["--exclude names no feature of this import"]


def test_duplicate_ids_against_other_layers(make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    write_import(_prepare(IMPORT_DATA / "gsi_emergency_mini.geojson", root, "first"), root)
    again = _prepare(IMPORT_DATA / "gsi_emergency_mini.geojson", root, "second")
    messages = {p.message for p in again.report().errors}
    assert messages == {"duplicate id: already used in layer 'first'"}
    # Re-importing into the same layer is not a duplicate: it replaces, with --replace only.
    same = _prepare(IMPORT_DATA / "gsi_emergency_mini.geojson", root, "first")
    assert same.report().ok and same.existing_features == 2
    with pytest.raises(ImportFileError, match="pass --replace"):
        write_import(same, root)
    write_import(same, root, replace=True)


def test_invalid_polygon_offers_a_repair_with_the_area_change(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    prepared = _prepare(IMPORT_DATA / "ours_with_bowtie.geojson", root)
    errors = prepared.report().errors
    assert [(p.feature, p.message.split(":")[0]) for p in errors] == [
        ("test-bowtie", "invalid geometry")
    ]
    # The same message as `ninohe-geo validate` gives: the repair on offer and its area change.
    assert "; repair offered (make_valid): area 0 m² → " in errors[0].message
    assert (
        "(was ≈ 0: self-cancelling); accept it with ninohe-geo import --repair" in errors[0].message
    )
    with pytest.raises(ImportBlockedError):
        write_import(prepared, root)
    target = write_import(prepared, root, repair=True).path
    assert target is not None
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["layer"]["import"]["repaired"] == "test-bowtie"
    bowtie = next(f for f in doc["features"] if f["id"] == "test-bowtie")
    assert bowtie["geometry"]["type"] == "MultiPolygon"
    assert load_catalog(root).feature("test-bowtie") is not None


def test_repair_reports_a_real_percentage() -> None:
    from shapely.geometry import Polygon

    # A square whose left edge makes a small bow-tie loop outwards (a digitising slip).
    poly = Polygon(
        [
            (141.29, 40.26),
            (141.31, 40.26),
            (141.31, 40.28),
            (141.29, 40.28),
            (141.29, 40.271),
            (141.288, 40.269),
            (141.288, 40.271),
            (141.29, 40.269),
            (141.29, 40.26),
        ]
    )
    assert not poly.is_valid
    repair = offer_repair(poly)
    assert repair is not None and repair.geometry.is_valid
    assert repair.area_before_m2 == pytest.approx(area_m2(poly))
    assert repair.area_after_m2 > repair.area_before_m2 > 3_000_000
    assert "(+0.50 %)" in repair.describe()


def test_area_is_in_square_metres() -> None:
    from shapely.geometry import box

    # 0.01° × 0.01° at 40.27° N ≈ 848 m × 1,111 m.
    assert area_m2(box(141.30, 40.27, 141.31, 40.28)) == pytest.approx(848 * 1111, rel=0.01)


def test_edited_mapping_changes_the_features(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    text = mapping_by_name("da-public-facilities").yaml_text.replace(
        'measure: ""', "measure: P3-09"
    )
    prepared = _prepare(
        IMPORT_DATA / "public_facilities_new.csv", root, mapping=parse_mapping(text)
    )
    assert prepared.report().ok
    assert {c.properties["measure"] for c in prepared.candidates} == {"P3-09"}


def test_public_facilities_need_a_measure_first(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    prepared = _prepare(IMPORT_DATA / "public_facilities_old_cp932.csv", root)
    assert {(p.field, p.message) for p in prepared.report().errors} == {
        ("measure", "missing field 'measure'")
    }


def test_n03_selects_ninohe_and_merges_its_parts(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    text = mapping_by_name("mlit-n03").yaml_text.replace('measure: ""', "measure: P3-08")
    prepared = _prepare(IMPORT_DATA / "n03_test_squares.geojson", root, mapping=parse_mapping(text))
    assert len(prepared.candidates) == 1
    cand = prepared.candidates[0]
    assert cand.label == "n03-03213"
    assert cand.properties["name_ja"] == "二戸市"
    assert (
        cand.geometry is not None and cand.geometry.geom_type == "Polygon"
    )  # two squares, touching
    assert cand.geometry.area == pytest.approx(0.02**2 + 0.01**2)
    assert prepared.report().ok


def test_n03_without_the_city_code(make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads((IMPORT_DATA / "n03_test_squares.geojson").read_text(encoding="utf-8"))
    doc["features"] = [f for f in doc["features"] if f["properties"]["N03_007"] != "03213"]
    f = tmp_path / "other.geojson"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ImportFileError, match="no row has N03_007 = '03213'"):
        _prepare(f, make_data_dir())


def test_gtfs_routes_and_stops_import(make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    z = tmp_path / "feed.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in (IMPORT_DATA / "gtfs_no_shapes").iterdir():
            zf.write(f, f.name)
    root = make_data_dir()
    prepared = _prepare(z, root, "bus")
    assert prepared.mapping.name == "gtfs"
    assert prepared.report().ok, prepared.report().text()
    by_id = {c.label: c for c in prepared.candidates}
    route = by_id["gtfs-route-r1"]
    assert route.properties["accuracy"] == "approximate"
    assert route.properties["accuracy_note"] == "stop sequence"
    assert (
        route.properties["summary_ja"]
        == "路線「1 二戸駅～市役所（テスト路線）」。事業者：テスト交通（架空）"
    )
    stop = by_id["gtfs-stop-s1"]
    assert stop.properties["name_ja"] == "二戸駅"
    assert "路線：1 二戸駅～市役所（テスト路線）" in stop.properties["summary_ja"]
    write_import(prepared, root)
    assert len(load_catalog(root).features) == 4


def test_bad_layer_name(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFileError, match="must be a lower-case slug"):
        _prepare(IMPORT_DATA / "gsi_emergency_mini.geojson", make_data_dir(), "../evil")


# --- Integration: the real GSI files for the city (../shared/reference) ---------------------


@pytest.mark.parametrize(
    ("name", "count", "mapping", "layer"),
    [
        ("gsi_emergency_032131.geojson", 78, "gsi-emergency", "gsi-emergency"),
        ("gsi_evacuation_032131.geojson", 46, "gsi-evacuation", "gsi-evacuation"),
    ],
)
def test_real_gsi_files_import_completely_inside_the_boundary(
    reference_dir: Path,
    boundary_file: Path,
    make_data_dir,
    name: str,
    count: int,
    mapping: str,
    layer: str,  # type: ignore[no-untyped-def]
) -> None:
    root = make_data_dir()
    boundary = find_boundary(boundary_file)
    assert boundary.exact
    prepared = prepare_import(reference_dir / name, layer, store=root, boundary=boundary)
    assert prepared.mapping.name == mapping
    report = prepared.report()
    assert report.features == count
    assert report.problems == (), report.text()  # no error, not even "outside the boundary"
    write_import(prepared, root)
    features = load_catalog(root).reference
    assert len(features) == count
    assert features["id"].is_unique
    assert features["measure"].isna().all()  # a reference layer: no measure pretended
    assert features.geometry.within(boundary.geometry.buffer(0.0005)).all()


def test_real_gsi_emergency_sites_carry_their_hazard_types(
    reference_dir: Path, make_data_dir
) -> None:  # type: ignore[no-untyped-def]
    source = json.loads(
        (reference_dir / "gsi_emergency_032131.geojson").read_text(encoding="utf-8")
    )
    gsi_fields = (
        "洪水",
        "崖崩れ、土石流及び地滑り",
        "高潮",
        "地震",
        "津波",
        "大規模な火事",
        "内水氾濫",
        "火山現象",
    )
    expected = {
        "gsi-" + f["properties"]["共通ID"].lower(): [
            label
            for field, label in zip(gsi_fields, HAZARDS_JA, strict=True)
            if f["properties"][field] == "1"
        ]
        for f in source["features"]
    }
    root = make_data_dir()
    prepared = prepare_import(
        reference_dir / "gsi_emergency_032131.geojson",
        "gsi-emergency",
        store=root,
        boundary=test_boundary(),
    )
    assert len(prepared.candidates) == 78
    for cand in prepared.candidates:
        summary = cand.properties["summary_ja"]
        listed = summary.split("対象とする災害：")[1].split("。")[0]
        assert listed.split("、") == (expected[cand.label] or ["記載なし"]), cand.label
    # Every site in the city's data is designated for at least one hazard type.
    assert all(expected.values())


def test_validate_offers_the_same_repair(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    from ninohe_geo.store.validate import validate_path

    root = make_data_dir(IMPORT_DATA / "ours_with_bowtie.geojson")
    report = validate_path(root, test_boundary())
    [error] = report.errors
    assert error.feature == "test-bowtie"
    assert "repair offered (make_valid): area 0 m² →" in error.message


def test_the_time_limit_covers_mapping_and_checks(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    from ninohe_geo.io.errors import LimitExceededError
    from ninohe_geo.io.limits import Limits

    with pytest.raises(LimitExceededError, match="import took longer than"):
        _prepare(
            IMPORT_DATA / "gsi_emergency_mini.geojson",
            make_data_dir(),
            limits=Limits(time_limit_s=1e-9),
        )


def test_a_write_that_fails_midway_replaces_nothing(
    make_data_dir,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """The layer file's replacement fails (a full disk): the old layer and history stay."""
    import errno

    from ninohe_geo.store import StoreFull
    from ninohe_geo.store import file as file_backend
    from ninohe_geo.store.file import FileStore

    root = make_data_dir()
    first = _prepare(IMPORT_DATA / "gsi_emergency_mini.geojson", root, "shelters")
    target = write_import(first, root).path
    assert target is not None
    before, history = target.read_bytes(), FileStore(root).history()
    again = _prepare(IMPORT_DATA / "ours_with_bowtie.geojson", root, "shelters")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(file_backend, "write_atomic", full)
    with pytest.raises(StoreFull, match="nothing was changed"):
        write_import(again, root, replace=True, exclude=["test-bowtie"])
    assert target.read_bytes() == before
    assert FileStore(root).history() == history
    assert sorted(p.name for p in target.parent.iterdir()) == ["shelters.geojson"]


@pytest.mark.parametrize(
    "actor",
    [("", "viewer"), ("visitor", "viewer"), ("", "editor")],
    ids=["anon", "viewer", "nameless"],
)
def test_the_app_path_refuses_anyone_but_an_editor(make_data_dir, actor: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    from ninohe_geo.store import Identity, PermissionDenied

    root = make_data_dir()
    before = tree_digest(root)
    prepared = _prepare(IMPORT_DATA / "gsi_emergency_mini.geojson", root)
    with pytest.raises(PermissionDenied, match="sign in as an editor"):
        write_import(prepared, root, actor=Identity(*actor))  # type: ignore[arg-type]
    assert tree_digest(root) == before
    write_import(prepared, root, actor=Identity("sato", "editor"))
    assert (root / "layers" / "imported.geojson").exists()


# --- through the store, on every backend (issue #6) --------------------------------------------


def _ours(tmp_path: Path, name: str, *features: dict) -> Path:
    """A file in our own schema (the ``ninohe`` mapping) holding ``features``."""
    path = tmp_path / f"{name}.geojson"
    doc = {"type": "FeatureCollection", "features": list(features)}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _import(store: Store, path: Path, who: Identity, replace: bool = False):  # type: ignore[no-untyped-def]
    prepared = prepare_import(path, "plans", boundary=test_boundary(), store=store)
    return write_import(prepared, actor=who, replace=replace, store=store)


def _v1(tmp_path: Path) -> Path:
    return _ours(tmp_path, "v1", *(new_feature(id=i) for i in ("p-a", "p-b", "p-c")))


def _v2(tmp_path: Path) -> Path:
    """p-a as in v1, p-b changed, p-c gone, p-d new."""
    return _ours(
        tmp_path,
        "v2",
        new_feature(id="p-a"),
        new_feature(id="p-b", status="done"),
        new_feature(id="p-d"),
    )


def _live(store: Store, layer: str = "plans") -> list[str]:
    return sorted(r.id for r in store.records() if r.layer == layer)


def test_an_import_is_recorded_feature_by_feature(store: Store, tmp_path: Path) -> None:
    prepared = prepare_import(_v1(tmp_path), "plans", boundary=test_boundary(), store=store)
    assert prepared.existing_features is None
    result = write_import(prepared, actor=ALICE, store=store)
    assert (result.batch.created, result.batch.changed, result.location) == (3, 3, store.location)
    changes = [c for c in store.history() if c.batch == result.batch.batch]
    assert [c.key for c in changes] == ["feature:p-a", "feature:p-b", "feature:p-c"]
    for change in changes:
        assert (change.action, change.user, change.before) == ("import", "alice", None)
        assert change.note == "import v1.geojson (geojson, mapping ninohe)"
        assert store.record(change.key.removeprefix("feature:")).feature == change.after  # type: ignore[union-attr]
    meta = store.layers()["plans"]
    assert meta["title_ja"] == "取り込んだレイヤ"
    assert (meta["import"]["file"], meta["import"]["mapping"]) == ("v1.geojson", "ninohe")
    # Each imported feature is restorable like an edit: deleted, then restored from its entry.
    b = store.record("p-b")
    assert b is not None
    store.delete(BOB, "p-b", b.version)
    store.restore(BOB, changes[1].seq)
    assert store.record("p-b") == b


def test_replace_records_changes_and_soft_deletes_what_the_file_lacks(
    store: Store, tmp_path: Path
) -> None:
    _import(store, _v1(tmp_path), ALICE)
    old_b, old_c = store.record("p-b"), store.record("p-c")
    assert old_b is not None and old_c is not None
    prepared = prepare_import(_v2(tmp_path), "plans", boundary=test_boundary(), store=store)
    assert prepared.existing_features == 3
    with pytest.raises(ImportFileError, match="pass --replace"):
        write_import(prepared, actor=BOB, store=store)
    result = write_import(prepared, actor=BOB, replace=True, store=store)
    b = result.batch
    assert (b.created, b.updated, b.deleted, b.unchanged) == (1, 1, 1, 1)
    assert _live(store) == ["p-a", "p-b", "p-d"]
    entries = {c.key: c for c in store.history() if c.batch == b.batch}
    assert sorted(entries) == ["feature:p-b", "feature:p-c", "feature:p-d"]  # p-a unchanged
    changed = entries["feature:p-b"]
    assert changed.before == old_b.feature and changed.after["properties"]["status"] == "done"  # type: ignore[index]
    removed = entries["feature:p-c"]
    assert (removed.user, removed.before, removed.after) == ("bob", old_c.feature, None)
    assert removed.note.endswith("not in the file, removed (replace)")
    assert [r.id for r in store.records(include_deleted=True) if r.deleted] == ["p-c"]
    assert store.layers()["plans"]["import"]["file"] == "v2.geojson"
    # The removed feature is restorable: restoring its removal brings it back as it was.
    store.restore(ALICE, removed.seq)
    assert store.record("p-c") == old_c


def test_undo_takes_the_whole_import_back(store: Store, tmp_path: Path) -> None:
    sample = store.records()
    _import(store, _v1(tmp_path), ALICE)
    after_v1 = sorted(store.records(), key=lambda r: r.id)
    _import(store, _v2(tmp_path), ALICE, replace=True)
    store.undo_last(ALICE)  # the replace, as one step: p-b back, p-c back, p-d gone
    assert sorted(store.records(), key=lambda r: r.id) == after_v1
    store.undo_last(ALICE)  # the first import: the layer is empty again
    assert _live(store) == []
    assert store.records() == sample


def test_undoing_an_import_that_made_a_layer_removes_the_layer(
    store: Store, tmp_path: Path
) -> None:
    """Issue #12: the layer an import created goes with the undo (the app's layer list, filters
    and downloads no longer show it), and importing again makes it anew, no "replace" asked."""
    from ninohe_geo.store.catalog import store_catalog

    _import(store, _v1(tmp_path), ALICE)
    assert "plans" in {layer.id for layer in store_catalog(store).layers}
    store.undo_last(ALICE)
    assert "plans" not in {layer.id for layer in store_catalog(store).layers}
    again = prepare_import(_v1(tmp_path), "plans", boundary=test_boundary(), store=store)
    assert again.existing_features is None
    result = write_import(again, actor=ALICE, store=store)
    assert result.batch.created == 3 and _live(store) == ["p-a", "p-b", "p-c"]
    assert "plans" in {layer.id for layer in store_catalog(store).layers}


def test_a_blocked_import_changes_nothing(store: Store) -> None:
    before, revision = store.snapshot(), store.revision()
    blocked = prepare_import(
        IMPORT_DATA / "ours_with_errors.geojson", "x", boundary=test_boundary(), store=store
    )
    with pytest.raises(ImportBlockedError, match="nothing was written"):
        write_import(blocked, actor=ALICE, store=store)
    # An existing layer is replaced only when asked.
    existing = prepare_import(
        IMPORT_DATA / "gsi_emergency_mini.geojson", "sample", boundary=test_boundary(), store=store
    )
    assert existing.existing_features == 4
    with pytest.raises(ImportFileError, match="pass --replace"):
        write_import(existing, actor=ALICE, store=store)
    assert store.snapshot() == before
    assert store.revision() == revision


def test_duplicates_are_found_in_the_store(store: Store, tmp_path: Path) -> None:
    path = _ours(tmp_path, "dup", new_feature(id="castle"))
    prepared = prepare_import(path, "plans", boundary=test_boundary(), store=store)
    assert {p.message for p in prepared.report().errors} == {
        "duplicate id: already used in layer 'sample'"
    }


@pytest.mark.parametrize(
    "actor", [Identity.anonymous(), Identity("visitor", "viewer")], ids=["anon", "viewer"]
)
def test_every_backend_refuses_anyone_but_an_editor(
    store: Store, tmp_path: Path, actor: Identity
) -> None:
    before = store.snapshot()
    with pytest.raises(PermissionDenied, match="sign in as an editor"):
        _import(store, _v1(tmp_path), actor)
    assert store.snapshot() == before


def test_a_reimport_of_the_same_file_changes_nothing_and_a_newer_one_says_what(
    make_data_dir, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue #13: re-importing the same official file used to mark every record "updated" (the
    import date changed); now unchanged records keep their date, and what changed is named."""
    root = make_data_dir()
    source = IMPORT_DATA / "gsi_emergency_mini.geojson"
    write_import(prepare_import(source, "gsi", store=root, boundary=test_boundary()), store=root)
    layer = root / "layers" / "gsi.geojson"
    # As if imported years ago: the check dates are old.
    old = json.loads(layer.read_text(encoding="utf-8"))
    for f in old["features"]:
        f["properties"]["updated"] = "2020-01-01"
    layer.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    again = write_import(
        prepare_import(source, "gsi", store=root, boundary=test_boundary()),
        store=root,
        replace=True,
    )
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 2)
    assert again.batch.batch == "" and "0 updated, 0 removed, 2 unchanged" in again.describe()
    kept = json.loads(layer.read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["updated"] for f in kept} == {"2020-01-01"}
    # A newer file: one site renamed, one gone. The change is counted and named.
    newer = json.loads(source.read_text(encoding="utf-8"))
    first_id = "gsi-" + newer["features"][0]["properties"]["共通ID"].lower()
    newer["features"][0]["properties"]["施設・場所名"] += "（改称）"
    gone_id = "gsi-" + newer["features"][1]["properties"]["共通ID"].lower()
    del newer["features"][1]
    changed = tmp_path / "gsi_newer.geojson"
    changed.write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    result = write_import(
        prepare_import(changed, "gsi", store=root, boundary=test_boundary()),
        store=root,
        replace=True,
    )
    assert result.batch.ids["updated"] == (first_id,) and result.batch.ids["deleted"] == (gone_id,)
    line = result.describe()
    assert f"1 updated ({first_id})" in line and f"1 removed ({gone_id})" in line
