"""The fast paths in a real browser: a filter change keeps the map; the canvas layer answers.

No timing here (speed is measured by ``bench/``): these tests check that what makes the map fast
does not break it — the Leaflet map is updated in place (not reloaded, view kept), and the
canvas layer of large standalone pages still gives tooltips, clicks and a dense view drawn as
dots (the app's large maps, drawn from vector tiles, are tested in test_tiles_map.py).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from ninohe_geo.maps import fastpayload, lod, mapview
from ninohe_geo.maps.assets import install_static
from ninohe_geo.maps.style import style_json
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.plan import load_plan

from .conftest import REPO
from .helpers import map_frame, serve_folder, wait_for_count, wait_for_features

VIEW_JS = """() => { const m = window.map; const p = m.project(m.getCenter(), m.getZoom());
  return [Math.round(p.x), Math.round(p.y), m.getZoom()]; }"""


def _bench(module: str) -> Any:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module(module)


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
