"""The map page benchmark (``python -m bench.bench_pages``) with one visit, in Chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.browser
def test_pages_bench_smoke(tmp_path: Path, chromium_path: str) -> None:
    """Both servers, both sizes, every figure and the machine reported; no timing checks."""
    del chromium_path  # the browser must be there (the fixture fails in CI otherwise)
    out = tmp_path / "pages.md"
    # In a child process: the benchmark uses Playwright's sync API, which cannot start while
    # this session's browser (tests/browser/conftest.py) runs an event loop here.
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_pages", "--visits", "1", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    for server in ("ninohe-geo app", "bare streamlit run"):
        for size in ("1400×900", "360×640"):
            assert f"| {server} | {size} | " in text
    assert "- 1400×900: first map " in text and "× sooner" in text
    assert "| first script message | title drawn | map iframe attached | map drawn |" in text
    # ours sends at once on a kept-alive connection (TCP_NODELAY): the line is there for both
    assert "- ours: " in text and "- bare: " in text
    assert "## Machine" in text and "- command: `python -m bench.bench_pages --visits 1" in text
    assert not list(tmp_path.glob(".*.tmp")), "temporary file left behind"
