"""Benchmark: projects (事業) at the city's size and at ten times it, in one run (issue #14).

The city reported 682 projects (council, 2023-03-01); the target is interactive times at 5,000.
For each size, on a fresh file store holding the shipped plan and layers, with synthetic
projects (``bench-00001`` …, cycling through the plan's measures and the years 令和3〜7年度;
not real projects, never shipped):

- import: ``Store.save_projects`` (every project checked, one atomic batch with history);
- list: ``Store.projects()`` read back and parsed into :class:`Project`;
- roll-up: per measure and per pillar for one fiscal year (what the plan page draws);
- sheet: the .xlsx export, and reading it back as ``projects import`` does;
- report: the council's report as HTML, and as PDF through headless Chromium (``--pdf``).

Medians of ``--repeat`` runs; the ratio of each size to the first is from the same run.
Run: ``uv run python -m bench.bench_projects [--sizes 682,5000] [--repeat 3] [--pdf]
[--out docs/projects-performance.md]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.machine import load_average, machine_lines
from ninohe_geo.atomic import write_atomic
from ninohe_geo.io.projectbook import workbook_bytes
from ninohe_geo.io.projectsheet import read_projects
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.plan import Plan
from ninohe_geo.model.projects import PROJECT_STATUSES, Project
from ninohe_geo.output.report import report_html, report_pdf
from ninohe_geo.query.progress import by_measure, by_pillar
from ninohe_geo.store.base import Identity
from ninohe_geo.store.file import FileStore

REPO = Path(__file__).resolve().parents[1]
WHO = Identity("bench", "editor")
YEAR = 2023


def synthetic(n: int, plan: Plan) -> list[dict[str, Any]]:
    """``n`` made-up projects spread over the plan's measures and 令和3〜7年度."""
    measures = list(plan.measures)
    codes = [c.code for c in PROJECT_STATUSES]
    out = []
    for i in range(n):
        m = measures[i % len(measures)]
        years = [
            {"year": y, "status": codes[(i + y) % len(codes)]}
            for y in range(2021, 2026)
            if (i + y) % 4
        ]
        if years and i % 3 == 0:
            years[-1].update(amount_yen=1000 * i, amount_kind="budget", amount_source="bench")
        out.append(
            Project(
                id=f"bench-{i:05d}",
                name_ja=f"ベンチマーク用の架空の事業 {i}",
                name_en="",
                measures=(m.id,),
                department="（架空）",
            ).as_dict()
            | {"years": years}
        )
    return out


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def measure(n: int, repeat: int, pdf: bool, work: Path) -> dict[str, float]:
    """Seconds of each step at ``n`` projects."""
    folder = work / f"data-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(REPO / "geodata", folder, ignore=shutil.ignore_patterns("projects.json"))
    store = FileStore(folder)
    plan = store.plan()
    rows = synthetic(n, plan)
    out: dict[str, float] = {}
    stores = []

    def fresh_import() -> None:
        target = work / f"import-{n}-{len(stores)}"
        shutil.copytree(folder, target)
        stores.append(target)
        FileStore(target).save_projects(WHO, rows)

    out["import"] = timed(fresh_import, repeat)
    store.save_projects(WHO, rows)
    projects: list[Project] = []

    def listing() -> None:
        projects[:] = [Project.from_dict(p) for p in store.projects()]

    out["list"] = timed(listing, repeat)
    out["roll-up"] = timed(
        lambda: (by_measure(projects, plan, YEAR), by_pillar(projects, plan, YEAR)), repeat
    )
    sheet = work / f"projects-{n}.xlsx"
    out["xlsx export"] = timed(lambda: write_atomic(sheet, workbook_bytes(projects, plan)), repeat)
    out["xlsx read"] = timed(lambda: read_projects(sheet, plan), repeat)
    catalog = load_catalog(folder)
    html: list[str] = []
    today = dt.date(2026, 12, 3)
    out["report html"] = timed(
        lambda: html.append(report_html(catalog, projects, YEAR, today=today)), repeat
    )
    if pdf:
        out["report pdf"] = timed(lambda: report_pdf(html[-1]), max(1, repeat // 2))
    for path in stores:
        shutil.rmtree(path, ignore_errors=True)
    return out


def markdown(results: dict[int, dict[str, float]], command: str, load: str) -> str:
    sizes = list(results)
    steps = list(results[sizes[0]])
    lines = [
        "# Projects at scale (issue #14)",
        "",
        "The city reported 682 projects (council, 2023-03-01); the target is interactive times "
        "at 5,000. Synthetic projects (`bench-00001` …, made up, never shipped) on a file store "
        "with the shipped plan and layers; medians of the runs; the ratio is the largest size "
        f"against {sizes[0]:,} projects, from the same run. Steps: *import* — "
        "`Store.save_projects` (every project checked, one atomic batch with history); *list* — "
        "`Store.projects()` parsed; *roll-up* — per measure and per pillar for 令和5年度 (the "
        "plan page); *xlsx export* / *xlsx read* — `projects export` and reading it back as "
        "`projects import` does; *report html* / *report pdf* — `ninohe-geo report` (PDF by "
        "headless Chromium).",
        "",
        "| step | " + " | ".join(f"{n:,} projects" for n in sizes) + " | ratio |",
        "|---|" + "---:|" * (len(sizes) + 1),
    ]
    for step in steps:
        cells = [f"{results[n][step]:.3f} s" for n in sizes]
        ratio = results[sizes[-1]][step] / results[sizes[0]][step] if results[sizes[0]][step] else 0
        lines.append(f"| {step} | " + " | ".join(cells) + f" | {ratio:.1f}× |")
    lines += ["", "## Machine", "", f"- command: `{command}`"]
    lines += [f"- {label}: {value}" for label, value in machine_lines(load)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="682,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="also render the PDF")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    load = load_average()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="ninohe-bench-projects-") as tmp:
        results = {n: measure(n, args.repeat, args.pdf, Path(tmp)) for n in sizes}
    command = "uv run python -m bench.bench_projects " + " ".join(argv or sys.argv[1:])
    text = markdown(results, command.strip(), load)
    print(text)
    if args.out:
        write_atomic(args.out, text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
