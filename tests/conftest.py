"""Shared fixtures: the shipped plan, throw-away data folders, the shared reference files.

Test data lives in ``tests/data/layers/{good,broken,hostile}/``; every test that needs a data
folder gets its own copy under ``tmp_path`` from :func:`make_data_dir`, so nothing a test writes
reaches the checkout. Reference files (``../shared/reference``) are read in place, never copied.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from repo_paths import REFERENCE_BOUNDARY, REFERENCE_DIR, REPO_ROOT

from ninohe_geo import paths
from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.model.plan import Plan, load_plan

TESTS_DIR = Path(__file__).resolve().parent
#: The fixture layer files: good/, broken/, hostile/.
LAYER_FIXTURES = TESTS_DIR / "data" / "layers"
#: The shipped plan file every data folder copies.
PLAN_FILE = paths.plan_file(REPO_ROOT / "geodata")

MakeDataDir = Callable[..., Path]
RequireReference = Callable[[Path, "str | None"], Path]


def pytest_configure(config: pytest.Config) -> None:
    """Validation in tests checks against the official boundary when the shared folder has it
    (a user passes ``--boundary`` or sets ``$NINOHE_GEO_BOUNDARY``; the product never looks in
    the shared test folder). Tests of the fallback unset it."""
    del config
    if REFERENCE_BOUNDARY.is_file():
        os.environ.setdefault(paths.BOUNDARY_ENV, str(REFERENCE_BOUNDARY))
    # Generated files (the checked catalogue's cache, an installed app's folder) go to a folder
    # of this run, never the user's cache (app servers started by tests inherit it).
    if paths.CACHE_ENV not in os.environ:
        os.environ[paths.CACHE_ENV] = tempfile.mkdtemp(prefix="ninohe-test-cache-")


# Test modules do not import this file (another conftest.py, e.g. tests/browser/, can take its
# place in sys.modules): everything they share is a fixture.


def _require_reference(folder: Path, ci: str | None) -> Path:
    """``folder`` if it exists; else skip (a user's own clone) or fail (``ci == "true"``)."""
    if folder.is_dir():
        return folder
    reason = (
        f"shared folder {folder} is missing (CI has ../shared beside the checkout; "
        "see ../shared/reference/README.md)"
    )
    if ci == "true":
        pytest.fail(f"{reason}; under CI=true the shared data is required")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The shipped plan (``geodata/plan.yaml``), loaded once."""
    return load_plan(PLAN_FILE)


@pytest.fixture(scope="session")
def layer_fixtures() -> Path:
    """``tests/data/layers`` (subfolders good/, broken/, hostile/)."""
    return LAYER_FIXTURES


def _sources(item: str | Path) -> list[Path]:
    path = Path(item)
    if not path.is_absolute():
        path = LAYER_FIXTURES / path
    if path.is_dir():
        found = sorted(path.glob("*.geojson"))
        if not found:
            raise FileNotFoundError(f"no *.geojson in fixture folder {path}")
        return found
    if not path.is_file():
        raise FileNotFoundError(f"no fixture file {path}")
    return [path]


@pytest.fixture
def make_data_dir(tmp_path: Path) -> MakeDataDir:
    """Factory: a fresh data folder under ``tmp_path`` with the shipped plan and given layers.

    ``make_data_dir("good")`` copies every ``*.geojson`` of ``tests/data/layers/good``;
    ``make_data_dir("good/sample.geojson", "hostile")`` mixes files and folders; absolute paths
    (e.g. files a test wrote under ``tmp_path``) are copied too. With no argument the
    ``layers/`` folder is created empty. ``plan=False`` leaves ``plan.yaml`` out. Each call
    returns a new folder.
    """
    counter = itertools.count(1)

    def make(*items: str | Path, plan: bool = True) -> Path:
        root = tmp_path / f"data-{next(counter)}"
        layers = paths.layers_dir(root)
        layers.mkdir(parents=True)
        if plan:
            shutil.copyfile(PLAN_FILE, paths.plan_file(root))
        for item in items:
            for source in _sources(item):
                target = layers / source.name
                if target.exists():
                    raise FileExistsError(f"two fixture files named {source.name}")
                shutil.copyfile(source, target)
        return root

    return make


@pytest.fixture
def good_catalog(make_data_dir: MakeDataDir) -> Catalog:
    """The catalogue of the good fixture (4 features in layer ``sample``)."""
    return load_catalog(make_data_dir("good"))


@pytest.fixture(scope="session")
def require_reference() -> RequireReference:
    """The rule behind :func:`reference_dir`, ``(folder, $CI) -> folder``, for testing it."""
    return _require_reference


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The shared reference folder; skips when missing, but fails under ``CI=true``."""
    return _require_reference(REFERENCE_DIR, os.environ.get("CI"))


@pytest.fixture(scope="session")
def boundary_file(reference_dir: Path) -> Path:
    """The official city boundary (N03, 1 % simplified) in the reference folder."""
    path = reference_dir / "ninohe_boundary.geojson"
    if not path.is_file():
        pytest.fail(f"{path} is missing from the reference folder")
    return path
