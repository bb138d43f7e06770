"""Projects (事業) in every store (file and PostGIS): saved with history, conflicts, undo and
batches like features, checked against the plan, and carried by copies (issue #14)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from store_support import (  # noqa: F401 - fixtures
    ADMIN,
    ALICE,
    BOB,
    backend_fixture,
    pg_url_fixture,
    store_fixture,
    store_url_fixture,
)

from ninohe_geo.store import (
    InvalidFeature,
    NotFound,
    PermissionDenied,
    Store,
    copy_store,
    open_store,
)
from ninohe_geo.store.base import Identity, ProjectConflict, version_of
from ninohe_geo.store.file import FileStore


def project(pid: str = "urushi-forest", **changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": pid,
        "name_ja": "漆の森づくり（試験）",
        "name_en": "Urushi forest (test)",
        "measures": ["P1-01"],
        "initiative": "P1-01.1",
        "department": "うるし振興課",
        "years": [
            {"year": 2022, "status": "in_progress"},
            {
                "year": 2023,
                "status": "done",
                "amount_yen": 1200000,
                "amount_kind": "settled",
                "amount_source": "試験用の出典",
                "note": "植栽を終えた",
            },
        ],
    }
    out.update(changes)
    return out


def test_a_project_is_saved_read_and_recorded(store: Store) -> None:
    assert store.projects() == []
    version = store.save_project(ALICE, project(), None, note="new")
    assert store.projects() == [project()] and version == version_of(project())
    [change] = store.history("project:urushi-forest")
    assert (change.action, change.user, change.before, change.after, change.note) == (
        "create",
        "alice",
        None,
        project(),
        "new",
    )
    edited = project(department="商工観光課")
    store.save_project(BOB, edited, version)
    assert store.project("urushi-forest") == edited
    assert [c.action for c in store.history("project:urushi-forest")] == ["create", "update"]


def test_a_stale_save_merges_other_fields_and_refuses_a_clash(store: Store) -> None:
    """The same three-way rule as features: what only one editor changed is kept."""
    version = store.save_project(ALICE, project(), None)
    store.save_project(BOB, project(department="商工観光課"), version)
    # Alice started from the first version and changed another field: both changes land.
    store.save_project(ALICE, project(name_ja="別の名前"), version)
    merged = store.project("urushi-forest")
    assert merged is not None
    assert (merged["department"], merged["name_ja"]) == ("商工観光課", "別の名前")
    # Both changed the same field differently: refused, naming only that field.
    with pytest.raises(ProjectConflict) as info:
        store.save_project(ALICE, project(department="総務課"), version)
    assert info.value.clashes == ("department",)
    assert [d[0] for d in info.value.diff] == ["department"]
    assert store.project("urushi-forest")["department"] == "商工観光課"  # type: ignore[index]
    with pytest.raises(InvalidFeature, match="already used by the project"):  # an id in use
        store.save_project(ALICE, project(), None)


def test_an_invalid_project_is_refused_whole(store: Store) -> None:
    with pytest.raises(InvalidFeature, match="control character"):
        store.save_project(ALICE, project(name_ja="縦\x0bタブ"), None)
    bad = project(measures=["P9-99"], years=[{"year": 2023, "status": "begun"}])
    with pytest.raises(InvalidFeature) as info:
        store.save_project(ALICE, bad, None)
    text = str(info.value)
    assert "measure 'P9-99' is not a measure of the plan" in text and "status 'begun'" in text
    with pytest.raises(InvalidFeature, match="needs its source"):
        store.save_project(
            ALICE,
            project(
                years=[{"year": 2023, "status": "done", "amount_yen": 5, "amount_kind": "budget"}]
            ),
            None,
        )
    assert store.projects() == []


def test_only_editors_write_projects(store: Store) -> None:
    for who in (Identity.anonymous(), Identity("v", "viewer")):
        with pytest.raises(PermissionDenied):
            store.save_project(who, project(), None)
    assert store.projects() == []


def test_delete_and_undo_bring_it_back(store: Store) -> None:
    version = store.save_project(ALICE, project(), None)
    store.delete_project(ALICE, "urushi-forest", version, note="duplicate")
    assert store.project("urushi-forest") is None
    assert store.history("project:urushi-forest")[-1].after is None
    store.undo_last(ALICE)
    assert store.project("urushi-forest") == project()
    store.undo_last(ALICE)  # the creation
    assert store.project("urushi-forest") is None
    with pytest.raises(NotFound):
        store.undo_last(ALICE)


def test_an_import_is_one_batch_undone_together(store: Store) -> None:
    store.save_project(BOB, project("kept"), None)
    rows = [project("kept"), project("a", name_ja="事業A"), project("b", name_ja="事業B")]
    result = store.save_projects(ALICE, rows, note="R5 sheet")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 1)
    assert result.ids["created"] == ("a", "b")
    batch = {c.batch for c in store.history() if c.key in ("project:a", "project:b")}
    assert len(batch) == 1 and batch != {""}
    again = store.save_projects(ALICE, rows)
    assert again.changed == 0 and again.unchanged == 3  # the same sheet changes nothing
    store.undo_last(ALICE)
    assert [p["id"] for p in store.projects()] == ["kept"]


def test_one_bad_row_in_an_import_writes_nothing(store: Store) -> None:
    rows = [project("a"), project("b", measures=[])]
    with pytest.raises(InvalidFeature, match="at least one measure"):
        store.save_projects(ALICE, rows)
    assert store.projects() == []


def test_projects_travel_with_a_copy(
    store_url: str, backend: str, tmp_path: Path, pg_url: str
) -> None:
    src = open_store(store_url)
    src.save_project(ALICE, project(), None)
    other = pg_url if backend == "file" else str(tmp_path / "copy")
    copy_store(store_url, other)
    back = tmp_path / "back"
    copy_store(other, back)
    for snap in (open_store(other).snapshot(), FileStore(back).snapshot()):
        assert snap.projects == (project(),)
        assert [c.key for c in snap.history if c.key.startswith("project:")] == [
            "project:urushi-forest"
        ]


def test_the_file_store_keeps_projects_reviewable(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir("good")
    store = FileStore(root)
    store.save_project(ALICE, project("b"), None)
    store.save_project(ALICE, project("a"), None)
    text = (root / "projects.json").read_text(encoding="utf-8")
    assert text.index('"id": "a"') < text.index('"id": "b"')  # sorted by id
    assert "漆の森づくり" in text  # UTF-8, not \\u escapes
    assert copy.deepcopy(store.projects()) == [project("a"), project("b")]
