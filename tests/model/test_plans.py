"""Versions of the plan (ninohe_geo.model.plans; issue #14): the plan in force on a date, the
one before, and a project that continues from one plan into the next with its history. The
next plan here is an obviously fictitious fixture (tests/data/plans/)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ninohe_geo.model.plans import in_force, latest_before, load_versions, measure_home, previous
from ninohe_geo.store.base import Identity, InvalidFeature, version_of
from ninohe_geo.store.file import FileStore

REPO = Path(__file__).resolve().parents[2]
NEXT = REPO / "tests" / "data" / "plans" / "fictitious-next-plan.yaml"
EDITOR = Identity("alice", "editor")


def test_the_shipped_plan_alone_covers_r3_to_r7_and_nothing_after() -> None:
    (only,) = load_versions(REPO / "geodata")
    assert only.id == "ninohe-kouki-r3-r7" and only.years == (2021, 2022, 2023, 2024, 2025)
    assert in_force((only,), dt.date(2023, 5, 1)) == only
    assert in_force((only,), dt.date(2026, 3, 31)) == only  # the last day of 令和7年度
    assert in_force((only,), dt.date(2026, 4, 1)) is None  # the plan has ended: not "still on"
    assert latest_before((only,), dt.date(2026, 12, 3)) == only


def test_the_next_plan_takes_over_and_the_previous_stays_visible(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir("good")
    (root / "plans").mkdir()
    shutil.copyfile(root / "plan.yaml", root / "plans" / "kouki-r3-r7.yaml")
    shutil.copyfile(NEXT, root / "plan.yaml")
    versions = load_versions(root)
    assert [v.id for v in versions] == ["ninohe-kouki-r3-r7", "fictitious-next-r8-r12"]
    now = in_force(versions, dt.date(2027, 1, 10))
    assert now is not None and now.current and now.plan.title_ja.startswith("架空の次期計画")
    before = previous(versions, now)
    assert before is not None and before.id == "ninohe-kouki-r3-r7" and not before.current
    assert in_force(versions, dt.date(2024, 6, 1)) == before
    assert measure_home(versions, "P3-01") == before


def test_a_project_continues_into_the_next_plan_with_its_history(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir("good")
    store = FileStore(root)
    project = {
        "id": "heritage-works",
        "name_ja": "テスト事業（架空）",
        "name_en": "",
        "measures": ["P3-01"],
        "years": [{"year": 2025, "status": "in_progress"}],
    }
    store.save_project(EDITOR, project, None)
    # The next plan comes into force: the old plan is kept in plans/, the new one is plan.yaml.
    (root / "plans").mkdir()
    shutil.copyfile(root / "plan.yaml", root / "plans" / "kouki-r3-r7.yaml")
    shutil.copyfile(NEXT, root / "plan.yaml")
    assert FileStore(root).project("heritage-works") == project  # still there, unchanged
    with pytest.raises(InvalidFeature, match="'P3-01' is not a measure of the plan"):
        FileStore(root).save_project(EDITOR, {**project, "name_ja": "改名"}, version_of(project))
    moved = {
        **project,
        "measures": ["X1-01"],
        "years": [*project["years"], {"year": 2026, "status": "in_progress"}],
    }
    FileStore(root).save_project(EDITOR, moved, version_of(project), note="次期計画の施策へ")
    history = FileStore(root).history("project:heritage-works")
    assert [c.action for c in history] == ["create", "update"]
    assert history[0].after == project and history[1].after == moved
