"""The import form as data (ninohe_geo.io.formmap) and the grouped summary
(ninohe_geo.io.problemsummary): a city employee's answers become a mapping, the real AED list is
read as the dataset it is (reference data, no invented measure), and problems are said once, in
Japanese, with the fix."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from importer_support import IMPORT_DATA, test_boundary
from repo_paths import REFERENCE_DIR

from ninohe_geo.io import formmap
from ninohe_geo.io.mapping import detect_mapping
from ninohe_geo.io.pipeline import prepare_import, write_import
from ninohe_geo.io.problemsummary import group_problems
from ninohe_geo.model.catalog import load_catalog

AED = REFERENCE_DIR / "ninohe_aed_032131.csv"


def _aed() -> Path:
    if not AED.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AED} missing: the shared reference folder sits beside the checkout")
        pytest.skip(f"{AED} missing")
    return AED


def test_an_unknown_list_with_no_measure_is_summarised_once_in_japanese(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    source = IMPORT_DATA / "public_facilities_new.csv"
    columns = list(prepare_import(source, "x", store=root, boundary=test_boundary()).source.columns)
    answers = formmap.guess(columns, None, source.name)
    assert answers.name_column == "名称" and answers.kind == "plan" and answers.measure == ""
    prepared = prepare_import(
        source,
        "facilities",
        mapping=formmap.form_mapping(answers, "facilities"),
        store=root,
        boundary=test_boundary(),
    )
    groups = group_problems(prepared.report().problems, len(prepared.candidates), "ja")
    assert [g.text for g in groups if g.severity == "error"] == [
        "2件すべてで「施策項目」が未設定です"
    ]
    assert "施策項目" in groups[0].fix and "参考データ" in groups[0].fix
    english = group_problems(prepared.report().problems, len(prepared.candidates), "en")
    assert english[0].text == "All 2 features: “Measure” is not set"


def test_picking_the_measure_in_the_form_makes_the_import_pass(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    source = IMPORT_DATA / "public_facilities_new.csv"
    columns = list(prepare_import(source, "x", store=root, boundary=test_boundary()).source.columns)
    guessed = formmap.guess(columns, None, source.name)
    answers = formmap.FormAnswers(
        **{**guessed.__dict__, "measure": "P3-08", "source": "二戸市 公共施設一覧"}
    )
    mapping = formmap.form_mapping(answers, "facilities")
    # The YAML the form made is shown for experts, and says what the form said.
    assert "measure: P3-08" in mapping.yaml_text
    prepared = prepare_import(
        source, "facilities", mapping=mapping, store=root, boundary=test_boundary()
    )
    assert not prepared.blocking()
    props = prepared.candidates[0].properties
    assert props["measure"] == "P3-08" and props["source"] == "二戸市 公共施設一覧"
    # The English name from the file's 名称_英字 column; without one, the Japanese name as it
    # is, never a "(romaji)" guess.
    assert (props["name_ja"], props["name_en"]) == ("二戸市役所", "Ninohe City Hall")
    no_english = formmap.FormAnswers(**{**answers.__dict__, "name_en_column": ""})
    prepared = prepare_import(
        source,
        "facilities",
        mapping=formmap.form_mapping(no_english, "facilities"),
        store=root,
        boundary=test_boundary(),
    )
    assert prepared.candidates[0].properties["name_en"] == "二戸市役所"


def test_the_real_aed_list_is_read_as_aed_reference_data(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    prepared = prepare_import(_aed(), "aed", store=root, boundary=test_boundary())
    assert prepared.mapping.name == "da-aed" and prepared.mapping.kind == "reference"
    assert detect_mapping(list(prepared.source.columns), "csv").name == "da-aed"
    # 45 rows, one repeated (天台の湯 as NO 41 and 42): reported, kept once.
    assert len(prepared.source) == 45 and len(prepared.candidates) == 44
    warnings = [p for p in prepared.report().problems if "repeats row" in p.message]
    assert len(warnings) == 1 and "da-aed-032131-41" in warnings[0].message
    assert not prepared.blocking()
    hall = next(c for c in prepared.candidates if c.properties["name_ja"] == "二戸市役所")
    assert "measure" not in hall.properties
    assert "設置位置：更新中 / ４階生涯学習課内" in hall.properties["details_ja"]
    assert "利用可能曜日：月火水木金" in hall.properties["details_ja"]
    assert "小児対応：無 / 有" in hall.properties["details_ja"]
    assert hall.properties["source"] == "二戸市 AED設置箇所一覧（オープンデータ）"
    assert "公共施設" not in json.dumps(hall.properties, ensure_ascii=False)

    write_import(prepared, store=root)
    doc = json.loads((root / "layers" / "aed.geojson").read_text(encoding="utf-8"))
    assert doc["layer"]["kind"] == "reference" and doc["layer"]["licence"] == "CC BY 4.0"
    catalog = load_catalog(root)
    assert len(catalog.reference) == 44
    assert not catalog.reference["layer"].ne("aed").any()
    assert "aed" not in set(catalog.features["layer"])  # not a plan project: not counted as one
    assert [layer.id for layer in catalog.reference_layers()] == ["aed"]


def test_the_form_keeps_a_known_dataset_and_changes_only_what_it_asks(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    detected = prepare_import(_aed(), "aed", store=root, boundary=test_boundary())
    answers = formmap.guess(list(detected.source.columns), detected.mapping, "aed.csv")
    assert answers.kind == "reference" and answers.title_ja == "AED設置箇所（オープンデータ）"
    assert "設置位置" in answers.fact_columns
    renamed = formmap.FormAnswers(**{**answers.__dict__, "title_ja": "AED（市の公開データ）"})
    mapping = formmap.apply_answers(detected.mapping, renamed)
    assert mapping.title_ja == "AED（市の公開データ）" and mapping.kind == "reference"
    assert mapping.details == detected.mapping.details


def test_a_neighbouring_towns_list_is_refused_with_one_summary(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    """Issue #13: a file from another municipality is refused with a summary that says whose it
    is, not drowned in per-row errors — even with the leading zero of its code removed."""
    from ninohe_geo.io.errors import ImportFileError

    root = make_data_dir()
    source = IMPORT_DATA / "public_facilities_other_town.csv"
    with pytest.raises(ImportFileError) as err:
        prepare_import(source, "x", store=root, boundary=test_boundary())
    text = str(err.value)
    assert "この一覧は岩手県一戸町（033031）のものです" in text
    assert "2か所すべてが二戸市の外にあります" in text  # the repeated row counted once
    assert "public_facilities_other_town.csv" in text


def test_ninohe_points_outside_are_reported_per_row_not_refused(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    """Only a list that is wholly another town's is refused: Ninohe's own list with a stray
    point still gets its per-row report."""
    from ninohe_geo.io.pipeline import municipality_code

    assert municipality_code("32131") == "032131" and municipality_code("03213") == "03213"
    prepared = prepare_import(
        IMPORT_DATA / "public_facilities_new.csv",
        "x",
        store=make_data_dir(),
        boundary=test_boundary(),
    )
    assert len(prepared.candidates) == 2


@pytest.mark.parametrize(
    ("fixture", "layer", "facts"),
    [
        (
            "public_toilets_new.csv",
            "toilets",
            [
                "設置位置：駅前広場（架空）",
                "車椅子使用者用：有",
                "オストメイト：無",
                "利用開始時間：06:00",
            ],
        ),
        (
            "public_toilets_old_cp932.csv",
            "toilets",
            ["設置位置：駅前広場（架空）", "多機能トイレ：1", "乳幼児用設備：有"],
        ),
        (
            "childcare_new.csv",
            "childcare",
            ["種別：認可保育所", "受入年齢：0歳から5歳", "定員：60"],
        ),
        ("childcare_old_cp932.csv", "childcare", ["種別：認可保育所", "一時預かり：有"]),
    ],
)
def test_the_citys_other_lists_are_read_as_reference_data_in_both_generations(  # type: ignore[no-untyped-def]
    make_data_dir, fixture: str, layer: str, facts: list[str]
) -> None:
    """Issue #13: 公衆トイレ一覧 and 子育て施設一覧, either header generation (UTF-8 with BOM or
    CP932), become reference layers with their facts kept — never plan projects."""
    root = make_data_dir()
    prepared = prepare_import(IMPORT_DATA / fixture, layer, store=root, boundary=test_boundary())
    assert prepared.mapping.kind == "reference" and not prepared.blocking()
    (candidate,) = prepared.candidates
    props = candidate.properties
    assert "measure" not in props and "二戸市 " in props["source"]
    assert props["name_ja"] == props["name_en"]  # no English name in the list: kept, not guessed
    for fact in facts:
        assert fact in props["details_ja"], (fact, props["details_ja"])
    write_import(prepared, store=root)
    catalog = load_catalog(root)
    assert [info.id for info in catalog.reference_layers()] == [layer]
    assert layer not in set(catalog.features["layer"])
