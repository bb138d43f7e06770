"""The planner's map in a real browser: layers drawn, filter, hover, click, language, plan links."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ninohe_geo.model.catalog import load_catalog

from .helpers import map_frame, wait_for_count, wait_for_features, wait_for_ids

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
#: A blank 1×1 PNG served for the hazard portal's tiles (the test never leaves the machine).
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load_catalog(REPO / "geodata")


def test_map_shows_every_shipped_feature_and_layer(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    total = len(shipped.features)
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, total)
    assert wait_for_ids(frame, shipped.features["id"]) == sorted(shipped.features["id"])
    wait_for_count(page, total, total)
    layers = set(shipped.features["layer"])
    assert {"kunohe-castle", "urushi", "disaster", "land-readjustment", "transit"} <= layers
    # The legend is drawn by the app, inside the map, with all four policy areas.
    legend = frame.locator(".ninohe-legend").first
    for pillar in shipped.plan.pillars:  # folded on this map: its text, not its rendering
        expect(legend).to_contain_text(pillar.short_ja)


def test_policy_filter_leaves_only_that_pillar(page: Any, shipped_app: Any, shipped: Any) -> None:
    total = len(shipped.features)
    p3 = sorted(shipped.features.loc[shipped.features["pillar"] == "P3", "id"])
    assert 0 < len(p3) < total
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, total)
    page.get_by_label("政策分野").first.click()
    page.get_by_role("option", name=re.compile("政策3")).click()
    page.keyboard.press("Escape")
    wait_for_count(page, len(p3), total)
    wait_for_features(frame, len(p3))
    assert wait_for_ids(frame, p3) == p3
    # The same mounted map was updated, not reloaded: the iframe is still the same one.
    expect(page.locator("iframe[title*='st_folium']")).to_have_count(1)


def test_hover_and_click_show_the_feature(page: Any, shipped_app: Any, shipped: Any) -> None:
    castle = shipped.features.loc["kunohe-castle-ruins"]
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, len(shipped.features))
    target = frame.locator("[data-feature-id='kunohe-castle-ruins']")
    target.dispatch_event("mouseover")
    tooltip = frame.locator(".leaflet-tooltip").first
    expect(tooltip).to_contain_text(castle["name_ja"], use_inner_text=True)
    target.dispatch_event("click")
    details = page.locator("[data-testid='stMainBlockContainer']")
    page.get_by_role("heading", name=castle["name_ja"]).wait_for()
    # The details stream in below the heading: each check retries until its text is there.
    plan = shipped.plan
    measure = plan.measure(castle["measure"])
    expect(details).to_contain_text(measure.name_ja, use_inner_text=True)
    expect(details).to_contain_text(plan.pillar_of(measure.id).name_ja, use_inner_text=True)
    expect(details).to_contain_text(castle["source"][:20], use_inner_text=True)
    for indicator in plan.pillar_of(measure.id).indicators:
        expect(details).to_contain_text(indicator.name_ja, use_inner_text=True)


def test_the_language_switch_shows_the_language_on_a_first_visit(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    """Opening the plain address: the map's first report reruns the page (centre and zoom go
    into the URL), and Japanese must still be the selected option after that rerun."""
    page.goto(shipped_app.url)
    wait_for_features(map_frame(page), len(shipped.features))
    expect(page).to_have_url(re.compile(r"zoom="))  # the map's rerun has happened
    expect(page.get_by_role("radio", name="日本語")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_role("radio", name="English")).to_have_attribute("aria-checked", "false")


def test_english_switch_changes_interface_and_content(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, len(shipped.features))
    page.get_by_role("radio", name="English").click()
    page.get_by_role("heading", name="Ninohe Comprehensive Plan Map").wait_for()
    expect(page).to_have_url(re.compile("lang=en"))
    frame = map_frame(page)
    frame.wait_for_function(
        "() => document.querySelector('.ninohe-legend')?.textContent.includes('Policy 1')"
    )
    frame.locator("[data-feature-id='kunohe-castle-ruins']").dispatch_event("mouseover")
    expect(frame.locator(".leaflet-tooltip").first).to_contain_text(
        shipped.features.loc["kunohe-castle-ruins", "name_en"], use_inner_text=True
    )


def test_plan_page_lists_every_measure_and_links_to_a_filtered_map(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    page.goto(f"{shipped_app.url}/plan")
    # The page streams in; the perspectives come last.
    page.get_by_role("heading", name=re.compile("新しい4つの視点")).wait_for()
    body = page.locator("[data-testid='stMainBlockContainer']")
    for measure in shipped.plan.measures:
        expect(body).to_contain_text(measure.name_ja, use_inner_text=True)
    expect(body).to_contain_text("行財政経営", use_inner_text=True)
    expect(body).to_contain_text("地図上の位置なし", use_inner_text=True)
    counts = shipped.count_by_measure()
    n = counts["P3-01"]
    page.get_by_role("link", name=re.compile("地図で見る")).first.wait_for()
    link = page.locator("a[href*='measure=P3-01']").first
    link.click()
    wait_for_count(page, n, len(shipped.features))
    frame = map_frame(page)
    wait_for_features(frame, n)
    expected = sorted(shipped.features.loc[shipped.features["measure"] == "P3-01", "id"])
    assert wait_for_ids(frame, expected) == expected


def test_filters_survive_a_language_switch_and_a_map_click(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    """Filter, switch language, click the map: the filter must still hold (it once came back
    empty, because Streamlit sends a multiselect's value as its translated labels)."""
    total = len(shipped.features)
    p3 = sorted(shipped.features.loc[shipped.features["pillar"] == "P3", "id"])
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, total)
    page.get_by_label("政策分野").first.click()
    page.get_by_role("option", name=re.compile("政策3")).click()
    page.keyboard.press("Escape")
    wait_for_count(page, len(p3), total)
    page.get_by_role("radio", name="English").click()
    page.get_by_role("heading", name="Ninohe Comprehensive Plan Map").wait_for()
    wait_for_count(page, len(p3), total)
    frame = map_frame(page)
    wait_for_features(frame, len(p3))
    frame.locator("[data-feature-id='kunohe-castle-ruins']").dispatch_event("click")
    page.get_by_role("heading", name="Kunohe Castle ruins").wait_for()
    wait_for_count(page, len(p3), total)
    wait_for_features(frame, len(p3))
    assert wait_for_ids(frame, p3) == p3
    expect(page.locator("[data-testid='stSidebar']")).to_contain_text(
        "Policy 3", use_inner_text=True
    )


def test_a_real_click_on_every_point_opens_that_features_details(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    """Issue #12: lines were drawn above points, and two features on one spot hid each other
    (a click on 二戸市役所 opened 九戸城跡; 防災拠点整備の検討 could never be clicked). A real
    mouse click at each point's place on screen must open that feature."""
    total = len(shipped.features)
    points = shipped.features[shipped.features.geometry.geom_type == "Point"]
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, total)
    missed = []
    for fid, name in zip(points["id"], points["name_ja"], strict=True):
        # Each click reruns the page and redraws the features: wait for a settled map first.
        wait_for_features(frame, total)
        target = frame.locator(f"[data-feature-id='{fid}']")
        expect(target).to_be_attached()
        box = target.bounding_box()
        assert box is not None, fid
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        heading = page.get_by_role("heading", name=name, exact=True)
        try:
            heading.wait_for(timeout=15_000)
        except Exception:
            missed.append(fid)
    assert missed == []


def test_the_legend_folds_away(page: Any, shipped_app: Any, shipped: Any) -> None:
    """Issue #12: the legend covered much of the map (40 % in English); it now folds."""
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, len(shipped.features))
    legend = frame.locator(".ninohe-legend details")
    # At 1400 px the map is narrower than 1100 px (even full width): the legend starts folded,
    # opens with one click on 凡例, and folds again.
    expect(legend).to_have_js_property("open", False)
    frame.locator(".ninohe-legend summary").click()
    expect(legend).to_have_js_property("open", True)
    expect(legend).to_contain_text(shipped.plan.pillars[0].short_ja, use_inner_text=True)
    frame.locator(".ninohe-legend summary").click()
    expect(legend).to_have_js_property("open", False)


def test_the_map_fills_the_row_until_something_is_selected(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    """Issue #12: at 1400 px the map was 548 px wide beside an empty details column, its bottom
    below the fold. Now it takes the row, and its bottom is on screen; a selection brings the
    details beside it without reloading the map (the same frame, the view kept)."""
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, len(shipped.features))
    iframe = page.locator("iframe[title*='st_folium']")
    main = page.locator("[data-testid='stMainBlockContainer']")
    full = iframe.bounding_box()
    row = main.bounding_box()
    assert full is not None and row is not None
    assert full["width"] > 0.9 * (row["width"] - 2 * 48), (full, row)
    assert full["y"] + full["height"] <= 900, full  # the whole map above the fold
    frame.locator("[data-feature-id='kunohe-castle-ruins']").dispatch_event("click")
    page.get_by_role("heading", name="九戸城跡").wait_for()
    page.wait_for_function(
        "w => document.querySelector(\"iframe[title*='st_folium']\").getBoundingClientRect()"
        ".width < w",
        arg=0.7 * full["width"],
    )
    assert not frame.is_detached()  # the map was not reloaded
    page.get_by_role("button", name="詳細を閉じる").click()
    page.wait_for_function(
        "w => document.querySelector(\"iframe[title*='st_folium']\").getBoundingClientRect()"
        ".width > w",
        arg=0.9 * full["width"],
    )
    assert not frame.is_detached()


def test_the_outline_and_the_aeds_are_drawn_as_reference(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    """Issue #13: the city outline and the city's 44 AEDs are on the planner's map, under the
    plan's points, each layer with its own toggle; a click on an AED shows its facts."""
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, len(shipped.features))
    expect(frame.locator(".leaflet-ninohe-outline-pane path").first).to_be_attached()
    frame.wait_for_function(
        "() => document.querySelectorAll('[data-ref-id^=\"da-aed-\"]').length === 44"
    )
    control = frame.locator(".ninohe-ref-control")
    expect(control).to_contain_text("AED設置箇所（オープンデータ）（44）")
    # The plan's points stay above the context.
    z = frame.evaluate(
        "() => [getComputedStyle(document.querySelector('.leaflet-ninohe-reference-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-ninohe-points-pane')).zIndex]"
    )
    assert int(z[0]) < int(z[1])
    frame.locator("[data-ref-id='da-aed-032131-2']").dispatch_event("click")
    expect(frame.locator(".ninohe-ref-popup")).to_contain_text("設置位置：事務室前公衆電話の横")
    # Folded to a button that names it; a hover opens it, and the toggle hides the AEDs.
    toggle = control.locator(".leaflet-control-layers-toggle")
    expect(toggle).to_have_text("参考データ（公式）")
    control.hover()
    control.get_by_text("AED設置箇所（オープンデータ）（44）").click()
    frame.wait_for_function(
        "() => document.querySelectorAll('[data-ref-id^=\"da-aed-\"]').length === 0"
    )


def test_a_hazard_overlay_is_off_until_turned_on_and_says_whose_it_is(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    """Issue #13: the ハザードマップポータル overlays sit in the reference control, off at first;
    turned on, the portal's tiles are drawn and the credit says it is not the city's map."""
    requested: list[str] = []

    def tile(route: Any) -> None:
        requested.append(route.request.url)
        route.fulfill(body=BLANK_PNG, content_type="image/png")

    page.context.route(re.compile(r"disaportaldata\.gsi\.go\.jp"), tile)
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, len(shipped.features))
    control = frame.locator(".ninohe-ref-control")
    flood = "洪水浸水想定区域（想定最大規模）（ハザードマップポータル）"
    expect(control).to_contain_text(flood)
    expect(control).to_contain_text(
        "土砂災害警戒区域（土石流・急傾斜地・地すべり）（ハザードマップポータル）"
    )
    assert frame.locator(".ninohe-hazard-tiles").count() == 0 and requested == []
    attribution = frame.locator(".leaflet-control-attribution")
    expect(attribution).not_to_contain_text("ハザードマップポータルサイト")
    control.hover()  # folded to a button until then
    control.get_by_text(flood).click()
    frame.wait_for_function("() => document.querySelectorAll('.ninohe-hazard-tiles img').length")
    assert requested and all("/01_flood_l2_shinsuishin_data/" in url for url in requested)
    expect(attribution).to_contain_text("出典：ハザードマップポータルサイト")
    expect(attribution).to_contain_text("二戸市のハザードマップではありません")
    # Under the plan's points: the overlay never hides a project.
    z = frame.evaluate(
        "() => [getComputedStyle(document.querySelector('.leaflet-ninohe-hazard-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-ninohe-points-pane')).zIndex]"
    )
    assert int(z[0]) < int(z[1])
    control.get_by_text(flood).click()
    expect(attribution).not_to_contain_text("ハザードマップポータルサイト")
