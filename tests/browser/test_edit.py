"""Editing in a real browser (issue #6, "done when"): an editor signs in, draws a new project on
the map, fills its form and saves; an anonymous visitor then sees it on the map; its history
shows the change and restoring an earlier state works. Issue #12: the editor stays signed in
across reloads through an HttpOnly cookie that page JS cannot read, a forged or expired cookie
is refused, sign-out ends the session for good, and the drawing toolbar speaks Japanese.
Against an app on a TEMP data folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ninohe_geo.store import Identity, open_store
from ninohe_geo.store.accounts import AccountStore
from ninohe_geo.store.sessions import SessionClaim, sign_session
from ninohe_geo.ui.auth import COOKIE

from .conftest import AppServer, start_app
from .helpers import map_frame, wait_for_count

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "tests" / "data" / "layers" / "good"
PASSWORD = "a long enough password"
NEW_ID = "test-new-project"


@pytest.fixture(scope="module")
def edit_app(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[AppServer]:
    """The app on a throw-away copy of the good fixture, with one editor account."""
    root = tmp_path_factory.mktemp("edit-data")
    (root / "layers").mkdir()
    shutil.copy(REPO / "geodata" / "plan.yaml", root / "plan.yaml")
    shutil.copy(GOOD / "sample.geojson", root / "layers" / "sample.geojson")
    AccountStore(root / "users.json").add(Identity("setup", "admin"), "sato", "editor", PASSWORD)
    server = start_app(root, tmp_path_factory.mktemp("edit-log") / "streamlit.log")
    yield server
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


SIGNED_IN = "sato（editor）としてサインイン中"


def _sign_in(page: Any, url: str, password: str = PASSWORD) -> None:
    """Through the page's form, which POSTs to the sign-in route (the page then reloads)."""
    page.goto(f"{url}/edit")
    page.get_by_label("アカウント名").wait_for(timeout=60_000)  # first load of a fresh server
    page.get_by_label("アカウント名").fill("sato")
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="サインイン").click()
    if password == PASSWORD:
        page.get_by_text(SIGNED_IN).wait_for()


def _signed_out(page: Any) -> None:
    """The page shows the sign-in form and nobody signed in."""
    page.get_by_text("編集するには、編集者としてサインインしてください").wait_for()
    page.get_by_label("パスワード").wait_for()
    assert page.get_by_text(SIGNED_IN).count() == 0


def _context(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
    context.set_default_timeout(30_000)
    return context


def _session_cookie(context: Any) -> dict[str, Any] | None:
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def _choose(page: Any, label: str, text: str) -> None:
    """Pick an option of a Streamlit selectbox by typing and Enter."""
    box = page.get_by_label(label)
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text).first.click()


def test_editor_draws_saves_visitor_sees_history_restores(
    browser: Any, edit_app: AppServer
) -> None:
    editor = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="ja-JP")
    page = editor.new_page()
    page.set_default_timeout(30_000)
    _sign_in(page, edit_app.url)

    # Draw a point with Leaflet.draw's marker tool (served from the app, not a CDN).
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-draw-draw-marker").click()
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    frame.locator(".leaflet-container").click(
        position={"x": box["width"] * 0.55, "y": box["height"] * 0.45}
    )
    page.get_by_text("描いた形: 点").wait_for()

    page.get_by_label("ID（英小文字・数字・ハイフン） *").fill(NEW_ID)
    page.get_by_label("名称（日本語） *").fill("テスト用の新しい取り組み")
    page.get_by_label("名称（英語） *").fill("A new test project")
    page.get_by_label("概要（日本語） *").fill("ブラウザテストで描いた点。")
    page.get_by_label("概要（英語） *").fill("A point drawn by the browser test.")
    page.get_by_label("出典 *").fill("browser test (temporary data)")
    _choose(page, "位置の精度 *", "概略")
    page.get_by_label("変更の説明（履歴に残ります）").fill("地図上で追加")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("保存しました: テスト用の新しい取り組み").wait_for()

    rec = open_store(edit_app.data_dir).record(NEW_ID)
    assert rec is not None and rec.feature["geometry"]["type"] == "Point"
    assert rec.feature["properties"]["accuracy"] == "approximate"
    lon, lat = rec.feature["geometry"]["coordinates"]
    assert 140.9 < lon < 141.6 and 40.0 < lat < 40.5  # drawn inside the map around Ninohe

    # An anonymous visitor, in a fresh browser context, sees it on the public map.
    visitor = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
    vpage = visitor.new_page()
    vpage.set_default_timeout(30_000)
    vpage.goto(edit_app.url)
    wait_for_count(vpage, 5, 5)
    vframe = map_frame(vpage)
    vframe.wait_for_selector(f"[data-feature-id='{NEW_ID}']", state="attached")
    visitor.close()

    # The editor changes its English name, then restores the first version from the history.
    page.get_by_text("既存の地物を編集").click()
    _choose(page, "編集する地物", NEW_ID)
    page.get_by_text("#1").first.wait_for()
    page.get_by_label("名称（英語） *").fill("Renamed by the test")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("保存しました").first.wait_for()
    page.get_by_text("#2").first.wait_for()
    history = open_store(edit_app.data_dir).history(f"feature:{NEW_ID}")
    assert [(c.action, c.user) for c in history] == [("create", "sato"), ("update", "sato")]
    assert history[0].note == "地図上で追加"
    page.get_by_role("button", name="#1 の変更の後の状態に戻す").click()
    page.get_by_text("#3").first.wait_for()
    restored = open_store(edit_app.data_dir).record(NEW_ID)
    assert restored is not None
    assert restored.feature["properties"]["name_en"] == "A new test project"
    assert open_store(edit_app.data_dir).history(f"feature:{NEW_ID}")[-1].action == "restore"
    editor.close()


def test_edit_page_loads_no_cdn_asset(browser: Any, edit_app: AppServer) -> None:
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            and "cyberjapandata" not in r.url
            and "openstreetmap" not in r.url
            else None
        ),
    )
    _sign_in(page, edit_app.url)
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-draw-draw-marker")
    assert outside == []
    context.close()


def test_editor_moves_a_point_in_edit_mode(browser: Any, edit_app: AppServer) -> None:
    """Move (edit mode of Leaflet.draw): drag the castle's point, save, and the store has it."""
    before = open_store(edit_app.data_dir).record("castle")
    assert before is not None
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(30_000)
    _sign_in(page, edit_app.url)
    page.get_by_text("既存の地物を編集").click()
    _choose(page, "編集する地物", "castle")
    page.get_by_text("位置や形を変えるには").wait_for()
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-marker-icon")
    frame.wait_for_function(  # the marker's image is served (no broken icon)
        "() => { const i = document.querySelector('img.leaflet-marker-icon');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    frame.locator(".leaflet-draw-edit-edit").click()
    marker = frame.locator(".leaflet-marker-icon.leaflet-edit-marker-selected")
    marker.wait_for()
    box = marker.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=8)
    page.mouse.up()
    frame.locator(".leaflet-draw-actions a", has_text="保存").first.click()
    page.get_by_text("位置・形が変更されています").wait_for()
    page.get_by_label("変更の説明（履歴に残ります）").first.fill("位置を修正")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("保存しました").first.wait_for()
    after = open_store(edit_app.data_dir).record("castle")
    assert after is not None
    (lon0, lat0), (lon1, lat1) = (
        before.feature["geometry"]["coordinates"],
        after.feature["geometry"]["coordinates"],
    )
    assert lon1 > lon0 and lat1 < lat0  # dragged right and down
    assert after.feature["properties"]["name_ja"] == before.feature["properties"]["name_ja"]
    last = open_store(edit_app.data_dir).history("feature:castle")[-1]
    assert (last.user, last.note, last.before) == ("sato", "位置を修正", before.feature)
    context.close()


def test_the_editor_stays_signed_in_across_reloads_until_signing_out(
    browser: Any, edit_app: AppServer
) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, edit_app.url)
    assert "/auth/" not in page.url  # back on the edit page (303), nothing secret in the URL
    cookie = _session_cookie(context)
    assert cookie is not None
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/" and cookie["expires"] > 0  # Max-Age: it expires
    assert COOKIE not in page.evaluate("document.cookie")  # page JS cannot read it
    assert cookie["value"] not in page.content()

    page.reload()
    page.get_by_text(SIGNED_IN).wait_for()
    page.goto(f"{edit_app.url}/edit")  # a fresh load of the URL, too
    page.get_by_text(SIGNED_IN).wait_for()

    stolen = cookie["value"]
    page.get_by_role("button", name="サインアウト").click()
    _signed_out(page)
    assert _session_cookie(context) is None
    page.reload()
    _signed_out(page)
    context.close()

    # The cookie from before the sign-out, replayed in another browser, is refused (revoked).
    replay = _context(browser)
    replay.add_cookies([{"name": COOKIE, "value": stolen, "url": edit_app.url}])
    again = replay.new_page()
    again.goto(f"{edit_app.url}/edit")
    _signed_out(again)
    replay.close()


def test_a_wrong_password_says_so_and_sets_no_cookie(browser: Any, edit_app: AppServer) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, edit_app.url, password="not the password")
    page.get_by_text("アカウント名またはパスワードが違います。").wait_for()
    assert _session_cookie(context) is None
    assert "signin=" not in page.url  # the message is not repeated by a reload
    context.close()


def _key(app: AppServer) -> str:
    key: str = json.loads((app.data_dir / "users.json").read_text(encoding="utf-8"))["session_key"]
    return key


@pytest.mark.parametrize("case", ["forged", "expired", "valid"])
def test_a_forged_or_expired_cookie_is_refused(
    browser: Any, edit_app: AppServer, case: str
) -> None:
    """Cookies made outside the app: signed with another key (forged), or with the app's own key
    but long expired, sign nobody in; the same claim signed with the app's key does (so it is
    the signature and the expiry that are refused, nothing else)."""
    first = _context(browser)  # a sign-in first, so the installation has its key
    _sign_in(first.new_page(), edit_app.url)
    first.close()
    generation = json.loads((edit_app.data_dir / "users.json").read_text())["users"]["sato"].get(
        "sessions", 0
    )
    in_an_hour = int(time.time()) + 3600  # the server's clock: only to make the claim current
    claims = {
        "forged": ("another key", SessionClaim("sato", in_an_hour, generation)),
        "expired": (_key(edit_app), SessionClaim("sato", 1, generation)),  # 1970
        "valid": (_key(edit_app), SessionClaim("sato", in_an_hour, generation)),
    }
    key, claim = claims[case]
    context = _context(browser)
    context.add_cookies(
        [{"name": COOKIE, "value": sign_session(key, claim), "url": edit_app.url,
          "httpOnly": True, "sameSite": "Strict"}]
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{edit_app.url}/edit")
    if case == "valid":
        page.get_by_text(SIGNED_IN).wait_for(timeout=60_000)
    else:
        page.get_by_label("パスワード").wait_for(timeout=60_000)
        _signed_out(page)
    context.close()


def test_the_drawing_toolbar_is_japanese(browser: Any, edit_app: AppServer) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, edit_app.url)
    frame = map_frame(page)
    titles = {
        "marker": "点を置く",
        "polyline": "線を描く",
        "polygon": "多角形（面）を描く",
    }
    for tool, title in titles.items():
        link = frame.wait_for_selector(f".leaflet-draw-draw-{tool}")
        assert link.get_attribute("title") == title
    frame.locator(".leaflet-draw-draw-marker").click()  # its action bar and hint, too
    frame.locator(".leaflet-draw-actions a", has_text="やめる").wait_for()
    assert frame.locator(".leaflet-draw-tooltip", has_text="地図を押して点を置きます。").count()
    english = [
        t
        for t in frame.locator(".leaflet-draw a").evaluate_all(
            "els => els.map(e => e.title + ' ' + e.textContent)"
        )
        if any(w in t for w in ("Draw", "Cancel", "Save", "Edit", "Delete", "Finish"))
    ]
    assert english == []
    context.close()
