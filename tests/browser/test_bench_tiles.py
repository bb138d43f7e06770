"""The vector tiles benchmark (``python -m bench.bench_tiles``) at tiny sizes, in Chromium."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.browser
def test_tiles_bench_smoke(tmp_path: Path, chromium_path: str) -> None:
    """The vector tiles benchmark (issue #15) at tiny sizes, browser included: every step
    reported, filters answered without fetching tiles again; no timing checks."""
    del chromium_path  # the browser must be there (the fixture fails in CI otherwise)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    bench_tiles = importlib.import_module("bench.bench_tiles")
    out = tmp_path / "tiles.md"
    assert bench_tiles.main(["--sizes", "50,120", "--repeat", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for step in ("check (GeoJSON) (s)", "load (cache) (s)", "tiles build (s)", "archive bytes"):
        assert f"| {step} | " in text
    assert "| first map (s) | " in text and "| first view bytes | " in text
    assert "| tile fetches on filter | 0 | 0 | – |" in text
    assert "| 50 features | 120 features | ratio |" in text and "## Machine" in text
