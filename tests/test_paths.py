"""Where things are, and the rule for tests that read the shared reference folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from repo_paths import REFERENCE_DIR, REPO_ROOT

from ninohe_geo import paths

#: The ``require_reference`` fixture (tests/conftest.py).
RequireReference = Callable[[Path, str | None], Path]


def test_data_dir_defaults_to_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    assert paths.CHECKOUT == REPO_ROOT
    assert not paths.is_installed()
    assert paths.data_dir() == REPO_ROOT / "geodata" == paths.shipped_data_dir()
    assert paths.dashboard_dir() == paths.app_dir() == REPO_ROOT / "dashboard"
    assert paths.static_dir() == REPO_ROOT / "dashboard" / "static"
    assert paths.streamlit_config() == REPO_ROOT / ".streamlit" / "config.toml"


def test_data_dir_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path))
    assert paths.data_dir() == tmp_path


def test_empty_env_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV, "")
    assert paths.data_dir() == REPO_ROOT / "geodata"


def test_an_installed_package_uses_its_package_data_and_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Installed (no checkout around it), the data and pages come from inside the package and
    generated files go to the cache folder, never into the package."""
    monkeypatch.setattr(paths, "CHECKOUT", None)
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    assert paths.is_installed()
    assert paths.data_dir() == paths.PACKAGE_DIR / "geodata"
    assert paths.dashboard_dir() == paths.PACKAGE_DIR / "dashboard"
    assert paths.app_dir() == tmp_path / "cache" / "app"
    assert paths.static_dir() == tmp_path / "cache" / "app" / "static"
    assert paths.streamlit_config() == paths.PACKAGE_DIR / "streamlit-config.toml"
    assert paths.is_packaged_data(paths.PACKAGE_DIR / "geodata" / "layers")
    assert not paths.is_packaged_data(tmp_path)


def test_the_cache_defaults_to_the_platform_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.CACHE_ENV, raising=False)
    assert "ninohe-geo" in paths.cache_dir().parts


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
    assert reference_dir == REFERENCE_DIR
    assert boundary_file.parent == reference_dir
    assert boundary_file.is_file()
