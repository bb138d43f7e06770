"""``validate_path``: a data folder or one layer file, checked against a boundary."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from shapely.geometry import box

from ninohe_geo.errors import DataFileError
from ninohe_geo.model.boundary import CITY_BBOX, Boundary, read_boundary
from ninohe_geo.store.validate import validate_path

#: The ``make_data_dir`` fixture (tests/conftest.py): layer fixtures → a data folder.
MakeDataDir = Callable[..., Path]
LAYER_FIXTURES = Path(__file__).resolve().parents[1] / "data" / "layers"

#: A synthetic exact boundary that holds every fixture feature.
WIDE = Boundary(box(141.0, 40.0, 142.0, 41.0), "test box", exact=True)
#: A synthetic exact boundary that holds none of them.
ELSEWHERE = Boundary(box(139.0, 35.0, 140.0, 36.0), "somewhere else", exact=True)
#: The bounding-box fallback.
FALLBACK = Boundary(box(*CITY_BBOX), "bounding box of 二戸市", exact=False)


def test_good_folder_is_ok(make_data_dir: MakeDataDir) -> None:
    root = make_data_dir("good")
    report = validate_path(root, WIDE)
    assert report.ok
    assert report.problems == ()
    assert report.features == 4
    assert report.target == str(root)
    assert report.text().splitlines()[-1] == (
        f"OK: {root}: 4 feature(s) checked, 0 error(s), 0 warning(s); boundary: test box"
    )


def test_good_folder_against_the_real_boundary(
    make_data_dir: MakeDataDir, boundary_file: Path
) -> None:
    report = validate_path(make_data_dir("good"), read_boundary(boundary_file))
    assert report.ok
    # the 二戸本線 bus runs 二戸駅 → 浄法寺 and leaves the city on the way: a warning only
    assert [(p.severity, p.feature) for p in report.problems] == [("warning", "bus-route")]


def test_everything_outside(make_data_dir: MakeDataDir) -> None:
    report = validate_path(make_data_dir("good"), ELSEWHERE)
    assert not report.ok
    assert {(p.file, p.feature) for p in report.errors} == {
        ("sample.geojson", fid) for fid in ("castle", "station", "urushi-area", "bus-route")
    }
    assert report.text().splitlines()[-1].startswith("FAILED: ")


def test_fallback_boundary_is_reported(make_data_dir: MakeDataDir) -> None:
    report = validate_path(make_data_dir("good"), FALLBACK)
    assert report.ok
    [warning] = report.warnings
    assert "checked against the bounding box" in warning.message


def test_broken_folder(make_data_dir: MakeDataDir) -> None:
    report = validate_path(make_data_dir("broken"), WIDE)
    assert not report.ok
    assert report.features == 1
    assert {(p.file, p.feature) for p in report.errors} == {
        ("bad-features.geojson", "unknown-measure"),
        ("bad-features.geojson", "bowtie"),
        ("bad-features.geojson", "no-source"),
        ("not-json.geojson", None),
    }
    text = report.text()
    assert "4 error(s)" in text


def test_single_file(make_data_dir: MakeDataDir) -> None:
    root = make_data_dir()
    report = validate_path(LAYER_FIXTURES / "good" / "sample.geojson", WIDE, root / "plan.yaml")
    assert report.ok
    assert report.features == 4


def test_single_broken_file_counts_every_feature(make_data_dir: MakeDataDir) -> None:
    root = make_data_dir()
    report = validate_path(
        LAYER_FIXTURES / "broken" / "bad-features.geojson", WIDE, root / "plan.yaml"
    )
    assert report.features == 4
    assert {p.feature for p in report.errors} == {"unknown-measure", "bowtie", "no-source"}


@pytest.mark.parametrize(
    ("coordinates", "fragment"),
    [
        ([141.1527, 39.7036], "outside the city boundary (at lon 141.15270, lat 39.70360)"),
        ([40.267222, 141.303333], "not longitude/latitude in degrees"),  # lat, lon
    ],
    ids=["morioka", "swapped"],
)
def test_single_file_feature_out_of_place(
    make_data_dir: MakeDataDir, tmp_path: Path, coordinates: list[float], fragment: str
) -> None:
    doc = json.loads((LAYER_FIXTURES / "good" / "sample.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["geometry"]["coordinates"] = coordinates
    path = tmp_path / "moved.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = validate_path(path, WIDE, make_data_dir() / "plan.yaml")
    [error] = report.errors
    assert (error.file, error.feature) == ("moved.geojson", "castle")
    assert fragment in error.message
    assert report.features == 4


def test_single_file_duplicate_ids(make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    doc = json.loads((LAYER_FIXTURES / "good" / "sample.geojson").read_text(encoding="utf-8"))
    doc["features"].append(doc["features"][0])
    path = tmp_path / "twice.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = validate_path(path, WIDE, make_data_dir() / "plan.yaml")
    [error] = report.errors
    assert (error.file, error.feature, error.field) == ("twice.geojson", "castle", "id")


def test_single_file_default_plan_is_the_data_folder_in_use(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_data_dir()
    monkeypatch.setenv("NINOHE_GEO_DATA", str(root))
    assert validate_path(LAYER_FIXTURES / "good" / "sample.geojson", WIDE).ok
    (root / "plan.yaml").unlink()
    with pytest.raises(DataFileError) as err:
        validate_path(LAYER_FIXTURES / "good" / "sample.geojson", WIDE)
    assert err.value.path == root / "plan.yaml"


def test_folder_report_names_the_real_file(make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    """A layer's id may differ from its file name; boundary problems must name the file."""
    doc = json.loads((LAYER_FIXTURES / "good" / "sample.geojson").read_text(encoding="utf-8"))
    doc["layer"]["id"] = "places"
    doc["features"][0]["geometry"]["coordinates"] = [141.1527, 39.7036]  # Morioka
    path = tmp_path / "2026-places.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = validate_path(make_data_dir(path), WIDE)
    [error] = report.errors
    assert (error.file, error.feature) == ("2026-places.geojson", "castle")


def test_a_measure_naming_a_missing_reference_layer_is_warned(tmp_path: Path) -> None:
    """plan.yaml ``reference_layers`` naming no reference layer of the folder (a typo): a warning
    that says which measure, which id and what the folder has; the data still validates."""
    root = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "geodata", root)
    plan = root / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("[gsi-emergency, gsi-evacuation]", "[gsi-emergncy]"), "utf-8")
    report = validate_path(root, WIDE)
    assert report.ok and [(p.severity, p.feature, p.field) for p in report.problems] == [
        ("warning", "P3-07", "reference_layers")
    ]
    message = report.problems[0].message
    assert "'gsi-emergncy'" in message and "gsi-emergency, gsi-evacuation" in message
    assert report.problems[0].file == str(plan)


def test_validate_checks_the_stored_projects(make_data_dir, capsys) -> None:  # type: ignore[no-untyped-def]
    """Issue #14: projects are checked against the plan (errors) and their places against the
    map (a warning), and the shipped projects pass."""
    import json

    from ninohe_geo.cli import main

    repo = Path(__file__).resolve().parents[2]
    shipped = json.loads((repo / "geodata" / "projects.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in shipped["projects"]] == [
        "inaniwa-wind-farm-construction",
        "kadaru-terrace-kintaichi",
        "kunohe-castle-phase2",
    ]
    root = make_data_dir("good")
    bad = dict(shipped["projects"][2], measures=["P9-99"], initiative="")
    bad["features"] = ["castle", "nowhere"]
    (root / "projects.json").write_text(json.dumps({"projects": [bad]}), encoding="utf-8")
    assert main(["validate", "--data", str(root)]) == 1
    out = capsys.readouterr().out
    assert "measure 'P9-99' is not a measure of the plan" in out
    assert "place 'nowhere' is not a feature of the map" in out and "'castle'" not in out
