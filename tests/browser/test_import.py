"""Importing in a real browser: upload the real GSI file on the import page (app on a temporary
data folder), see the report and the preview, replace the shipped reference layer, see what
changed, and find the sites with their hazard types on the map page."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from repo_paths import REFERENCE_DIR
from store_support import pg_base_url, with_schema

from ninohe_geo.store import Identity, open_store
from ninohe_geo.store.accounts import AccountStore
from ninohe_geo.store.file import FileStore
from ninohe_geo.store.postgis import PostGISStore

from .conftest import AppServer, start_app
from .helpers import MAP_IFRAME

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
IMPORT_DIR = REPO / "tests" / "data" / "import"
PASSWORD = "a long enough password"


def _reference_file(name: str) -> Path:
    path = REFERENCE_DIR / name
    if not path.is_file():
        message = f"{path} missing (the shared reference folder sits beside the checkout)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def import_app(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[AppServer]:
    """The app on a fresh copy of the shipped data (the import writes there, never geodata/),
    with one editor account. Shared by this module's tests (each has its own browser session)."""
    tmp_path = tmp_path_factory.mktemp("import-app")
    root = tmp_path / "data"
    shutil.copytree(REPO / "geodata", root, ignore=shutil.ignore_patterns("users.json", "history"))
    AccountStore(root / "users.json").add(Identity("setup", "admin"), "sato", "editor", PASSWORD)
    server = start_app(root, tmp_path / "streamlit.log")
    yield server
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except Exception:
        server.process.kill()


def test_upload_the_real_gsi_file_accept_and_see_it_on_the_map(
    page: Any, import_app: AppServer
) -> None:
    """The GSI list ships as the reference layer 'gsi-emergency' (made by this importer): a newer
    copy goes to that layer, replaces it once ticked, says what changed, and the map shows the
    sites in their own group with their hazard types."""
    source = _reference_file("gsi_emergency_032131.geojson")
    expected = json.loads(source.read_text(encoding="utf-8"))["features"]
    repo_layers = sorted(p.name for p in (REPO / "geodata" / "layers").iterdir())

    _upload(page, import_app, source)

    # The report: all 78 checked against the boundary, no error.
    page.get_by_text(
        "OK: gsi_emergency_032131.geojson: 78 feature(s) checked, 0 error(s)"
    ).wait_for()
    main = page.locator("[data-testid='stMainBlockContainer']")
    expect(main).to_contain_text(
        "mapping 'gsi-emergency' → 78 feature(s); replaces layer 'gsi-emergency' (78 features)",
        use_inner_text=True,
    )
    # A known dataset: said so; context data, not a plan project; the YAML for experts, folded.
    page.get_by_text(
        "既知のデータ形式として読み込みました：指定緊急避難場所（国土地理院データ）"
    ).wait_for()
    expect(page.get_by_role("radio", name=re.compile("参考データ"))).to_be_checked()
    page.get_by_text("上級者向け：対応づけ（YAML）を直接編集する").click()
    editor = page.get_by_role("textbox", name="項目の対応づけ（YAML・編集できます）")
    # The textarea's value is set by the frontend after the element appears: wait for it.
    expect(editor).to_have_value(re.compile(r"name: gsi-emergency"))

    # The preview map draws every site, as reference points.
    frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
    frame.wait_for_function(
        "n => document.querySelectorAll('[data-ref-id^=\"gsi-\"]').length === n", arg=78
    )

    # Nothing is written before the source is confirmed, the replacement ticked and an editor
    # signed in.
    layer_file = import_app.data_dir / "layers" / "gsi-emergency.geojson"
    before = json.loads(layer_file.read_text(encoding="utf-8"))
    expect(page.get_by_role("button", name="取り込む")).to_be_disabled()
    _confirm_source(page)
    page.get_by_text("既存のレイヤ「gsi-emergency」（78 件）を置き換える").click()
    page.get_by_label("アカウント名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.get_by_text("sato（editor）としてサインイン中").wait_for()
    assert json.loads(layer_file.read_text(encoding="utf-8")) == before
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.trim() === '取り込む' && !b.disabled)"
    )
    page.get_by_role("button", name="取り込む").click()
    page.get_by_text("レイヤ「gsi-emergency」に 78 件を取り込みました").wait_for()
    # The same 78 sites as shipped: nothing created, changed or removed (the check dates are
    # kept: a re-import of the same file used to mark all 78 "updated").
    expect(main).to_contain_text("追加 0 件", use_inner_text=True)
    expect(main).to_contain_text("更新 0 件", use_inner_text=True)
    expect(main).to_contain_text("削除 0 件", use_inner_text=True)
    expect(main).to_contain_text("変更なし 78 件", use_inner_text=True)
    doc = json.loads(layer_file.read_text(encoding="utf-8"))
    assert doc["layer"]["kind"] == "reference" and len(doc["features"]) == 78
    assert not any("measure" in f["properties"] for f in doc["features"])
    # The repository's own data was not touched.
    assert sorted(p.name for p in (REPO / "geodata" / "layers").iterdir()) == repo_layers

    # The map page: the sites in their group, with their hazard types and source in the popup.
    first = expected[0]["properties"]
    fid = "gsi-" + first["共通ID"].lower()
    page.goto(import_app.url)
    frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
    target = frame.locator(f"[data-ref-id='{fid}']")
    target.wait_for(state="attached", timeout=60_000)
    target.dispatch_event("click")
    popup = frame.locator(".ninohe-ref-popup")
    expect(popup).to_contain_text(first["施設・場所名"])
    expect(popup).to_contain_text("対象とする災害：崖崩れ・土石流・地滑り、地震、内水氾濫")
    expect(popup).to_contain_text("国土地理院")


def test_a_disguised_vrt_upload_is_refused_and_nothing_changes(
    page: Any, import_app: AppServer
) -> None:
    before = sorted(p.name for p in (import_app.data_dir / "layers").iterdir())
    _upload(page, import_app, IMPORT_DIR / "vrt_disguised.geojson")
    page.get_by_text("このファイルは取り込めません").wait_for()
    expect(page.locator("[data-testid='stMainBlockContainer']")).to_contain_text(
        "GDAL VRT", use_inner_text=True
    )
    expect(page.get_by_role("button", name="取り込む")).to_have_count(0)
    assert sorted(p.name for p in (import_app.data_dir / "layers").iterdir()) == before


def _upload(page: Any, app: AppServer, source: Path) -> None:
    """Open the import page as a new visitor and choose ``source`` in its file picker."""
    page.goto(f"{app.url}/import")
    page.get_by_role("heading", name="データの取り込みと書き出し").wait_for(timeout=90_000)
    page.locator("input[type='file']").set_input_files(str(source))


def _confirm_source(page: Any) -> None:
    """Tick 「出典を確認しました：…」 (nothing is written before the source is confirmed)."""
    box = page.get_by_text("出典を確認しました：")
    box.wait_for()
    box.click()
    expect(page.get_by_role("checkbox", name=re.compile("出典を確認しました"))).to_be_checked()


def test_a_neighbouring_towns_list_is_refused_with_its_reason(
    page: Any, import_app: AppServer
) -> None:
    """Issue #13: one sentence says whose list it is, not a per-row flood; nothing to accept."""
    before = sorted(p.name for p in (import_app.data_dir / "layers").iterdir())
    _upload(page, import_app, IMPORT_DIR / "public_facilities_other_town.csv")
    page.get_by_text("この一覧は岩手県一戸町（033031）のものです", exact=False).wait_for()
    expect(page.get_by_role("button", name="取り込む")).to_have_count(0)
    assert sorted(p.name for p in (import_app.data_dir / "layers").iterdir()) == before


def test_a_list_with_no_measure_is_finished_in_the_form_without_yaml(
    page: Any, import_app: AppServer
) -> None:
    """Issue #12: 公共施設一覧 names no measure. The page says so once, in Japanese, with the fix;
    picking the measure by its name in the form's list makes the import pass — no YAML."""
    _upload(page, import_app, IMPORT_DIR / "public_facilities_new.csv")
    page.get_by_text(
        "FAILED: public_facilities_new.csv: 2 feature(s) checked, 2 error(s)"
    ).wait_for()
    main = page.locator("[data-testid='stMainBlockContainer']")
    expect(main).to_contain_text("2件すべてで「施策項目」が未設定です", use_inner_text=True)
    expect(main).to_contain_text("下のフォームの「施策項目」で", use_inner_text=True)
    # Grouped: the message is said once, not once per feature, outside the folded list.
    assert main.inner_text().count("施策項目」が未設定") == 1
    picker = page.get_by_role("combobox", name="施策項目")
    picker.click()
    picker.press_sequentially("地域")  # the list filters as one types (30 measures)
    page.get_by_role("option", name=re.compile(r"^地域（")).click()
    page.get_by_text("OK: public_facilities_new.csv: 2 feature(s) checked, 0 error(s)").wait_for()
    frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
    frame.wait_for_function("() => document.querySelectorAll('[data-feature-id]').length === 2")


def test_a_city_employee_imports_the_city_aed_list_through_the_form(
    page: Any, import_app: AppServer
) -> None:
    """Issues #12/#13: the city's real AED list (45 rows, one repeated) is read as AED data — a
    reference layer with no invented measure, its place in the building, hours and child pads
    kept — imported through the form with no YAML, and shown on the map in its own group."""
    source = _reference_file("ninohe_aed_032131.csv")
    _upload(page, import_app, source)
    page.get_by_text(
        "既知のデータ形式として読み込みました：AED設置箇所（オープンデータ）"
    ).wait_for()
    page.get_by_text(
        "OK: ninohe_aed_032131.csv: 44 feature(s) checked, 0 error(s), 1 warning(s)"
    ).wait_for()
    main = page.locator("[data-testid='stMainBlockContainer']")
    expect(main).to_contain_text("前の行と同じ内容（番号だけ違う）", use_inner_text=True)
    expect(page.get_by_role("radio", name=re.compile("参考データ"))).to_be_checked()
    expect(main).not_to_contain_text("公共施設", use_inner_text=True)
    expect(main).to_contain_text("設置位置：更新中 / ４階生涯学習課内", use_inner_text=True)
    # The AEDs are shipped (layer "aed", made by this importer): the newer copy goes to that
    # layer and replaces it, saying what changed.
    layer_file = import_app.data_dir / "layers" / "aed.geojson"
    before = json.loads(layer_file.read_text(encoding="utf-8"))
    expect(page.get_by_label(re.compile("レイヤ名"))).to_have_value("aed")
    expect(main).to_contain_text("replaces layer 'aed' (44 features)", use_inner_text=True)
    # Nothing is written before the source is confirmed, the replacement ticked and an editor
    # signed in.
    _confirm_source(page)
    # A rerun landing meanwhile can drop a tick: tick again until it is seen ticked.
    replace = page.get_by_role("checkbox", name=re.compile("既存のレイヤ「aed」"))
    for _ in range(5):
        if not replace.is_checked():
            page.get_by_text("既存のレイヤ「aed」（44 件）を置き換える").click()
        try:
            expect(replace).to_be_checked(timeout=5_000)
            break
        except AssertionError:
            continue
    expect(replace).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile("出典を確認しました"))).to_be_checked()
    page.get_by_label("アカウント名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.get_by_text("sato（editor）としてサインイン中").wait_for()
    assert json.loads(layer_file.read_text(encoding="utf-8")) == before
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.trim() === '取り込む' && !b.disabled)"
    )
    page.get_by_role("button", name="取り込む").click()
    page.get_by_text("レイヤ「aed」に 44 件を取り込みました").wait_for()
    # What changed: nothing created or removed (the same 44 places; at most their date).
    expect(main).to_contain_text("追加 0 件", use_inner_text=True)
    expect(main).to_contain_text("削除 0 件", use_inner_text=True)
    doc = json.loads(layer_file.read_text(encoding="utf-8"))
    assert doc["layer"]["kind"] == "reference" and len(doc["features"]) == 44
    assert not any("measure" in f["properties"] for f in doc["features"])

    # The map: the plan's count is unchanged (AEDs are not projects); the AEDs in their own
    # toggled group; a click on one shows its facts and source.
    from ninohe_geo.model.catalog import load_catalog

    catalog = load_catalog(import_app.data_dir)
    plan_count = len(catalog.features)
    assert (catalog.reference["layer"] == "aed").sum() == 44
    assert "aed" not in set(catalog.features["layer"])
    page.goto(import_app.url)
    page.get_by_text(f"表示中 {plan_count} / {plan_count} 件").wait_for(timeout=60_000)
    frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
    frame.wait_for_function(
        "() => document.querySelectorAll('[data-ref-id^=\"da-aed-\"]').length === 44",
        timeout=30_000,
    )
    expect(frame.locator(".ninohe-ref-control")).to_contain_text(
        "AED設置箇所（オープンデータ）（44）"
    )
    frame.locator("[data-ref-id='da-aed-032131-1']").dispatch_event("click")
    popup = frame.locator(".ninohe-ref-popup")
    expect(popup).to_contain_text("二戸市役所")
    expect(popup).to_contain_text("設置位置：更新中 / ４階生涯学習課内")
    expect(popup).to_contain_text("出典：")


def test_import_into_a_postgis_store_is_recorded_and_on_the_map(
    page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the data in PostgreSQL the page imports too: into the database (no layer file),
    recorded as the signed-in editor's batch, and the map (read from the database) shows it."""
    url = with_schema(pg_base_url(), f"t_{uuid.uuid4().hex[:12]}")
    root = tmp_path / "data"
    shutil.copytree(REPO / "geodata", root, ignore=shutil.ignore_patterns("users.json", "history"))
    AccountStore(root / "users.json").add(Identity("setup", "admin"), "sato", "editor", PASSWORD)
    store = open_store(url)
    store.replace_all(Identity("setup", "admin"), FileStore(root).snapshot())
    monkeypatch.setenv("NINOHE_GEO_STORE", url)
    server = start_app(root, tmp_path / "streamlit.log")
    try:
        page.goto(f"{server.url}/import")
        page.get_by_role("heading", name="データの取り込みと書き出し").wait_for(timeout=90_000)
        page.locator("input[type='file']").set_input_files(
            str(IMPORT_DIR / "evacuation_sites_new.csv")
        )
        page.get_by_text(
            "OK: evacuation_sites_new.csv: 1 feature(s) checked, 0 error(s)"
        ).wait_for()
        _confirm_source(page)
        page.get_by_label("アカウント名").fill("sato")
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="サインイン").click()
        page.get_by_text("sato（editor）としてサインイン中").wait_for()
        page.wait_for_function(
            "() => [...document.querySelectorAll('button')].some("
            "b => b.innerText.trim() === '取り込む' && !b.disabled)"
        )
        page.get_by_role("button", name="取り込む").click()
        page.get_by_text("レイヤ「evacuation-sites-new」に 1 件を取り込みました").wait_for()
        page.get_by_text("変更履歴に記録しました（追加 1 件").wait_for()
        assert not (root / "layers" / "evacuation-sites-new.geojson").exists()
        history = store.history()
        assert [(c.user, c.action, c.layer) for c in history] == [
            ("sato", "import", "evacuation-sites-new")
        ]
        assert len({c.batch for c in history}) == 1
        page.goto(server.url)
        frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
        # 指定緊急避難場所一覧 is official context: drawn as a reference point, not a project.
        frame.locator("[data-ref-id='da-hinan-032131-032131-e0001']").wait_for(state="attached")
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except Exception:
            server.process.kill()
        PostGISStore(url).drop()
