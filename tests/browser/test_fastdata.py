"""A large catalogue in a real browser: its geometry file is fetched once, filter changes send a
bit mask, hidden features are neither drawn nor answered, and a missing file says so.

No timing here (``bench/`` measures speed): these tests check that the fast path is the one
taken and that it shows the right features.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from ninohe_geo.maps import mapview
from ninohe_geo.maps.assets import install_static
from ninohe_geo.model.catalog import load_catalog

from .conftest import REPO, AppServer, _serve
from .helpers import MAP_IFRAME, map_frame, serve_folder

#: Enough that one policy area alone is still above the canvas threshold.
N = 4 * mapview.CANVAS_THRESHOLD
#: The canvas layer on the map now (window.feature_group also keeps groups already removed).
LAYER_JS = "Object.values(window.map._layers).find(l => l instanceof window.ninoheGeo.FastFeatures)"
FETCHES_JS = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/app/static/data/fast-')).length"""


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    root = tmp_path_factory.mktemp("large-data") / "data"
    importlib.import_module("bench.dataset").write_dataset(root, N, REPO / "geodata")
    return root


@pytest.fixture(scope="module")
def large_app(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str, large: Any
) -> Iterator[AppServer]:
    yield from _serve(tmp_path_factory, "large", large)


def _canvas(frame: Any, count: int) -> Any:
    return frame.wait_for_selector(
        f"canvas.ninohe-fast[data-feature-count='{count}'][data-painted]", state="attached"
    )


def test_a_filter_change_sends_a_mask_over_the_file_fetched_once(
    page: Any, large_app: AppServer, large: Any
) -> None:
    cat = load_catalog(large)
    features = cat.features
    # The largest policy area: still drawn on the canvas when shown alone.
    pillar = cat.plan.pillars[int(features["pillar_index"].value_counts().idxmax())]
    p1 = features[features["pillar"] == pillar.id]
    assert len(p1) > mapview.CANVAS_THRESHOLD
    page.goto(large_app.url)
    frame = map_frame(page)
    _canvas(frame, len(features))
    assert frame.evaluate(FETCHES_JS) == 1
    assert frame.evaluate(f"() => {LAYER_JS}._geo.n") == len(features)
    frame.evaluate("() => { window.__probe = 'same map'; }")

    page.get_by_label("政策分野").first.click()
    page.get_by_role("option", name=re.compile(re.escape(pillar.short("ja")))).click()
    _canvas(frame, len(p1))
    page.keyboard.press("Escape")
    # Shown: exactly the P1 features; the others have no point to hover or click.
    shown = frame.evaluate(
        f"""() => {{ const l = {LAYER_JS}; const out = [];
        for (let i = 0; i < l._geo.n; i++) {{ if (l._shown(i)) out.push(l._geo.ids[i]); }}
        return out; }}"""
    )
    assert sorted(shown) == sorted(p1.index)
    hidden = features.index[features["pillar"] != pillar.id][0]
    assert frame.evaluate(f"id => {LAYER_JS}.pointOf(id)", hidden) is None
    assert frame.evaluate(f"id => {LAYER_JS}.pointOf(id)", p1.index[0]) is not None
    # The same map, the same file: nothing fetched again.
    assert frame.evaluate("() => window.__probe") == "same map"
    assert frame.evaluate(FETCHES_JS) == 1


def test_english_names_come_from_the_same_file(page: Any, large_app: AppServer, large: Any) -> None:
    features = load_catalog(large).features
    page.goto(large_app.url + "/?lang=en")
    # The map is mounted again once the English page is drawn: wait on the iframe as it ends up.
    canvas = f"canvas.ninohe-fast[data-feature-count='{len(features)}'][data-painted]"
    expect(page.frame_locator(MAP_IFRAME).locator(canvas)).to_have_count(1)
    frame = map_frame(page)
    first = features.index[0]
    name = frame.evaluate(
        f"id => {{ const l = {LAYER_JS}; return l._names[l._geo.ids.indexOf(id)]; }}", first
    )
    assert name == features.loc[first, "name_en"]


@pytest.fixture(scope="module")
def bare_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A page with Leaflet and our scripts only, from a loopback server (no data file)."""
    root = tmp_path_factory.mktemp("bare")
    install_static(root / "static")
    scripts = "".join(
        f'<script src="static/{p}"></script>'
        for p in (
            "vendor/leaflet/leaflet.js",
            "ninohe/ninohe-map.js",
            "ninohe/ninohe-fast.js",
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


def test_a_missing_file_says_so_on_the_map(page: Any, bare_page: str) -> None:
    page.goto(bare_page + "index.html")
    page.wait_for_function("() => !!(window.ninoheGeo && window.ninoheGeo.addFastDataset)")
    page.evaluate(
        """() => { const map = L.map('m').setView([40.27, 141.3], 11);
        const group = L.featureGroup().addTo(map);
        ninoheGeo.addFastDataset(group, {url: 'static/data/fast-missing.bin', mask: ''},
          {loadError: '地図のデータを読み込めませんでした。'}); }"""
    )
    expect(page.get_by_role("alert")).to_have_text("地図のデータを読み込めませんでした。")
    expect(page.locator("canvas.ninohe-fast")).to_have_attribute(
        "data-error", re.compile("HTTP 404")
    )
