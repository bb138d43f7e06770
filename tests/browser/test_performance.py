"""The fast paths in a real browser: a filter change keeps the map; the canvas layer answers.

No timing here (speed is measured by ``bench/``): these tests check that what makes the map fast
does not break it — the Leaflet map is updated in place (not reloaded, view kept), and the
canvas layer used above ``mapview.CANVAS_THRESHOLD`` still gives tooltips, clicks → details,
and a dense view drawn as dots.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from ninohe_geo.maps import fastpayload, lod, mapview
from ninohe_geo.maps.assets import install_static
from ninohe_geo.maps.style import style_json
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.plan import load_plan

from .conftest import REPO, AppServer, _serve
from .helpers import map_frame, serve_folder, wait_for_count, wait_for_features

#: More than CANVAS_THRESHOLD, few enough to load in a second.
BIG_N = mapview.CANVAS_THRESHOLD + 500

VIEW_JS = """() => { const m = window.map; const p = m.project(m.getCenter(), m.getZoom());
  return [Math.round(p.x), Math.round(p.y), m.getZoom()]; }"""
LAYER_JS = "window.feature_group[0].getLayers()[0]"


def _bench(module: str) -> Any:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module(module)


@pytest.fixture(scope="module")
def big_app(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[AppServer]:
    """The app on BIG_N synthetic features (the benchmark's generator, as data files)."""
    root = tmp_path_factory.mktemp("big-data") / "data"
    _bench("bench.dataset").write_dataset(root, BIG_N, REPO / "geodata")
    yield from _serve(tmp_path_factory, "big", root)


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load_catalog(REPO / "geodata")


def test_filter_change_keeps_the_leaflet_map_and_the_view(
    page: Any, shipped_app: Any, shipped: Any
) -> None:
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, len(shipped.features))
    # Move the view away from the initial framing, so that a reset would show.
    frame.evaluate(
        "() => new Promise(r => { window.map.once('moveend', r);"
        " window.map.setView(window.map.getCenter(), window.map.getZoom() + 1,"
        " {animate: false}); })"
    )
    frame.evaluate("() => { window.__probe = 'same map'; }")
    view = frame.evaluate(VIEW_JS)
    leaflet_scripts = frame.evaluate("() => performance.getEntriesByType('resource').length")

    page.get_by_label("政策分野").first.click()
    page.get_by_role("option", name=re.compile("政策3")).click()
    p3 = int((shipped.features["pillar"] == "P3").sum())
    wait_for_count(page, p3, len(shipped.features))
    wait_for_features(frame, p3)

    assert frame.evaluate("() => window.__probe") == "same map"
    assert frame.evaluate(VIEW_JS) == view
    # Leaflet and our scripts were not fetched again.
    assert frame.evaluate("() => performance.getEntriesByType('resource').length") == (
        leaflet_scripts
    )


def _hit_point(frame: Any) -> tuple[str, dict[str, float]]:
    """A feature id and the container point where the canvas layer answers with it."""
    found: list[Any] = frame.evaluate(
        f"""() => {{ const l = {LAYER_JS};
        for (let i = 0; i < l._geo.ids.length; i++) {{
          const id = l._geo.ids[i], p = l.pointOf(id);
          const size = l._map.getSize();
          if (p && p.x > 40 && p.y > 40 && p.x < size.x - 40 && p.y < size.y - 40 &&
              l._geo.ids[l.hitTest(p)] === id) {{ return [id, {{x: p.x, y: p.y}}]; }}
        }}
        return null; }}"""
    )
    assert found, "no feature can be hit on the canvas layer"
    return found[0], found[1]


def test_large_map_tooltip_and_click_show_the_details(page: Any, big_app: AppServer) -> None:
    page.goto(big_app.url)
    frame = map_frame(page)
    frame.wait_for_selector(f"canvas.ninohe-fast[data-feature-count='{BIG_N}']", state="attached")
    expect(frame.locator("[data-feature-id]")).to_have_count(0)  # no per-feature elements
    # Zoom in on the middle so that features are apart, then find one to point at.
    frame.evaluate(
        "() => new Promise(r => { window.map.once('moveend', r);"
        " window.map.setView([40.26, 141.27], 15, {animate: false}); })"
    )
    fid, point = _hit_point(frame)
    name = frame.evaluate(
        f"id => {{ const l = {LAYER_JS}; return l._names[l._geo.ids.indexOf(id)]; }}", fid
    )
    box = page.locator("iframe[title*='st_folium']").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = frame.locator(".leaflet-tooltip .ninohe-tooltip-name").first
    expect(tooltip).to_have_text(re.compile(f"^{re.escape(name)}$"), use_inner_text=True)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.get_by_role("heading", name=name).wait_for()


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone page with Leaflet and our scripts, served from a loopback HTTP server."""
    root = tmp_path_factory.mktemp("site")
    install_static(root / "static")
    plan = load_plan(REPO / "geodata" / "plan.yaml")
    frame = _bench("bench.synthetic").make_frame(300, "mixed", plan, seed=5)
    frame["name_ja"] = "<img src=x onerror=window.__xss=1>"  # every name hostile
    m = mapview.standalone_map(frame, plan, "ja", static_url="static")
    (root / "index.html").write_text(m.get_root().render(), encoding="utf-8")
    payload = fastpayload.payload_json(frame, "ja", lod.for_zoom(11))
    (root / "payload.json").write_text(payload, encoding="utf-8")
    with serve_folder(root) as url:
        yield url


def test_dense_view_is_drawn_as_dots_and_still_answers(page: Any, static_site: str) -> None:
    page.goto(static_site + "index.html")
    page.wait_for_function("() => !!(window.ninoheGeo && window.ninoheGeo.addFastFeatures)")
    result = page.evaluate(
        """async (style) => {
          const data = await (await fetch('payload.json')).json();
          const map = Object.values(window).find(v => v instanceof L.Map);
          const group = L.featureGroup().addTo(map);
          const layer = ninoheGeo.addFastFeatures(group, data,
            {colors: ['#e69f00', '#0072b2', '#009e73', '#cc79a7'], style, shapeBudget: 10});
          const cv = document.querySelector('canvas.ninohe-fast');
          let clicked = null;
          layer.on('click', e => { clicked = e.layer.toGeoJSON().properties.id; });
          const id = data.ids[0], p = layer.pointOf(id);
          const hit = data.ids[layer.hitTest(p)];
          layer._onMapClick({containerPoint: p, latlng: map.containerPointToLatLng(p)});
          layer._onMapMove({containerPoint: p, latlng: map.containerPointToLatLng(p)});
          const tip = document.querySelector('.leaflet-tooltip .ninohe-tooltip-name');
          return {mode: cv.getAttribute('data-mode'), painted: cv.getAttribute('data-painted'),
                  hit, clicked, tip: tip && tip.textContent, tipHtml: tip && tip.innerHTML,
                  xss: window.__xss || 0, n: data.ids.length};
        }""",
        style_json(),
    )
    assert result["mode"] == "dots"
    assert int(result["painted"]) > 10
    assert result["hit"] is not None and result["clicked"] == result["hit"]
    # the hostile name is shown as text, never parsed as markup
    assert result["tip"] == "<img src=x onerror=window.__xss=1>"
    assert "<img" not in result["tipHtml"]
    assert result["xss"] == 0
