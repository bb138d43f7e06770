"""Benchmark: importing N features from a GeoPackage and from the same data as GeoJSON.

Standalone script (not part of the test run)::

    uv run python bench/bench_import.py            # 100,000 features
    uv run python bench/bench_import.py --n 10000 --repeat 3

For each format, each run is a fresh child process (so peak memory is that import's own),
warmed up by importing a ten-feature file of the same format first:
read (``read_source``), prepare (mapping + every check the validator makes), write (the
atomic, recorded store batch). Peak memory is the child's maximum resident set size; the
baseline is the same child after importing the libraries, before reading. Times are medians of
``--repeat`` runs; the GeoJSON/GeoPackage ratio is from the same run. The synthetic features are
points scattered over the city's bounding box in the project's own schema (so the "ninohe"
mapping applies and every feature passes); they are not real places and never leave tmp.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def machine() -> str:
    """CPU, cores, memory, Python and GDAL versions, in one line."""
    import pyogrio

    cpu = "unknown"
    mem = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    except OSError:
        pass
    return (
        f"{platform.platform()}; {cpu}; {len(os.sched_getaffinity(0))} CPU(s); {mem} RAM; "
        f"Python {platform.python_version()}; GDAL {pyogrio.__gdal_version_string__}; "
        f"load average at start {' '.join(f'{v:.1f}' for v in os.getloadavg())}"
    )


def make_inputs(n: int, folder: Path) -> dict[str, Path]:
    """The same N synthetic features as GeoPackage and as GeoJSON."""
    import geopandas as gpd
    import numpy as np
    import pyogrio

    from ninohe_geo.model.boundary import CITY_BBOX

    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = CITY_BBOX
    xs = rng.uniform(minx + 0.02, maxx - 0.02, n).round(6)
    ys = rng.uniform(miny + 0.02, maxy - 0.02, n).round(6)
    frame = gpd.GeoDataFrame(
        {
            "id": [f"bench-{i}" for i in range(n)],
            "name_ja": [f"ベンチ地点{i}" for i in range(n)],
            "name_en": [f"Bench point {i}" for i in range(n)],
            "measure": "P3-07",
            "status": "existing",
            "summary_ja": "ベンチマーク用の架空の地点",
            "summary_en": "A made-up point for the benchmark",
            "accuracy": "approximate",
            "source": "bench/bench_import.py（合成データ）",
            "updated": "2026-11-27",
        },
        geometry=gpd.points_from_xy(xs, ys),
        crs="EPSG:4326",
    )
    gpkg = folder / f"bench-{n}.gpkg"
    pyogrio.write_dataframe(frame, gpkg, layer="bench", driver="GPKG")
    geojson = folder / f"bench-{n}.geojson"
    pyogrio.write_dataframe(frame, geojson, driver="GeoJSON", COORDINATE_PRECISION=7)
    # Ten-feature files of each format: a warm-up import, so first-use costs (loading GDAL's
    # drivers, compiling templates) are not counted as the large import's.
    pyogrio.write_dataframe(frame.iloc[:10], folder / "warm.gpkg", layer="bench", driver="GPKG")
    pyogrio.write_dataframe(frame.iloc[:10], folder / "warm.geojson", driver="GeoJSON")
    return {"gpkg": gpkg, "geojson": geojson}


def cpu_s() -> float:
    """CPU seconds (user + system) used by this process so far: unlike wall time, barely
    affected by other work on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mib() -> float:
    """This process's peak resident set size, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(path: Path, data_root: Path) -> dict[str, float]:
    """Import ``path`` once (in this process) and measure it."""
    from shapely.geometry import box

    from ninohe_geo.io.formats import read_source
    from ninohe_geo.io.pipeline import prepare_import, write_import
    from ninohe_geo.model.boundary import CITY_BBOX, Boundary

    boundary = Boundary(box(*CITY_BBOX), "bench: city bounding box", exact=True)
    warm = path.with_name("warm" + path.suffix)
    prepare_import(warm, "warm", store=data_root, boundary=boundary)
    baseline = peak_mib()
    cpu0 = cpu_s()
    t0 = time.perf_counter()
    table = read_source(path)
    t1 = time.perf_counter()
    del table
    prepared = prepare_import(path, "bench", store=data_root, boundary=boundary)
    t2 = time.perf_counter()
    assert prepared.report().ok
    write_import(prepared, data_root, replace=True)  # the folder is the store
    t3 = time.perf_counter()
    return {
        "cpu_s": cpu_s() - cpu0,
        "read_s": t1 - t0,
        "prepare_s": t2 - t1,
        "write_s": t3 - t2,
        "total_s": (t1 - t0) + (t3 - t1),
        "baseline_mib": baseline,
        "peak_mib": peak_mib(),
        "features": float(len(prepared.candidates)),
    }


def run_child(path: Path, data_root: Path) -> dict[str, float]:
    """One measurement in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(path), "--data", str(data_root)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="features (default 100,000)")
    p.add_argument("--repeat", type=int, default=1, help="runs per format (median)")
    p.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.data)))
        return 0
    import shutil

    with tempfile.TemporaryDirectory(prefix="ninohe-bench-import-") as tmp:
        folder = Path(tmp)
        inputs = make_inputs(args.n, folder)
        rows = {}
        for fmt, path in inputs.items():
            runs = []
            for i in range(args.repeat):
                root = folder / f"data-{fmt}-{i}"
                (root / "layers").mkdir(parents=True)
                shutil.copy(REPO / "geodata" / "plan.yaml", root / "plan.yaml")
                runs.append(run_child(path, root))
            rows[fmt] = {k: statistics.median(r[k] for r in runs) for k in runs[0]} | {
                "size_mib": path.stat().st_size / 1024**2
            }
    print(f"# Import benchmark: {args.n:,} point features\n")
    print(f"Machine: {machine()}  ")
    print(
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"median of {args.repeat} run(s)\n"
    )
    print(
        "| format | file MiB | read s | read+map+check s | write s | total s | CPU s "
        "| peak RSS MiB (baseline) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for fmt, r in rows.items():
        print(
            f"| {fmt} | {r['size_mib']:.1f} | {r['read_s']:.2f} | {r['prepare_s']:.2f} | "
            f"{r['write_s']:.2f} | {r['total_s']:.2f} | {r['cpu_s']:.2f} | "
            f"{r['peak_mib']:.0f} ({r['baseline_mib']:.0f}) |"
        )
    g, j = rows["gpkg"], rows["geojson"]
    print(
        f"\nGeoJSON / GeoPackage in this run: read {j['read_s'] / g['read_s']:.2f}×, "
        f"total {j['total_s'] / g['total_s']:.2f}×, CPU {j['cpu_s'] / g['cpu_s']:.2f}×, "
        "peak memory "
        f"{(j['peak_mib'] - j['baseline_mib']) / max(g['peak_mib'] - g['baseline_mib'], 1):.2f}× "
        "(above baseline)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
