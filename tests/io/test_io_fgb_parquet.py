"""FlatGeobuf and GeoParquet (ninohe_geo.io.export, formats, read_gdal, read_columnar): written
with the GeoPackage's fields, read back by the importer unchanged, told apart by their bytes,
and a broken or non-geo file refused with a message naming it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely.affinity
from importer_support import test_boundary
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from ninohe_geo.cli import main
from ninohe_geo.io.errors import ImportFileError, LimitExceededError, UnsupportedFormatError
from ninohe_geo.io.export import (
    FRAME_COLUMNS,
    MEDIA_TYPES,
    attribute_frame,
    export_bytes,
    export_file,
)
from ninohe_geo.io.formats import FORMAT_NAMES, format_by_name, read_source, sniff
from ninohe_geo.io.limits import Limits
from ninohe_geo.io.pipeline import prepare_import
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.schema import ALL_FIELDS

NEW = ("fgb", "parquet")
#: A clockwise ring with a hole: the export turns it counter-clockwise (RFC 7946 winding).
CLOCKWISE = Polygon(
    [(141.29, 40.26), (141.29, 40.27), (141.30, 40.27), (141.30, 40.26)],
    [[(141.292, 40.262), (141.295, 40.262), (141.295, 40.265)]],
)


@pytest.fixture
def mixed(good_catalog: Catalog) -> gpd.GeoDataFrame:
    """Six features of every kind the schema allows together: point, line, polygon with a hole,
    a MultiPolygon beside the Polygon, Japanese text, a formula-like value, empty fields."""
    base = good_catalog.features
    frame = base.iloc[[0, 1, 2, 3, 0, 1]].copy().reset_index(drop=True)
    frame["id"] = ["pt", "line", "poly", "multi", "formula", "empty"]
    frame["name_ja"] = ["九戸城跡", "二戸駅前の道", "漆の森", "二つの区画", "=1+1", "空欄"]
    frame["summary_en"] = ["Kunohe", "Road", "Forest", "Two plots", "=SUM(A1:A9)", "-2+3"]
    frame["details_ja"] = ["史跡「九戸城」\n二行目", None, "", None, "@x", None]
    frame["period"] = [None, "2021–2025", None, None, None, None]
    frame["layer"] = "sample"
    frame = frame.set_geometry(
        [
            Point(141.303333, 40.267222),
            LineString([(141.28, 40.25), (141.285639, 40.259861), (141.29, 40.262)]),
            CLOCKWISE,
            MultiPolygon([CLOCKWISE, shapely.affinity.translate(CLOCKWISE, 0.02, 0.0)]),
            Point(141.2801234, 40.2601234),
            LineString([(141.27, 40.24), (141.271, 40.241)]),
        ]
    )
    return frame.set_crs("EPSG:4326", allow_override=True)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


@pytest.mark.parametrize("fmt", NEW)
def test_round_trip_keeps_every_field_and_geometry_type(
    mixed: gpd.GeoDataFrame, make_data_dir, tmp_path: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    out = export_file(mixed, fmt, tmp_path / f"mixed.{fmt}")
    prepared = prepare_import(out, "roundtrip", store=make_data_dir(), boundary=test_boundary())
    assert prepared.source.format == fmt
    assert prepared.mapping.name == "ninohe"
    assert prepared.report().ok, prepared.report().text()
    got = {c.label: c for c in prepared.candidates}
    assert sorted(got) == sorted(mixed["id"])
    for _, row in mixed.iterrows():
        cand = got[row["id"]]
        for name in ALL_FIELDS:
            if name != "id":
                assert cand.properties.get(name) == _text(row.get(name)), (row["id"], name)
        assert cand.geometry is not None
        assert cand.geometry.geom_type == row.geometry.geom_type, row["id"]
        assert cand.geometry.normalize().equals_exact(row.geometry.normalize(), 1.5e-7), row["id"]
    # Text is kept exactly: no apostrophe before a formula (only the CSV needs one).
    assert got["formula"].properties["name_ja"] == "=1+1"
    assert got["empty"].properties["summary_en"] == "-2+3"
    assert got["pt"].properties["details_ja"] == "史跡「九戸城」\n二行目"


def test_source_values_read_back_as_written(mixed: gpd.GeoDataFrame, tmp_path: Path) -> None:
    """The readers (not only the mapping) see the same rows for GeoPackage, FlatGeobuf and
    GeoParquet: the same columns, the same text, None for a missing value."""
    tables = {}
    for fmt in ("gpkg", *NEW):
        path = export_file(mixed, fmt, tmp_path / f"x.{fmt}")
        tables[fmt] = read_source(path)
    for fmt, table in tables.items():
        assert table.format == fmt
        assert table.columns == list(FRAME_COLUMNS), fmt
        assert table.crs == "EPSG:4326", fmt
        by_id = {r["id"]: r for r in table.rows}
        assert by_id == {r["id"]: r for r in tables["gpkg"].rows}, fmt
        assert by_id["formula"]["name_ja"] == "=1+1"
        assert by_id["pt"]["period"] is None and by_id["poly"]["details_ja"] is None
    # The rings come back counter-clockwise, the hole clockwise, whatever the input's winding.
    poly = next(
        g
        for g, r in zip(tables["parquet"].geometries, tables["parquet"].rows, strict=True)
        if r["id"] == "poly"
    )
    assert poly is not None and poly.exterior.is_ccw and not poly.interiors[0].is_ccw


def test_the_three_binary_exports_have_the_same_fields_and_crs(
    mixed: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    fields = {}
    for fmt in ("gpkg", "fgb"):
        path = tmp_path / f"x.{fmt}"
        path.write_bytes(export_bytes(mixed, fmt))
        info = pyogrio.read_info(path)
        assert info["crs"] == "EPSG:4326", fmt
        assert list(info["ogr_types"]) == ["OFTString"] * len(FRAME_COLUMNS), fmt
        fields[fmt] = list(info["fields"])
    parquet = pq.ParquetFile(io.BytesIO(export_bytes(mixed, "parquet")))
    schema = parquet.schema_arrow
    geo = json.loads(schema.metadata[b"geo"])
    assert geo["version"].startswith("1.") and geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    assert geo["columns"]["geometry"]["crs"]["id"] == {"authority": "EPSG", "code": 4326}
    fields["parquet"] = [n for n in schema.names if n != "geometry"]
    # Every text column is a string column, even one with no value at all (accuracy_m).
    assert all(pa.types.is_large_string(schema.field(n).type) for n in fields["parquet"])
    assert fields == {fmt: list(FRAME_COLUMNS) for fmt in ("gpkg", "fgb", "parquet")}
    assert FRAME_COLUMNS == (*ALL_FIELDS, "layer")


def test_flatgeobuf_has_its_spatial_index(mixed: gpd.GeoDataFrame, tmp_path: Path) -> None:
    data = export_bytes(mixed, "fgb")
    assert data.startswith(b"fgb\x03fgb")
    path = tmp_path / "x.fgb"
    path.write_bytes(data)
    info = pyogrio.read_info(path)
    assert info["driver"] == "FlatGeobuf" and info["features"] == len(mixed)
    assert info["capabilities"]["fast_spatial_filter"] is True  # the packed R-tree is there
    near_castle = pyogrio.read_dataframe(path, bbox=(141.3033, 40.2672, 141.3034, 40.2673))
    assert list(near_castle["id"]) == ["pt"]


def test_attribute_frame_is_built_by_column_not_by_row(
    mixed: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_rows(*args: object, **kwargs: object) -> None:
        raise AssertionError("iterrows: the frame must be built column by column")

    monkeypatch.setattr(gpd.GeoDataFrame, "iterrows", no_rows)
    frame = attribute_frame(mixed)
    assert list(frame.columns) == [*FRAME_COLUMNS, "geometry"]
    assert frame.crs == "EPSG:4326"
    assert pd.isna(frame.loc[2, "details_ja"]) and pd.isna(frame.loc[0, "period"])  # "" → missing
    assert frame.loc[4, "name_ja"] == "=1+1" and frame["accuracy_m"].isna().all()
    assert list(frame.geom_type) == list(mixed.geom_type)  # no Polygon promoted to Multi


def test_media_types() -> None:
    assert MEDIA_TYPES["fgb"] == "application/flatgeobuf"
    assert MEDIA_TYPES["parquet"] == "application/vnd.apache.parquet"


# --- detection --------------------------------------------------------------------------------


def test_both_formats_are_importable_by_name() -> None:
    assert {"fgb", "parquet"} <= set(FORMAT_NAMES)
    assert format_by_name("fgb").extensions == (".fgb",)
    assert ".parquet" in format_by_name("parquet").extensions
    for name in NEW:
        assert callable(format_by_name(name).read_function())


@pytest.mark.parametrize("fmt", NEW)
def test_detected_by_magic_bytes_whatever_the_name(
    mixed: gpd.GeoDataFrame, tmp_path: Path, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    for name in ("plain.dat", "named-wrongly.geojson", f"right.{fmt}"):
        path = tmp_path / name
        path.write_bytes(export_bytes(mixed, fmt))
        assert sniff(path, name) == fmt, name
    # And a GeoJSON named .fgb / .parquet is GeoJSON: the content decides.
    fake = tmp_path / f"really-geojson.{fmt}"
    fake.write_bytes(export_bytes(mixed, "geojson"))
    assert sniff(fake, fake.name) == "geojson"


def test_format_option_must_agree_with_the_bytes(mixed: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = export_file(mixed, "fgb", tmp_path / "x.fgb")
    with pytest.raises(UnsupportedFormatError, match="--format parquet given, but the content is"):
        read_source(path, fmt="parquet")
    assert read_source(path, fmt="fgb").format == "fgb"


@pytest.mark.parametrize("fmt", NEW)
def test_read_from_a_zip(mixed: gpd.GeoDataFrame, tmp_path: Path, fmt: str) -> None:
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("README.txt", "about")
        zf.writestr(f"data/plan.{fmt}", export_bytes(mixed, fmt))
    table = read_source(archive)
    assert table.format == fmt and len(table) == len(mixed)
    assert table.notes[0] == f"read data/plan.{fmt} from the zip"


# --- broken and foreign files -----------------------------------------------------------------


def _broken_fgb(good: bytes, kind: str) -> bytes:
    if kind == "truncated":
        return good[: len(good) - 40]
    if kind == "half":
        return good[: len(good) // 2]
    if kind == "magic only":
        return good[:8]
    return good[:8] + bytes(range(256)) * 4  # garbage after the magic bytes


@pytest.mark.parametrize("kind", ["truncated", "half", "magic only", "garbage"])
def test_a_broken_flatgeobuf_is_a_clear_error_naming_the_file(
    mixed: gpd.GeoDataFrame, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(_broken_fgb(export_bytes(mixed, "fgb"), kind))
    with pytest.raises(ImportFileError) as info:
        read_source(path, display_name="壊れた地図.fgb")
    assert str(info.value).startswith("壊れた地図.fgb: ")
    assert "FlatGeobuf" in str(info.value) or "GDAL" in str(info.value)


def test_a_broken_flatgeobuf_through_the_cli_is_one_line_not_a_traceback(
    mixed: gpd.GeoDataFrame, make_data_dir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.fgb"
    path.write_bytes(_broken_fgb(export_bytes(mixed, "fgb"), "truncated"))
    root = make_data_dir()
    code = main(["import", str(path), "--layer", "x", "--data", str(root), "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "broken.fgb: " in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def _plain_parquet(path: Path) -> Path:
    table = pa.table(
        {"名称": ["九戸城跡", "二戸駅"], "lon": [141.3, 141.28], "lat": [40.27, 40.26]}
    )
    pq.write_table(table, path)
    return path


def test_parquet_without_geo_metadata_is_not_geoparquet(tmp_path: Path) -> None:
    path = _plain_parquet(tmp_path / "table.parquet")
    assert sniff(path, path.name) == "parquet"
    with pytest.raises(ImportFileError) as info:
        read_source(path, display_name="施設一覧.parquet")
    message = str(info.value)
    assert message.startswith("施設一覧.parquet: ")
    assert "not GeoParquet: no geometry column metadata" in message


def test_parquet_with_broken_geo_metadata(tmp_path: Path) -> None:
    table = pa.table({"a": ["x"]}).replace_schema_metadata({"geo": "{not json"})
    path = tmp_path / "bad.parquet"
    pq.write_table(table, path)
    with pytest.raises(ImportFileError, match=r"^bad.parquet: not GeoParquet: its 'geo' metadata"):
        read_source(path)


def test_a_truncated_parquet_is_refused_by_its_missing_footer(
    mixed: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    data = export_bytes(mixed, "parquet")
    path = tmp_path / "cut.parquet"
    path.write_bytes(data[: len(data) - 100])
    with pytest.raises(UnsupportedFormatError, match=r"^cut.parquet: .*does not end like one"):
        read_source(path)
    path.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")  # the magic bytes, but no real footer
    with pytest.raises(ImportFileError, match=r"^cut.parquet: not a readable Parquet file"):
        read_source(path)


def test_the_feature_cap_is_checked_from_the_footer_before_reading(
    mixed: gpd.GeoDataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = export_file(mixed, "parquet", tmp_path / "many.parquet")

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the columns must not be read past the cap")

    monkeypatch.setattr(gpd, "read_parquet", forbidden)
    with pytest.raises(LimitExceededError, match="has about 6 features; the limit is 5"):
        read_source(path, limits=Limits(max_features=5))
    with pytest.raises(LimitExceededError, match="its columns expand to"):
        read_source(path, limits=Limits(max_unzipped_bytes=100))


def test_the_flatgeobuf_feature_cap_comes_from_its_header(
    mixed: gpd.GeoDataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = export_file(mixed, "fgb", tmp_path / "many.fgb")

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("GDAL must not read the features past the cap")

    monkeypatch.setattr(pyogrio, "read_dataframe", forbidden)
    with pytest.raises(LimitExceededError, match="has about 6 features; the limit is 5"):
        read_source(path, limits=Limits(max_features=5))


def test_geoparquet_in_another_crs_is_transformed(tmp_path: Path) -> None:
    castle = gpd.GeoDataFrame(
        {"名称": ["九戸城跡"]}, geometry=[Point(141.303333, 40.267222)], crs="EPSG:4326"
    ).to_crs("EPSG:6678")
    path = tmp_path / "zone-x.parquet"
    castle.to_parquet(path)
    table = read_source(path)
    assert table.crs == "EPSG:6678" and table.rows == [{"名称": "九戸城跡"}]
    point = table.geometries[0]
    assert point is not None
    assert point.x == pytest.approx(141.303333, abs=1e-6)
    assert point.y == pytest.approx(40.267222, abs=1e-6)


def test_geoparquet_with_an_unknown_crs_asks_for_one(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"a": ["x"]}, geometry=[Point(141.3, 40.27)], crs=None)
    path = tmp_path / "nocrs.parquet"
    frame.to_parquet(path)
    with pytest.raises(ImportFileError, match="give --crs"):
        read_source(path)
    assert read_source(path, crs="EPSG:4326").crs == "EPSG:4326"


@pytest.mark.parametrize("fmt", ["gpkg", *NEW])
def test_a_polygon_beside_a_multipolygon_stays_a_polygon(
    mixed: gpd.GeoDataFrame, tmp_path: Path, fmt: str
) -> None:
    """GDAL would make both MultiPolygons in a GeoPackage or FlatGeobuf (pyogrio promotes a
    Polygon + MultiPolygon layer by default); the export keeps each geometry's own type."""
    two = mixed[mixed["id"].isin(["poly", "multi"])]
    table = read_source(export_file(two, fmt, tmp_path / f"two.{fmt}"))
    types = {r["id"]: g.geom_type for r, g in zip(table.rows, table.geometries, strict=True) if g}
    assert types == {"poly": "Polygon", "multi": "MultiPolygon"}


def test_nested_geoparquet_values_arrive_as_json_text(tmp_path: Path) -> None:
    """A struct holding a list (pyarrow hands it over with numpy arrays inside) is read as
    JSON text, not a crash."""
    frame = gpd.GeoDataFrame(
        {
            "id": ["a"],
            "tags": [{"kinds": ["park", "shelter"], "floors": [1, 2]}],
            "blob": [b"\x00\x01"],
        },
        geometry=[Point(141.3, 40.27)],
        crs="EPSG:4326",
    )
    path = tmp_path / "nested.parquet"
    frame.to_parquet(path)
    table = read_source(path)
    row = table.rows[0]
    assert json.loads(row["tags"] or "") == {"kinds": ["park", "shelter"], "floors": [1, 2]}
    assert row["id"] == "a" and row["blob"]
