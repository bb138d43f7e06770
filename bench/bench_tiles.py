"""Large data the standard way (issue #15): cold start, vector tiles, the drawn map, a filter.

For each size, in one run, on synthetic data (``bench.dataset``: mixed points, lines and
polygons around Ninohe, written as the app's GeoJSON layer files):

- *check (GeoJSON)*: ``load_catalog`` — parse every layer and check every feature (what every
  start paid before the cache);
- *load (cache)*: ``load_catalog_cached`` when the folder is unchanged — GeoParquet through
  Arrow (what a restart pays now; ``ninohe-geo import`` fills the cache);
- *server memory, catalogue loaded*: peak RSS of a fresh process that loads it from the cache;
- *tiles build*: ``vectortiles.publish`` — the PMTiles archive, at import (once per catalogue);
  *archive*: its size;
- in headless Chromium, a page with Leaflet, protomaps-leaflet and ``ninohe-tiles.js`` served
  from a loopback server with byte ranges, at the whole-city view (1400×900): *first map* —
  navigation start to every tile painted; *first view bytes* — every byte fetched for it
  (scripts, archive ranges; base-map tiles excluded, there are none here); *filter (max of
  20)* — a new mask handed to a new layer (as a Streamlit rerun does) to every tile painted,
  the slowest of 20 alternating filters; *tile fetches on filter* — ranges fetched by those 20
  (0: they only repaint);
- *app: restart → first map*: the app itself on the folder (cache and tiles as
  ``ninohe-geo import`` leaves them), from starting the process to the first visitor's map
  painted in Chromium (median of two restarts).

No assertion on time here: ``tests/test_bench.py`` runs this at tiny sizes as a smoke test.

    uv run python -m bench.bench_tiles --sizes 10000,100000 --out docs/tiles-performance.md
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.dataset import write_dataset
from bench.machine import load_average, machine_lines
from ninohe_geo.atomic import write_atomic
from ninohe_geo.escape import script_json
from ninohe_geo.maps import vectortiles
from ninohe_geo.maps.assets import install_static
from ninohe_geo.maps.style import style_options
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.store.catalogcache import load_catalog_cached

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = (
    "vendor/leaflet/leaflet.js",
    "ninohe/ninohe-map.js",
    "vendor/protomaps-leaflet/protomaps-leaflet.js",
    "ninohe/ninohe-tiles.js",
)
FILTERS = 20


def timed(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _page(root: Path, dataset: vectortiles.TileDataset, cat: Any) -> None:
    """``root/index.html``: the map at the whole-city view with every feature shown, and the
    masks of each pillar alone for the filter runs."""
    masks = [
        dataset.mask(cat.features[cat.features["pillar_index"] == i])
        for i in range(len(cat.plan.pillars))
    ]
    ref = {
        "url": dataset.url,
        "names": dataset.names_url,
        "mask": dataset.mask(cat.features),
        "count": len(cat.features),
        "selected": -1,
        "maxZoom": vectortiles.MAX_ZOOM,
    }
    scripts = "".join(f'<script src="static/{p}"></script>' for p in SCRIPTS)
    (root / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="static/vendor/leaflet/leaflet.css"></head>'
        f'<body style="margin:0"><div id="m" style="height:100vh"></div>{scripts}<script>'
        "window.map = L.map('m').setView([40.25, 141.27], 11);"
        "window.group = L.featureGroup().addTo(map);"
        f"window.ref = {script_json(ref)}; window.masks = {script_json(masks)};"
        f"window.opts = {script_json(style_options(cat.plan) | {'lang': 'ja'})};"
        "window.painted = new Promise(r => { const l = ninoheGeo.addTileDataset(group, ref, opts);"
        " l.once('load', () => r(performance.now())); });"
        "</script></body></html>",
        encoding="utf-8",
    )


FILTER_JS = """async (n) => {
  const ranges = () => performance.getEntriesByType('resource')
    .filter(e => e.name.includes('.pmtiles')).length;
  let worst = 0;
  const before = ranges();
  for (let k = 0; k < n; k++) {
    const mask = window.masks[k % window.masks.length];
    const t0 = performance.now();
    await new Promise(r => {
      window.group.clearLayers();
      const ref = Object.assign({}, window.ref, {mask});
      const l = ninoheGeo.addTileDataset(window.group, ref, window.opts);
      l.once('load', r);
    });
    worst = Math.max(worst, performance.now() - t0);
  }
  return {worst: worst / 1000, fetches: ranges() - before};
}"""


def browser(root: Path) -> dict[str, float]:
    """First map, its bytes, and the slowest filter change, in headless Chromium."""
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    from helpers import serve_folder  # the tests' loopback server with byte ranges
    from playwright.sync_api import sync_playwright

    with serve_folder(root) as url, sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium"
        )
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "index.html")
        first = page.evaluate("() => window.painted") / 1000
        sent = page.evaluate(
            "() => performance.getEntriesByType('resource').reduce((s, e) => s + e.transferSize, 0)"
            " + performance.getEntriesByType('navigation')[0].transferSize"
        )
        filters = page.evaluate(FILTER_JS, FILTERS)
        chromium.close()
    return {
        "first map (s)": first,
        "first view bytes": float(sent),
        f"filter, max of {FILTERS} (s)": float(filters["worst"]),
        "tile fetches on filter": float(filters["fetches"]),
    }


RSS_SCRIPT = """
import resource, sys
from pathlib import Path
from ninohe_geo.store.catalogcache import load_catalog_cached
cat = load_catalog_cached(Path(sys.argv[1]), Path(sys.argv[2]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def loaded_rss_mb(root: Path, cache: Path) -> float:
    """Peak memory of a fresh process that loads the catalogue from the cache (what the app's
    server holds before any visitor), in MB."""
    done = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT, str(root), str(cache)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def app_restart(root: Path, cache: Path) -> dict[str, float]:
    """The app itself (``ninohe-geo app`` on ``root``, cache filled as ``ninohe-geo import``
    leaves it): process start → health check → the first visitor's map painted (every tile in
    view), in Chromium at 1400×900; the median of two restarts."""
    import os

    from playwright.sync_api import sync_playwright

    from ninohe_geo.commands.import_layer import prepare_map
    from ninohe_geo.paths import CACHE_ENV
    from ninohe_geo.ui.server import start_app

    os.environ[CACHE_ENV] = str(cache)
    prepare_map(root)  # what the import did: cache and tiles ready
    healthy, drawn = [], []
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium"
        )
        for _ in range(2):
            page = chromium.new_page(viewport={"width": 1400, "height": 900})
            start = time.perf_counter()
            app = start_app(root, timeout_s=600)
            healthy.append(time.perf_counter() - start)
            try:
                page.goto(app.url)
                frame = page.wait_for_selector(
                    "iframe[title*='st_folium']", state="attached", timeout=600_000
                ).content_frame()
                # The tiles painted (large), or the features as SVG elements (small data).
                frame.wait_for_selector(
                    ".ninohe-tiles[data-painted], [data-feature-id]",
                    state="attached",
                    timeout=600_000,
                )
                drawn.append(time.perf_counter() - start)
            finally:
                app.stop()
                page.close()
        chromium.close()
    return {
        "app: restart → healthy (s)": statistics.median(healthy),
        "app: restart → first map (s)": statistics.median(drawn),
    }


def measure(n: int, repeat: int, work: Path, with_browser: bool) -> dict[str, float]:
    root = work / f"data-{n}"
    write_dataset(root, n, REPO / "geodata")
    cache = work / f"cache-{n}"
    out: dict[str, float] = {}
    out["check (GeoJSON) (s)"] = timed(lambda: load_catalog(root), max(1, repeat // 2))
    cat = load_catalog_cached(root, cache)  # fills the cache (as ninohe-geo import does)
    out["load (cache) (s)"] = timed(lambda: load_catalog_cached(root, cache), repeat)
    out["server memory, catalogue loaded (MB)"] = loaded_rss_mb(root, cache)
    site = work / f"site-{n}"
    install_static(site / "static")
    built: list[vectortiles.TileDataset] = []
    out["tiles build (s)"] = timed(
        lambda: built.append(vectortiles.publish(cat.features, site / "static", "static")), 1
    )
    dataset = built[0]
    out["archive bytes"] = float(dataset.path.stat().st_size)
    if with_browser:
        _page(site, dataset, cat)
        out |= browser(site)
        out |= app_restart(root, cache)
    shutil.rmtree(root, ignore_errors=True)
    return out


def _cell(step: str, value: float) -> str:
    if "bytes" in step or "fetches" in step or "(MB)" in step:
        return f"{value:,.0f}"
    return f"{value:.3f}"


def markdown(results: dict[int, dict[str, float]], command: str, load: str) -> str:
    sizes = list(results)
    steps = list(results[sizes[0]])
    lines = [
        "# Large data the standard way (issue #15)",
        "",
        "Synthetic features (`bench.dataset`, mixed points, lines and polygons around Ninohe; "
        "made up, never shipped); medians of the runs; *ratio* is the largest size against the "
        "smallest, from the same run. What each step is: `bench/bench_tiles.py`.",
        "",
        "| step | " + " | ".join(f"{n:,} features" for n in sizes) + " | ratio |",
        "|---|" + "---:|" * (len(sizes) + 1),
    ]
    for step in steps:
        cells = [_cell(step, results[n][step]) for n in sizes]
        first = results[sizes[0]][step]
        ratio = f"{results[sizes[-1]][step] / first:.1f}×" if first else "–"
        lines.append(f"| {step} | " + " | ".join(cells) + f" | {ratio} |")
    lines += ["", "Cold start, check against cache (same run):"]
    for n in sizes:
        r = results[n]
        lines.append(
            f"- {n:,} features: {r['check (GeoJSON) (s)'] / r['load (cache) (s)']:.1f}× faster "
            "from the cache"
        )
    lines += ["", "## Machine", "", f"- command: `{command}`"]
    lines += [f"- {label}: {value}" for label, value in machine_lines(load)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="server-side steps only")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    load = load_average()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="ninohe-bench-tiles-") as tmp:
        results = {n: measure(n, args.repeat, Path(tmp), not args.no_browser) for n in sizes}
    command = "uv run python -m bench.bench_tiles " + " ".join(argv or sys.argv[1:])
    text = markdown(results, command.strip(), load)
    print(text)
    if args.out:
        write_atomic(args.out, text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
