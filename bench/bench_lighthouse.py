"""Lighthouse on the published static site (issue #15, target 5: performance ≥ 95).

Builds the site of the shipped data, serves it on 127.0.0.1 as a static host does — byte ranges,
and text gzip-compressed unless ``--plain`` — and runs Lighthouse (npm, pinned
:data:`LIGHTHOUSE`, through ``npx``; headless Chromium ``$CHROME_PATH`` or /usr/bin/chromium) on
the index, the English index, a project page and the data page, mobile and desktop, ``--runs``
times each; medians. Base-map tiles cannot be fetched here (no internet): each map page logs
those failed requests, which costs best-practices nothing but its console-errors audit.

    uv run python -m bench.bench_lighthouse --runs 3 --out docs/lighthouse.md

Needs ``npx`` and the npm registry (the first run downloads Lighthouse). No assertion on scores
here; the site's own behaviour behind them (no layout shift, icon, hreflang) is tested in
tests/browser/test_site.py and tests/output/test_site.py.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.machine import load_average, machine_lines
from ninohe_geo.atomic import write_atomic
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.output.site import build_site

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE = "lighthouse@12.2.3"
PAGES = ("index.html", "en/index.html", "p/kunohe-castle-ruins.html", "data.html")
PRESETS = ("mobile", "desktop")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "first-contentful-paint": "FCP (ms)",
    "largest-contentful-paint": "LCP (ms)",
    "total-blocking-time": "TBT (ms)",
    "cumulative-layout-shift": "CLS",
}
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class _Handler(SimpleHTTPRequestHandler):
    """A static host: gzip for text when asked (``gzip`` set on the class), 206 for ranges."""

    gzip = True

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()
        kind = self.guess_type(str(path))
        data = path.read_bytes()
        wanted = self.headers.get("Range", "")
        if wanted.startswith("bytes="):
            start_s, _, end_s = wanted[6:].partition("-")
            start, end = int(start_s), min(int(end_s or len(data) - 1), len(data) - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            data = data[start : end + 1]
        elif (
            self.gzip
            and kind.startswith(TEXT_TYPES)
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            data = gzip.compress(data, 6)
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
        else:
            self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return io.BytesIO(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


def lighthouse(url: str, preset: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run; its JSON report."""
    command = [
        shutil.which("npx") or "npx",
        "-y",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--chrome-flags=--headless=new --no-sandbox",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def scores(report: dict[str, Any]) -> dict[str, float]:
    """Category scores (0–100) and the metrics of :data:`METRICS` from one report."""
    out = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    for audit, label in METRICS.items():
        out[label] = float(report["audits"][audit].get("numericValue") or 0)
    return out


def run(runs: int, plain: bool, tmp: Path) -> dict[tuple[str, str], dict[str, float]]:
    site = tmp / "site"
    build_site(load_catalog(REPO / "geodata"), site)
    handler = type("Handler", (_Handler,), {"gzip": not plain})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    results: dict[tuple[str, str], dict[str, float]] = {}
    try:
        for preset in PRESETS:
            for page in PAGES:
                each = [
                    scores(lighthouse(url + page, preset, tmp / f"{preset}-{i}.json"))
                    for i in range(runs)
                ]
                results[(preset, page)] = {
                    k: statistics.median(r[k] for r in each) for k in each[0]
                }
    finally:
        server.shutdown()
    return results


def markdown(results: dict[tuple[str, str], dict[str, float]], command: str, load: str) -> str:
    keys = list(next(iter(results.values())))
    lines = [
        "# Lighthouse on the published site (issue #15, target 5)",
        "",
        f"`{LIGHTHOUSE}`, headless Chromium; the shipped data's site served from 127.0.0.1 "
        "(`bench/bench_lighthouse.py`); medians of the runs. Base-map tiles are unreachable "
        "here (no internet).",
        "",
        "| preset | page | " + " | ".join(keys) + " |",
        "|---|---|" + "---:|" * len(keys),
    ]
    for (preset, page), row in results.items():
        cells = [f"{row[k]:.3f}" if k == "CLS" else f"{row[k]:.0f}" for k in keys]
        lines.append(f"| {preset} | {page} | " + " | ".join(cells) + " |")
    worst = min(row["performance"] for row in results.values())
    lines += [
        "",
        f"Target (performance ≥ 95 on every page): {'met' if worst >= 95 else 'missed'} "
        f"(lowest median {worst:.0f}).",
    ]
    lines += ["", "## Machine", "", f"- command: `{command}`"]
    lines += [f"- {label}: {value}" for label, value in machine_lines(load)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="serve text uncompressed")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="ninohe-bench-lh-") as tmp:
        results = run(args.runs, args.plain, Path(tmp))
    command = "uv run python -m bench.bench_lighthouse " + " ".join(argv or sys.argv[1:])
    text = markdown(results, command.strip(), load)
    print(text)
    if args.out:
        write_atomic(args.out, text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
