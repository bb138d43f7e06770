"""Loading a data folder: good data loads, bad parts are left out and reported, never fatal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ninohe_geo.errors import DataFileError
from ninohe_geo.model import catalog as catalog_module
from ninohe_geo.model.catalog import COLUMNS, Catalog, load_catalog, read_layer
from ninohe_geo.model.plan import Plan

#: The ``make_data_dir`` fixture (tests/conftest.py): layer fixtures → a data folder.
MakeDataDir = Callable[..., Path]


def write_layer(folder: Path, name: str, features: list[dict[str, Any]], **extra: Any) -> Path:
    """A small layer file under ``folder`` (a tmp_path) for cases the fixtures do not cover."""
    path = folder / name
    doc = {"type": "FeatureCollection", **extra, "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def point_feature(fid: str, measure: str = "P3-07", lon: float = 141.30478) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, 40.27125]},
        "properties": {
            "id": fid,
            "name_ja": "市役所",
            "name_en": "City Hall",
            "measure": measure,
            "status": "existing",
            "summary_ja": "x",
            "summary_en": "x",
            "accuracy": "facility",
            "source": "ja.wikipedia 二戸市",
            "updated": "2026-11-27",
        },
    }


# --- the good fixture ------------------------------------------------------------------------


def test_good_fixture_loads_four_features(good_catalog: Catalog) -> None:
    assert good_catalog.problems == ()
    assert good_catalog.features.index.tolist() == ["castle", "station", "urushi-area", "bus-route"]
    assert list(good_catalog.features.columns) == [*COLUMNS, "geometry"]
    assert good_catalog.features.crs.to_epsg() == 4326


def test_derived_columns(good_catalog: Catalog) -> None:
    f = good_catalog.features
    assert f["pillar"].to_dict() == {
        "castle": "P3",
        "station": "P3",
        "urushi-area": "P1",
        "bus-route": "P3",
    }
    assert f["pillar_index"].to_dict() == {
        "castle": 2,
        "station": 2,
        "urushi-area": 0,
        "bus-route": 2,
    }
    # ★: 歴史・伝統 (P3-01) and うるし (P1-01); 公共交通 (P3-11) is not
    assert f["featured"].to_dict() == {
        "castle": True,
        "station": False,
        "urushi-area": True,
        "bus-route": False,
    }
    # approximate / schematic are drawn loose (dashed)
    assert f["loose"].to_dict() == {
        "castle": False,
        "station": False,
        "urushi-area": True,
        "bus-route": True,
    }
    assert set(f["layer"]) == {"sample"}
    assert f.geometry.geom_type.tolist() == ["Point", "Point", "Polygon", "LineString"]


def test_optional_fields_absent_are_null(good_catalog: Catalog) -> None:
    station = good_catalog.feature("station")
    assert station is not None
    assert pd.isna(station["period"])
    assert pd.isna(station["initiative"])
    castle = good_catalog.feature("castle")
    assert castle is not None and castle["period"] == "2021–2025"


def test_layer_info(good_catalog: Catalog) -> None:
    [layer] = good_catalog.layers
    assert (layer.id, layer.file, layer.count) == ("sample", "sample.geojson", 4)
    assert (layer.title("ja"), layer.title("en")) == ("テスト", "Test")


def test_feature_lookup_and_counts(good_catalog: Catalog) -> None:
    assert good_catalog.feature("nope") is None
    assert good_catalog.count_by_measure() == {"P3-11": 2, "P3-01": 1, "P1-01": 1}


# --- the broken fixture ----------------------------------------------------------------------


def test_broken_folder_reports_every_bad_file_and_feature(make_data_dir: MakeDataDir) -> None:
    cat = load_catalog(make_data_dir("broken"))
    found = {(p.file, p.feature, p.field) for p in cat.problems}
    assert found == {
        ("bad-features.geojson", "unknown-measure", "measure"),
        ("bad-features.geojson", "bowtie", "geometry"),
        ("bad-features.geojson", "no-source", "source"),
        ("not-json.geojson", None, None),
    }
    assert all(p.severity == "error" for p in cat.problems)
    messages = {p.feature: p.message for p in cat.problems}
    assert "unknown measure 'P9-99'" in messages["unknown-measure"]
    assert "Self-intersection" in messages["bowtie"]
    assert messages["no-source"] == "missing field 'source'"
    assert messages[None].startswith("not valid JSON")
    assert "line 2" in messages[None]


def test_good_feature_in_broken_file_still_loads(make_data_dir: MakeDataDir) -> None:
    cat = load_catalog(make_data_dir("broken"))
    assert cat.features.index.tolist() == ["fine-in-broken-file"]
    assert [(layer.id, layer.count) for layer in cat.layers] == [("bad-features", 1)]


def test_broken_file_beside_good_one(make_data_dir: MakeDataDir) -> None:
    cat = load_catalog(make_data_dir("good", "broken"))
    assert len(cat.features) == 5
    assert len(cat.problems) == 4


def test_feature_without_coordinates_does_not_stop_loading(
    make_data_dir: MakeDataDir, tmp_path: Path
) -> None:
    bad = point_feature("no-coordinates")
    bad["geometry"] = {"type": "Point"}
    layer = write_layer(tmp_path, "odd.geojson", [bad, point_feature("fine")])
    cat = load_catalog(make_data_dir(layer))
    assert cat.features.index.tolist() == ["fine"]
    assert [(p.feature, p.field) for p in cat.problems] == [("no-coordinates", "geometry")]


# --- whole-file refusals ---------------------------------------------------------------------


def test_file_with_crs_member_is_refused(plan: Plan, tmp_path: Path) -> None:
    path = write_layer(
        tmp_path,
        "jgd.geojson",
        [point_feature("hall")],
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6678"}},
    )
    info, records, [problem] = read_layer(path, plan)
    assert info is None and records == []
    assert (problem.file, problem.feature, problem.field) == ("jgd.geojson", None, "crs")
    assert "'crs' member" in problem.message


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ([], "expected a GeoJSON FeatureCollection"),
        ({"type": "Feature"}, "expected a GeoJSON FeatureCollection"),
        ({"type": "FeatureCollection"}, "'features' must be a list"),
        ({"type": "FeatureCollection", "features": {}}, "'features' must be a list"),
    ],
    ids=["list", "feature", "no-features", "features-object"],
)
def test_not_a_feature_collection(plan: Plan, tmp_path: Path, doc: Any, fragment: str) -> None:
    path = tmp_path / "odd.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    info, records, [problem] = read_layer(path, plan)
    assert info is None and records == []
    assert problem.file == "odd.geojson"
    assert fragment in problem.message


def test_not_utf8_is_reported(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "sjis.geojson"
    path.write_bytes('{"name": "二戸"}'.encode("cp932"))
    _, _, [problem] = read_layer(path, plan)
    assert problem.message.startswith("not UTF-8 text")


def test_oversized_file_refused_before_read(
    plan: Plan, layer_fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_module, "MAX_LAYER_BYTES", 100)

    def no_read(self: Path) -> bytes:
        raise AssertionError(f"{self} was read although it is over the limit")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    monkeypatch.setattr(Path, "read_text", no_read)
    info, records, [problem] = read_layer(layer_fixtures / "good" / "sample.geojson", plan)
    assert info is None and records == []
    assert problem.file == "sample.geojson"
    assert "the limit is 100" in problem.message


def test_layer_id_falls_back_to_file_stem(plan: Plan, tmp_path: Path) -> None:
    path = write_layer(tmp_path, "halls.geojson", [point_feature("hall")])
    info, [record], problems = read_layer(path, plan)
    assert problems == []
    assert info is not None
    assert (info.id, info.title_ja, info.title_en, info.description_en) == (
        "halls",
        "halls",
        "halls",
        "",
    )
    assert record["layer"] == "halls"
    assert set(record) >= {"id", "geometry", "layer"}


# --- across files ----------------------------------------------------------------------------


def test_duplicate_ids_across_files(make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    # files load in name order: sample.geojson, then zz-extra.geojson
    extra = write_layer(
        tmp_path, "zz-extra.geojson", [point_feature("castle"), point_feature("new")]
    )
    cat = load_catalog(make_data_dir("good", extra))
    [problem] = cat.problems
    assert (problem.file, problem.feature, problem.field) == ("zz-extra.geojson", "castle", "id")
    assert problem.message == "duplicate id: already used in sample.geojson"
    # the first one wins, the duplicate is left out
    assert cat.features.index.tolist().count("castle") == 1
    assert cat.feature("castle")["layer"] == "sample"  # type: ignore[index]
    assert "new" in cat.features.index


def test_duplicate_report_names_the_real_file(make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    """A layer's id may differ from its file name; the report must name the file."""
    extra = write_layer(
        tmp_path, "zz-halls.geojson", [point_feature("castle")], layer={"id": "halls"}
    )
    cat = load_catalog(make_data_dir("good", extra))
    [problem] = cat.problems
    assert problem.file == "zz-halls.geojson"
    assert problem.message == "duplicate id: already used in sample.geojson"


def test_no_layer_files_is_a_problem_not_a_crash(make_data_dir: MakeDataDir) -> None:
    cat = load_catalog(make_data_dir())
    assert len(cat.features) == 0
    assert list(cat.features.columns) == [*COLUMNS, "geometry"]
    assert cat.count_by_measure() == {}
    [problem] = cat.problems
    assert "no layer files" in problem.message


def test_missing_plan_is_fatal(make_data_dir: MakeDataDir) -> None:
    root = make_data_dir("good", plan=False)
    with pytest.raises(DataFileError) as err:
        load_catalog(root)
    assert err.value.path == root / "plan.yaml"


def test_broken_plan_is_fatal(make_data_dir: MakeDataDir) -> None:
    root = make_data_dir("good")
    (root / "plan.yaml").write_text("pillars: [", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid YAML"):
        load_catalog(root)
