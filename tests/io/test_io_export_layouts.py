"""CSV in the standard open-data layouts (ninohe_geo.io.export_layouts): the headers, the
``auto`` rule, nothing invented, formula safety, and round trips through the importer."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geopandas as gpd
import pytest
from importer_support import IMPORT_DATA, test_boundary
from repo_paths import REPO_ROOT
from shapely.geometry import LineString, Point, Polygon

from ninohe_geo.io.errors import ImportFileError
from ninohe_geo.io.export import export_bytes, export_file
from ninohe_geo.io.export_layouts import (
    FILLED_FROM,
    LAYOUTS,
    LOCAL_GOVERNMENT_CODE,
    LOCAL_GOVERNMENT_NAME,
    REPRESENTATIVE_NOTE,
    check_digit,
    choose_layout,
    fitting_layout,
    layer_mappings,
    to_layout_csv,
)
from ninohe_geo.io.layerfile import normalise
from ninohe_geo.io.mapping import detect_mapping, shipped_mappings, slug
from ninohe_geo.io.pipeline import prepare_import, write_import
from ninohe_geo.io.read_csv import decode
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.store.catalog import store_catalog
from ninohe_geo.store.file import FileStore

SHIPPED = REPO_ROOT / "geodata"
#: The newer-generation fixture of each layout (hand-written from the specification).
NEW_FIXTURES = {
    "da-public-facilities": "public_facilities_new.csv",
    "da-evacuation-sites": "evacuation_sites_new.csv",
    "da-cultural-properties": "cultural_properties_new.csv",
    "da-tourism": "tourism_new.csv",
}
#: Columns we fill (everything else must stay empty).
FILLED = {
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "緯度",
    "経度",
    "備考",
    "名称_カナ",
    *FILLED_FROM,
}


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    return load_catalog(SHIPPED)


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _header(path: Path) -> list[str]:
    text, _ = decode(path.read_bytes(), path.name)
    return next(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("layout_id", sorted(LAYOUTS))
def test_header_is_the_current_generation_of_the_dataset(layout_id: str) -> None:
    layout = LAYOUTS[layout_id]
    assert list(layout.columns) == _header(IMPORT_DATA / NEW_FIXTURES[layout_id])
    assert layout.id in {m.name for m in shipped_mappings()}
    # The importer recognises the layout by its header alone.
    assert detect_mapping(list(layout.columns), "csv").name == layout.id


def test_local_government_code_and_name_match_the_fixtures() -> None:
    assert check_digit("03213") == "1" and LOCAL_GOVERNMENT_CODE == "032131"
    assert check_digit("01100") == "2"  # 札幌市 011002
    assert check_digit("13000") == "1"  # 東京都 130001
    for name in NEW_FIXTURES.values():
        text, _ = decode((IMPORT_DATA / name).read_bytes(), name)
        row = next(csv.DictReader(io.StringIO(text, newline="")))
        assert row["全国地方公共団体コード"] == LOCAL_GOVERNMENT_CODE
        assert row["地方公共団体名"] == LOCAL_GOVERNMENT_NAME


@pytest.mark.parametrize("layout_id", sorted(LAYOUTS))
def test_standard_layout_round_trips_through_the_importer(
    shipped, make_data_dir, tmp_path: Path, layout_id: str
) -> None:  # type: ignore[no-untyped-def]
    layout = LAYOUTS[layout_id]
    features = shipped.features
    assert {g.geom_type for g in features.geometry} >= {"Point", "LineString", "Polygon"}
    out = export_file(features, "csv", tmp_path / f"{layout_id}.csv", LAYOUTS[layout_id])
    prepared = prepare_import(out, "roundtrip", store=make_data_dir(), boundary=test_boundary())
    assert prepared.mapping.name == layout_id
    assert len(prepared.candidates) == len(features)
    for cand, (_, row) in zip(prepared.candidates, features.iterrows(), strict=True):
        assert cand.properties["name_ja"] == row["name_ja"], row["id"]
        assert cand.properties["name_en"] == row["name_en"], row["id"]
        assert cand.label == slug(f"{layout.id_prefix}-{LOCAL_GOVERNMENT_CODE}-{row['id']}")
        geom = normalise(row.geometry)
        expected = geom if geom.geom_type == "Point" else geom.representative_point()
        assert cand.geometry is not None and cand.geometry.geom_type == "Point"
        assert abs(cand.geometry.x - expected.x) <= 1e-7, row["id"]
        assert abs(cand.geometry.y - expected.y) <= 1e-7, row["id"]
        geometry_errors = [p for p in cand.problems if p.field == "geometry"]
        assert not geometry_errors, geometry_errors


def _frame(shipped, geometry=None, **values: object) -> gpd.GeoDataFrame:  # type: ignore[no-untyped-def]
    frame = shipped.features.iloc[:1].copy()
    for name, value in values.items():
        frame[name] = value
    if geometry is not None:
        frame = frame.set_geometry([geometry])
    return frame


@pytest.mark.parametrize("layout_id", sorted(LAYOUTS))
def test_hostile_values_are_neutralised_in_the_standard_layout(
    shipped, make_data_dir, tmp_path: Path, layout_id: str
) -> None:  # type: ignore[no-untyped-def]
    hostile = '=HYPERLINK("http://x")'
    frame = _frame(
        shipped,
        name_ja=hostile,
        name_en="+1+2",
        summary_ja="-2+3",
        summary_en="@SUM(1)",
        source="=cmd|' /C calc'!A0",
        source_url="\thttp://x",
    )
    data = to_layout_csv(frame, LAYOUTS[layout_id])
    row = _rows(data)[0]
    assert row["名称"] == "'" + hostile
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    out = tmp_path / "hostile.csv"
    out.write_bytes(data)
    prepared = prepare_import(out, "h", store=make_data_dir(), boundary=test_boundary())
    assert prepared.candidates[0].properties["name_ja"] == hostile


@pytest.mark.parametrize("layout_id", sorted(LAYOUTS))
def test_nothing_is_invented(shipped, layout_id: str) -> None:  # type: ignore[no-untyped-def]
    frame = _frame(shipped, geometry=Point(141.3033331234, 40.2672229876), reading_ja=None)
    row = _rows(to_layout_csv(frame, LAYOUTS[layout_id]))[0]
    feature = frame.iloc[0]

    def text(name: str) -> str:
        value = feature[name]
        return value if isinstance(value, str) else ""

    for column, cell in row.items():
        if column not in FILLED:
            assert cell == "", (column, cell)
    assert row["住所"] == "" and row["方書"] == "" and row["名称_カナ"] == ""
    assert row["全国地方公共団体コード"] == "032131"
    assert row["地方公共団体名"] == "岩手県二戸市"
    assert row["ID"] == feature["id"]
    assert row["名称"] == feature["name_ja"] and row["名称_英字"] == feature["name_en"]
    assert (row["緯度"], row["経度"]) == ("40.267223", "141.3033331")  # ≤ 7 decimals
    assert row["備考"] == f"出典：{feature['source']}"
    assert row["URL"] == text("source_url")
    if "説明" in row:
        assert row["説明"] == text("summary_ja")
    reading = _frame(shipped, reading_ja="くのへじょうあと だい2きせいび（くいき）")
    kana = _rows(to_layout_csv(reading, LAYOUTS[layout_id]))[0]["名称_カナ"]
    assert kana == "クノヘジョウアト ダイ2キセイビ（クイキ）"


def test_lines_and_polygons_are_a_representative_point_and_say_so(shipped) -> None:  # type: ignore[no-untyped-def]
    layout = LAYOUTS["da-public-facilities"]
    square = Polygon([(141.29, 40.26), (141.30, 40.26), (141.30, 40.27), (141.29, 40.27)])
    line = LineString([(141.28, 40.25), (141.29, 40.26)])
    for geom in (square, line):
        row = _rows(to_layout_csv(_frame(shipped, geometry=geom), layout))[0]
        assert REPRESENTATIVE_NOTE in row["備考"]
        assert geom.intersects(Point(float(row["経度"]), float(row["緯度"])).buffer(1e-7))
    point_row = _rows(to_layout_csv(_frame(shipped, geometry=Point(141.3, 40.27)), layout))[0]
    assert REPRESENTATIVE_NOTE not in point_row["備考"]


def test_an_imported_record_keeps_its_id(shipped, make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    frame = _frame(shipped, id="da-hinan-032131-032131-e0001")
    data = to_layout_csv(frame, LAYOUTS["da-evacuation-sites"])
    assert _rows(data)[0]["ID"] == "032131-e0001"
    out = tmp_path / "hinan.csv"
    out.write_bytes(data)
    prepared = prepare_import(out, "h", store=make_data_dir(), boundary=test_boundary())
    assert prepared.candidates[0].label == "da-hinan-032131-032131-e0001"


def _with_layers(shipped, *layers: str) -> gpd.GeoDataFrame:  # type: ignore[no-untyped-def]
    frame = shipped.features.iloc[: len(layers)].copy()
    frame["layer"] = list(layers)
    return frame


MAPPINGS = {
    "gsi-hinan": "gsi-emergency",
    "da-hinan": "da-evacuation-sites",
    "hinanjo": "gsi-evacuation",
    "kanko": "da-tourism",
    "bunkazai": "da-cultural-properties",
    "shisetsu": "da-public-facilities",
}


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        (("gsi-hinan",), "da-evacuation-sites"),
        (("gsi-hinan", "da-hinan"), "da-evacuation-sites"),
        (("kanko", "kanko"), "da-tourism"),
        (("bunkazai",), "da-cultural-properties"),
        (("shisetsu",), "da-public-facilities"),
        (("gsi-hinan", "culture-sports"), None),  # a hand-made layer among them
        (("culture-sports",), None),
        (("hinanjo",), None),  # 指定避難所: a dataset with no layout here
        (("gsi-hinan", "kanko"), None),  # two datasets
    ],
)
def test_auto_rule(shipped, layers: tuple[str, ...], expected: str | None) -> None:  # type: ignore[no-untyped-def]
    frame = _with_layers(shipped, *layers)
    found = fitting_layout(frame, MAPPINGS)
    assert (found.id if found else None) == expected
    chosen = choose_layout("auto", frame, MAPPINGS)
    assert (chosen.id if chosen else None) == expected


def test_explicit_choices(shipped) -> None:  # type: ignore[no-untyped-def]
    frame = _with_layers(shipped, "gsi-hinan")
    assert choose_layout("ours", frame, MAPPINGS) is None
    hand_made = _with_layers(shipped, "culture-sports")
    assert choose_layout("da-tourism", hand_made, {}) == LAYOUTS["da-tourism"]
    assert fitting_layout(frame.iloc[:0], MAPPINGS) is None
    with pytest.raises(ImportFileError, match="unknown CSV layout 'shp'"):
        choose_layout("shp", frame, MAPPINGS)
    with pytest.raises(ImportFileError, match="CSV only"):
        export_bytes(frame, "geojson", LAYOUTS["da-tourism"])


def test_our_layout_is_unchanged_without_a_layout(shipped) -> None:  # type: ignore[no-untyped-def]
    ours = export_bytes(shipped.features, "csv")
    assert ours.decode("utf-8-sig").startswith("id,name_ja,")
    assert export_bytes(shipped.features, "csv", None) == ours


def test_layers_record_the_mapping_that_imported_them(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir("good")
    prepared = prepare_import(
        IMPORT_DATA / "evacuation_sites_new.csv",
        "gsi-hinan",
        store=root,
        boundary=test_boundary(),
    )
    write_import(prepared, store=root)
    for catalog in (load_catalog(root), store_catalog(FileStore(root))):
        assert layer_mappings(catalog.layers) == {"gsi-hinan": "da-evacuation-sites"}
        # 指定緊急避難場所一覧 is official context: a reference layer, with the dataset's layout.
        assert "gsi-hinan" not in set(catalog.features["layer"])
        imported = catalog.reference_records(["gsi-hinan"])
        assert len(imported) > 0
        layout = fitting_layout(imported, layer_mappings(catalog.layers))
        assert layout is not None and layout.id == "da-evacuation-sites"
        assert fitting_layout(catalog.features, layer_mappings(catalog.layers)) is None
