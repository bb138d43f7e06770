"""Editing in a real browser (issue #6, "done when"): an editor signs in, draws a new project on
the map, fills its form and saves; an anonymous visitor then sees it on the map; its history
shows the change and restoring an earlier state works. Against an app on a TEMP data folder."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ninohe_geo.store import Identity, open_store
from ninohe_geo.store.accounts import AccountStore

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


def _sign_in(page: Any, url: str) -> None:
    page.goto(f"{url}/edit")
    page.get_by_label("アカウント名").wait_for(timeout=60_000)  # first load of a fresh server
    page.get_by_label("アカウント名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.get_by_text("sato（editor）としてサインイン中").wait_for()


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
    page.get_by_text("描いた形: Point").wait_for()

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
    frame.locator(".leaflet-draw-actions a", has_text="Save").first.click()
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
