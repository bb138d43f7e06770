"""The edit page in the user's language (issue #12): field names, codes, roles, the history, the
conflict choices and the form's errors are shown in Japanese on the Japanese page — no schema key
(``name_en``, ``accuracy_note``) and no English check message."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_support import ALICE, BOB, edited, store_fixture, store_url_fixture  # noqa: F401
from streamlit.testing.v1 import AppTest

from ninohe_geo.model.schema import ALL_FIELDS
from ninohe_geo.store import ConflictError, Identity, Store, open_store
from ninohe_geo.store.accounts import AccountStore
from ninohe_geo.store.base import version_of
from ninohe_geo.ui import auth
from ninohe_geo.ui.forms import (
    conflict_choices,
    field_label,
    geometry_kind,
    history_rows,
    problem_text,
    role_label,
    value_text,
)

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")
PASSWORD = "a long enough password"


@pytest.fixture(params=["file"])
def backend(request: pytest.FixtureRequest) -> str:
    """The labels do not depend on the backend: the file store is enough here."""
    return str(request.param)


@pytest.mark.parametrize("name", [*ALL_FIELDS, "geometry"])
def test_every_field_has_a_name_in_both_languages(name: str) -> None:
    assert field_label(name, "ja") != name
    assert field_label(name, "en") != name
    assert field_label("no_such_field", "ja") == "no_such_field"  # unknown keys stay readable


def test_codes_and_geometries_are_words() -> None:
    assert value_text("status", "done", "ja") == "完了"
    assert value_text("accuracy", "approximate", "ja") == "概略"
    assert value_text("geometry", {"type": "Point", "coordinates": [0, 0]}, "ja") == "点"
    assert value_text("name_en", "Castle", "ja") == "Castle"
    assert geometry_kind("Polygon", "ja") == "面（多角形）"
    assert geometry_kind("LineString", "en") == "line"
    assert role_label("editor", "ja") == "編集者（editor）"
    assert role_label("admin", "en") == "admin"


@pytest.mark.parametrize(
    ("problem", "ja"),
    [
        ("name_en: missing field 'name_en'", "「名称（英語）」を入力してください。"),
        ("id: id 'Bad Id' must be a lower-case slug (a-z, 0-9, -, _, .)", "英小文字・数字"),
        ("reading_ja: reading_ja 'abc' must be hiragana (e.g. くのへ)", "ひらがなで入力"),
        (
            "initiative: initiative 'P3-01.1' belongs to measure 'P3-01', not 'P1-01'",
            "選んだ施策項目のものではありません",
        ),
        ("geometry: coordinates are not longitude/latitude in degrees", "経度・緯度"),
        ("geometry: invalid geometry: Self-intersection[1 2]", "形が正しくありません"),
    ],
)
def test_the_forms_problems_are_said_in_japanese(problem: str, ja: str) -> None:
    text = problem_text(problem, "ja")
    assert ja in text
    assert not [f for f in ALL_FIELDS if f in text.replace("ninohe-station", "")]
    assert "must" not in text and "missing" not in text


def test_an_unforeseen_problem_keeps_its_text_with_the_fields_name() -> None:
    assert problem_text("status: a new rule", "ja") == "状況: a new rule"
    assert problem_text("layer 'X' must be a slug", "ja") == "layer 'X' must be a slug"


def test_history_and_conflicts_name_fields_and_values_in_the_pages_language(
    store: Store,
) -> None:
    start = store.record("castle").feature  # type: ignore[union-attr]
    theirs = edited(start, status="done", name_en="Bob")
    store.save(BOB, "sample", theirs, version_of(start))
    rows = history_rows(store.history("feature:castle"), theirs, "ja")
    assert any(
        line.startswith("状況: 「") and line.endswith(" → 「完了」") for line in rows[0].shown
    )
    assert any(
        line.startswith("名称（英語）: ") and line.endswith("「Bob」") for line in rows[0].shown
    )
    assert all(not line.startswith(("status", "name_en")) for line in rows[0].shown)
    with pytest.raises(ConflictError) as info:
        store.save(ALICE, "sample", edited(start, name_en="Alice"), version_of(start))
    [choice] = conflict_choices(info.value, "ja")
    assert (choice.field, choice.label, choice.stored, choice.yours) == (
        "name_en",
        "名称（英語）",
        "Bob",
        "Alice",
    )


def test_a_refused_save_says_what_to_fix_in_japanese(
    make_data_dir,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root: Path = make_data_dir("good")
    AccountStore(root / "users.json").add(Identity("setup", "admin"), "sato", "editor", PASSWORD)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(root))
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    monkeypatch.delenv("NINOHE_GEO_USERS", raising=False)
    monkeypatch.setattr(auth, "LIMITER", auth.FailureLimiter())
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "ja"
    at.switch_page("views/edit.py")
    at.run()
    at.text_input(key="ed-user").input("sato")
    at.text_input(key="ed-password").input(PASSWORD)
    at.button[0].click().run()
    at.segmented_control(key="ed-task").set_value("edit").run()
    at.selectbox(key="ed-pick").set_value("castle").run()
    at.text_input(key="ed-edit-form-castle-0-name_en").input("   ")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    assert "保存できません。次の点を直してください。" in [e.value for e in at.error]
    shown = " ".join(str(m.value) for m in at.markdown).replace("\\", "")
    assert "「名称（英語）」を入力してください。" in shown
    assert "missing field" not in shown and "name_en" not in shown
    assert open_store(root).record("castle").feature["properties"]["name_en"] != ""  # type: ignore[union-attr]
