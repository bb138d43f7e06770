"""The plan page's tree: every measure listed, mapped or not, with its count."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.query.plantree import plan_tree

#: The ``make_data_dir`` fixture (tests/conftest.py): layer fixtures → a data folder.
MakeDataDir = Callable[..., Path]


def test_all_thirty_measures_with_counts(good_catalog: Catalog) -> None:
    tree = plan_tree(good_catalog, "ja")
    measures = [m for p in tree.pillars for m in p.measures]
    assert len(measures) == 30
    assert [len(p.measures) for p in tree.pillars] == [7, 4, 11, 8]
    counts = {m.id: m.count for m in measures}
    assert counts["P3-11"] == 2
    assert counts["P3-01"] == 1
    assert counts["P1-01"] == 1
    assert sum(counts.values()) == 4
    assert counts["F-06"] == 0  # 行財政経営: nothing to map, still listed
    assert counts["F-08"] == 0  # シティセールス


def test_count_labels(good_catalog: Catalog) -> None:
    ja = {m.id: m for p in plan_tree(good_catalog, "ja").pillars for m in p.measures}
    en = {m.id: m for p in plan_tree(good_catalog, "en").pillars for m in p.measures}
    assert ja["P3-11"].count_label == "地図上 2 件"
    assert en["P3-11"].count_label == "2 on the map"
    assert ja["F-06"].count_label == "地図上の位置なし"
    assert en["F-06"].count_label == "nothing to map"
    assert ja["F-06"].name == "行財政経営"
    assert en["F-06"].name == "Administration and finance"


def test_tree_content_ja(good_catalog: Catalog) -> None:
    tree = plan_tree(good_catalog, "ja")
    assert tree.title == "二戸市総合計画 後期基本計画"
    assert tree.period == "令和3年度～令和7年度"
    assert tree.featured_count == 5
    assert tree.common_policies == ("人づくり", "公民連携")
    assert len(tree.perspectives) == 4
    assert tree.pillars[0].label == "政策1 しごと・産業・交流（しごとをつくる）"
    assert [p.id for p in tree.pillars] == ["P1", "P2", "P3", "F"]
    assert all(len(p.indicators) == 2 for p in tree.pillars)
    assert tree.pillars[1].indicators[0] == (
        "合計特殊出生率",
        "1.50 (2013–2017)（人口動態保健所・市町村別統計）",
    )
    assert tree.pillars[0].indicators[0] == ("就業者数", "未確認")
    first = tree.pillars[0].measures[0]
    assert (first.name, first.featured, first.group) == ("うるし", True, None)
    assert first.initiatives == ("原木の確保と後継者育成", "ブランド力の向上や広域観光展開")
    foundation = tree.pillars[3]
    assert [m.group for m in foundation.measures][:3] == ["市民参画", "市民参画", "生活基盤"]
    assert len(foundation.directions) == 4


def test_tree_content_en(good_catalog: Catalog) -> None:
    tree = plan_tree(good_catalog, "en")
    assert tree.period == "FY2021–FY2025"
    assert tree.pillars[3].label.startswith("Foundation ")
    assert tree.pillars[3].measures[0].group == "Citizen participation"
    assert tree.pillars[0].indicators[0] == ("Number of people in work", "Unconfirmed")
    assert "二戸市" in tree.source


def test_empty_catalogue_lists_every_measure_unmapped(make_data_dir: MakeDataDir) -> None:
    tree = plan_tree(load_catalog(make_data_dir()), "ja")
    measures = [m for p in tree.pillars for m in p.measures]
    assert len(measures) == 30
    assert all(m.count == 0 and m.count_label == "地図上の位置なし" for m in measures)


def test_a_measure_names_the_reference_layers_it_works_with() -> None:
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "geodata")
    measures = {m.id: m for p in plan_tree(catalog, "ja").pillars for m in p.measures}
    assert "指定緊急避難場所（国土地理院データ） 78 か所" in measures["P3-07"].related
    assert [m for m in measures if measures[m].related] == ["P3-07"]


def test_a_measure_without_the_folders_reference_layers_names_none(good_catalog: Catalog) -> None:
    # The fixture folder has the shipped plan but no reference layers: nothing to name.
    measures = {m.id: m for p in plan_tree(good_catalog, "ja").pillars for m in p.measures}
    assert measures["P3-07"].related == ""
