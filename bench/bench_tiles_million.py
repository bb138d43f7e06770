"""Vector tiles at 1,000,000 synthetic features (issue #15, target 3): build, first map, filter.

The data folder cannot hold a million features yet: each GeoJSON layer file is capped at 64 MB
(``io/limits.py``), so ``bench.bench_tiles`` stops at 100,000. This runs its tile and browser
steps on a synthetic frame made in memory (``bench.synthetic``, mixed points, lines and polygons
around Ninohe): the PMTiles archive's build, the first map and the slowest of 20 filter changes
in Chromium, and the memory of the process holding the frame.

    uv run python -m bench.bench_tiles_million --n 1000000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import types
from pathlib import Path

from bench import bench_tiles, synthetic
from ninohe_geo.maps import vectortiles
from ninohe_geo.maps.assets import install_static
from ninohe_geo.model.plan import load_plan

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    plan = load_plan(REPO / "geodata" / "plan.yaml")
    start = time.perf_counter()
    frame = synthetic.make_frame(args.n, "mixed", plan, seed=2021)
    print(f"frame made: {time.perf_counter() - start:.1f} s", flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory holding the frame: {rss:,.0f} MB", flush=True)
    with tempfile.TemporaryDirectory(prefix="ninohe-bench-million-") as tmp:
        site = Path(tmp)
        install_static(site / "static")
        start = time.perf_counter()
        dataset = vectortiles.publish(frame, site / "static", "static")
        print(f"tiles build: {time.perf_counter() - start:.1f} s, archive "
              f"{dataset.path.stat().st_size:,} bytes", flush=True)  # fmt: skip
        bench_tiles._page(site, dataset, types.SimpleNamespace(features=frame, plan=plan))
        for step, value in bench_tiles.browser(site).items():
            print(f"{step}: {bench_tiles._cell(step, value)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
