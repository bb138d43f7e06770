"""With no internet, the map still works: every script and style comes from the app itself."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from tile_support import TileServer, png

from ninohe_geo.cli import main
from ninohe_geo.maps import tilepacks as tiles
from ninohe_geo.maps.tilesources import available_basemaps
from ninohe_geo.model.catalog import load_catalog

from .helpers import block_outside, map_frame, wait_for_features

pytestmark = pytest.mark.browser

TILE_HOSTS = {"cyberjapandata.gsi.go.jp", "tile.openstreetmap.org"}


def test_map_works_with_every_outside_request_blocked(page: Any, shipped_app: Any) -> None:
    total = len(load_catalog(shipped_app.data_dir).features)
    outside = block_outside(page)
    page.set_viewport_size({"width": 1280, "height": 860})  # a laptop or a projector
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, total)
    frame.wait_for_selector(".ninohe-legend")
    # Tiles are the only thing the map asks the internet for; it says so when they fail.
    frame.wait_for_selector(".ninohe-notice")
    # The notice leaves the zoom buttons free (it once covered "+" on a normal-width map).
    notice = frame.locator(".ninohe-notice").bounding_box()
    zoom_in = frame.locator(".leaflet-control-zoom-in").bounding_box()
    assert notice["x"] >= zoom_in["x"] + zoom_in["width"], (notice, zoom_in)
    assert outside, "expected tile requests to have been attempted"
    assert {urlparse(u).hostname for u in outside} <= TILE_HOSTS, outside


PACK = "ci-offline-pack"


def test_a_tile_pack_made_with_the_command_is_the_offline_base_map(
    page: Any, shipped_app: Any, tmp_path: Path
) -> None:
    """`ninohe-geo tiles pack` against a loopback tile server, then the app with every outside
    request blocked: the offline base map draws the saved tiles, and nothing else is asked."""
    server = TileServer()
    server.default = (200, {"Content-Type": "image/png"}, png(256, 256, seed=7))
    server.thread.start()
    out = tiles.tiles_root() / PACK
    try:
        code = main(
            ["tiles", "pack", "--zoom", "10-11", "--source", server.template(), "--out", str(out),
             "--rate", "20", "--attribution", "test tiles (loopback)"]
        )  # fmt: skip
        assert code == 0
        assert any(b.id == f"offline-{PACK}" for b in available_basemaps())
        outside = block_outside(page)
        asked = len(server.requests)
        page.goto(f"{shipped_app.url}/?basemap=offline-{PACK}")
        frame = map_frame(page)
        wait_for_features(frame, len(load_catalog(shipped_app.data_dir).features))
        frame.wait_for_function(
            """name => [...document.querySelectorAll('img.leaflet-tile')].some(img =>
              img.src.includes('/app/static/tiles/' + name + '/') && img.complete &&
              img.naturalWidth === 256)""",
            arg=PACK,
        )
        expect(frame.locator(".leaflet-control-attribution")).to_contain_text(
            "test tiles (loopback)"
        )
        expect(frame.locator(".ninohe-notice")).to_have_count(0)  # tiles are there
        assert outside == []  # not one request left the machine
        assert len(server.requests) == asked  # the app serves the pack itself
    finally:
        shutil.rmtree(out, ignore_errors=True)
        server.httpd.shutdown()
