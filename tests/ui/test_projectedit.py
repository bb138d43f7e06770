"""Editing projects (事業) in the app and the "what changed" list (ninohe_geo.ui.projectedit,
issue #14), under AppTest, on both backends' file path (the store's own tests cover PostGIS)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ninohe_geo.model.projects import Project
from ninohe_geo.store import Identity, open_store
from ninohe_geo.store.accounts import AccountStore
from ninohe_geo.ui import auth
from ninohe_geo.ui.projectedit import years_from_frame

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")
PASSWORD = "a long enough password"


@pytest.fixture
def data(make_data_dir, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    root: Path = make_data_dir("good")
    AccountStore(root / "users.json").add(Identity("setup", "admin"), "sato", "editor", PASSWORD)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(root))
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    monkeypatch.delenv("NINOHE_GEO_USERS", raising=False)
    monkeypatch.setattr(auth, "LIMITER", auth.FailureLimiter())
    return root


def _signed_in(task: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "ja"
    at.switch_page("views/edit.py")
    at.run()
    at.text_input(key="ed-user").input("sato")
    at.text_input(key="ed-password").input(PASSWORD)
    at.button[0].click().run()
    at.segmented_control(key="ed-task").set_value(task).run()
    assert not at.exception, at.exception
    return at


def test_years_are_read_the_japanese_way_and_wrong_ones_named() -> None:
    frame = pd.DataFrame(
        [
            {"year": "令和５年度", "status": "完了", "amount_yen": 1000, "amount_kind": "決算",
             "amount_source": "決算書", "note": "終えた"},
            {"year": "R4", "status": "実施中", "amount_yen": None, "amount_kind": None,
             "amount_source": None, "note": None},
            {"year": "平成32年度", "status": "予定", "amount_yen": None, "amount_kind": None,
             "amount_source": None, "note": None},
        ]
    )  # fmt: skip
    entries, problems = years_from_frame(frame, "ja")
    assert entries == [
        {"year": 2023, "status": "done", "amount_yen": 1000, "amount_kind": "settled",
         "amount_source": "決算書", "note": "終えた"},
        {"year": 2022, "status": "in_progress"},
    ]  # fmt: skip
    assert len(problems) == 1 and problems[0].startswith("3: ") and "does not exist" in problems[0]


def test_a_project_made_in_the_app_is_stored_and_shows_in_what_changed(data: Path) -> None:
    at = _signed_in("projects")
    inputs = [w for w in at.text_input if w.label.startswith(("事業ID", "事業名", "担当課"))]
    by_label = {w.label: w for w in inputs}
    by_label["事業ID（英数字と - _ .、あとから変えられません）"].input("app-made")
    by_label["事業名"].input("アプリで作った事業（テスト）")
    by_label["担当課"].input("総務課")
    at.multiselect[0].select("P3-07")
    submit = [b for b in at.button if b.label == "保存"]
    assert submit, [b.label for b in at.button]
    submit[0].click().run()
    assert not at.exception, at.exception
    stored = open_store(str(data)).project("app-made")
    assert (
        stored is not None and stored["measures"] == ["P3-07"] and stored["department"] == "総務課"
    )
    assert Project.from_dict(stored).as_dict() == stored
    [change] = open_store(str(data)).history("project:app-made")
    assert change.user == "sato" and change.action == "create"
    # What changed: the new project, listed by who and when.
    at.segmented_control(key="ed-task").set_value("changes").run()
    from ninohe_geo.query.progress import JST

    today = dt.datetime.fromisoformat(change.at).astimezone(JST).date()
    at.date_input(key="pe-since").set_value(today - dt.timedelta(days=1)).run()
    at.date_input(key="pe-until").set_value(today).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["ID"]) == ["app-made"] and list(table["変更"]) == ["追加"]
    assert list(table["担当"]) == ["sato"]
    # Undo takes it back.
    next(b for b in at.button if b.label.startswith("自分の直前の変更を取り消す")).click().run()
    assert open_store(str(data)).project("app-made") is None


def test_someone_elses_save_meanwhile_is_merged_not_lost(data: Path) -> None:
    """The form's starting version is pinned when the project is chosen: Bob's save while Alice
    has the form open is merged with hers (different fields), not overwritten."""
    store = open_store(str(data))
    first = {
        "id": "shared",
        "name_ja": "共有の事業（テスト）",
        "name_en": "",
        "measures": ["P3-07"],
        "years": [],
    }
    store.save_project(Identity("bob", "editor"), first, None)
    at = _signed_in("projects")
    at.selectbox(key="pe-choose").select("shared").run()
    from ninohe_geo.store.base import version_of

    store.save_project(
        Identity("bob", "editor"), {**first, "department": "総務課"}, version_of(first)
    )
    by_label = {w.label: w for w in at.text_input}
    by_label["事業名"].input("改名した事業（テスト）")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    now = open_store(str(data)).project("shared")
    assert now is not None
    assert (now["name_ja"], now["department"]) == ("改名した事業（テスト）", "総務課")
