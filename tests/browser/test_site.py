"""The published static site in a real browser, served from a loopback HTTP server.

A resident's path at phone size and on a desktop: open the link, find 九戸城跡 by typing くのへ,
read its status, open its page, switch to English; download the GeoJSON and validate it; axe
reports no serious or critical violation on any page; nothing is fetched but tiles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from ninohe_geo.model.catalog import Catalog, load_catalog, read_layer
from ninohe_geo.model.schema import STATUSES, choice
from ninohe_geo.output.site import build_site
from ninohe_geo.query.shelters import nearest_sites

from .axe import axe_violations, describe
from .helpers import empty_spot, serve_folder, wait_for_ids
from .phone import DESKTOP, PHONE, one_finger_drag_warns, scrolls_sideways, small_tap_targets

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TILE_HOSTS = {"cyberjapandata.gsi.go.jp", "tile.openstreetmap.org"}


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


@pytest.fixture(scope="module")
def site_url(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The published site of the shipped data, served on 127.0.0.1 by a plain file server."""
    out = tmp_path_factory.mktemp("published") / "site"
    build_site(shipped, out)
    with serve_folder(out) as url:
        yield url


def _context(browser: Any, viewport: dict[str, int], **kwargs: Any) -> tuple[Any, Any, list[str]]:
    """A context + page at ``viewport``; every non-loopback request is blocked and recorded."""
    context = browser.new_context(
        viewport=viewport, locale="ja-JP", has_touch=viewport == PHONE, **kwargs
    )
    outside: list[str] = []

    def guard(route: Any) -> None:
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(host)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page, outside


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_residents_path(
    browser: Any, site_url: str, shipped: Catalog, viewport: dict[str, int]
) -> None:
    context, page, outside = _context(browser, viewport)
    try:
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        total = len(shipped.features)
        expect(page.locator("#f-kunohe-castle-ruins")).to_have_count(1)
        assert not scrolls_sideways(page)
        expect(page.locator(".project")).to_have_count(total)

        page.fill("#q", "くのへ")
        page.wait_for_function(
            "() => document.querySelector('#count').textContent.startsWith('3 ')"
        )
        castle = page.locator("#f-kunohe-castle-ruins")
        expect(castle).to_be_visible()
        expect(page.locator("#f-ninohe-station")).to_be_hidden()
        status = choice(STATUSES, shipped.features.loc["kunohe-castle-ruins", "status"])
        expect(castle.locator(".status")).to_contain_text(status.ja, use_inner_text=True)
        # The map is filtered apart from the list: wait for its features, then check them.
        kunohe = ["kunohe-castle-guide-house", "kunohe-castle-phase2-works", "kunohe-castle-ruins"]
        drawn = wait_for_ids(page, kunohe)
        assert drawn == kunohe

        castle.get_by_role(
            "link", name=shipped.features.loc["kunohe-castle-ruins", "name_ja"]
        ).click()
        page.wait_for_url("**/p/kunohe-castle-ruins.html")
        expect(page.locator("#project .status")).to_contain_text(status.ja, use_inner_text=True)
        assert not scrolls_sideways(page)

        page.get_by_role("link", name="English").click()
        page.wait_for_url("**/en/p/kunohe-castle-ruins.html")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile(r"^Kunohe Castle ruins$"), use_inner_text=True
        )
        expect(page.locator("#project .status")).to_contain_text(status.en, use_inner_text=True)

        page.locator("#see-on-map").click()  # back to the (English) map, the castle selected
        page.wait_for_url("**/en/index.html#f-kunohe-castle-ruins")
        page.wait_for_selector("#f-kunohe-castle-ruins.selected")
        assert set(outside) <= TILE_HOSTS, outside
    finally:
        context.close()


@pytest.mark.parametrize("query", ["九戸城", "Kunohe", "クノヘ", "kunohe castle"])
def test_search_in_the_browser_matches_python(
    browser: Any, site_url: str, shipped: Catalog, query: str
) -> None:
    from ninohe_geo.query.search import build_index

    expected = sorted(build_index(shipped.features).matches(query))
    context, page, _ = _context(browser, DESKTOP)
    try:
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        page.fill("#q", query)
        page.wait_for_function(
            "n => document.querySelectorAll('[data-feature-id]').length === n", arg=len(expected)
        )
        # The list is filtered apart from the map: wait for it, then check it.
        visible = wait_for_ids(
            page, expected, selector=".project:not([hidden])", attribute="data-id"
        )
        assert visible == expected
    finally:
        context.close()


def test_phone_tap_targets_and_gestures(browser: Any, site_url: str) -> None:
    context, page, _ = _context(browser, PHONE)
    try:
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        assert small_tap_targets(page) == []
        state = one_finger_drag_warns(page, "window.ninoheSiteMap")
        assert state == {"gesture": True, "dragging": False, "warned": True, "moved": False}
        # The legend starts closed at phone width and opens on a tap; its marks tell pillars apart.
        legend = page.locator(".ninohe-legend details")
        expect(legend).to_have_js_property("open", False)
        page.locator(".ninohe-legend summary").click()
        expect(legend).to_have_js_property("open", True)
        assert small_tap_targets(page, ".ninohe-legend") == []
        marks = page.eval_on_selector_all(
            ".ninohe-legend .ninohe-swatch-mark", "els => els.map(e => e.textContent)"
        )
        assert marks == ["1", "2", "3", "土"]
        badges = page.eval_on_selector_all(
            ".ninohe-mark-badge", "els => els.map(e => e.textContent)"
        )
        assert badges and set(badges) <= {"1", "2", "3", "土"}
    finally:
        context.close()


def test_hidden_rows_and_buttons_stay_hidden_until_used(browser: Any, site_url: str) -> None:
    """Issue #12: the site's CSS overrode ``hidden``: every card showed an empty 距離 row and
    「並べ替えをやめる」 showed when nothing was sorted."""
    context, page, _ = _context(browser, PHONE)
    try:
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        expect(page.get_by_role("button", name="並べ替えをやめる")).to_be_hidden()
        visible_rows = page.eval_on_selector_all(
            ".distance", "els => els.filter(e => e.offsetParent !== null).length"
        )
        assert visible_rows == 0
    finally:
        context.close()


def test_my_area_and_near_me(browser: Any, site_url: str) -> None:
    # At Ninohe Station (FACTS.md): the station is nearest, schematic features come last.
    context, page, _ = _context(
        browser,
        PHONE,
        geolocation={"latitude": 40.259861, "longitude": 141.285639},
        permissions=["geolocation"],
    )
    try:
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        page.select_option("#area", "fukuoka")
        page.wait_for_selector("#sorted-list:not([hidden])")
        expect(page.locator("#sorted-list > li").first).to_have_attribute(
            "data-id", "ninohe-city-hall"
        )
        expect(page.locator("#note")).to_contain_text("二戸市役所", use_inner_text=True)
        expect(page.locator("#note")).to_contain_text("目安", use_inner_text=True)
        page.get_by_role("button", name="現在地の近くを見る").click()
        page.wait_for_function(
            "() => document.querySelector('#note').textContent.includes('現在地から')"
        )
        first = page.locator("#sorted-list > li").first
        expect(first).to_have_attribute("data-id", "ninohe-station")
        expect(first.locator(".distance dd")).to_have_text(re.compile(" m$"), use_inner_text=True)
        last = page.locator("#sorted-list > li").last
        expect(last.locator(".distance dd")).to_contain_text("模式図", use_inner_text=True)
        page.get_by_role("button", name="並べ替えをやめる").click()
        page.wait_for_selector("#sorted-list", state="hidden")
    finally:
        context.close()


def test_geojson_download_validates(
    browser: Any, site_url: str, shipped: Catalog, tmp_path: Path
) -> None:
    context, page, _ = _context(browser, DESKTOP, accept_downloads=True)
    try:
        page.goto(site_url + "data.html")
        with page.expect_download() as info:
            page.locator("#download-geojson").click()
        target = tmp_path / "ninohe-plan.geojson"
        info.value.save_as(target)
        layer, records, problems = read_layer(target, shipped.plan)
        assert [p for p in problems if p.severity == "error"] == [], problems
        assert layer is not None and {r["id"] for r in records} == set(shipped.features["id"])
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "en/index.html",
        "p/kunohe-castle-ruins.html",
        "en/p/tekiseisha.html",
        "data.html",
        "en/data.html",
    ],
)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_no_serious_violations(
    browser: Any, site_url: str, path: str, viewport: dict[str, int]
) -> None:
    context, page, _ = _context(browser, viewport)
    try:
        page.goto(site_url + path)
        if "index" in path:
            page.wait_for_selector("[data-feature-id]")
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()


def test_the_city_outline_is_drawn(browser: Any, site_url: str) -> None:
    """Issue #13: the city outline (N03, shipped as a reference layer) is drawn on the site, so
    the city shows even when no tile loads; it takes no clicks from the projects."""
    context, page, _ = _context(browser, PHONE)
    try:
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        outline = page.locator(".leaflet-ninohe-outline-pane path")
        expect(outline.first).to_be_attached()
        assert outline.count() >= 1
        assert (
            page.eval_on_selector(
                ".leaflet-ninohe-outline-pane", "p => getComputedStyle(p).pointerEvents"
            )
            == "none"
        )
    finally:
        context.close()


def test_tapping_the_map_finds_the_nearest_flood_shelters(
    browser: Any, site_url: str, shipped: Catalog
) -> None:
    context, page, _ = _context(browser, PHONE)
    try:
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        expect(page.locator("#shelter-answer")).to_be_hidden()
        spot = empty_spot(page, "ninoheSiteMap", 40.27125, 141.30478, 15)  # 二戸市役所
        page.locator("#map").tap(position={"x": spot["x"], "y": spot["y"]})
        # The browser ranks the sites as Python does (the same GSI records, straight lines).
        want = nearest_sites(shipped.reference, spot["lat"], spot["lon"], "flood", "ja")
        assert len(want) == 3
        items = page.locator("#shelter-list > li")
        expect(items).to_have_count(3)
        assert [i.get_attribute("data-site-id") for i in items.all()] == [h.id for h in want]
        for item, hit in zip(items.all(), want, strict=True):
            expect(item).to_contain_text(hit.name, use_inner_text=True)
        expect(page.locator("#shelter-from")).to_contain_text("洪水", use_inner_text=True)
        expect(page.locator("#shelter-answer")).to_contain_text("直線距離", use_inner_text=True)
        marks = page.locator("#map .ninohe-site-hit")
        expect(marks).to_have_count(3)
        assert [m.get_attribute("data-site-id") for m in marks.all()] == [h.id for h in want]
        # The plan list is sorted from the point too, and the note says so.
        expect(page.locator("#note")).to_contain_text("タップした地点", use_inner_text=True)
        page.wait_for_selector("#sorted-list:not([hidden])")
        # Another hazard answers from the same point.
        quake = nearest_sites(shipped.reference, spot["lat"], spot["lon"], "earthquake", "ja")
        page.select_option("#hazard", "earthquake")
        expect(items.first).to_have_attribute("data-site-id", quake[0].id)
        expect(page.locator("#shelter-from")).to_contain_text("地震", use_inner_text=True)
        # Cleared: no answer, no numbered squares.
        page.get_by_role("button", name="タップした地点を消す").click()
        expect(page.locator("#shelter-answer")).to_be_hidden()
        expect(marks).to_have_count(0)
        assert not scrolls_sideways(page)
    finally:
        context.close()


def test_a_phone_turns_on_the_flood_overlay_and_sees_whose_it_is(
    browser: Any, site_url: str
) -> None:
    """Issue #13: the ハザードマップポータル overlays on the published site, in a folded control."""
    context, page, outside = _context(browser, PHONE)
    try:
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        control = page.locator("#map .ninohe-ref-control")
        toggle = control.locator(".leaflet-control-layers-toggle")
        expect(toggle).to_have_text("参考データ（公式）")
        assert "disaportaldata.gsi.go.jp" not in outside  # nothing asked of the portal yet
        toggle.tap()
        control.get_by_text("洪水浸水想定区域（想定最大規模）（ハザードマップポータル）").tap()
        page.wait_for_function("() => document.querySelectorAll('.ninohe-hazard-tiles img').length")
        assert "disaportaldata.gsi.go.jp" in outside  # asked (and blocked: no internet here)
        attribution = page.locator("#map .leaflet-control-attribution")
        expect(attribution).to_contain_text("出典：ハザードマップポータルサイト")
        expect(attribution).to_contain_text("二戸市のハザードマップではありません")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_index_page_does_not_shift_as_it_starts(
    browser: Any, site_url: str, viewport: dict[str, int]
) -> None:
    """Cumulative layout shift ≤ 0.1 (issue #15; here none at all), every shift counted: the
    「現在地の近くを見る」 button used to appear after the script and push the map down."""
    context, page, _ = _context(browser, viewport)
    try:
        page.add_init_script(
            "window.shifts = [];"
            "new PerformanceObserver(l => { for (const e of l.getEntries()) {"
            " window.shifts.push(e.value); } }).observe({ type: 'layout-shift', buffered: true });"
        )
        page.goto(site_url)
        page.wait_for_selector("[data-feature-id]")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
        total = page.evaluate("() => window.shifts.reduce((s, v) => s + v, 0)")
        # The target is 0.1; the button's late appearance alone cost 0.012–0.015, so any
        # shift at all is a regression worth seeing.
        assert total < 0.005, total
        expect(page.get_by_role("button", name="現在地の近くを見る")).to_be_visible()
    finally:
        context.close()
