"""The details panel: plan context, 未確認 where nothing is sourced, in Japanese and English."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.model.plan import Plan
from ninohe_geo.query.details import feature_details, indicator_value

#: The ``make_data_dir`` fixture (tests/conftest.py): layer fixtures → a data folder.
MakeDataDir = Callable[..., Path]


def test_castle_in_japanese(good_catalog: Catalog) -> None:
    d = feature_details(good_catalog, "castle", "ja")
    assert d is not None
    assert (d.name, d.other_name) == ("九戸城跡", "Kunohe Castle ruins")
    assert d.pillar == "政策3 暮らし・安心・健康"
    assert d.pillar_color == "#009E73"
    assert (d.measure, d.featured) == ("歴史・伝統", True)
    assert d.initiative == "九戸城跡の第2期整備"
    assert (d.status, d.accuracy, d.loose) == ("計画", "施設位置", False)
    assert d.period == "2021–2025"
    assert d.layer == "テスト"
    assert d.indicators == (("文化、スポーツ施設利用者数", "未確認"), ("平均寿命", "未確認"))
    assert d.rows("ja") == [
        ("政策分野", "政策3 暮らし・安心・健康"),
        ("施策項目", "★ 歴史・伝統"),
        ("主な取り組み", "九戸城跡の第2期整備"),
        ("状況", "計画"),
        ("期間", "2021–2025"),
        ("概要", "国史跡。"),
        ("位置の精度", "施設位置"),
        ("出典", "castle guide page"),
        ("更新日", "2026-11-27"),
    ]


def test_castle_in_english(good_catalog: Catalog) -> None:
    d = feature_details(good_catalog, "castle", "en")
    assert d is not None
    assert (d.name, d.other_name) == ("Kunohe Castle ruins", "九戸城跡")
    assert [label for label, _ in d.rows("en")][:3] == [
        "Policy area",
        "Measure",
        "Main initiative",
    ]
    assert d.rows("en")[:3] == [
        ("Policy area", "Policy 3 Daily life, safety and health"),
        ("Measure", "★ History and tradition"),
        ("Main initiative", "Phase 2 restoration of the Kunohe Castle ruins"),
    ]
    assert (d.status, d.accuracy, d.summary) == (
        "Planned",
        "Facility location",
        "National historic site.",
    )
    assert d.indicators == (
        ("Users of cultural and sports facilities", "Unconfirmed"),
        ("Average life expectancy", "Unconfirmed"),
    )
    assert d.layer == "Test"


@pytest.mark.parametrize(("lang", "unconfirmed"), [("ja", "未確認"), ("en", "Unconfirmed")])
def test_absent_period_and_initiative(good_catalog: Catalog, lang: str, unconfirmed: str) -> None:
    d = feature_details(good_catalog, "station", lang)  # type: ignore[arg-type]
    assert d is not None
    assert d.period == unconfirmed
    assert d.initiative is None
    assert d.featured is False
    labels = [label for label, _ in d.rows(lang)]  # type: ignore[arg-type]
    assert ("主な取り組み" in labels) is False and ("Main initiative" in labels) is False
    assert d.rows(lang)[1][1] == d.measure  # type: ignore[arg-type]  # no ★


def test_loose_feature_shows_its_note(good_catalog: Catalog) -> None:
    d = feature_details(good_catalog, "urushi-area", "ja")
    assert d is not None
    assert d.loose is True
    assert d.accuracy == "概略"
    assert (
        dict(d.rows("ja"))["位置の精度"] == "概略（位置は概略）"
    )  # the note in the page language only


def test_unknown_id_is_none(good_catalog: Catalog) -> None:
    assert feature_details(good_catalog, "nope", "ja") is None
    assert feature_details(good_catalog, "", "en") is None


def test_known_indicator_value(make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    """A 政策2 feature shows the one sourced indicator value, 1.50, with its source."""
    layer = tmp_path / "kids.geojson"
    layer.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [141.30478, 40.27125]},
                        "properties": {
                            "id": "support-centre",
                            "name_ja": "子育て支援",
                            "name_en": "Child-rearing support",
                            "measure": "P2-01",
                            "initiative": "P2-01.1",
                            "status": "unknown",
                            "summary_ja": "x",
                            "summary_en": "x",
                            "accuracy": "schematic",
                            "source": "plan",
                            "updated": "2026-11-27",
                        },
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    cat = load_catalog(make_data_dir(layer))
    ja = feature_details(cat, "support-centre", "ja")
    en = feature_details(cat, "support-centre", "en")
    assert ja is not None and en is not None
    assert ja.indicators == (
        ("合計特殊出生率", "1.50 (2013–2017)（人口動態保健所・市町村別統計）"),
        ("移住定住者数", "未確認"),
    )
    assert en.indicators[0] == (
        "Total fertility rate",
        "1.50 (2013–2017)（人口動態保健所・市町村別統計）",
    )
    assert en.indicators[1] == ("Number of people who moved and settled here", "Unconfirmed")
    assert ja.featured is True and ja.status == "未確認"


def test_indicator_value_never_guesses(plan: Plan) -> None:
    by_id = {i.id: i for i in plan.indicators}
    assert indicator_value(by_id["P2-I1"], "ja").startswith("1.50")
    for iid, ind in by_id.items():
        if iid != "P2-I1":
            assert indicator_value(ind, "ja") == "未確認"
            assert indicator_value(ind, "en") == "Unconfirmed"
    bare = by_id["P2-I1"].model_copy(update={"known_value_source": None})
    assert indicator_value(bare, "en") == "1.50 (2013–2017)"


@pytest.mark.parametrize(
    ("fid", "lang", "expected"),
    [
        ("tendaiji-temple", "ja", "約 1.5 km"),
        ("tendaiji-temple", "en", "about 1.5 km"),
        ("tomai-station", "ja", "約 400 m"),
        ("tekiseisha", "ja", "約 30 m"),
    ],
)
def test_details_state_how_far_the_place_may_be(fid: str, lang: str, expected: str) -> None:
    """Issue #13: 「位置の誤差 約 3 km」 — the uncertainty as a distance, beside the word."""
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "geodata")
    details = feature_details(catalog, fid, lang)  # type: ignore[arg-type]
    assert details is not None
    label = "位置の誤差" if lang == "ja" else "Position uncertainty"
    assert (label, expected) in details.rows(lang)  # type: ignore[arg-type]


def test_no_uncertainty_row_when_none_is_stated() -> None:
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "geodata")
    details = feature_details(catalog, "disaster-base-study", "ja")
    assert details is not None and details.error == ""
    assert "位置の誤差" not in [label for label, _ in details.rows("ja")]


@pytest.mark.parametrize(
    ("note", "lang", "expected"),
    [
        (
            "GSIデータの施設の座標 / the facility's point in the GSI data",
            "ja",
            "GSIデータの施設の座標",
        ),
        (
            "GSIデータの施設の座標 / the facility's point in the GSI data",
            "en",
            "the facility's point in the GSI data",
        ),
        ("座標は概略", "en", "座標は概略"),  # one language only: shown as it is
        ("A / B", "ja", "A / B"),  # not a ja / en pair
        (None, "ja", None),
    ],
)
def test_a_bilingual_note_is_shown_in_the_page_language(
    note: str | None, lang: str, expected: str | None
) -> None:
    from ninohe_geo.query.details import note_in

    assert note_in(note, lang) == expected  # type: ignore[arg-type]


def test_disaster_features_name_the_official_shelters_their_measure_works_with() -> None:
    """Issue #13: 防災・減災 points to the GSI reference layers (plan.yaml reference_layers)."""
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "geodata")
    ja = feature_details(catalog, "shelter-fukuoka-junior-high", "ja")
    en = feature_details(catalog, "ninohe-city-hall", "en")
    assert ja is not None and en is not None
    assert ja.related.startswith(
        "指定緊急避難場所（国土地理院データ） 78 か所、指定避難所（国土地理院データ） 46 か所"
    )
    assert ("関連する公式データ", ja.related) in ja.rows("ja")
    assert "Designated emergency evacuation sites (GSI data): 78" in en.related
    assert "not plan projects" in en.related
    other = feature_details(catalog, "tekiseisha", "ja")
    assert other is not None and other.related == ""
    assert "関連する公式データ" not in [label for label, _ in other.rows("ja")]


def test_a_place_names_its_projects_year_by_year() -> None:
    """Issue #14: the shipped 九戸城跡 works are a project with their status by fiscal year."""
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "geodata")
    ja = feature_details(catalog, "kunohe-castle-phase2-works", "ja")
    assert ja is not None
    assert ja.projects == (
        "九戸城跡の第2期整備：令和3年度 未確認 → 令和5年度 実施中 → 令和7年度 予定",
    )
    assert ja.measure_projects == 1
    assert ja.measure_progress == (
        "令和3年度：未確認 1",
        "令和5年度：実施中 1",
        "令和7年度：予定 1",
    )
    en = feature_details(catalog, "kunohe-castle-phase2-works", "en")
    assert en is not None and en.projects[0].startswith(
        "Kunohe Castle ruins: phase-2 works: FY2021"
    )
    unlinked = feature_details(catalog, "ninohe-station", "ja")
    assert unlinked is not None and unlinked.projects == ()
