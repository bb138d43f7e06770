"""The fast path in a real browser: a filter change updates the map in place.

No timing here (speed is measured by ``bench/``): this checks that what makes the map fast does
not break it — the Leaflet map is updated in place (not reloaded, view kept, no script fetched
again). Large maps, drawn from vector tiles, are tested in test_tiles_map.py.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

import pytest

from ninohe_geo.model.catalog import load_catalog

from .conftest import REPO
from .helpers import map_frame, wait_for_count, wait_for_features

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
