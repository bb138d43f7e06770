"""Hostile data in a real browser: names that try to run script render as text; bad files are
reported and the rest of the app keeps working."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import map_frame, wait_for_features

pytestmark = pytest.mark.browser

HOSTILE = {
    "xss-img": "<img src=x onerror=alert(1)>",
    "xss-template": "${alert(1)}",
    "xss-script": "</script><script>alert(1)</script>",
    # folium/branca render script output through Jinja a second time: template code in data
    # must come out as text, not be evaluated ("49") or break the map.
    "xss-jinja": "{{ 7*7 }} {% raw %} {# c",
}
# hostile.geojson has 4 features; broken/bad-features.geojson has one good feature.
LOADED = 5


def test_hostile_names_render_as_text_on_hover_and_click(page: Any, hostile_app: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_app.url)
    frame = map_frame(page)
    wait_for_features(frame, LOADED)
    for fid, name in HOSTILE.items():
        target = frame.locator(f"[data-feature-id='{fid}']")
        target.dispatch_event("mouseover")
        frame.wait_for_function(
            "name => [...document.querySelectorAll('.leaflet-tooltip')]"
            ".some(t => t.textContent.includes(name))",
            arg=name,
        )
        target.dispatch_event("mouseout")
        target.dispatch_event("click")
        page.locator("h3").filter(has_text=name).first.wait_for()
    assert dialogs == []
    # No element was created from data: no <img src=x> in the page or the map.
    expect(page.locator("img[src='x']")).to_have_count(0)
    expect(frame.locator("img[src='x']")).to_have_count(0)
    # Nothing ran: a script from data would have defined nothing, but alert would have fired.
    assert page.evaluate("() => typeof window.__xss") == "undefined"


def test_bad_files_are_reported_and_the_rest_is_shown(page: Any, hostile_app: Any) -> None:
    page.goto(hostile_app.url)
    frame = map_frame(page)
    wait_for_features(frame, LOADED)
    # The report is drawn by its own part of the page, maybe after the map: retry each check.
    text = page.locator("[data-testid='stMainBlockContainer']")
    expect(text).to_contain_text("not-json.geojson", use_inner_text=True)
    expect(text).to_contain_text("unknown measure 'P9-99'", use_inner_text=True)
    expect(text).to_contain_text("bowtie", use_inner_text=True)
    expect(text).to_contain_text("Self-intersection", use_inner_text=True)
    expect(text).to_contain_text("no-source", use_inner_text=True)
    expect(text).to_contain_text("missing field 'source'", use_inner_text=True)
