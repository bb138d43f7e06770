"""The editing page under AppTest: sign-in (the signed session cookie, and the in-session form of
a bare ``streamlit run``), roles, per-field conflict choices, labels in the page's language,
indicator values reaching the plan page.

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
from ninohe_geo.store.sessions import SessionClaim, sign_session
from ninohe_geo.ui import auth, session

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
    monkeypatch.setattr(auth, "LIMITER", auth.FailureLimiter())  # no failures from other tests
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


def test_the_in_session_form_stops_guessing_too(data: Path) -> None:
    """Without the routes (a bare ``streamlit run``) the form in the page counts failures in the
    same limiter as the route: after five, even the right password waits."""
    at = _edit_page()
    for _ in range(auth.MAX_FAILURES):
        at = _sign_in(at, "sato", "wrong password!")
    at = _sign_in(at, "sato", PASSWORD)
    assert "しばらくサインインできません" in _texts(at)
    assert "ed-task" not in at.session_state


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


def _open_conflict(data: Path, theirs: dict[str, str], mine: dict[str, str]) -> AppTest:
    """Sato opens the castle; Bob saves ``theirs``; Sato types ``mine`` and saves."""
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    at.segmented_control(key="ed-task").set_value("edit").run()
    at.selectbox(key="ed-pick").set_value("castle").run()
    store = open_store(data)
    rec = store.record("castle")
    assert rec is not None
    bob = {**rec.feature, "properties": {**rec.feature["properties"], **theirs}}
    store.save(Identity("bob", "editor"), "sample", bob, rec.version)
    for name, value in mine.items():
        key = f"ed-edit-form-castle-0-{name}"
        widget = at.text_area(key=key) if name.startswith("summary") else at.text_input(key=key)
        widget.input(value)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_conflict_shows_both_sides_and_the_editor_chooses(data: Path, choice: str) -> None:
    at = _open_conflict(data, {"name_en": "Theirs"}, {"name_en": "Mine"})
    store = open_store(data)
    assert "ほかの人がこの地物を先に変更しました" in _texts(at)
    table = at.table[0].value
    assert table.values.tolist() == [["名称（英語）", "Theirs", "Mine"]]
    assert store.record("castle").feature["properties"]["name_en"] == "Theirs"  # type: ignore[union-attr]
    at.radio(key="ed-conflict-choice-name_en").set_value(choice)
    at.button(key="ed-conflict-apply").click().run()
    assert not at.exception, at.exception
    final = store.record("castle").feature["properties"]["name_en"]  # type: ignore[union-attr]
    assert final == ("Mine" if choice == "mine" else "Theirs")
    assert [c.user for c in store.history("feature:castle")] == (
        ["bob", "sato"] if choice == "mine" else ["bob"]
    )
    assert "ed-conflict" not in at.session_state


def test_each_clashing_field_is_chosen_on_its_own_and_other_changes_are_kept(data: Path) -> None:
    """Issue #12: Bob and Sato both changed the English name and the English summary; Sato keeps
    her name and Bob's summary. Bob's status change and Sato's reading are both kept."""
    at = _open_conflict(
        data,
        {"name_en": "Bob's name", "summary_en": "Bob's summary", "status": "done"},
        {"name_en": "Sato's name", "summary_en": "Sato's summary", "reading_ja": "くのへじょう"},
    )
    assert "ほかの人がこの地物を先に変更しました" in _texts(at)
    rows = at.table[0].value.values.tolist()
    assert rows == [
        ["名称（英語）", "Bob's name", "Sato's name"],
        ["概要（英語）", "Bob's summary", "Sato's summary"],
    ]
    name = at.radio(key="ed-conflict-choice-name_en")
    assert name.label == "名称（英語）"
    assert name.options == ["自分の値「Sato's name」", "相手の値「Bob's name」"]
    name.set_value("mine")
    at.radio(key="ed-conflict-choice-summary_en").set_value("theirs")
    at.button(key="ed-conflict-apply").click().run()
    assert not at.exception, at.exception
    props = open_store(data).record("castle").feature["properties"]  # type: ignore[union-attr]
    assert props["name_en"] == "Sato's name"
    assert props["summary_en"] == "Bob's summary"
    assert props["status"] == "done"  # Bob's other change
    assert props["reading_ja"] == "くのへじょう"  # Sato's other change
    assert [c.user for c in open_store(data).history("feature:castle")] == ["bob", "sato"]


def test_stopping_at_a_conflict_saves_nothing(data: Path) -> None:
    at = _open_conflict(data, {"name_en": "Theirs"}, {"name_en": "Mine"})
    at.button(key="ed-conflict-cancel").click().run()
    assert not at.exception, at.exception
    assert [c.user for c in open_store(data).history("feature:castle")] == ["bob"]
    assert "ed-conflict" not in at.session_state


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


# ------------------------------------------------------------------ the signed session cookie
T0 = 2_000_000_000.0  # the injected clock: nothing here reads the wall clock


def _with_cookie(monkeypatch: pytest.MonkeyPatch, token: str | None, at: float = T0) -> None:
    """The app as ``ninohe-geo app`` serves it (routes mounted), the browser sending ``token``."""
    monkeypatch.setattr(auth, "MOUNTED", True)
    monkeypatch.setattr(session, "now", lambda: at)
    monkeypatch.setattr(session, "request_cookies", lambda: {auth.COOKIE: token} if token else {})


def _html(at: AppTest) -> str:
    return " ".join(str(e.proto.body) for e in at.get("html"))


def test_a_valid_session_cookie_signs_the_editor_in_on_every_load(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = AccountStore(data / "users.json").open_session("sato", T0)
    _with_cookie(monkeypatch, token, T0 + 60)
    at = _edit_page()
    assert "sato（editor）としてサインイン中" in _texts(at)
    assert "ed-task" in at.session_state  # the editing tasks are there
    assert 'action="/auth/signout"' in _html(at)  # sign-out is a POST to the route
    assert token not in _html(at) and token not in _texts(at)  # never in the page
    at = _edit_page()  # a reload: a new session, the same cookie
    assert "sato（editor）としてサインイン中" in _texts(at)


@pytest.mark.parametrize("case", ["forged", "expired", "signed-out", "no-cookie"])
def test_a_forged_expired_or_revoked_cookie_gets_the_sign_in_form(
    data: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    accounts = AccountStore(data / "users.json")
    token = accounts.open_session("sato", T0)
    at_time = T0 + 60
    if case == "forged":
        token = sign_session("not the installation's key", SessionClaim("sato", int(T0) + 99, 0))
    elif case == "expired":
        at_time = T0 + 13 * 3600
    elif case == "signed-out":
        accounts.end_sessions("sato")
    _with_cookie(monkeypatch, None if case == "no-cookie" else token, at_time)
    at = _edit_page()
    assert "sato" not in _texts(at)
    assert "ed-task" not in at.session_state
    form = _html(at)
    assert '<form class="ng-signin" method="post" action="/auth/signin">' in form
    assert 'type="password"' in form and 'name="account"' in form
    assert "ed-password" not in [w.key for w in at.text_input]  # no in-session form then


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("failed", "アカウント名またはパスワードが違います"),
        ("locked", "しばらくサインインできません"),
        ("unavailable", "アカウントのファイルを読めない"),
    ],
)
def test_the_sign_in_outcome_is_shown_once(
    data: Path, monkeypatch: pytest.MonkeyPatch, outcome: str, message: str
) -> None:
    _with_cookie(monkeypatch, None)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "ja"
    at.query_params["signin"] = outcome
    at.switch_page("views/edit.py")
    at.run()
    assert not at.exception, at.exception
    assert message in _texts(at)
    assert "signin" not in at.query_params  # tidied: a reload does not repeat it


def test_a_role_change_applies_to_a_signed_in_session(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = AccountStore(data / "users.json")
    _with_cookie(monkeypatch, accounts.open_session("sato", T0), T0 + 60)
    accounts.set_role(Identity("setup", "admin"), "sato", "viewer")
    at = _edit_page()
    assert "編集の権限がありません" in _texts(at)
    assert "ed-task" not in at.session_state


# ---------------------------------------------------------------- the page's own language
def test_the_japanese_edit_form_shows_no_schema_key_nor_english(data: Path) -> None:
    """Issue #12: labels, help and choices in Japanese; the measure picker shows names."""
    at = _sign_in(_edit_page(), "sato", PASSWORD)
    at.segmented_control(key="ed-task").set_value("edit").run()
    at.selectbox(key="ed-pick").set_value("castle").run()
    assert not at.exception, at.exception
    widgets = [*at.text_input, *at.text_area, *at.selectbox, *at.date_input]
    labels = [str(w.label) for w in widgets] + [str(b.label) for b in at.button]
    helps = [str(w.help or "") for w in widgets]
    shown = " ".join([*labels, *helps, _texts(at)])
    from ninohe_geo.model.schema import ALL_FIELDS

    for key in (*ALL_FIELDS, "Save", "Cancel", "created"):
        assert not [x for x in labels if key in x], key
    assert "Save" not in shown and "accuracy_note" not in shown and "name_ja *" not in shown
    assert "位置についての補足" in labels and "名称（日本語） *" in labels
    measure = at.selectbox(key="ed-edit-form-castle-0-measure")
    assert measure.label == "施策項目 *"
    assert "P1-01 うるし" in measure.options  # the measure's name, not only its id
    assert all(len(str(o).split(" ", 1)) == 2 for o in measure.options)
    status = at.selectbox(key="ed-edit-form-castle-0-status")
    assert "planned" not in status.options and "done" not in status.options
