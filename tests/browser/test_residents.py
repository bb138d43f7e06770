"""The residents' page of the app (dashboard/views/residents.py) in a real browser at phone size.

A resident's path: open /residents at 360×640, find 九戸城跡 by typing くのへ, read its status,
switch to English; "near me" with a granted location; gesture handling, tap targets, no sideways
scrolling, and axe on the page and inside the map's iframe.

Issue #12 at 360×640: the map zooms to a search result and to a chosen 地区; filtered results
come directly below the search box (the full list only when nothing is asked); the search
answers while typing (no Enter); the 23 numbered marks never hide each other — each is its own
44 px target or counted in a 44 px badge that zooms in when tapped.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.model.schema import STATUSES, choice
from ninohe_geo.query.shelters import nearest_sites

from .axe import axe_violations, describe
from .helpers import MAP_IFRAME, empty_spot, settle
from .phone import MIN_TAP, PHONE, one_finger_drag_warns, scrolls_sideways, small_tap_targets

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
COUNT = "#res-count"
SEARCH = "名前で探す（漢字・かな・ローマ字）"
#: A blank 1×1 PNG for every background tile: the resident is online (no "tiles unavailable"
#: notice over the map's corner), and the test still never leaves the machine.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
MARKS = ".leaflet-marker-icon.ninohe-mark"
BADGES = ".ninohe-res-cluster"
TILES = re.compile(r"cyberjapandata\.gsi\.go\.jp|tile\.openstreetmap\.org")


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


#: What 「くのへ」 finds in the shipped data: 九戸城跡, its phase-2 works and the guide house.
KUNOHE = 3


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
    box = page.get_by_label(SEARCH)
    box.fill("くのへ")  # no Enter: the search answers by itself
    _wait_count(page, KUNOHE)
    castle = shipped.features.loc["kunohe-castle-ruins"]
    status = choice(STATUSES, castle["status"])
    card = page.locator(".st-key-res-card-kunohe-castle-ruins")
    # The count can be drawn before the cards: each check retries until its card is there.
    expect(card.get_by_role("heading").first).to_contain_text(
        castle["name_ja"], use_inner_text=True
    )
    expect(card).to_contain_text(status.ja, use_inner_text=True)
    frame.wait_for_function(
        "n => document.querySelectorAll('[data-feature-id]').length === n", arg=KUNOHE
    )
    assert not scrolls_sideways(page)

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Ninohe's plan, near you").wait_for()
    _wait_count(page, KUNOHE)  # the search is kept across the switch
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
    page.goto(shipped_app.url + "/residents?q=くのへ")
    frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
    mark = frame.locator(".ninohe-mark[data-feature-id='kunohe-castle-ruins']")
    mark.scroll_into_view_if_needed()
    mark.tap()
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
        name = "<img src=x onerror=alert(1)>"
        mark = frame.locator("[data-feature-id='xss-img']")
        # Gathered into a badge at this zoom: the name is in the badge's label, as text; a tap
        # zooms in until the mark stands alone.
        for _ in range(5):
            frame.locator(f"{MARKS}, {BADGES}").first.wait_for(state="attached")
            badge = frame.locator(f"{BADGES}[data-cluster-ids~='xss-img']")
            if not badge.count():
                break
            expect(badge).to_have_attribute("title", re.compile(re.escape(name)))
            badge.click()
            expect(badge).to_have_count(0)
        mark.dispatch_event("mouseover")
        # (The tap left the pointer over another mark, whose tooltip may be open too.)
        expect(frame.locator(".leaflet-tooltip").filter(has_text=name)).to_have_count(1)
        expect(page.locator(".stMain")).to_contain_text(
            "<img src=x onerror=alert(1)>", use_inner_text=True
        )
        expect(page.locator(".stMain img[src='x']")).to_have_count(0)
        expect(frame.locator("img[src='x']")).to_have_count(0)
        assert dialogs == []
    finally:
        context.close()


# ---- issue #12: zoom to what is found, results first, search while typing, marks apart ----

_VIEW = """() => { const m = window.map; if (!m) return null; const b = m.getBounds();
  return {zoom: m.getZoom(), south: b.getSouth(), west: b.getWest(), north: b.getNorth(),
          east: b.getEast()}; }"""
_SHOWS = """([lat, lon, minZoom]) => { const m = window.map;
  return !!m && m.getZoom() >= minZoom && m.getBounds().contains([lat, lon]); }"""
_HIDES = """([lat, lon]) => !!window.map && !window.map.getBounds().contains([lat, lon])"""


def _online(page: Any) -> None:
    page.context.route(TILES, lambda route: route.fulfill(body=BLANK_PNG, content_type="image/png"))


def _point(shipped: Catalog, fid: str) -> tuple[float, float]:
    geom = shipped.features.loc[fid].geometry
    return float(geom.y), float(geom.x)


def test_search_answers_while_typing_and_zooms_to_the_result(
    phone: Any, shipped_app: Any, shipped: Catalog
) -> None:
    page = phone
    frame = _open(page, shipped_app.url)
    _wait_count(page, len(shipped.features))
    start = frame.evaluate(_VIEW)
    box = page.get_by_label(SEARCH)
    box.press_sequentially("くのへ", delay=50)  # typed, never Enter nor leaving the box
    _wait_count(page, KUNOHE)
    expect(box).to_be_focused()
    lat, lon = _point(shipped, "kunohe-castle-ruins")
    # The whole city is zoom 10 at this size: the map comes in to the castle.
    frame.wait_for_function(_SHOWS, arg=[lat, lon, start["zoom"] + 3])
    frame.wait_for_function(_HIDES, arg=list(_point(shipped, "joboji-branch-office")))
    expect(frame.locator(".ninohe-mark[data-feature-id='kunohe-castle-ruins']")).to_be_visible()
    # Cleared, the map shows the whole city again.
    box.fill("")
    _wait_count(page, len(shipped.features))
    frame.wait_for_function("z => !!window.map && window.map.getZoom() === z", arg=start["zoom"])


def test_choosing_an_area_zooms_the_map_to_it(
    phone: Any, shipped_app: Any, shipped: Catalog
) -> None:
    page = phone
    frame = _open(page, shipped_app.url)
    _wait_count(page, len(shipped.features))
    start = frame.evaluate(_VIEW)
    page.get_by_role("combobox", name="地区").click()
    page.get_by_role("option", name="浄法寺").click()
    page.get_by_text("浄法寺総合支所からの距離").wait_for()
    lat, lon = _point(shipped, "joboji-branch-office")
    frame.wait_for_function(_SHOWS, arg=[lat, lon, start["zoom"] + 2])
    # 二戸駅, 20 km away, is no longer in the view: the map shows 浄法寺, not the city.
    frame.wait_for_function(_HIDES, arg=list(_point(shipped, "ninohe-station")))
    expect(page).to_have_url(re.compile("area=joboji"))


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return box  # type: ignore[no-any-return]


def test_filtered_results_come_directly_below_the_search_box(
    phone: Any, shipped_app: Any, shipped: Catalog
) -> None:
    page = phone
    _open(page, shipped_app.url)
    _wait_count(page, len(shipped.features))
    everything = page.get_by_role("heading", name="すべての取り組み（計画の順）")
    map_frame = page.locator(MAP_IFRAME)
    # Nothing asked: the map, then every project under 「すべての取り組み」.
    expect(everything).to_be_visible()
    assert _box(everything)["y"] > _box(map_frame)["y"]

    box = page.get_by_label(SEARCH)
    box.fill("くのへ")
    box.press("Enter")  # (this test is about the layout; typing alone is tested above)
    _wait_count(page, KUNOHE)
    card = page.locator("[class*='st-key-res-card-']").first  # the first result
    expect(card).to_be_visible()
    expect(everything).to_have_count(0)
    gap = _box(card)["y"] - (_box(box)["y"] + _box(box)["height"])
    # Only the count line and the results heading between the box and the first result, and
    # the result above the map (before: under the map and the whole list, two screens down).
    assert 0 < gap < 160, gap
    assert _box(card)["y"] < _box(map_frame)["y"]
    # Typed, the result is on the first screen below the box.
    assert _box(card)["y"] < PHONE["height"] + _box(box)["y"]

    # An area: its nearest projects directly below the area's controls, above the map.
    box.fill("")
    _wait_count(page, len(shipped.features))
    page.get_by_role("combobox", name="地区").click()
    page.get_by_role("option", name="浄法寺").click()
    near = page.get_by_role("heading", name="近くの取り組み（近い順）")
    expect(near).to_be_visible()
    expect(everything).to_have_count(0)
    nearest = page.locator("[class*='st-key-res-card-']").first
    expect(nearest.get_by_role("heading").first).to_have_text(
        re.compile(r"浄法寺"), use_inner_text=True
    )
    assert _box(near)["y"] < _box(map_frame)["y"]


_TARGETS = """() => {
  const size = window.map.getSize();
  const inside = (r) => r.left >= 0 && r.top >= 0 && r.right <= size.x && r.bottom <= size.y;
  const controls = [...document.querySelectorAll('.leaflet-control')]
    .map((c) => c.getBoundingClientRect());
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom
                          && b.top < a.bottom;
  const out = [];
  document.querySelectorAll('.leaflet-marker-icon.ninohe-mark, .ninohe-res-cluster')
    .forEach((el) => {
      const r = el.getBoundingClientRect();
      // Beyond the edge or under a control: reached by panning, like any map's edge.
      if (!inside(r) || controls.some((c) => meets(r, c))) { return; }
      const ids = el.dataset.clusterIds ? el.dataset.clusterIds.split(' ')
                                        : [el.getAttribute('data-feature-id')];
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      const top = hit && hit.closest('.ninohe-res-cluster, .leaflet-marker-icon');
      out.push({ids: ids, cluster: !!el.dataset.clusterIds, x: r.left, y: r.top,
                w: r.width, h: r.height, onTop: top === el || (!!top && top.contains(el)),
                hit: hit ? hit.tagName + '.' + hit.className : null});
    });
  return out;
}"""


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        a["x"] < b["x"] + b["w"] - 0.5
        and b["x"] < a["x"] + a["w"] - 0.5
        and a["y"] < b["y"] + b["h"] - 0.5
        and b["y"] < a["y"] + a["h"] - 0.5
    )


def _check_targets(frame: Any) -> list[dict[str, Any]]:
    """The marks and badges in the map's free area (inside its edges, clear of its controls):
    each 44 px, on top where it is, none overlapping another; returned for the caller."""
    targets: list[dict[str, Any]] = frame.evaluate(_TARGETS)
    for t in targets:
        assert t["w"] >= MIN_TAP - 0.5 and t["h"] >= MIN_TAP - 0.5, t
        assert t["onTop"], f"{t['ids']} covered by {t['hit']}"
    for i, a in enumerate(targets):
        for b in targets[i + 1 :]:
            assert not _overlaps(a, b), (a["ids"], b["ids"])
    return targets


def _explore(frame: Any, seen: set[str], depth: int = 0) -> None:
    """Record every mark standing alone in view; tap each badge, look, and come back."""
    assert depth < 8, "badges kept gathering the same marks"
    targets = _check_targets(frame)
    seen.update(t["ids"][0] for t in targets if not t["cluster"])
    view = frame.evaluate("() => [window.map.getCenter(), window.map.getZoom()]")
    for badge in [t for t in targets if t["cluster"]]:
        ids = " ".join(badge["ids"])
        frame.locator(f".ninohe-res-cluster[data-cluster-ids='{ids}']").click()
        frame.wait_for_function("z => window.map.getZoom() > z", arg=view[1])
        frame.wait_for_function(  # the badge's marks are drawn again at the new zoom
            "() => !window.map._animatingZoom && !document.querySelector("
            "`.ninohe-res-cluster[data-cluster-ids='" + ids + "']`)"
        )
        _explore(frame, seen, depth + 1)
        frame.evaluate("([c, z]) => window.map.setView(c, z, {animate: false})", [view[0], view[1]])
        frame.locator(f".ninohe-res-cluster[data-cluster-ids='{ids}']").wait_for()


def test_numbered_marks_never_hide_each_other(
    phone: Any, shipped_app: Any, shipped: Catalog
) -> None:
    """At 360×640 the 23 marks fell on three spots. Every mark is its own 44 px target, or is
    counted in a 44 px badge; no two overlap, none is under a control; tapping badges reaches
    every single mark, which stands on top at its place."""
    page = phone
    _online(page)
    frame = _open(page, shipped_app.url)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    points = set(shipped.features.index[shipped.features.geometry.geom_type == "Point"])
    frame.wait_for_selector(f"{MARKS}, {BADGES}")
    targets = _check_targets(frame)
    # Everything is accounted for on the first view: alone or counted, once each.
    counted = [fid for t in targets for fid in t["ids"]]
    assert sorted(counted) == sorted(points)
    badge = frame.locator(".ninohe-res-cluster").first
    expect(badge).to_have_attribute("aria-label", re.compile(r"^この付近の取り組み \d+件："))
    seen: set[str] = set()
    _explore(frame, seen)
    assert seen == points


#: 二戸市役所 (FACTS.md): the map is zoomed in around it, where designated sites are close.
CITY_HALL = (40.27125, 141.30478)
SITE_HITS = ".ninohe-site-hit"


def test_tapping_the_map_finds_the_nearest_flood_shelters(
    phone: Any, shipped_app: Any, shipped: Catalog
) -> None:
    page = phone
    frame = _open(page, shipped_app.url)
    page.get_by_text("地図をタップするか").wait_for()  # nothing asked yet: how to ask
    spot = empty_spot(frame, "map", *CITY_HALL, 15)
    frame.locator(".leaflet-container").tap(position={"x": spot["x"], "y": spot["y"]})
    # Below the map, the sites Python ranks nearest from that point for 洪水, in order,
    # each with its straight-line distance; numbered the same on the map.
    want = nearest_sites(shipped.reference, spot["lat"], spot["lon"], "flood", "ja")
    assert len(want) == 3
    heading = page.get_by_text("地図でタップした地点からいちばん近い指定緊急避難場所（洪水）")
    heading.wait_for()
    answer = page.locator(".st-key-res-shelters")
    items = answer.locator("ol li")
    expect(items).to_have_count(3)
    for item, hit in zip(items.all(), want, strict=True):
        expect(item).to_contain_text(hit.name, use_inner_text=True)
        expect(item).to_contain_text("約", use_inner_text=True)
    expect(answer).to_contain_text("直線距離", use_inner_text=True)
    frame = page.frame_locator(MAP_IFRAME)
    marks = frame.locator(SITE_HITS)
    expect(marks).to_have_count(3)
    assert [m.get_attribute("data-site-id") for m in marks.all()] == [h.id for h in want]
    expect(marks.first).to_have_attribute("aria-label", re.compile(r"^1\. " + want[0].name))
    # The cards are sorted from the tapped point, and the page says so.
    expect(page.locator(".stMain")).to_contain_text(
        "地図でタップした地点から近い順に並べています。", use_inner_text=True
    )
    # Another hazard, the same point: the answer follows.
    # (Scrolled to first: a menu opened by the click that scrolls the page closes as it scrolls.)
    choose = page.get_by_role("combobox", name="災害の種類")
    choose.scroll_into_view_if_needed()
    choose.tap()
    page.get_by_role("option", name="地震").tap()
    quake = nearest_sites(shipped.reference, spot["lat"], spot["lon"], "earthquake", "ja")
    page.get_by_text("地図でタップした地点からいちばん近い指定緊急避難場所（地震）").wait_for()
    expect(items.first).to_contain_text(quake[0].name, use_inner_text=True)
    # Cleared, the page asks again and the map's numbered squares are gone.
    page.get_by_role("button", name="タップした地点を消す").click()
    page.get_by_text("地図をタップするか").wait_for()
    expect(frame.locator(SITE_HITS)).to_have_count(0)


def test_a_resident_turns_on_the_landslide_overlay(phone: Any, shipped_app: Any) -> None:
    """Issue #13: the ハザードマップポータル overlays on the residents' map, folded on a phone."""
    requested: list[str] = []

    def tile(route: Any) -> None:
        requested.append(route.request.url)
        route.fulfill(body=BLANK_PNG, content_type="image/png")

    page = phone
    page.context.route(re.compile(r"disaportaldata\.gsi\.go\.jp"), tile)
    frame = _open(page, shipped_app.url)
    control = frame.locator(".ninohe-ref-control")
    toggle = control.locator(".leaflet-control-layers-toggle")
    expect(toggle).to_have_text("参考データ（公式）")
    assert requested == []
    toggle.scroll_into_view_if_needed()
    toggle.tap()
    control.get_by_text(
        "土砂災害警戒区域（土石流・急傾斜地・地すべり）（ハザードマップポータル）"
    ).tap()
    frame.wait_for_function("() => document.querySelectorAll('.ninohe-hazard-tiles img').length")
    kinds = {url.split("/raster/")[1].split("/")[0] for url in requested}
    assert kinds == {
        "05_dosekiryukeikaikuiki_data",
        "05_kyukeishakeikaikuiki_data",
        "05_jisuberikeikaikuiki_data",
    }
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text(
        "出典：ハザードマップポータルサイト"
    )
