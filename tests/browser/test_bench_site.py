"""The published-site benchmark (``python -m bench.bench_site``) at tiny sizes, in Chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.browser
def test_site_bench_smoke(tmp_path: Path, chromium_path: str) -> None:
    """Both kinds of site (inline at 40 features, tiled just above the threshold) measured in
    one run, every step reported; no timing checks."""
    del chromium_path  # the browser must be there (the fixture fails in CI otherwise)
    out = tmp_path / "site.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_site", "--sizes", "40,2050", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert "| tiled | no (inline) | yes |" in text
    for step in ("site build (s)", "first map 1400×900 (s)", "first map 360×640 (s)"):
        assert f"| {step} | " in text
    for step in ("first view bytes, gzip", "first search (s)", "first search bytes"):
        assert f"| {step} | " in text
    assert "## Machine" in text
