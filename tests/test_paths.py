"""Where things are, and the rule for tests that read the shared reference folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ninohe_geo import paths

#: The ``require_reference`` fixture (tests/conftest.py).
RequireReference = Callable[[Path, str | None], Path]


def test_data_dir_defaults_to_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    assert paths.data_dir() == paths.REPO_ROOT / "geodata"
    assert (paths.REPO_ROOT / "pyproject.toml").is_file()


def test_data_dir_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path))
    assert paths.data_dir() == tmp_path


def test_empty_env_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV, "")
    assert paths.data_dir() == paths.REPO_ROOT / "geodata"


def test_reference_dir_is_beside_the_checkout() -> None:
    assert paths.reference_dir() == paths.REPO_ROOT.parent / "shared" / "reference"


def test_files_in_a_data_folder(tmp_path: Path) -> None:
    assert paths.plan_file(tmp_path) == tmp_path / "plan.yaml"
    assert paths.layers_dir(tmp_path) == tmp_path / "layers"


def test_package_static_folder() -> None:
    assert (paths.PACKAGE_DIR / "static" / "ninohe-map.js").is_file()


# --- the reference rule (conftest.require_reference, behind the reference_dir fixture) -------


def test_reference_present_is_returned(tmp_path: Path, require_reference: RequireReference) -> None:
    assert require_reference(tmp_path, "true") == tmp_path
    assert require_reference(tmp_path, None) == tmp_path


@pytest.mark.parametrize("ci", [None, "", "false", "1"])
def test_reference_missing_skips_outside_ci(
    tmp_path: Path, ci: str | None, require_reference: RequireReference
) -> None:
    with pytest.raises(pytest.skip.Exception, match=r"shared folder .* is missing"):
        require_reference(tmp_path / "missing", ci)


def test_reference_missing_fails_under_ci(
    tmp_path: Path, require_reference: RequireReference
) -> None:
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_reference(tmp_path / "missing", "true")


def test_reference_fixture(reference_dir: Path, boundary_file: Path) -> None:
    assert reference_dir == paths.reference_dir()
    assert boundary_file.parent == reference_dir
    assert boundary_file.is_file()
