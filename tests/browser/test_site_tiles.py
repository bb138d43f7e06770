"""A large catalogue's published site in a real browser: the map from static vector tiles,
search, areas, "near me" and a shared link working from files fetched only when needed.

The shipped data stands in for a large catalogue (the threshold is lowered to 5 features), so
every answer can be checked against the inline site's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.output import site as publish
from ninohe_geo.output.site import build_site
from ninohe_geo.query.residents import plan_order

from .axe import axe_violations, describe
from .helpers import serve_folder
from .phone import PHONE

REPO = Path(__file__).resolve().parents[2]
PAINTED = ".ninohe-tiles[data-painted]"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


@pytest.fixture(scope="module")
def tiled_url(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("tiled-site") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publish, "TILED_THRESHOLD", 5)
        mp.setattr(publish, "TILED_LIST_SAMPLE", 2)
        mp.setattr(publish, "TILED_LIST_MAX", 4)
        build_site(shipped, out)
    with serve_folder(out) as url:
        yield url


def _open(browser: Any, url: str, **kwargs: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport=PHONE, locale="ja-JP", has_touch=True, **kwargs)
    fetched: list[str] = []

    def guard(route: Any) -> None:
        parsed = urlparse(route.request.url)
        if parsed.hostname in ("127.0.0.1", "localhost"):
            fetched.append(parsed.path)
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.wait_for_selector(PAINTED, state="attached")
    return context, page, fetched


def _shown(page: Any, order: list[str], fid: str) -> bool:
    return bool(page.evaluate("i => window.ninoheSiteTiles.shown(i)", order.index(fid)))


def test_the_first_view_draws_tiles_and_fetches_nothing_else(
    browser: Any, tiled_url: str, shipped: Catalog
) -> None:
    context, page, fetched = _open(browser, tiled_url)
    try:
        assert page.locator("[data-feature-id]").count() == 0  # no feature drawn as an element
        count = page.evaluate("document.querySelector('.ninohe-tiles').dataset.featureCount")
        assert int(count) == len(shipped.features)
        assert any(p.endswith(".pmtiles") for p in fetched)
        lazy = ("search.json", "places.json", "/data/tiles/plan-")
        assert not [p for p in fetched if p.endswith(".json") and any(k in p for k in lazy)]
        expect(page.locator(".hint.more").first).to_be_visible()
    finally:
        context.close()


def test_search_repaints_the_tiles_and_lists_the_matches(
    browser: Any, tiled_url: str, shipped: Catalog
) -> None:
    order = plan_order(shipped)
    context, page, fetched = _open(browser, tiled_url)
    try:
        page.fill("#q", "くのへ")
        page.wait_for_selector("#sorted-list:not([hidden]) li")
        kunohe = ["kunohe-castle-ruins", "kunohe-castle-guide-house", "kunohe-castle-phase2-works"]
        listed = page.locator("#sorted-list > li").evaluate_all("els => els.map(e => e.dataset.id)")
        assert sorted(listed) == sorted(kunohe)
        assert listed == [fid for fid in order if fid in kunohe]  # plan order
        expect(page.locator("#count")).to_contain_text(f"全 {len(order)} 件")
        assert all(_shown(page, order, fid) for fid in kunohe)
        assert not _shown(page, order, "ninohe-station")
        link = page.locator("#sorted-list > li").first.get_by_role("link")
        expect(link).to_have_text(str(shipped.features.loc[listed[0], "name_ja"]))
        assert link.get_attribute("href") == f"p/{listed[0]}.html"
        assert any(p.endswith("/data/search.json") for p in fetched)
        # Clearing the search shows every feature and the page's own list again.
        page.fill("#q", "")
        page.wait_for_selector("#grouped:not([hidden])")
        assert _shown(page, order, "ninohe-station")
        # More matches than the list holds: the note says the map shows them all.
        page.fill("#q", "a")
        page.wait_for_selector("#list-note:not([hidden])")
        expect(page.locator("#sorted-list > li")).to_have_count(4)
    finally:
        context.close()


def test_areas_and_near_me_rank_from_the_data_files(
    browser: Any, tiled_url: str, shipped: Catalog
) -> None:
    # At Ninohe Station (FACTS.md), as tests/browser/test_site.py.
    context, page, _ = _open(
        browser,
        tiled_url,
        geolocation={"latitude": 40.259861, "longitude": 141.285639},
        permissions=["geolocation"],
    )
    try:
        page.select_option("#area", "fukuoka")
        page.wait_for_selector("#sorted-list:not([hidden]) li")
        expect(page.locator("#sorted-list > li").first).to_have_attribute(
            "data-id", "ninohe-city-hall"
        )
        page.get_by_role("button", name="現在地の近くを見る").click()
        page.wait_for_function(
            "() => document.querySelector('#note').textContent.includes('現在地から')"
        )
        page.wait_for_function(
            "() => document.querySelector('#sorted-list li')?.dataset.id !== 'ninohe-city-hall'"
        )
        rows = page.locator("#sorted-list > li").evaluate_all(
            "els => els.map(e => [e.dataset.id, e.querySelector('.distance dd').textContent])"
        )
        ids = [r[0] for r in rows]
        assert "ninohe-station" in ids
        station = dict(rows)["ninohe-station"]
        assert re.fullmatch(r"\d+ m", station), station  # a point: exactly that far
        # A line or an area is measured to its box: never farther than it really is.
        for fid, text in rows:
            if shipped.features.loc[fid].geometry.geom_type != "Point":
                assert text.endswith("以上"), (fid, text)
        assert not any(shipped.features.loc[fid, "accuracy"] == "schematic" for fid in ids)
    finally:
        context.close()


def test_a_shared_link_selects_and_shows_the_project(
    browser: Any, tiled_url: str, shipped: Catalog
) -> None:
    order = plan_order(shipped)
    context, page, _ = _open(browser, tiled_url + "index.html#f-kunohe-castle-ruins")
    try:
        page.wait_for_function(
            "i => window.ninoheSiteTiles.ninoheState.selected === i",
            arg=order.index("kunohe-castle-ruins"),
        )
        page.wait_for_function("() => window.ninoheSiteMap.getZoom() >= 14")
        x, y = shipped.features.loc["kunohe-castle-ruins"].geometry.representative_point().coords[0]
        inside = page.evaluate(
            "([lat, lon]) => window.ninoheSiteMap.getBounds().contains([lat, lon])", [y, x]
        )
        assert inside
    finally:
        context.close()


def test_axe_on_the_tiled_page_and_its_written_list(browser: Any, tiled_url: str) -> None:
    context, page, _ = _open(browser, tiled_url)
    try:
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        page.fill("#q", "a")
        page.wait_for_selector("#list-note:not([hidden])")
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()


def test_a_click_on_the_map_selects_the_listed_project(
    browser: Any, tiled_url: str, shipped: Catalog
) -> None:
    """Before any search (the names file not yet fetched) and after one."""
    order = plan_order(shipped)
    context, page, _ = _open(browser, tiled_url)
    try:
        sample = page.locator("#grouped li.project").evaluate_all(
            "els => els.map(e => e.dataset.id)"
        )
        points = [f for f in sample if shipped.features.loc[f].geometry.geom_type == "Point"]
        _click_feature(page, shipped, order, points[0])
        expect(page.locator(f"#f-{points[0]}")).to_have_class(re.compile(r"\bselected\b"))
        expect(page.locator("#shelter-answer")).to_be_hidden()  # not also a tap on the map
        page.fill("#q", "二戸駅")
        page.wait_for_selector("#sorted-list:not([hidden]) li[data-id='ninohe-station']")
        _click_feature(page, shipped, order, "ninohe-station")
        expect(page.locator("#sorted-list li[data-id='ninohe-station']")).to_have_class(
            re.compile(r"\bselected\b")
        )
    finally:
        context.close()


def _click_feature(page: Any, shipped: Catalog, order: list[str], fid: str) -> None:
    """Zoom to a point feature, click it, and wait until the tile layer selected it."""
    x, y = shipped.features.loc[fid].geometry.coords[0]
    page.evaluate("([lat, lon]) => window.ninoheSiteMap.setView([lat, lon], 16)", [y, x])
    page.wait_for_function(
        "([lat, lon, i]) => window.ninoheSiteTiles.pickAt(lat, lon) === i",
        arg=[y, x, order.index(fid)],
    )
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    assert box is not None
    point = page.evaluate(
        "([lat, lon]) => window.ninoheSiteMap.latLngToContainerPoint([lat, lon])", [y, x]
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function(
        "i => window.ninoheSiteTiles.ninoheState.selected === i", arg=order.index(fid)
    )
