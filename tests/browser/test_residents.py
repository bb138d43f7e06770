"""The residents' page of the app (dashboard/views/residents.py) in a real browser at phone size.

A resident's path: open /residents at 360×640, find 九戸城跡 by typing くのへ, read its status,
switch to English; "near me" with a granted location; gesture handling, tap targets, no sideways
scrolling, and axe on the page and inside the map's iframe.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.model.schema import STATUSES, choice

from .axe import axe_violations, describe
from .helpers import MAP_IFRAME, settle
from .phone import PHONE, one_finger_drag_warns, scrolls_sideways, small_tap_targets

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
COUNT = "#res-count"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport=PHONE,
        locale="ja-JP",
        has_touch=True,
        geolocation={"latitude": 40.259861, "longitude": 141.285639},  # 二戸駅 (FACTS.md)
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def _open(page: Any, url: str) -> Any:
    page.goto(url + "/residents")
    frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
    frame.wait_for_selector("[data-feature-id]")
    return frame


def _wait_count(page: Any, shown: int) -> None:
    page.wait_for_function(
        "([sel, n]) => { const el = document.querySelector(sel);"
        " return el && el.textContent.trim().match(/^(\\d+)/) && +RegExp.$1 === n; }",
        arg=[COUNT, shown],
    )


def test_resident_path_kana_search_status_english(
    phone: Any, shipped_app: Any, shipped: Catalog
) -> None:
    page = phone
    frame = _open(page, shipped_app.url)
    _wait_count(page, len(shipped.features))
    assert not scrolls_sideways(page)
    box = page.get_by_label("名前で探す（漢字・かな・ローマ字）")
    box.fill("くのへ")
    box.press("Enter")
    _wait_count(page, 2)
    castle = shipped.features.loc["kunohe-castle-ruins"]
    status = choice(STATUSES, castle["status"])
    card = page.locator(".st-key-res-card-kunohe-castle-ruins")
    # The count can be drawn before the cards: each check retries until its card is there.
    expect(card.get_by_role("heading").first).to_contain_text(
        castle["name_ja"], use_inner_text=True
    )
    expect(card).to_contain_text(status.ja, use_inner_text=True)
    frame.wait_for_function("() => document.querySelectorAll('[data-feature-id]').length === 2")
    assert not scrolls_sideways(page)

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Ninohe's plan, near you").wait_for()
    _wait_count(page, 2)  # the search is kept across the switch
    card = page.locator(".st-key-res-card-kunohe-castle-ruins")
    card.get_by_role("heading", name=castle["name_en"]).wait_for()
    expect(card).to_contain_text(status.en, use_inner_text=True)
    expect(page).to_have_url(re.compile("lang=en"))
    expect(page).to_have_url(re.compile("q="))


def test_near_me_sorts_by_distance(phone: Any, shipped_app: Any) -> None:
    page = phone
    _open(page, shipped_app.url)
    page.get_by_role("button", name="現在地の近くを見る").click()
    page.get_by_text("現在地から近い順に並べています。").wait_for()
    first = page.locator("[class*='st-key-res-card-'] h3").first
    # The cards may be redrawn in the new order after the notice: retry until they are.
    expect(first).to_have_text(re.compile(r"^\s*二戸駅\s*$"), use_inner_text=True)
    # The coordinates stay in the session: never in the URL.
    assert "40.25" not in page.url and "141.28" not in page.url


def test_my_area_is_approximate_by_a_sourced_point(phone: Any, shipped_app: Any) -> None:
    page = phone
    page.goto(shipped_app.url + "/residents?area=kintaichi")
    page.wait_for_selector(MAP_IFRAME, state="attached")
    page.get_by_text("金田一温泉駅").first.wait_for()
    expect(page.locator("[data-testid='stAlert']").first).to_contain_text(
        "目安", use_inner_text=True
    )


def test_phone_gestures_tap_targets_and_axe(phone: Any, shipped_app: Any) -> None:
    page = phone
    frame = _open(page, shipped_app.url)
    state = one_finger_drag_warns(frame, "window.map")
    assert state == {"gesture": True, "dragging": False, "warned": True, "moved": False}
    # The page's own controls and the map's (Streamlit's header menu is outside .stMain).
    assert small_tap_targets(page, ".stMain") == []
    assert small_tap_targets(frame, ".leaflet-control-zoom") == []
    assert small_tap_targets(frame, ".leaflet-marker-pane") == []
    # At phone width the legend starts closed (open, it would cover the map) and opens on a tap.
    legend = frame.locator(".ninohe-legend details")
    expect(legend).to_have_js_property("open", False)
    frame.locator(".ninohe-legend summary").click()
    expect(legend).to_have_js_property("open", True)
    expect(frame.locator(".ninohe-legend")).to_contain_text("1", use_inner_text=True)
    assert small_tap_targets(frame, ".ninohe-legend") == []
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    violations = axe_violations(frame)
    assert violations == [], describe(violations)


def test_tapping_a_marker_shows_its_card(phone: Any, shipped_app: Any, shipped: Catalog) -> None:
    page = phone
    frame = _open(page, shipped_app.url)
    frame.locator("[data-feature-id='kunohe-castle-ruins']").dispatch_event("click")
    page.get_by_role("heading", name="地図で選んだ取り組み").wait_for()
    # The card below the heading can arrive after it: wait for it, then check the order.
    settle(
        page,
        "([h, n]) => { const el = document.querySelector('.stMain'); if (!el) return false;"
        " const t = el.innerText, i = t.indexOf(h);"
        " return i >= 0 && t.slice(i + h.length).trimStart().startsWith(n); }",
        ["地図で選んだ取り組み", shipped.features.loc["kunohe-castle-ruins", "name_ja"]],
    )
    main = page.locator(".stMain").inner_text()
    selected = main.split("地図で選んだ取り組み", 1)[1]
    assert selected.lstrip().startswith(shipped.features.loc["kunohe-castle-ruins", "name_ja"])


def test_hostile_names_stay_text(browser: Any, hostile_app: Any) -> None:
    context = browser.new_context(viewport=PHONE, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(60_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        frame = _open(page, hostile_app.url)
        frame.locator("[data-feature-id='xss-img']").dispatch_event("mouseover")
        expect(frame.locator(".leaflet-tooltip").first).to_contain_text(
            "<img src=x onerror=alert(1)>", use_inner_text=True
        )
        expect(page.locator(".stMain")).to_contain_text(
            "<img src=x onerror=alert(1)>", use_inner_text=True
        )
        expect(page.locator(".stMain img[src='x']")).to_have_count(0)
        expect(frame.locator("img[src='x']")).to_have_count(0)
        assert dialogs == []
    finally:
        context.close()
