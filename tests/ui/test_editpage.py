"""The editing page under AppTest: sign-in, roles, indicator values reaching the plan page.

(Drawing on the map happens inside st_folium's iframe, which AppTest cannot see: the browser
test ``tests/browser/test_edit.py`` covers it.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from store_support import pg_url_fixture  # noqa: F401 - fixture
from streamlit.testing.v1 import AppTest

from ninohe_geo.store import Identity, open_store
from ninohe_geo.store.accounts import AccountStore

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")
PASSWORD = "a long enough password"


@pytest.fixture
def data(make_data_dir, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    root: Path = make_data_dir("good")
    accounts = AccountStore(root / "users.json")
    admin = Identity("setup", "admin")
    accounts.add(admin, "sato", "editor", PASSWORD)
    accounts.add(admin, "suzuki", "viewer", PASSWORD)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(root))
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    monkeypatch.delenv("NINOHE_GEO_USERS", raising=False)
    return root


def _edit_page(lang: str = "ja") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.switch_page("views/edit.py")  # straight to the editing page
    at.run()
    assert not at.exception, at.exception
    return at


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="ed-user").input(name)
    at.text_input(key="ed-password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.error, *at.warning)]
    return " ".join(str(p) for p in parts).replace("\\", "")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_anonymous_visitors_get_the_sign_in_form_only(data: Path, lang: str) -> None:
    at = _edit_page(lang)
    assert (
        at.text_input(key="ed-password").proto.type
        == at.text_input(key="ed-password").proto.PASSWORD
    )
    assert "ed-task" not in at.session_state
    assert ("編集者としてサインイン" if lang == "ja" else "Sign in as an editor") in _texts(at)


def test_wrong_password_is_refused_without_saying_which(data: Path) -> None:
    at = _sign_in(_edit_page(), "sato", "wrong password!")
    assert "アカウント名またはパスワードが違います" in _texts(at)
    assert "ed-task" not in at.session_state
    at = _sign_in(_edit_page(), "nobody", PASSWORD)
    assert "アカウント名またはパスワードが違います" in _texts(at)


def test_viewer_accounts_cannot_edit(data: Path) -> None:
    at = _sign_in(_edit_page(), "suzuki", PASSWORD)
    assert "suzuki" in _texts(at)
    assert "編集の権限がありません" in _texts(at)
    assert "ed-task" not in at.session_state


def test_editor_enters_an_indicator_value_shown_on_the_plan_page(data: Path) -> None:
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    assert "sato（editor）としてサインイン中" in _texts(at)
    at.segmented_control(key="ed-task").set_value("indicators").run()
    form = at.get("form")[0] if at.get("form") else None
    assert form is not None
    at.selectbox[0].set_value("P2-I1")
    at.selectbox[1].set_value(2023)
    at.number_input[0].set_value(1.31)
    text_inputs = [ti for ti in at.text_input if ti.key not in ("ed-user", "ed-password")]
    text_inputs[1].input("岩手県保健福祉年報（テスト用の値）")
    at.button[-1].click().run()
    assert not at.exception, at.exception
    [value] = open_store(data).indicator_values()
    assert (value.indicator, value.year, value.value) == ("P2-I1", 2023, 1.31)
    history = open_store(data).history("indicator:P2-I1:2023")
    assert history[0].user == "sato"
    at.switch_page("views/plan.py")
    at.run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "2023: 岩手県保健福祉年報（テスト用の値）" in text
    assert "未確認（出典のある値がまだ登録されていません）" in text  # other indicators


def test_editor_sees_history_and_undo(data: Path) -> None:
    store = open_store(data)
    rec = store.record("castle")
    assert rec is not None
    changed = {**rec.feature, "properties": {**rec.feature["properties"], "status": "done"}}
    store.save(Identity("sato", "editor"), "sample", changed, rec.version, note="完了を確認")
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    at.segmented_control(key="ed-task").set_value("edit").run()
    assert not at.exception, at.exception
    at.selectbox(key="ed-pick").set_value("castle").run()
    assert "完了を確認" in _texts(at)
    at.button(key="ed-undo").click().run()
    assert not at.exception, at.exception
    assert store.record("castle").feature == rec.feature  # type: ignore[union-attr]


def test_the_map_reads_a_database_store_and_follows_its_changes(
    make_data_dir,  # type: ignore[no-untyped-def]
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``NINOHE_GEO_STORE=postgresql://…`` the public map shows the database's features."""
    from store_support import ALICE, fresh_store, new_feature

    store = fresh_store("postgis", make_data_dir("good"), pg_url)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(make_data_dir()))  # an empty folder: not used
    monkeypatch.setenv("NINOHE_GEO_STORE", pg_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "ja"
    at.run()
    assert not at.exception, at.exception
    assert "表示中 4 / 4 件" in _texts(at)
    store.save(ALICE, "sample", new_feature(), None)
    at.run()
    assert "表示中 5 / 5 件" in _texts(at)


def test_hostile_names_stay_text_in_the_editor(
    make_data_dir,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root: Path = make_data_dir("hostile")
    AccountStore(root / "users.json").add(Identity("setup", "admin"), "sato", "editor", PASSWORD)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(root))
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    store = open_store(root)
    rec = store.record("xss-img")
    assert rec is not None
    bad = {**rec.feature, "properties": {**rec.feature["properties"], "status": "done"}}
    store.save(Identity("sato", "editor"), "hostile", bad, rec.version, note="<b>[x](javascript:1)")
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    at.segmented_control(key="ed-task").set_value("edit").run()
    at.selectbox(key="ed-pick").set_value("xss-img").run()
    assert not at.exception, at.exception
    sources = " ".join(str(m.value) for m in at.markdown)
    assert "<img" not in sources and "<b>" not in sources
    assert "](javascript" not in sources
    assert r"\<b\>\[x\]\(javascript\:1\)" in sources  # shown as literal text


def test_a_name_only_edit_keeps_the_date_the_facts_were_checked(data: Path) -> None:
    """Saving a new English name does not make an old status look freshly checked (issue #10):
    the form starts from the feature's own ``updated`` date, whatever today is."""
    store = open_store(data)
    before = store.record("castle")
    assert before is not None
    checked = before.feature["properties"]["updated"]
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    at.segmented_control(key="ed-task").set_value("edit").run()
    at.selectbox(key="ed-pick").set_value("castle").run()
    at.text_input(key="ed-edit-form-castle-0-name_en").input("Kunohe Castle ruins (new name)")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    after = store.record("castle")
    assert after is not None
    assert after.feature["properties"]["name_en"] == "Kunohe Castle ruins (new name)"
    assert after.feature["properties"]["updated"] == checked


def test_two_editors_changing_different_fields_both_keep_their_change(data: Path) -> None:
    """Issue #12: Bob saves a new English name while Sato has the form open; Sato saves a new
    Japanese summary. No conflict is asked, and neither change is lost."""
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    at.segmented_control(key="ed-task").set_value("edit").run()
    at.selectbox(key="ed-pick").set_value("castle").run()
    store = open_store(data)
    rec = store.record("castle")
    assert rec is not None
    theirs = {**rec.feature, "properties": {**rec.feature["properties"], "name_en": "Bob's"}}
    store.save(Identity("bob", "editor"), "sample", theirs, rec.version)
    at.text_area(key="ed-edit-form-castle-0-summary_ja").input("佐藤が直した説明")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    assert "ほかの人がこの地物を先に変更しました" not in _texts(at)
    props = store.record("castle").feature["properties"]  # type: ignore[union-attr]
    assert props["name_en"] == "Bob's"
    assert props["summary_ja"] == "佐藤が直した説明"


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_conflict_shows_both_sides_and_the_editor_chooses(data: Path, choice: str) -> None:
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    at.segmented_control(key="ed-task").set_value("edit").run()
    at.selectbox(key="ed-pick").set_value("castle").run()
    # Another editor saves the castle while sato has the form open.
    store = open_store(data)
    rec = store.record("castle")
    assert rec is not None
    theirs = {**rec.feature, "properties": {**rec.feature["properties"], "name_en": "Theirs"}}
    store.save(Identity("bob", "editor"), "sample", theirs, rec.version)
    at.text_input(key="ed-edit-form-castle-0-name_en").input("Mine")
    submit = next(b for b in at.button if b.label == "保存")
    submit.click().run()
    assert not at.exception, at.exception
    assert "ほかの人がこの地物を先に変更しました" in _texts(at)
    table = at.table[0].value
    assert table.values.tolist() == [["name_en", "Theirs", "Mine"]]
    assert store.record("castle").feature["properties"]["name_en"] == "Theirs"  # type: ignore[union-attr]
    at.button(key=f"ed-conflict-{choice}").click().run()
    assert not at.exception, at.exception
    final = store.record("castle").feature["properties"]["name_en"]  # type: ignore[union-attr]
    assert final == ("Mine" if choice == "mine" else "Theirs")
    assert [c.user for c in store.history("feature:castle")] == (
        ["bob", "sato"] if choice == "mine" else ["bob"]
    )


def test_admin_adds_an_editor_and_editors_cannot(data: Path) -> None:
    AccountStore(data / "users.json").add(Identity("setup", "admin"), "kanri", "admin", PASSWORD)
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    assert "アカウント管理" not in at.segmented_control(key="ed-task").options
    at = _sign_in(_edit_page(), "kanri", PASSWORD)
    assert "アカウント管理" in at.segmented_control(key="ed-task").options
    at.segmented_control(key="ed-task").set_value("accounts").run()
    inputs = [ti for ti in at.text_input if ti.key not in ("ed-user", "ed-password")]
    inputs[0].input("tanaka")
    inputs[1].input("another long password")
    next(b for b in at.button if b.label == "アカウントを追加").click().run()
    assert not at.exception, at.exception
    assert AccountStore(data / "users.json").verify("tanaka", "another long password") == (
        Identity("tanaka", "editor")
    )
