"""The app itself under measurement: server time per filter change, and time to a drawn map.

    uv run python -m bench.app --data geodata                    # the shipped catalogue
    uv run python -m bench.app --synthetic 100000 --browser      # 100,000 features, Chromium

- **server time per filter change**: over Streamlit's websocket (the driver of
  :mod:`bench.load`), one visitor changes the policy filter ``--changes`` times, cycling through
  the four pillars and "all"; each change is timed from sending the rerun to the server's
  ``script_finished`` (the whole script, the map's new feature group included). Median and max.
- **drawn in Chromium** (``--browser``): Playwright drives the system Chromium on the same
  app; a filter change is timed from the click on the option to the map having drawn the new
  features (SVG elements, or the tile layer's ``data-painted``/``data-feature-count``), plus
  two animation frames. It also checks that the Leaflet map survived (a marker set on the
  iframe's window before is still there) and the view (centre, zoom) did not change.
- server memory (RSS from /proc) after start-up and at the end.

Bounded: a fixed number of changes, then the server it started is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.load import (
    REPO,
    Visit,
    _rerun,
    _until_finished,
    pillar_widget,
    rss_mb,
    start_server,
)
from ninohe_geo.ui.server import free_port

#: A drawn map: SVG features, or the vector tiles of a large catalogue with every tile in view
#: painted for a view of ``n`` features.
DRAWN_JS = """([n]) => {
  const svg = document.querySelectorAll('[data-feature-id]').length;
  const tiles = [...document.querySelectorAll('.ninohe-tiles[data-painted]')]
    .some(el => Number(el.getAttribute('data-feature-count')) === n);
  return svg === n || tiles;
}"""


@dataclass
class FilterTimes:
    """Server seconds per filter change, and which selections were made."""

    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median server time (s); NaN if nothing was measured."""
        return statistics.median(self.seconds) if self.seconds else float("nan")


async def filter_changes(port: int, changes: int, timeout: float = 120.0) -> FilterTimes:
    """One session; ``changes`` policy-filter changes, each timed send → script_finished."""
    out = FilterTimes()
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    visit = Visit()
    async with websockets.connect(url, max_size=None, ping_interval=None) as ws:
        await ws.send(_rerun())
        await _until_finished(ws, visit, time.monotonic(), timeout)
        pillar = pillar_widget(visit.widgets)
        if pillar is None:
            out.errors.append("policy filter not found")
            return out
        options = list(visit.widgets[pillar])  # type: ignore[call-overload]
        choices: list[list[str]] = [[o] for o in options] + [[]]
        for i in range(changes):
            state = WidgetState(id=pillar)
            state.string_array_value.data.extend(choices[i % len(choices)])
            t0 = time.monotonic()
            await ws.send(_rerun(widgets=[state]))
            await _until_finished(ws, visit, t0, timeout)
            out.seconds.append(time.monotonic() - t0)
    return out


@dataclass
class BrowserResult:
    """Time from a filter change to the drawn map, and whether the map survived it."""

    seconds: list[float] = field(default_factory=list)
    same_map: bool = False
    same_view: bool = False
    views: tuple[Any, Any] = (None, None)
    first_map_s: float = float("nan")


def browser_filter_changes(url: str, counts: dict[str, int], total: int) -> BrowserResult:
    """In Chromium: open the map, then select each pillar in turn (and clear), timing each."""
    from playwright.sync_api import sync_playwright  # test/bench dependency only

    res = BrowserResult()
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            t0 = time.perf_counter()
            page.goto(url)
            iframe = page.wait_for_selector(
                "iframe[title*='st_folium']", state="attached", timeout=120_000
            )
            frame = iframe.content_frame() if iframe is not None else None
            assert frame is not None, "the map iframe has no frame"
            frame.wait_for_function(DRAWN_JS, arg=[total], timeout=120_000)
            res.first_map_s = time.perf_counter() - t0
            frame.evaluate("() => { window.__probe = 'kept'; }")
            view = frame.evaluate(_VIEW_JS)
            for pillar, n in counts.items():
                page.get_by_label("政策分野").first.click()
                t1 = time.perf_counter()
                page.get_by_role("option", name=pillar).first.click()
                frame.wait_for_function(DRAWN_JS, arg=[n], timeout=120_000)
                frame.evaluate(_FRAMES_JS)
                res.seconds.append(time.perf_counter() - t1)
                page.keyboard.press("Escape")
                # back to everything: Backspace removes the chip (timed too: all features)
                page.get_by_label("政策分野").first.click()
                t2 = time.perf_counter()
                page.keyboard.press("Backspace")
                frame.wait_for_function(DRAWN_JS, arg=[total], timeout=120_000)
                frame.evaluate(_FRAMES_JS)
                res.seconds.append(time.perf_counter() - t2)
            res.same_map = frame.evaluate("() => window.__probe === 'kept'")
            after = frame.evaluate(_VIEW_JS)
            res.views = (view, after)
            res.same_view = after == view
        finally:
            browser.close()
    return res


#: The view as [x, y, zoom]: the centre in whole pixels at that zoom (a sub-pixel shift, e.g.
#: from a centre rounded in the URL, is no change a reader can see).
_VIEW_JS = """() => { const m = window.map; const p = m.project(m.getCenter(), m.getZoom());
  return [Math.round(p.x), Math.round(p.y), m.getZoom()]; }"""
_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _counts(data: Path) -> tuple[dict[str, int], int]:
    """Features per pillar label prefix (as the option reads, e.g. "政策1"), and the total."""
    from ninohe_geo.model.catalog import load_catalog

    cat = load_catalog(data)
    by_index = cat.features["pillar_index"].value_counts().to_dict()
    counts = {p.short("ja"): int(by_index.get(i, 0)) for i, p in enumerate(cat.plan.pillars)}
    return {k: v for k, v in counts.items() if v}, len(cat.features)


def main(argv: list[str] | None = None) -> int:
    """Run the measurements; print one line per figure."""
    p = argparse.ArgumentParser(prog="python -m bench.app", description=__doc__)
    p.add_argument("--data", type=Path, default=REPO / "geodata")
    p.add_argument("--synthetic", type=int, default=0, help="use N synthetic features instead")
    p.add_argument("--changes", type=int, default=20)
    p.add_argument("--browser", action="store_true", help="also time the drawn map in Chromium")
    args = p.parse_args(argv)
    print(run(args.data, args.synthetic, args.changes, args.browser))
    return 0


def run(data: Path, synthetic: int, changes: int, browser: bool) -> dict[str, Any]:
    """All figures for one dataset as a dict (also used by ``bench.cli --app``)."""
    with tempfile.TemporaryDirectory(prefix="ninohe-bench-") as tmp:
        if synthetic:
            from bench.dataset import write_dataset

            data = write_dataset(Path(tmp) / "data", synthetic, data)
        port = free_port()
        server = start_server(data, port)
        peak = [0.0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                peak[0] = max(peak[0], rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            out: dict[str, Any] = {"features": synthetic or "shipped"}
            warm = asyncio.run(filter_changes(port, 2))  # loads the catalogue, fills caches
            out["errors"] = warm.errors
            out["rss_after_start_mb"] = round(rss_mb(server.pid), 1)
            times = asyncio.run(filter_changes(port, changes))
            out["filter_change_server_median_s"] = round(times.median, 4)
            out["filter_change_server_max_s"] = round(max(times.seconds, default=float("nan")), 4)
            out["errors"] += times.errors
            counts, total = _counts(data)
            out["n"] = total
            if browser:
                res = browser_filter_changes(f"http://127.0.0.1:{port}/", counts, total)
                out["browser_first_map_s"] = round(res.first_map_s, 3)
                out["browser_filter_to_drawn_median_s"] = round(statistics.median(res.seconds), 3)
                out["browser_filter_to_drawn_max_s"] = round(max(res.seconds), 3)
                out["same_leaflet_map"] = res.same_map
                out["same_view"] = res.same_view
                out["view_before_after"] = res.views
            out["rss_end_mb"] = round(rss_mb(server.pid), 1)
            out["rss_peak_mb"] = round(max(peak[0], out["rss_end_mb"]), 1)
            return out
        finally:
            stop.set()
            sampler.join(timeout=5)
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
