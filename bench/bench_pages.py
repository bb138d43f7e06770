"""Benchmark: the map page's first visit in Chromium — time to the first drawn map and how much
the page moves while it loads (issue #15), served as ``ninohe-geo app`` serves it and, in the
same run, as a bare ``streamlit run dashboard/app.py`` would.

    uv run python -m bench.bench_pages                          # 5 visits per size and server
    uv run python -m bench.bench_pages --visits 9 --out /tmp/pages.md
    uv run python -m bench.bench_pages --lighthouse             # + Lighthouse (npx, npm registry)

Each visit is a new browser context (an empty cache: a first visit) at 1400×900 and at 360×640,
the two servers taking turns so that both see the same load on the machine. For each visit:

- **first map**: from ``page.goto`` to the map's frame holding every feature of the shipped data
  (:data:`bench.app.DRAWN_JS`, the test every benchmark here uses);
- **CLS**: the sum of the top document's ``layout-shift`` entries without recent input (a
  ``buffered`` PerformanceObserver installed before the page's own scripts), read once the page
  has been still — no shift and no DOM change — for a second (the map's first value reruns the
  script after it is drawn, and that rerun must not move the page either);
- **phases**: the first message of the script run (WebSocket), the title drawn, the map's
  iframe attached, all milliseconds from navigation;
- the largest shifts of the worst visit, with the elements that moved.

Also, on one kept-alive HTTP connection, the time of a repeated small request against one on a
new connection: ~1× with TCP_NODELAY (``ninohe_geo.ui.server.enable_tcp_nodelay``), ~20×
(~40 ms, the peer's delayed ACK) without it.

Targets (issue #15): first map ≤ 1.5 s, CLS ≤ 0.1 at both sizes. Before the fix: 2.6–2.8 s,
CLS 0.41 (1400×900) and 0.36 (360×640). Medians, the ratio measured in this run, the machine.
Tiles come from the internet: where there is none they fail, which the map shows; no figure
here waits for them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.app import DRAWN_JS
from bench.machine import machine_lines
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.ui.server import AppServer, app_command, free_port, start_app, wait_healthy

REPO = Path(__file__).resolve().parents[1]
MAP_IFRAME = "iframe[title*='st_folium']"
SIZES = ((1400, 900), (360, 640))
TARGET_FIRST_MAP_S = 1.5
TARGET_CLS = 0.1
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LIGHTHOUSE = "lighthouse@12.2.3"

#: Installed before the page's own scripts (every frame; only the top document records): layout
#: shifts with the elements that moved, the page's phases, the time of the last change.
OBSERVE_JS = """(() => {
  if (window !== window.top) return;
  const rec = window.__pages = {cls: 0, shifts: [], marks: {}, last: 0};
  const now = () => performance.now();
  const mark = (k) => { if (!(k in rec.marks)) rec.marks[k] = now(); };
  const label = (n) => {
    if (!n || n.nodeType !== 1) return String(n && n.nodeName);
    const id = n.getAttribute('data-testid') || n.id || String(n.className).split(' ')[0];
    return n.tagName.toLowerCase() + (id ? '[' + id + ']' : '');
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      rec.cls += e.value;
      rec.last = now();
      rec.shifts.push({value: e.value, at: e.startTime,
        moved: (e.sources || []).map((s) => label(s.node)).join(', ')});
    }
  }).observe({type: 'layout-shift', buffered: true});
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Socket(...args);
    ws.addEventListener('message', () => mark('script_message'));
    return ws;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, Socket);
  const seen = new MutationObserver(() => {
    rec.last = now();
    if (document.querySelector('h1')) mark('title');
    if (document.querySelector("iframe[title*='st_folium']")) mark('map_iframe');
  });
  document.addEventListener('DOMContentLoaded', () =>
    seen.observe(document.documentElement, {subtree: true, childList: true, attributes: true}));
})();"""

#: The page has been still (no layout shift, no DOM change) for ``ms`` milliseconds.
STILL_JS = "(ms) => window.__pages && performance.now() - window.__pages.last > ms"


@dataclass
class Visit:
    """One cold visit: seconds to the drawn map, the CLS, the phases (ms) and the shifts."""

    first_map_s: float
    cls: float
    marks: dict[str, float]
    shifts: list[dict[str, Any]]


@dataclass
class Series:
    """The visits of one server at one size."""

    visits: list[Visit] = field(default_factory=list)

    def median(self, attr: str) -> float:
        """Median of ``attr`` over the visits."""
        return statistics.median(getattr(v, attr) for v in self.visits)

    def mark(self, name: str) -> float:
        """Median milliseconds from navigation to the phase ``name`` (NaN if never seen)."""
        values = [v.marks[name] for v in self.visits if name in v.marks]
        return statistics.median(values) if values else float("nan")

    @property
    def worst(self) -> Visit:
        """The visit with the largest CLS."""
        return max(self.visits, key=lambda v: v.cls)


def start_bare(data: Path, log: Path) -> AppServer:
    """The same pages started as ``streamlit run dashboard/app.py`` with the app's settings: no
    ``serve.py``, so no shell CSS, no TCP_NODELAY (and no sign-in routes)."""
    port = free_port()
    command = app_command(port, "127.0.0.1")
    command[4] = str(Path(command[4]).with_name("app.py"))
    env = {**os.environ, "NINOHE_GEO_DATA": str(data)}
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, lambda: log.read_text(errors="replace"))
    return AppServer(url, data, proc)


def visit(browser: Any, url: str, size: tuple[int, int], features: int) -> Visit:
    """One cold visit of the map page at ``size``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="ja-JP")
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.add_init_script(OBSERVE_JS)
        start = time.perf_counter()
        page.goto(url)
        frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
        frame.wait_for_function(DRAWN_JS, arg=[features])
        elapsed = time.perf_counter() - start
        try:
            page.wait_for_function(STILL_JS, arg=1000, timeout=15_000)
        except PlaywrightTimeoutError:
            pass  # still moving after 15 s: the figures say so
        rec = page.evaluate("window.__pages")
        return Visit(elapsed, float(rec["cls"]), dict(rec["marks"]), list(rec["shifts"]))
    finally:
        context.close()


def keepalive_ratio(
    url: str, path: str = "/_stcore/health", repeat: int = 10
) -> tuple[float, float]:
    """(median ms of a request on a kept-alive connection, median ms on a new connection)."""
    host, port = url.removeprefix("http://").split(":")
    reused, fresh = [], []
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        for i in range(repeat + 1):
            t0 = time.perf_counter()
            conn.request("GET", path)
            conn.getresponse().read()
            if i:  # the first one opened the connection
                reused.append((time.perf_counter() - t0) * 1000)
    finally:
        conn.close()
    for _ in range(repeat):
        one = http.client.HTTPConnection(host, int(port), timeout=10)
        t0 = time.perf_counter()
        one.request("GET", path)
        one.getresponse().read()
        fresh.append((time.perf_counter() - t0) * 1000)
        one.close()
    return statistics.median(reused), statistics.median(fresh)


def lighthouse(url: str, out_dir: Path) -> dict[str, float] | None:
    """Lighthouse's performance score and metrics of ``url`` (mobile defaults), or None when npx
    or the registry is not there."""
    npx = shutil.which("npx")
    if npx is None:
        return None
    report = out_dir / "lighthouse.json"
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM", "/usr/bin/chromium")}
    done = subprocess.run(
        [
            npx,
            "-y",
            LIGHTHOUSE,
            url,
            "--only-categories=performance",
            "--chrome-flags=--headless=new --no-sandbox",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0 or not report.is_file():
        return None
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return {
        "performance score": round(100 * data["categories"]["performance"]["score"]),
        "CLS": audits["cumulative-layout-shift"]["numericValue"],
        "FCP (s)": audits["first-contentful-paint"]["numericValue"] / 1000,
        "LCP (s)": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "TBT (ms)": audits["total-blocking-time"]["numericValue"],
    }


def _fmt(x: float, digits: int = 2) -> str:
    return "–" if x != x else f"{x:.{digits}f}"


def report(
    results: dict[str, dict[tuple[int, int], Series]],
    keepalive: dict[str, tuple[float, float]],
    lh: dict[str, dict[str, float] | None],
    features: int,
    load_at_start: str,
    command: str,
) -> str:
    """The Markdown report."""
    ours, bare = results["ours"], results["bare"]
    lines = [
        "# The map page's first visit (issue #15)",
        "",
        f"Shipped data ({features} features); cold visits in headless Chromium; "
        f"{len(ours[SIZES[0]].visits)} per size and server, taking turns. "
        f"Targets: first map ≤ {TARGET_FIRST_MAP_S} s, CLS ≤ {TARGET_CLS}.",
        "",
        "| | size | first map (s), median | min – max | CLS, median | CLS, worst |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in (("ours", "ninohe-geo app"), ("bare", "bare streamlit run")):
        for size in SIZES:
            s = results[name][size]
            times = [v.first_map_s for v in s.visits]
            lines.append(
                f"| {label} | {size[0]}×{size[1]} | {_fmt(s.median('first_map_s'))} | "
                f"{_fmt(min(times))} – {_fmt(max(times))} | {_fmt(s.median('cls'), 3)} | "
                f"{_fmt(s.worst.cls, 3)} |"
            )
    lines += ["", "Ratios in this run (bare ÷ ours):", ""]
    for size in SIZES:
        ratio = bare[size].median("first_map_s") / ours[size].median("first_map_s")
        lines.append(f"- {size[0]}×{size[1]}: first map {ratio:.2f}× sooner")
    lines += [
        "",
        "Phases, median ms from navigation (ours / bare):",
        "",
        "| size | first script message | title drawn | map iframe attached | map drawn |",
        "|---|---|---|---|---|",
    ]
    for size in SIZES:
        o, b = ours[size], bare[size]
        cells = [
            f"{_fmt(o.mark(m), 0)} / {_fmt(b.mark(m), 0)}"
            for m in ("script_message", "title", "map_iframe")
        ]
        drawn = f"{o.median('first_map_s') * 1000:.0f} / {b.median('first_map_s') * 1000:.0f}"
        lines.append(f"| {size[0]}×{size[1]} | " + " | ".join(cells) + f" | {drawn} |")
    lines += ["", "Largest shifts of the worst visit (ours):", ""]
    for size in SIZES:
        shifts = sorted(ours[size].worst.shifts, key=lambda s: -s["value"])[:3]
        text = "; ".join(f"{s['value']:.4f} at {s['at']:.0f} ms ({s['moved']})" for s in shifts)
        lines.append(f"- {size[0]}×{size[1]}: {text or 'none'}")
    lines += ["", "A repeated request on one kept-alive connection vs a new connection (ms):", ""]
    for name, (reused, fresh) in keepalive.items():
        lines.append(f"- {name}: {reused:.1f} vs {fresh:.1f} ({reused / fresh:.1f}×)")
    for name, metrics in lh.items():
        lines += ["", f"Lighthouse {LIGHTHOUSE} ({name}, mobile defaults):", ""]
        if metrics is None:
            lines.append("- not run (npx or the npm registry missing)")
        else:
            lines += [f"- {k}: {v:.3g}" for k, v in metrics.items()]
    chromium = subprocess.run(
        [os.environ.get("CHROMIUM", "/usr/bin/chromium"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines += ["", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in machine_lines(load_at_start)]
    lines += [f"- browser: {chromium or 'unknown'}", f"- command: `{command}`", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the visits, print the report, write it to ``--out``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits", type=int, default=5, help="cold visits per size and server")
    ap.add_argument("--data", type=Path, default=REPO / "geodata", help="data folder")
    ap.add_argument("--out", type=Path, default=None, help="also write the report here")
    ap.add_argument("--lighthouse", action="store_true", help="also run Lighthouse (npx)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright  # bench/test dependency only

    load_at_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    features = len(load_catalog(args.data).features)
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        servers = {
            "ours": start_app(args.data, Path(tmp) / "ours.log"),
            "bare": start_bare(args.data, Path(tmp) / "bare.log"),
        }
        results: dict[str, dict[tuple[int, int], Series]] = {
            name: {size: Series() for size in SIZES} for name in servers
        }
        try:
            with sync_playwright() as p:
                chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    for server in servers.values():  # the first visit after start: not counted
                        visit(browser, server.url, SIZES[0], features)
                    for i in range(args.visits):
                        names = list(servers) if i % 2 == 0 else list(servers)[::-1]
                        for name in names:
                            for size in SIZES:
                                v = visit(browser, servers[name].url, size, features)
                                results[name][size].visits.append(v)
                finally:
                    browser.close()
            keepalive = {name: keepalive_ratio(s.url) for name, s in servers.items()}
            lh: dict[str, dict[str, float] | None] = {}
            if args.lighthouse:
                for name, server in servers.items():
                    lh[name] = lighthouse(server.url, Path(tmp))
        finally:
            for server in servers.values():
                server.stop()
    command = "python -m bench.bench_pages " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report(results, keepalive, lh, features, load_at_start, command.strip())
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            dir=args.out.parent, prefix=f".{args.out.name}.", suffix=".tmp"
        )
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp_name, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
