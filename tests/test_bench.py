"""Smoke test of the benchmark (``python -m bench``) at a tiny size; no timing assertions."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench_cli() -> ModuleType:
    """``bench.cli``, importable from the checkout's root (bench/ is not an installed package)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module("bench.cli")


def test_bench_writes_report(bench_cli: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    argv = ["--sizes", "20", "--repeat", "1", "--out", str(out), "--data", str(REPO / "geodata")]
    assert bench_cli.main(argv) == 0
    assert out.is_file()
    text = out.read_text(encoding="utf-8")
    for geometry in ("mixed", "points", "lines", "polygons"):
        assert f"| synthetic | {geometry} | 20 |" in text
    assert "20 features: " in text
    assert "× time, " in text and "× bytes" in text
    assert "## Machine" in text and "- command: `" in text
    assert not list(tmp_path.glob(".*.tmp")), "temporary file left behind"
    # A hand-written block (docs/performance.md's issue #15 targets) survives a new run.
    report = importlib.import_module("bench.report")
    block = f"{report.KEPT_START}\n## By hand\n| a | b |\n{report.KEPT_END}"
    out.write_text(text.replace("\n\n", f"\n\n{block}\n\n", 1), encoding="utf-8")
    assert bench_cli.main(argv) == 0
    again = out.read_text(encoding="utf-8")
    assert again.count(block) == 1 and again.index(block) < again.index("| synthetic |")


def test_sizes_are_parsed(bench_cli: ModuleType) -> None:
    assert bench_cli.parse_sizes("shipped, 1000,10000") == ["shipped", 1000, 10000]
    with pytest.raises(argparse.ArgumentTypeError, match="neither"):
        bench_cli.parse_sizes("1k")


def test_synthetic_features_fill_every_column(bench_cli: ModuleType) -> None:
    synthetic = importlib.import_module("bench.synthetic")
    plan = importlib.import_module("ninohe_geo.model.plan").load_plan(
        REPO / "geodata" / "plan.yaml"
    )
    columns = importlib.import_module("ninohe_geo.model.catalog").COLUMNS
    first = synthetic.make_frame(12, "mixed", plan, seed=1)
    again = synthetic.make_frame(12, "mixed", plan, seed=1)
    assert first.drop(columns="geometry").equals(again.drop(columns="geometry"))
    assert first.geometry.geom_equals(again.geometry).all()
    assert set(first.geometry.geom_type) == {"Point", "LineString", "Polygon"}
    assert first.geometry.is_valid.all()
    assert first[list(columns)].notna().all().all()
    assert all(plan.has_measure(m) for m in first["measure"])


def test_app_and_load_benchmarks_run_on_the_shipped_data(
    bench_cli: ModuleType, tmp_path: Path
) -> None:
    """The app-level drivers at a tiny size: a real server, a few changes, three visitors."""
    out = tmp_path / "report.md"
    argv = [
        "--sizes", "20", "--repeat", "1", "--out", str(out), "--data", str(REPO / "geodata"),
        "--app", "shipped", "--changes", "3", "--visitors", "3", "--soak", "2",
    ]  # fmt: skip
    # In a child process: the app driver uses Playwright's sync API, which cannot start while
    # another test's session browser (tests/browser/conftest.py) runs an event loop here.
    done = subprocess.run(
        [sys.executable, "-m", "bench", *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert "## The app: filter changes (targets 1 and 3)" in text
    assert "| shipped |" in text and "Target 1 (shipped data" in text
    assert "- load: 3 simultaneous visitors" in text and "errors 0;" in text
    assert "Target 4a" in text and "Target 4b" in text
    assert "| plain bytes | ours bytes | bytes × |" in text


def test_report_sections_say_missed_when_a_target_is_missed(bench_cli: ModuleType) -> None:
    report = importlib.import_module("bench.report")
    slow = {
        "features": "shipped", "n": 31, "errors": [], "filter_change_server_median_s": 0.9,
        "filter_change_server_max_s": 1.0, "same_leaflet_map": True, "same_view": True,
    }  # fmt: skip
    assert any("Target 1" in line and "MISSED" in line for line in report.app_section([slow]))
    load = {
        "load": {"visitors": 100, "errors": ["x"], "first_map_median_s": 1.0,
                 "first_map_max_s": 2.0, "peak_rss_mb": 100.0},
        "soak": {"visits": 5, "error_count": 0, "filter_median_s": 0.1, "rss_start_mb": 100.0,
                 "rss_end_mb": 150.0, "growth_pct": 50.0},
    }  # fmt: skip
    lines = report.load_section(load)
    assert any("4a" in line and "MISSED" in line for line in lines)
    assert any("4b" in line and "MISSED" in line for line in lines)


def test_the_load_driver_finds_the_policy_filter_in_either_language() -> None:
    load = importlib.import_module("bench.load")
    ids = {"$$ID-8d3f-measure.ja": [], "$$ID-aea8-pillar.en": ["Policy 1"]}
    assert load.pillar_widget(ids) == "$$ID-aea8-pillar.en"
    assert load.pillar_widget({"$$ID-aea8-pillar": []}) == "$$ID-aea8-pillar"
    assert load.pillar_widget({"$$ID-8d3f-measure.ja": [], "$$ID-1-pillars.ja": []}) is None


def test_target_3_is_judged_on_the_slowest_change_and_the_peak_memory() -> None:
    report = importlib.import_module("bench.report")
    big = {
        "features": 100_000, "n": 100_000, "errors": [], "browser_filter_to_drawn_median_s": 0.5,
        "browser_filter_to_drawn_max_s": 2.9, "rss_peak_mb": 900.0,
    }  # fmt: skip

    def verdict(**changes: object) -> str:
        line = next(x for x in report.app_section([{**big, **changes}]) if "Target 3" in x)
        return "met" if ": met" in line else "MISSED"

    assert verdict() == "met"
    assert verdict(browser_filter_to_drawn_max_s=3.4) == "MISSED"  # a fast median is not enough
    assert verdict(rss_peak_mb=1100.0) == "MISSED"
    assert verdict(errors=["policy filter not found"]) == "MISSED"


def test_projects_bench_smoke(tmp_path: Path) -> None:
    """The projects benchmark (issue #14) at tiny sizes: every step reported, no timing checks."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    bench_projects = importlib.import_module("bench.bench_projects")
    out = tmp_path / "projects.md"
    assert bench_projects.main(["--sizes", "5,10", "--repeat", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for step in ("import", "list", "roll-up", "xlsx export", "xlsx read", "report html"):
        assert f"| {step} | " in text
    assert "| 5 projects | 10 projects | ratio |" in text and "## Machine" in text
