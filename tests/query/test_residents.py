"""Project cards, plan order, pillar marks and the residents' map (src/ninohe_geo/residents.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.model.schema import STATUSES, choice
from ninohe_geo.query.residents import (
    contrast,
    legend_with_marks,
    map_marks,
    pillar_marks,
    plan_order,
    project_card,
    project_cards,
    residents_base_map,
    residents_features,
    text_color_on,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


def test_plan_order_follows_pillars_then_measures(shipped: Catalog) -> None:
    order = plan_order(shipped)
    assert sorted(order) == sorted(shipped.features["id"])
    measure_rank = {m.id: i for i, m in enumerate(shipped.plan.measures)}
    keys = [
        (shipped.features.loc[f, "pillar_index"], measure_rank[shipped.features.loc[f, "measure"]])
        for f in order
    ]
    assert keys == sorted(keys)
    assert shipped.features.loc[order[0], "pillar"] == shipped.plan.pillars[0].id


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_castle_card_says_what_where_why_status_source(shipped: Catalog, lang: str) -> None:
    card = project_card(shipped, "kunohe-castle-ruins", lang)  # type: ignore[arg-type]
    row = shipped.features.loc["kunohe-castle-ruins"]
    measure = shipped.plan.measure(row["measure"])
    pillar = shipped.plan.pillar_of(measure.id)
    assert card.name == row[f"name_{lang}"]
    assert card.summary == row[f"summary_{lang}"]
    assert measure.name(lang) in card.why and pillar.theme(lang) in card.why  # type: ignore[arg-type]
    assert card.status == choice(STATUSES, row["status"]).label(lang)  # type: ignore[arg-type]
    assert card.status_code == row["status"]
    labels = [label for label, _ in card.rows(lang)]  # type: ignore[arg-type]
    assert len(labels) == 5  # status, period, why, where, source
    assert card.source == row["source"]
    assert card.pillar_mark == "3"


def test_cards_default_to_every_project_in_plan_order(shipped: Catalog) -> None:
    cards = project_cards(shipped, "ja")
    assert [c.id for c in cards] == plan_order(shipped)
    some = project_cards(shipped, "en", ["ninohe-station"], {"ninohe-station": "840 m"})
    assert some[0].distance == "840 m"
    assert ("Distance", "840 m") in some[0].rows("en")


def test_marks_tell_pillars_apart_without_colour(shipped: Catalog) -> None:
    marks = pillar_marks(shipped.plan)
    assert marks == ["1", "2", "3", "土"]
    assert len(set(marks)) == len(marks)
    for mark in map_marks(shipped.plan):
        assert contrast(mark["fg"], mark["bg"]) >= 4.5, mark


@pytest.mark.parametrize(
    ("a", "b", "ratio"), [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0)]
)
def test_contrast(a: str, b: str, ratio: float) -> None:
    assert contrast(a, b) == pytest.approx(ratio, rel=1e-3)
    assert text_color_on("#0072B2") == "#ffffff"
    assert text_color_on("#E69F00") == "#000000"


def test_residents_map_has_gesture_handling_and_marked_legend(shipped: Catalog) -> None:
    m = residents_base_map(shipped, "ja")
    group = residents_features(shipped, shipped.features, "ja", selected="kunohe-castle-ruins")
    group.add_to(m)
    html = m.get_root().render()
    assert '"gestureHandling": true' in html
    assert "leaflet-gesture-handling.min.js" in html
    assert '"mark":"土"' in html  # legend swatches carry the marks
    assert '"marks":[' in html and '"selected":"kunohe-castle-ruins"' in html
    legend = legend_with_marks(shipped, "en")
    assert [i["mark"] for i in legend["items"]] == ["1", "2", "3", "土"]


def test_hostile_names_are_escaped_in_the_map(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    cat = load_catalog(make_data_dir("hostile"))
    html = residents_base_map(cat, "ja").get_root().render()
    group_html = residents_features(cat, cat.features, "ja")
    group_html.add_to(residents_base_map(cat, "ja"))
    rendered = group_html.get_root().render()
    for raw in ("<img src=x", "</script><script>"):
        assert raw not in rendered
        assert raw not in html
