"""``ninohe-geo validate``: exit codes and what it prints."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ninohe_geo.cli import main
from ninohe_geo.paths import BOUNDARY_ENV

#: The ``make_data_dir`` fixture (tests/conftest.py): layer fixtures → a data folder.
MakeDataDir = Callable[..., Path]
LAYER_FIXTURES = Path(__file__).resolve().parent / "data" / "layers"


def box_boundary(folder: Path) -> Path:
    """A tiny boundary file (1° box around the city) written under ``folder``."""
    path = folder / "box.geojson"
    ring = [[141.0, 40.0], [142.0, 40.0], [142.0, 41.0], [141.0, 41.0], [141.0, 40.0]]
    feature = {
        "type": "Feature",
        "properties": {"N03_007": "03213"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def test_good_folder_exits_0_and_prints_ok(
    make_data_dir: MakeDataDir, boundary_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_data_dir("good")
    assert main(["validate", str(root), "--boundary", str(boundary_file)]) == 0
    out = capsys.readouterr().out
    last = out.strip().splitlines()[-1]
    assert last.startswith(f"OK: {root}: 4 feature(s) checked, 0 error(s), 1 warning(s)")
    assert last.endswith(f"boundary: {boundary_file}")
    assert "WARNING: sample.geojson [feature bus-route] (geometry): route leaves" in out


def test_broken_folder_exits_1_and_names_files_and_features(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_data_dir("broken")
    code = main(["validate", str(root), "--boundary", str(box_boundary(tmp_path))])
    assert code == 1
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[-1].startswith(f"FAILED: {root}: 1 feature(s) checked, 4 error(s)")
    for fragment in (
        "ERROR: bad-features.geojson [feature unknown-measure] (measure): unknown measure 'P9-99'",
        "ERROR: bad-features.geojson [feature bowtie] (geometry): invalid geometry",
        "ERROR: bad-features.geojson [feature no-source] (source): missing field 'source'",
        "ERROR: not-json.geojson: not valid JSON",
    ):
        assert any(line.startswith(fragment) for line in lines), fragment
    assert "fine-in-broken-file" not in out


def test_single_file_target(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = make_data_dir() / "plan.yaml"
    target = LAYER_FIXTURES / "good" / "sample.geojson"
    code = main(
        ["validate", str(target), "--plan", str(plan), "--boundary", str(box_boundary(tmp_path))]
    )
    assert code == 0
    assert (
        capsys.readouterr()
        .out.strip()
        .splitlines()[-1]
        .startswith(f"OK: {target}: 4 feature(s) checked, 0 error(s), 0 warning(s)")
    )


def test_single_broken_file_target(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = make_data_dir() / "plan.yaml"
    target = LAYER_FIXTURES / "broken" / "bad-features.geojson"
    code = main(
        ["validate", str(target), "--plan", str(plan), "--boundary", str(box_boundary(tmp_path))]
    )
    assert code == 1
    out = capsys.readouterr().out
    for fid in ("unknown-measure", "bowtie", "no-source"):
        assert f"bad-features.geojson [feature {fid}]" in out


def test_missing_boundary_file_exits_2(
    make_data_dir: MakeDataDir,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = tmp_path / "no-reference"
    empty.mkdir()
    monkeypatch.delenv(BOUNDARY_ENV, raising=False)
    typo = tmp_path / "typo.geojson"
    code = main(["validate", str(make_data_dir("good")), "--boundary", str(typo)])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert str(typo) in captured.err
    assert "boundary file not found" in captured.err


def test_missing_boundary_file_exits_2_even_when_another_exists(
    make_data_dir: MakeDataDir,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mistyped --boundary must not be silently replaced by $NINOHE_GEO_BOUNDARY."""
    monkeypatch.setenv(BOUNDARY_ENV, str(box_boundary(tmp_path)))
    typo = tmp_path / "typo.geojson"
    code = main(["validate", str(make_data_dir("good")), "--boundary", str(typo)])
    assert code == 2
    assert str(typo) in capsys.readouterr().err


def test_missing_plan_exits_2(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_data_dir("good", plan=False)
    code = main(["validate", str(root), "--boundary", str(box_boundary(tmp_path))])
    assert code == 2
    err = capsys.readouterr().err
    assert str(root / "plan.yaml") in err
    assert "cannot read the plan file" in err


def test_bad_boundary_file_exits_2(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text("{", encoding="utf-8")
    assert main(["validate", str(make_data_dir("good")), "--boundary", str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "csv"])
    assert exc.value.code == 2
    assert "out" in capsys.readouterr().err


def test_validate_without_a_path_checks_the_store_in_use(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_data_dir("good")
    monkeypatch.setenv("NINOHE_GEO_DATA", str(root))
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    assert main(["validate"]) == 0
    assert f"OK: {root}: 4 feature(s) checked" in capsys.readouterr().out
