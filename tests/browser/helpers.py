"""Small page helpers for the browser tests."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

MAP_IFRAME = "iframe[title*='st_folium']"
LOOPBACK = {"127.0.0.1", "localhost"}


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files, with single byte ranges (``Range: bytes=a-b``) as any web server that
    hosts PMTiles answers them (the standard library's handler does not)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        spec = self.headers.get("Range", "")
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", spec.strip())
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            super().do_GET()
            return
        data = path.read_bytes()
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else len(data) - 1, len(data) - 1)
        if start >= len(data):
            self.send_error(416)
            return
        body = data[start : end + 1]
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """A plain static file server for ``root`` on 127.0.0.1; yields its URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def block_outside(page: Any) -> list[str]:
    """Cut the page's browser context off the internet (loopback still answers), as in a
    公民館 with no wifi; returns the list the refused URLs are appended to."""
    outside: list[str] = []

    def block(route: Any) -> None:
        if (urlparse(route.request.url).hostname or "") in LOOPBACK:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", block)
    return outside


def map_frame(page: Any) -> Any:
    """The st_folium iframe's frame, once Leaflet has drawn at least one feature.

    A rerun can replace the iframe between finding it and asking for its frame (seen once after
    the language switch: ``content_frame()`` was None); then the new iframe is waited for.
    """
    for _ in range(5):
        page.wait_for_function(
            "(sel) => { const f = document.querySelector(sel);"
            " return !!(f && f.contentDocument"
            " && f.contentDocument.querySelector('.leaflet-container')); }",
            arg=MAP_IFRAME,
        )
        frame = page.query_selector(MAP_IFRAME)
        frame = frame.content_frame() if frame is not None else None
        if frame is not None:
            frame.wait_for_selector(".leaflet-container")
            return frame
    raise AssertionError("the map's iframe kept being replaced")


def feature_ids(frame: Any) -> list[str]:
    """The ids of the features drawn on the map (SVG elements carry data-feature-id)."""
    ids: list[str] = frame.eval_on_selector_all(
        "[data-feature-id]", "els => els.map(e => e.getAttribute('data-feature-id'))"
    )
    return ids


def settle(target: Any, expression: str, arg: Any = None) -> None:
    """Wait (the default timeout) until the JS ``expression`` holds on ``target`` (page or frame).

    For an assertion that reads page state once: settle first, so the read sees the state after
    the rerun or frontend update, not before it. A timeout is not raised here: the assertion that
    follows reads the state and says what it is.
    """
    try:
        target.wait_for_function(expression, arg=arg)
    except PlaywrightTimeoutError:
        pass


_IDS_ARE = """([sel, attr, want, unique]) => {
    let got = [...document.querySelectorAll(sel)].map(e => e.getAttribute(attr));
    if (unique) { got = [...new Set(got)]; want = [...new Set(want)]; }
    return JSON.stringify(got.sort()) === JSON.stringify([...want].sort());
}"""


def wait_for_ids(
    target: Any,
    expected: Iterable[str],
    selector: str = "[data-feature-id]",
    attribute: str = "data-feature-id",
    unique: bool = False,
) -> list[str]:
    """The ``attribute`` values of the elements matching ``selector``, sorted (deduplicated when
    ``unique``), once they are ``expected`` in any order — or as they are at the timeout, for the
    caller's assertion to report. A count of elements can be right while the ids are not yet."""
    settle(target, _IDS_ARE, [selector, attribute, [str(i) for i in expected], unique])
    ids: list[str] = target.eval_on_selector_all(
        selector, "(els, attr) => els.map(e => e.getAttribute(attr))", attribute
    )
    return sorted(set(ids)) if unique else sorted(ids)


def wait_for_count(page: Any, shown: int, total: int) -> None:
    """Wait until the count line says ``shown / total``."""
    page.wait_for_function(
        "([s, t]) => { const el = document.querySelector('#feature-count');"
        " return el && el.textContent.includes(s + ' / ' + t); }",
        arg=[shown, total],
    )


def wait_for_features(frame: Any, n: int) -> None:
    """Wait until exactly ``n`` features are drawn."""
    frame.wait_for_function(
        "n => document.querySelectorAll('[data-feature-id]').length === n", arg=n
    )


_EMPTY_SPOT = """async ([name, lat, lon, zoom]) => {
    const map = window[name];
    map.getContainer().scrollIntoView({block: "center"});  // elementFromPoint sees the viewport
    map.setView([lat, lon], zoom, {animate: false});
    const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const size = map.getSize();
    const bare = (x, y) => {
        const box = map.getContainer().getBoundingClientRect();
        const el = document.elementFromPoint(box.left + x, box.top + y);
        return !!el && map.getContainer().contains(el) && !el.closest(
            '.leaflet-marker-pane, .leaflet-overlay-pane, .leaflet-control, '
            + '.leaflet-shadow-pane, .leaflet-tooltip-pane, .leaflet-popup-pane');
    };
    // A finger is wide: Chromium moves a tap to a clickable element up to about a fingertip
    // away (touch adjustment), so the spot keeps 30 px clear all round.
    const empty = (x, y) => [-30, 0, 30].every(
        dx => [-30, 0, 30].every(dy => bare(x + dx, y + dy)));
    // The marks are laid out again after a zoom (spread, clustered): look once they are still.
    for (let tries = 0; tries < 20; tries++) {
        await frames();
        let found = null;
        for (let r = 0; r <= 150 && !found; r += 10) {
            for (let dx = -r; dx <= r && !found; dx += 10) {
                for (const dy of [-r, r]) {
                    const x = Math.round(size.x / 2 + dx), y = Math.round(size.y / 2 + dy);
                    if (empty(x, y)) { found = [x, y]; break; }
                }
            }
        }
        if (!found) return null;
        await frames();
        if (empty(...found)) {
            const at = map.containerPointToLatLng(found);
            return {x: found[0], y: found[1], lat: at.lat, lon: at.lng};
        }
    }
    return null;
}"""


def empty_spot(target: Any, map_name: str, lat: float, lon: float, zoom: int) -> dict[str, float]:
    """Show (lat, lon) at ``zoom`` on the Leaflet map ``window[map_name]`` and find a spot near
    the middle where nothing is drawn within a fingertip (tapping it taps the map itself, not a
    feature): its pixel in the map container (x, y) and where it is (lat, lon)."""
    spot: dict[str, float] | None = target.evaluate(_EMPTY_SPOT, [map_name, lat, lon, zoom])
    assert spot is not None, f"no empty spot on the map near {lat}, {lon}"
    return spot
