"""The vector tiles benchmark (``python -m bench.bench_tiles``) at tiny sizes, in Chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.browser
def test_tiles_bench_smoke(tmp_path: Path, chromium_path: str) -> None:
    """Every step reported, filters answered without fetching tiles again; no timing checks."""
    del chromium_path  # the browser must be there (the fixture fails in CI otherwise)
    out = tmp_path / "tiles.md"
    # 2,100: above the tile threshold, so the app step too draws from the archive.
    argv = ["--sizes", "50,2100", "--repeat", "1", "--out", str(out)]
    # In a child process: the benchmark uses Playwright's sync API, which cannot start while
    # this session's browser (tests/browser/conftest.py) runs an event loop here.
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_tiles", *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    for step in ("check (GeoJSON) (s)", "load (cache) (s)", "tiles build (s)", "archive bytes"):
        assert f"| {step} | " in text
    assert "| first map (s) | " in text and "| first view bytes | " in text
    assert "| app: restart → first map (s) | " in text
    assert "| tile fetches on filter | 0 | 0 | – |" in text
    assert "| 50 features | 2,100 features | ratio |" in text and "## Machine" in text


@pytest.mark.browser
def test_million_bench_smoke(chromium_path: str) -> None:
    """The million-feature runner at a tiny size: every step printed; no timing checks."""
    del chromium_path
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_tiles_million", "--n", "300"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for step in ("memory holding the frame", "tiles build", "first map (s)", "filter, max of 20"):
        assert step in done.stdout
    assert "tile fetches on filter: 0" in done.stdout
