"""``python -m bench``: plain folium vs ``mapview.standalone_map`` on the same tables.

Datasets: ``shipped`` (the real catalogue, skipped with a note when it has no features) and
synthetic sizes N, each as a mixed set and as N points, N lines and N polygons. Every dataset
is measured both ways in this one process, interleaved, so the ratios are fair.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.machine import load_average, machine_lines
from bench.measure import measure_pair
from bench.report import Row, app_section, keep_block, load_section, render, write_atomic
from bench.synthetic import KINDS, make_frame
from ninohe_geo.errors import DataFileError
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.plan import load_plan
from ninohe_geo.paths import plan_file

SHIPPED = "shipped"
DEFAULT_SIZES = "shipped,1000,10000"
DEFAULT_SEED = 2021


def parse_sizes(text: str) -> list[str | int]:
    """``"shipped,1000,10000"`` → ``["shipped", 1000, 10000]``."""
    sizes: list[str | int] = []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        if token == SHIPPED:
            sizes.append(SHIPPED)
            continue
        try:
            n = int(token)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{token!r} is neither {SHIPPED!r} nor a number of features"
            ) from None
        if n < 1:
            raise argparse.ArgumentTypeError(f"size {n} must be at least 1")
        sizes.append(n)
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m bench", description=(__doc__ or "").split("\n\n")[0]
    )
    p.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes(DEFAULT_SIZES),
        help=f"comma-separated: {SHIPPED!r} and/or feature counts (default {DEFAULT_SIZES})",
    )
    p.add_argument("--repeat", type=_positive, default=3, help="runs per path; medians (3)")
    p.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    p.add_argument("--data", type=Path, default=Path("geodata"), help="data folder (geodata)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="synthetic data seed (2021)")
    p.add_argument(
        "--app",
        type=parse_sizes,
        default=[],
        help="also run the real app on these datasets (e.g. shipped,100000): server time per "
        "filter change and, with --browser, time to a drawn map in Chromium (bench.app)",
    )
    p.add_argument("--browser", action="store_true", help="with --app: measure in Chromium")
    p.add_argument("--changes", type=_positive, default=20, help="filter changes per --app run")
    p.add_argument("--visitors", type=int, default=0, help="simultaneous visitors (bench.load)")
    p.add_argument("--soak", type=float, default=0.0, help="soak seconds (bench.load)")
    return p


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _command(argv: Sequence[str]) -> str:
    prefix = "uv run python -m bench" if "UV" in os.environ else "python -m bench"
    return f"{prefix} {shlex.join(argv)}".rstrip()


def _shipped(data: Path, repeat: int, notes: list[str]) -> Row | None:
    catalog = load_catalog(data)
    if catalog.problems:
        notes.append(
            f"shipped: {len(catalog.problems)} problem(s) while loading {data} "
            f"(first: {catalog.problems[0]})"
        )
    n = len(catalog.features)
    if n == 0:
        note = f"shipped: skipped, the catalogue in {data} has 0 features"
        _say(note)
        notes.append(note)
        return None
    kinds = catalog.features.geometry.geom_type.value_counts()
    mix = ", ".join(f"{kind} {count}" for kind, count in kinds.items())
    _say(f"shipped: {n} features ({mix})")
    notes.append(f"shipped: {n} features from {data} ({mix})")
    return Row(SHIPPED, "mixed", n, measure_pair(catalog.features, catalog.plan, repeat))


def run(
    sizes: Sequence[str | int], repeat: int, data: Path, seed: int, notes: list[str]
) -> list[Row]:
    """Measure every dataset; notes about skipped or odd data are appended to ``notes``."""
    plan = load_plan(plan_file(data))
    # Warm up both paths (imports, Jinja template compilation) so the first dataset is not
    # charged for them.
    measure_pair(make_frame(9, "mixed", plan, seed), plan, 1)
    rows: list[Row] = []
    for size in sizes:
        if isinstance(size, str):
            row = _shipped(data, repeat, notes)
            rows += [row] if row else []
            continue
        for kind in KINDS:
            frame = make_frame(size, kind, plan, seed)
            _say(f"synthetic {kind}: {size} features")
            rows.append(Row("synthetic", kind, size, measure_pair(frame, plan, repeat)))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the report, write it to ``--out`` if given; 0 on success."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(args_list)
    notes: list[str] = []
    load_at_start = load_average()
    try:
        rows = run(args.sizes, args.repeat, args.data, args.seed, notes)
    except DataFileError as exc:
        _say(f"error: {exc}")
        return 2
    extra: list[str] = []
    if args.app:
        from bench.app import run as run_app

        results = []
        for size in args.app:
            _say(f"app: {size}")
            synthetic = 0 if isinstance(size, str) else size
            results.append(run_app(args.data, synthetic, args.changes, args.browser))
            _say(f"app: {results[-1]}")
        extra += app_section(results)
    if args.visitors or args.soak:
        from bench.load import run_load

        _say(f"load: {args.visitors} visitors, soak {args.soak:g} s")
        figures = run_load(args.data, args.visitors, args.soak)
        _say(f"load: {figures}")
        extra += load_section(figures)
    date = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
    text = render(
        rows, notes, machine_lines(load_at_start), date, _command(args_list), args.repeat, extra
    )
    print(text)
    if args.out is not None:
        if args.out.is_file():  # issue #15's hand-written targets stay
            text = keep_block(args.out.read_text(encoding="utf-8"), text)
        write_atomic(args.out, text)
        _say(f"wrote {args.out}")
    return 0
