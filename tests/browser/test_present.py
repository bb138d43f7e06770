"""Presentation mode and guided tours in a real browser: keys, buttons, the stop list, offline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.tours import Tour, load_tours, stop_view

from .helpers import block_outside, map_frame, settle, wait_for_ids

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NEXT_KEYS = ["ArrowRight", "Space", "PageDown"]
PREV_KEYS = ["ArrowLeft", "PageUp"]
TILE_HOSTS = {"cyberjapandata.gsi.go.jp", "tile.openstreetmap.org"}


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load_catalog(REPO / "geodata")


@pytest.fixture(scope="module")
def tours() -> Any:
    found = load_tours(REPO / "geodata")
    assert found.problems == ()
    return found


def wait_for_stop(page: Any, frame: Any, tour: Tour, stop: int, shipped: Any) -> None:
    """Wait until the page and the map both show ``stop`` of ``tour``, then check them."""
    total = len(tour.stops)
    page.wait_for_function(
        "t => document.querySelector('#tour-progress')?.textContent.trim() === t",
        arg=f"{stop} / {total}",
    )
    frame.wait_for_function(
        "s => document.querySelector('.leaflet-container')?.getAttribute('data-tour-stop') === s",
        arg=str(stop),
    )
    current = tour.stops[stop - 1]
    expect(page.locator("#tour-title")).to_have_text(
        re.compile(f"^{re.escape(current.title_ja)}$"), use_inner_text=True
    )
    view = stop_view(current, shipped)
    highlighted = wait_for_ids(frame, view.highlight, selector="[data-highlight]")
    assert highlighted == sorted(view.highlight)
    if view.layers:
        layers = set(shipped.features.loc[shipped.features["layer"].isin(view.layers), "id"])
        drawn = set(wait_for_ids(frame, layers, unique=True))
        assert drawn == layers
    # The address bar is updated by its own call (history.replaceState): let it catch up.
    settle(
        page,
        "([t, s]) => { const q = new URLSearchParams(location.search);"
        " return q.get('tour') === t && q.get('stop') === s; }",
        [tour.id, str(stop)],
    )
    query = parse_qs(urlparse(page.evaluate("() => location.href")).query)
    assert query.get("tour") == [tour.id] and query.get("stop") == [str(stop)]


@pytest.mark.parametrize("tour_id", ["featured", "disaster"])
def test_tour_steps_through_every_stop_by_keyboard(
    page: Any, shipped_app: Any, shipped: Any, tours: Any, tour_id: str
) -> None:
    tour = tours.get(tour_id)
    page.goto(f"{shipped_app.url}/present?tour={tour_id}")
    frame = map_frame(page)
    wait_for_stop(page, frame, tour, 1, shipped)
    # The map is mounted once: a marker set now must survive every step.
    frame.evaluate("() => { window.__sameMap = 1; }")
    # Presentation mode has no sidebar.
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    for stop in range(2, len(tour.stops) + 1):
        if stop == 3:
            # A click on the map moves the focus into its iframe; the keys must still work
            # (and must not pan the map instead).
            frame.locator(".leaflet-container").click(position={"x": 400, "y": 300})
        page.keyboard.press(NEXT_KEYS[stop % len(NEXT_KEYS)])
        wait_for_stop(page, frame, tour, stop, shipped)
    # At the last stop Next does nothing; back to the start with the other keys.
    page.keyboard.press("ArrowRight")
    wait_for_stop(page, frame, tour, len(tour.stops), shipped)
    for stop in range(len(tour.stops) - 1, 0, -1):
        page.keyboard.press(PREV_KEYS[stop % len(PREV_KEYS)])
        wait_for_stop(page, frame, tour, stop, shipped)
    assert frame.evaluate("() => window.__sameMap") == 1
    expect(page.locator("iframe[title*='st_folium']")).to_have_count(1)


def test_buttons_and_stop_list(page: Any, shipped_app: Any, shipped: Any, tours: Any) -> None:
    tour = tours.get("featured")
    page.goto(f"{shipped_app.url}/present?tour=featured&stop=2")
    frame = map_frame(page)
    wait_for_stop(page, frame, tour, 2, shipped)
    page.locator(".st-key-tour-next button").click()
    wait_for_stop(page, frame, tour, 3, shipped)
    page.locator(".st-key-tour-prev button").click()
    wait_for_stop(page, frame, tour, 2, shipped)
    # Jump with the stop list to the castle stop.
    castle = next(i for i, s in enumerate(tour.stops, 1) if "kunohe-castle-ruins" in s.features)
    page.get_by_label("停留所へ移動").click()
    page.get_by_role("option", name=f"{castle}. {tour.stops[castle - 1].title_ja}").click()
    wait_for_stop(page, frame, tour, castle, shipped)
    # The map may still be moving to the stop: wait for the zoom, then check it.
    settle(frame, "() => window.map.getZoom() >= 15")
    assert frame.evaluate("() => window.map.getZoom()") >= 15
    # The caption is the stop's, as text.
    expect(page.locator("#tour-caption")).to_contain_text(
        tour.stops[castle - 1].caption_ja[:20], use_inner_text=True
    )


def test_a_link_to_a_stop_opens_that_stop_in_english(
    browser: Any, shipped_app: Any, shipped: Any, tours: Any
) -> None:
    tour = tours.get("disaster")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{shipped_app.url}/present?tour=disaster&stop=3&lang=en")
        page.wait_for_function(
            "t => document.querySelector('#tour-title')?.textContent === t",
            arg=tour.stops[2].title_en,
        )
        expect(page.locator("#tour-progress")).to_have_text(
            re.compile(rf"^\s*3 / {len(tour.stops)}\s*$"), use_inner_text=True
        )
    finally:
        context.close()


def test_presentation_and_a_tour_work_with_the_internet_blocked(
    page: Any, shipped_app: Any, shipped: Any, tours: Any
) -> None:
    outside = block_outside(page)
    page.goto(f"{shipped_app.url}/present")
    frame = map_frame(page)
    # The overview: every feature, the large legend, and the notice that tiles are missing.
    frame.wait_for_function(
        "n => document.querySelectorAll('[data-feature-id]').length === n",
        arg=len(shipped.features),
    )
    frame.wait_for_selector(".ninohe-present .ninohe-legend")
    frame.wait_for_selector(".ninohe-notice")
    # Choose a tour with the picker and walk it by keys.
    tour = tours.get("disaster")
    page.get_by_label("ツアー").click()
    page.get_by_role("option", name=tour.title_ja).click()
    wait_for_stop(page, frame, tour, 1, shipped)
    for stop in range(2, len(tour.stops) + 1):
        page.keyboard.press("ArrowRight")
        wait_for_stop(page, frame, tour, stop, shipped)
    assert outside, "expected tile requests to have been attempted"
    assert {urlparse(u).hostname for u in outside} <= TILE_HOSTS, outside


def test_the_stop_reads_from_the_back_of_the_room(browser: Any, shipped_app: Any) -> None:
    """Issue #12: at 1920×1080 the stop's heading is at least 48 px and its text 32 px."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        page.goto(f"{shipped_app.url}/present?tour=featured&stop=2")
        title = page.locator("#tour-title")
        expect(title).to_be_visible(timeout=60_000)
        sizes = page.evaluate(
            """() => ['#tour-title', '#tour-caption'].map(
                 s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"""
        )
        assert sizes[0] >= 48 and sizes[1] >= 32, sizes
    finally:
        context.close()
