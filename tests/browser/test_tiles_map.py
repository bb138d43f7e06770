"""A large catalogue in a real browser, as PMTiles vector tiles: a filter change sends a bit
mask and repaints the tiles already fetched, hidden features are neither drawn nor answered,
tooltips and clicks name the right feature, and an archive that cannot be read says so.

No timing here (``bench/`` measures speed): these tests check that the tiled path is the one
taken and that it shows the right features.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from ninohe_geo.maps import mapview
from ninohe_geo.maps.assets import install_static
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.store import Identity
from ninohe_geo.store.accounts import AccountStore

from .conftest import REPO, AppServer, _serve
from .helpers import MAP_IFRAME, map_frame, serve_folder

#: Enough that one policy area alone is still above the canvas threshold.
N = 4 * mapview.CANVAS_THRESHOLD
#: The tile layer on the map now (window.feature_group also keeps groups already removed).
LAYER_JS = "Object.values(window.map._layers).find(l => l.ninoheState)"
FETCHES_JS = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/app/static/tiles/')).length"""
NAMES_JS = f"async () => (await fetch({LAYER_JS}.ninoheNames)).json()"
PASSWORD = "a long enough password"
#: Every English name starts with markup that would run if it ever reached the page as HTML.
HOSTILE = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    root = tmp_path_factory.mktemp("large-data") / "data"
    importlib.import_module("bench.dataset").write_dataset(root, N, REPO / "geodata")
    for layer in (root / "layers").glob("*.geojson"):
        doc = json.loads(layer.read_text("utf-8"))
        for feature in doc["features"]:
            feature["properties"]["name_en"] = HOSTILE + feature["properties"]["name_en"]
        layer.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    AccountStore(root / "users.json").add(Identity("setup", "admin"), "sato", "editor", PASSWORD)
    return root


@pytest.fixture(scope="module")
def large_app(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str, large: Any
) -> Iterator[AppServer]:
    yield from _serve(tmp_path_factory, "large", large)


def _tiles(frame: Any, count: int) -> Any:
    return frame.wait_for_selector(
        f".ninohe-tiles[data-feature-count='{count}'][data-painted]", state="attached"
    )


def _zoom_to(frame: Any, lat: float, lon: float, zoom: int) -> None:
    frame.evaluate(
        """([lat, lon, z]) => new Promise(r => { window.map.once('moveend', r);
        window.map.setView([lat, lon], z, {animate: false}); })""",
        [lat, lon, zoom],
    )


def _pick(frame: Any, lat: float, lon: float) -> int:
    """The shown feature the tile layer answers with at a place, once its tiles are in."""
    frame.wait_for_function(
        f"""([lat, lon]) => {{ const l = {LAYER_JS};
        return l && l.getContainer() && l.getContainer().hasAttribute('data-painted'); }}""",
        arg=[lat, lon],
    )
    found: int = frame.evaluate(f"([lat, lon]) => {LAYER_JS}.pickAt(lat, lon)", [lat, lon])
    return found


def test_a_filter_change_sends_a_mask_and_fetches_no_tile_again(
    page: Any, large_app: AppServer, large: Any
) -> None:
    cat = load_catalog(large)
    features = cat.features
    # The largest policy area: still drawn from the tiles when shown alone.
    pillar = cat.plan.pillars[int(features["pillar_index"].value_counts().idxmax())]
    p1 = features[features["pillar"] == pillar.id]
    assert len(p1) > mapview.CANVAS_THRESHOLD
    page.goto(large_app.url)
    frame = map_frame(page)
    _tiles(frame, len(features))
    expect(frame.locator("[data-feature-id]")).to_have_count(0)  # no per-feature elements
    fetched = frame.evaluate(FETCHES_JS)
    assert fetched >= 1
    frame.evaluate("() => { window.__probe = 'same map'; }")

    page.get_by_label("政策分野").first.click()
    page.get_by_role("option", name=re.compile(re.escape(pillar.short("ja")))).click()
    _tiles(frame, len(p1))
    page.keyboard.press("Escape")
    # Shown: exactly the P1 features (the mask, in the names file's order).
    names = frame.evaluate(NAMES_JS)
    shown = frame.evaluate(
        f"""(n) => {{ const l = {LAYER_JS}; const out = [];
        for (let i = 0; i < n; i++) {{ if (l.shown(i)) out.push(i); }} return out; }}""",
        len(names["ids"]),
    )
    assert sorted(names["ids"][i] for i in shown) == sorted(p1.index)
    # A hidden point is not answered; a shown one is.
    points = features[features.geom_type == "Point"]
    hidden = points[points["pillar"] != pillar.id].iloc[0]
    _zoom_to(frame, hidden.geometry.y, hidden.geometry.x, 17)
    hit = _pick(frame, hidden.geometry.y, hidden.geometry.x)
    assert hit == -1 or (names["ids"][hit] != hidden["id"] and names["ids"][hit] in p1.index)
    visible = points[points["pillar"] == pillar.id].iloc[0]
    _zoom_to(frame, visible.geometry.y, visible.geometry.x, 17)
    hit = _pick(frame, visible.geometry.y, visible.geometry.x)
    assert hit >= 0 and names["ids"][hit] in p1.index
    # The same map: the filter change fetched no tile (zooming in fetched new ones since).
    assert frame.evaluate("() => window.__probe") == "same map"


def test_the_filter_change_itself_repaints_from_the_tiles_in_hand(
    page: Any, large_app: AppServer, large: Any
) -> None:
    cat = load_catalog(large)
    pillar = cat.plan.pillars[int(cat.features["pillar_index"].value_counts().idxmax())]
    p1 = cat.features[cat.features["pillar"] == pillar.id]
    page.goto(large_app.url)
    frame = map_frame(page)
    _tiles(frame, len(cat.features))
    fetched = frame.evaluate(FETCHES_JS)
    page.get_by_label("政策分野").first.click()
    page.get_by_role("option", name=re.compile(re.escape(pillar.short("ja")))).click()
    _tiles(frame, len(p1))
    assert frame.evaluate(FETCHES_JS) == fetched


def test_tooltip_and_click_name_the_feature_in_english(
    page: Any, large_app: AppServer, large: Any
) -> None:
    features = load_catalog(large).features
    page.goto(large_app.url + "/?lang=en")
    # The map is mounted again once the English page is drawn: wait on the iframe as it ends up.
    tiles = f".ninohe-tiles[data-feature-count='{len(features)}'][data-painted]"
    expect(page.frame_locator(MAP_IFRAME).locator(tiles)).to_have_count(1)
    frame = map_frame(page)
    names = frame.evaluate(NAMES_JS)
    target = features[features.geom_type == "Point"].iloc[0]
    _zoom_to(frame, target.geometry.y, target.geometry.x, 17)
    hit = _pick(frame, target.geometry.y, target.geometry.x)
    assert hit >= 0
    name = names["names_en"][hit]
    assert name == features.loc[names["ids"][hit], "name_en"] and name.startswith(HOSTILE)
    point = frame.evaluate(
        "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
        " return {x: p.x, y: p.y}; }",
        [target.geometry.y, target.geometry.x],
    )
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = frame.locator(".leaflet-tooltip .ninohe-tooltip-name").first
    # The name is shown as text: its markup is neither an element nor run.
    expect(tooltip).to_have_text(re.compile(f"^{re.escape(name)}$"), use_inner_text=True)
    assert tooltip.locator("img").count() == 0
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.get_by_role("heading", name=name).wait_for()
    assert frame.evaluate("() => window.__xss") is None
    assert page.evaluate("() => window.__xss") is None


def test_the_editing_page_draws_the_catalogue_from_the_same_tiles_and_drawing_works(
    page: Any, large_app: AppServer, large: Any
) -> None:
    """The editing page's context map reads the map page's archive (no geometry in the page),
    and Leaflet.draw still gets its clicks through the tile layer."""
    cat = load_catalog(large)
    page.goto(f"{large_app.url}/edit")
    page.get_by_label("アカウント名").wait_for(timeout=60_000)
    page.get_by_label("アカウント名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.get_by_text("sato（editor）としてサインイン中").wait_for()
    frame = map_frame(page)
    _tiles(frame, len(cat.features))
    assert frame.evaluate(FETCHES_JS) > 0  # the tiles came from the app's static archive
    frame.wait_for_selector(".leaflet-draw-draw-marker").click()
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    frame.locator(".leaflet-container").click(
        position={"x": box["width"] * 0.55, "y": box["height"] * 0.45}
    )
    page.get_by_text("描いた形: 点").wait_for()


@pytest.fixture(scope="module")
def bare_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A page with Leaflet and our scripts only, from a loopback server (no archive)."""
    root = tmp_path_factory.mktemp("bare")
    install_static(root / "static")
    scripts = "".join(
        f'<script src="static/{p}"></script>'
        for p in (
            "vendor/leaflet/leaflet.js",
            "ninohe/ninohe-map.js",
            "vendor/protomaps-leaflet/protomaps-leaflet.js",
            "ninohe/ninohe-tiles.js",
        )
    )
    (root / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="static/vendor/leaflet/leaflet.css">'
        '<link rel="stylesheet" href="static/ninohe/ninohe-map.css">'
        f'</head><body><div id="m" style="height:400px"></div>{scripts}</body></html>',
        encoding="utf-8",
    )
    with serve_folder(root) as url:
        yield url


def test_a_missing_archive_says_so_on_the_map(page: Any, bare_page: str) -> None:
    page.goto(bare_page + "index.html")
    page.wait_for_function("() => !!(window.ninoheGeo && window.ninoheGeo.addTileDataset)")
    page.evaluate(
        """() => { const map = L.map('m').setView([40.27, 141.3], 11);
        const group = L.featureGroup().addTo(map);
        ninoheGeo.addTileDataset(group, {url: 'static/tiles/plan-missing.pmtiles',
          names: 'static/tiles/plan-missing.json', mask: '', count: 0, maxZoom: 13},
          {loadError: '地図のデータを読み込めませんでした。'}); }"""
    )
    expect(page.get_by_role("alert")).to_have_text("地図のデータを読み込めませんでした。")
    expect(page.locator(".ninohe-tiles")).to_have_attribute("data-error", re.compile("404"))
