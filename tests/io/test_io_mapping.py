"""Field mappings (ninohe_geo.io.mapping): parsing, templates, detection of each known source."""

from __future__ import annotations

from pathlib import Path

import pytest
from importer_support import IMPORT_DATA

from ninohe_geo.io.errors import MappingError
from ninohe_geo.io.formats import read_source
from ninohe_geo.io.mapping import (
    MAPPINGS_DIR,
    RowContext,
    detect_mapping,
    load_mapping,
    map_row,
    mapping_by_name,
    parse_mapping,
    render,
    romaji,
    shipped_mappings,
    slug,
)
from ninohe_geo.model.schema import ALL_FIELDS

CTX = RowContext(file="f.csv", row=3, today="2026-11-27")


def test_every_shipped_mapping_parses_and_is_named_like_its_file() -> None:
    files = sorted(MAPPINGS_DIR.glob("*.yaml"))
    assert len(files) == len(shipped_mappings()) >= 10
    for f in files:
        assert load_mapping(f).name == f.stem


@pytest.mark.parametrize(
    ("fixture", "mapping"),
    [
        ("gsi_emergency_mini.geojson", "gsi-emergency"),
        ("gsi_evacuation_mini.geojson", "gsi-evacuation"),
        ("public_facilities_new.csv", "da-public-facilities"),
        ("public_facilities_old_cp932.csv", "da-public-facilities"),
        ("evacuation_sites_new.csv", "da-evacuation-sites"),
        ("evacuation_sites_old_cp932.csv", "da-evacuation-sites"),
        ("cultural_properties_new.csv", "da-cultural-properties"),
        ("cultural_properties_old_cp932.csv", "da-cultural-properties"),
        ("tourism_new.csv", "da-tourism"),
        ("tourism_old_cp932.csv", "da-tourism"),
        ("public_toilets_new.csv", "da-public-toilets"),
        ("public_toilets_old_cp932.csv", "da-public-toilets"),
        ("childcare_new.csv", "da-childcare"),
        ("childcare_old_cp932.csv", "da-childcare"),
        ("n03_test_squares.geojson", "mlit-n03"),
        ("ours_with_bowtie.geojson", "ninohe"),
        ("kml_with_networklink.kml", "generic"),
    ],
)
def test_detect_mapping_for_each_known_source(fixture: str, mapping: str) -> None:
    table = read_source(IMPORT_DATA / fixture)
    assert detect_mapping(table.columns, table.format).name == mapping


@pytest.mark.parametrize(
    ("fixture", "expected_id", "expected_name_en"),
    [
        ("public_facilities_new.csv", "da-shisetsu-032131-032131-0001", "Ninohe City Hall"),
        ("public_facilities_old_cp932.csv", "da-shisetsu-032131-1", None),
        ("cultural_properties_new.csv", "da-bunkazai-032131-032131-c0001", "Kunohe Castle ruins"),
        ("cultural_properties_old_cp932.csv", "da-bunkazai-032131-1", "Kunohe Castle ruins"),
    ],
)
def test_both_generations_map_to_the_same_fields(
    fixture: str, expected_id: str, expected_name_en: str | None
) -> None:
    table = read_source(IMPORT_DATA / fixture)
    m = detect_mapping(table.columns, table.format)
    fid, props = map_row(table.rows[0], m, CTX)
    assert fid == expected_id
    if expected_name_en:
        assert props["name_en"] == expected_name_en
    else:  # the old generation has no English name: the Japanese name as it is, no guess
        assert props["name_en"] == props["name_ja"]
        assert "romaji" not in props["name_en"]
    assert props["accuracy"] == "facility"
    assert props["updated"] == "2026-11-27"


def test_hazard_flags_in_both_languages() -> None:
    table = read_source(IMPORT_DATA / "gsi_emergency_mini.geojson")
    _, props = map_row(table.rows[0], mapping_by_name("gsi-emergency"), CTX)
    assert props["summary_ja"].startswith(
        "指定緊急避難場所。対象とする災害：崖崩れ・土石流・地滑り、地震、内水氾濫。"
    )
    assert (
        "Hazard types: landslides, debris flows, earthquake, inland flooding."
        in props["summary_en"]
    )
    # Official context: no invented measure; the hazards as codes the shelter finder reads.
    assert "measure" not in props
    assert props["hazards"] == "landslide,earthquake,inland_flood"
    assert props["accuracy_m"] == "30"
    assert props["source"].endswith("（共通ID E0321300001202）")


def test_flag_codes_only_for_flags_that_have_one() -> None:
    m = parse_mapping(
        "properties: {hazards: '{@flag_codes}'}\n"
        "flags: {洪水: {ja: 洪水, en: flood, code: flood}, 地震: {ja: 地震, en: quake}}"
    )
    assert render("{@flag_codes}", {"洪水": "1", "地震": "1"}, m, CTX) == "flood"
    assert render("{@flag_codes}", {}, m, CTX) == ""


def test_no_flag_set_says_so() -> None:
    m = mapping_by_name("gsi-emergency")
    assert "対象とする災害：記載なし" in render("対象とする災害：{@flags_ja}", {}, m, CTX)
    assert render("{@flags_en}", {}, m, CTX) == "none listed"


def test_render_alternatives_and_filters() -> None:
    m = mapping_by_name("generic")
    row = {"名称": "九戸城跡", "ID": "A B/1"}
    assert render("{名称}", row, m, CTX) == "九戸城跡"
    assert render("{missing}", row, m, CTX) == ""
    assert render("x-{missing}", row, m, CTX) == ""  # all fields empty → '' (falls through)
    assert render("row {@row} of {@file}", row, m, CTX) == "row 3 of f.csv"
    assert render("{ID|slug}", row, m, CTX) == "a-b-1"
    assert romaji("九戸城跡") == render("{名称|romaji}", row, m, CTX)
    assert romaji("にのへ") == "Ninohe"


def test_slug() -> None:
    assert slug("E0321300001202") == "e0321300001202"
    assert slug("  ../..//x ") == "..-..-x"
    assert len(slug("a" * 200)) == 80


def test_generic_mapping_leaves_measure_and_accuracy_to_the_planner() -> None:
    _, props = map_row({"名称": "九戸城跡"}, mapping_by_name("generic"), CTX)
    assert props["name_ja"] == "九戸城跡"
    assert props["status"] == "unknown"
    assert "measure" not in props and "accuracy" not in props and "source" not in props


def test_identity_mapping_covers_every_schema_field() -> None:
    m = mapping_by_name("ninohe")
    assert set(m.properties) == set(ALL_FIELDS) - {"id"}


def test_missing_fields_only_for_required_properties() -> None:
    m = mapping_by_name("gsi-emergency")
    assert m.missing_fields(["共通ID", "施設・場所名", "住所"]) == []
    assert m.missing_fields(["住所"]) == ["共通ID", "施設・場所名"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2", "not valid YAML"),
        ("- a\n- b", "must be a YAML object"),
        ("properties: {}", "'properties' must map"),
        ("properties: {nme_ja: x}", "not schema fields: nme_ja"),
        ("properties: {name_ja: {a: b}}", "name_ja must be text"),
        ("colour: red\nproperties: {name_ja: x}", "unknown key\\(s\\): colour"),
        ("properties: {name_ja: x}\nflags: {洪水: yes}", "flag '洪水' needs ja and en"),
        ("properties: {name_ja: x}\nselect: [a]", "'select' must map"),
    ],
)
def test_bad_mappings_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_mapping(text, "my-mapping.yaml")


def test_unknown_shipped_mapping_lists_known_ones() -> None:
    with pytest.raises(MappingError, match=r"known: .*gsi-emergency"):
        mapping_by_name("nope")


def test_mapping_file_unreadable(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(tmp_path / "none.yaml")


def test_mapping_keeps_its_yaml_text_for_the_editor() -> None:
    m = mapping_by_name("gsi-emergency")
    assert m.yaml_text.startswith("# 国土地理院")
    assert parse_mapping(m.yaml_text).properties == m.properties
