"""The installed package's app, started with ``ninohe-geo app`` in an empty folder, draws the
shipped map in Chromium, and stopping the command stops the server (issue #10)."""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from package_support import SHIPPED_FEATURES, Installed
from package_support import installed_fixture as installed_fixture
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def running_app(installed: Installed) -> Iterator[str]:
    from ninohe_geo.ui.server import free_port

    port = free_port()
    log = installed.work / "app.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(installed.bin / "ninohe-geo"), "app", "--port", str(port),
             "--address", "127.0.0.1"],
            cwd=installed.work, env=installed.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        from ninohe_geo.ui.server import wait_healthy

        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, lambda: log.read_text(errors="replace"), 90)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # The command became the server (exec): once it is stopped, nothing answers any more.
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)


def test_the_app_starts_and_draws_the_map(
    installed: Installed, running_app: str, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(running_app, wait_until="domcontentloaded")
        frame = page.wait_for_selector(
            "iframe[title*='st_folium']", state="attached", timeout=60_000
        ).content_frame()
        assert frame is not None
        expect(frame.locator(".leaflet-interactive").first).to_be_attached(timeout=60_000)
        shown = f"表示中 {SHIPPED_FEATURES} / {SHIPPED_FEATURES} 件"
        expect(page.get_by_text(shown)).to_be_visible()
    finally:
        page.close()
    # The served files went to the cache folder, not into the package.
    static = Path(installed.env["NINOHE_GEO_CACHE"]) / "app" / "static"
    assert (static / "ninohe" / "ninohe-map.js").is_file()
