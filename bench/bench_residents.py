"""Benchmark: the published static site against the Streamlit residents' view, in one run.

For each, in headless Chromium (the system one) with a cold cache per visit:

- bytes transferred for the first view, tiles excluded (tile requests are aborted, so they cost
  nothing): the CDP ``encodedDataLength`` of every HTTP response plus the payload of every
  WebSocket frame received (Streamlit sends the page over its WebSocket);
- time to a drawn map: from ``page.goto`` to the first ``[data-feature-id]`` element (a drawn
  project) in the page or the map's iframe.

Run: ``uv run python -m bench.bench_residents [--runs 5] [--out docs/residents-performance.md]``.
Targets (issue 5): static first view ≤ 500 KB, and ≥ 3× faster to a drawn map than Streamlit.
Reports medians, the ratio measured in this run, and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ninohe_geo.ui.server import start_app

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TILE_HOSTS = ("cyberjapandata.gsi.go.jp", "tile.openstreetmap.org")
MAP_IFRAME = "iframe[title*='st_folium']"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def start_streamlit(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The app on the shipped data, on a loopback port; waits for its health endpoint."""
    server = start_app(REPO / "geodata", log)
    return server.process, server.url


def visit(browser: Any, url: str, in_iframe: bool) -> tuple[int, float]:
    """(bytes, seconds to the first drawn project) of one cold visit at phone size."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="ja-JP")
    context.route(
        "**/*",
        lambda route: (
            route.abort() if any(h in route.request.url for h in TILE_HOSTS) else route.continue_()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(120_000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    total = {"bytes": 0}

    def finished(event: dict[str, Any]) -> None:
        total["bytes"] += int(event.get("encodedDataLength", 0))

    def frame(event: dict[str, Any]) -> None:
        response = event.get("response", {})
        payload = response.get("payloadData", "")
        # Binary frames (opcode 2: Streamlit's protobuf) arrive base64-encoded: count raw bytes.
        binary = response.get("opcode") == 2
        total["bytes"] += len(payload) * 3 // 4 if binary else len(payload.encode("utf-8"))

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    start = time.perf_counter()
    page.goto(url)
    if in_iframe:
        target = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
    else:
        target = page.main_frame
    target.wait_for_selector("[data-feature-id]", state="attached")
    elapsed = time.perf_counter() - start
    # Count the responses of the first view that finish after the map is drawn too (the page's
    # load event; Streamlit's WebSocket never goes idle, so "networkidle" cannot be used).
    page.wait_for_load_state("load")
    if in_iframe:
        target.wait_for_load_state("load")
    context.close()
    return total["bytes"], elapsed


def machine() -> str:
    """CPU, cores, memory, OS and Chromium: what the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    chromium = subprocess.run(
        ["/usr/bin/chromium", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"{cpu}; {os.cpu_count()} cores; {mem}; {platform.platform()}; "
        f"Python {platform.python_version()}; {chromium}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run both, print the table, write it to ``--out``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="cold visits of each (default 5)")
    ap.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from ninohe_geo.model.catalog import load_catalog
    from ninohe_geo.output.site import build_site

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_site(load_catalog(REPO / "geodata"), site)
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        static_url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        proc, app_url = start_streamlit(Path(tmp) / "streamlit.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                visit(browser, app_url + "/residents", True)  # warm the server once
                visit(browser, static_url, False)
                results: dict[str, list[tuple[int, float]]] = {"static": [], "streamlit": []}
                for _ in range(args.runs):  # interleaved, so drift hits both alike
                    results["static"].append(visit(browser, static_url, False))
                    results["streamlit"].append(visit(browser, app_url + "/residents", True))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            server.shutdown()

    med = {
        k: (statistics.median(b for b, _ in v), statistics.median(s for _, s in v))
        for k, v in results.items()
    }
    ratio = med["streamlit"][1] / med["static"][1]
    lines = [
        "# Residents' view: published site vs Streamlit (first view, phone size)",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with "
        f"`uv run python -m bench.bench_residents --runs {args.runs}`; medians of "
        f"{args.runs} cold visits each (cache disabled, tiles blocked and not counted).",
        "",
        "| view | bytes, first view | time to drawn map |",
        "|---|---:|---:|",
        f"| published static site | {med['static'][0] / 1024:.0f} KB | {med['static'][1]:.3f} s |",
        f"| Streamlit /residents | {med['streamlit'][0] / 1024:.0f} KB | "
        f"{med['streamlit'][1]:.3f} s |",
        "",
        f"Static site: {med['static'][0] / 1024:.0f} KB (target ≤ 500 KB: "
        f"{'met' if med['static'][0] <= 500 * 1024 else 'NOT met'}); "
        f"{ratio:.1f}× faster to a drawn map than Streamlit (target ≥ 3×: "
        f"{'met' if ratio >= 3 else 'NOT met'}).",
        "",
        f"Machine: {machine()}.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=args.out.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(report)
        os.replace(tmp_name, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
