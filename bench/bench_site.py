"""The published static site at scale (issue #15, target 4): build, first view, first search.

For each size, in one run, on synthetic data (``bench.dataset``: mixed points, lines and
polygons around Ninohe, written as the app's GeoJSON layer files):

- *site build*: ``build_site`` — every page of both languages, the downloads and, above
  ``TILED_THRESHOLD`` features, the PMTiles archive and the data files;
- *site bytes*: everything written; *index page bytes*: ``index.html``;
- in headless Chromium at 1400×900 and 360×640, the site served from a loopback server with
  byte ranges (and no compression) and everything outside it blocked (no base-map tiles):
  *first map* — navigation start to the plan's features painted (the tile layer's every tile
  painted, or the inline features drawn); *first view bytes* — every byte fetched for it;
  *… gzip* — the same files gzip-compressed (level 6), what a compressing static host sends;
- *first search*: typing a name to the list written (a tiled site fetches the search keys and
  names then); *its bytes*.

No assertion on time here: ``tests/browser/test_bench_site.py`` runs this at a tiny size.

    uv run python -m bench.bench_site --sizes 10000,100000 --out docs/site-performance.md
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.dataset import write_dataset
from bench.machine import load_average, machine_lines
from ninohe_geo.atomic import write_atomic
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.output import site as publish

REPO = Path(__file__).resolve().parents[1]
VIEWPORTS = {"1400×900": (1400, 900), "360×640": (360, 640)}
#: Set by the page when the plan's features are painted (tiles) or drawn (inline SVG).
PAINTED_JS = """
(() => {
  const done = () => { if (!window.painted) { window.painted = performance.now(); } };
  new MutationObserver(() => {
    if (document.querySelector('.ninohe-tiles[data-painted]')
        || document.querySelector('[data-feature-id]')) { done(); }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();
"""


def _gzip_size(root: Path, paths: list[str]) -> int:
    total = 0
    for path in paths:
        file = root / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        if file.is_file():
            total += len(gzip.compress(file.read_bytes(), compresslevel=6))
    return total


def _guard(fetched: list[str]) -> Callable[[Any], None]:
    """A route handler: loopback requests go through (and are recorded), the rest are cut."""

    def guard(route: Any) -> None:
        parsed = urlparse(route.request.url)
        if parsed.hostname == "127.0.0.1":
            fetched.append(parsed.path)
            route.continue_()
        else:
            route.abort()

    return guard


def browse(root: Path, tiled: bool) -> dict[str, float]:
    """First map and its bytes at each viewport, then the first search, in Chromium."""
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    from helpers import serve_folder  # the tests' loopback server with byte ranges
    from playwright.sync_api import sync_playwright

    out: dict[str, float] = {}
    with serve_folder(root) as url, sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium"
        )
        for label, (width, height) in VIEWPORTS.items():
            context = chromium.new_context(viewport={"width": width, "height": height})
            fetched: list[str] = []
            guard = _guard(fetched)
            context.route("**/*", guard)
            page = context.new_page()
            page.add_init_script(PAINTED_JS)
            page.goto(url + "index.html")
            page.wait_for_function("() => window.painted", timeout=120_000)
            out[f"first map {label} (s)"] = page.evaluate("() => window.painted") / 1000
            out[f"first view bytes {label}"] = float(
                page.evaluate(
                    "() => performance.getEntriesByType('resource')"
                    ".reduce((s, e) => s + e.transferSize, 0)"
                    " + performance.getEntriesByType('navigation')[0].transferSize"
                )
            )
            if label == "1400×900":
                # The archive's tiles are compressed already and read by range: as fetched.
                ranges = page.evaluate(
                    "() => performance.getEntriesByType('resource')"
                    ".filter(e => e.name.endsWith('.pmtiles'))"
                    ".reduce((s, e) => s + e.transferSize, 0)"
                )
                texts = sorted({f for f in fetched if not f.endswith(".pmtiles")})
                out["first view bytes, gzip"] = float(_gzip_size(root, texts) + ranges)
                before = page.evaluate(
                    "() => performance.getEntriesByType('resource')"
                    ".reduce((s, e) => s + e.transferSize, 0)"
                )
                start = time.perf_counter()
                page.fill("#q", "a")
                if tiled:  # the list is written once the search keys and names are here
                    page.wait_for_selector("#sorted-list:not([hidden]) li", timeout=120_000)
                else:  # searched in the input handler: the next frame shows it
                    page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
                out["first search (s)"] = time.perf_counter() - start
                out["first search bytes"] = float(
                    page.evaluate(
                        "() => performance.getEntriesByType('resource')"
                        ".reduce((s, e) => s + e.transferSize, 0)"
                    )
                    - before
                )
            context.close()
        chromium.close()
    return out


def measure(n: int, tmp: Path, browser: bool) -> dict[str, float]:
    data = tmp / f"data-{n}"
    write_dataset(data, n, REPO / "geodata")
    catalog = load_catalog(data)
    out = tmp / f"site-{n}"
    start = time.perf_counter()
    report = publish.build_site(catalog, out)
    tiled = len(catalog.features) > publish.TILED_THRESHOLD
    result: dict[str, float] = {
        "tiled": float(tiled),
        "site build (s)": time.perf_counter() - start,
        "site bytes": float(report.bytes),
        "index page bytes": float((out / "index.html").stat().st_size),
    }
    if browser:
        result |= browse(out, tiled)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)
    return result


def _cell(step: str, value: float) -> str:
    if step == "tiled":
        return "yes" if value else "no (inline)"
    if "bytes" in step:
        return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.0f} KB"
    return f"{value:.2f}"


def markdown(results: dict[int, dict[str, float]], command: str, load: str) -> str:
    sizes = list(results)
    steps = list(results[sizes[0]])
    lines = [
        "# The published site at scale (issue #15, target 4)",
        "",
        "Synthetic features (`bench.dataset`; made up, never shipped), one run per size; what "
        "each step is: `bench/bench_site.py`. Bytes are as served without compression, and "
        "gzip-compressed as a static host sends them; base-map tiles are excluded (blocked).",
        "",
        "| step | " + " | ".join(f"{n:,} features" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for step in steps:
        cells = [_cell(step, results[n].get(step, 0.0)) for n in sizes]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    lines += ["", "## Machine", "", f"- command: `{command}`"]
    lines += [f"- {label}: {value}" for label, value in machine_lines(load)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--no-browser", action="store_true", help="build only")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    load = load_average()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="ninohe-bench-site-") as tmp:
        results = {n: measure(n, Path(tmp), not args.no_browser) for n in sizes}
    command = "uv run python -m bench.bench_site " + " ".join(argv or sys.argv[1:])
    text = markdown(results, command.strip(), load)
    print(text)
    if args.out:
        write_atomic(args.out, text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
