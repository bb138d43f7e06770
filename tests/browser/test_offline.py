"""With no internet, the map still works: every script and style comes from the app itself."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from .helpers import map_frame, wait_for_features

pytestmark = pytest.mark.browser

TILE_HOSTS = {"cyberjapandata.gsi.go.jp", "tile.openstreetmap.org"}


def test_map_works_with_every_outside_request_blocked(page: Any, shipped_app: Any) -> None:
    from ninohe_geo.catalog import load_catalog

    total = len(load_catalog(shipped_app.data_dir).features)
    outside: list[str] = []

    def block(route: Any) -> None:
        host = urlparse(route.request.url).hostname or ""
        if host in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", block)
    page.goto(shipped_app.url)
    frame = map_frame(page)
    wait_for_features(frame, total)
    frame.wait_for_selector(".ninohe-legend")
    # Tiles are the only thing the map asks the internet for; it says so when they fail.
    frame.wait_for_selector(".ninohe-notice")
    assert outside, "expected tile requests to have been attempted"
    assert {urlparse(u).hostname for u in outside} <= TILE_HOSTS, outside
