"""Filters: one table of filter → expected ids over the good fixture, and the URL form."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

import geopandas as gpd
import pytest
from shapely.geometry import Point

from ninohe_geo.model.catalog import Catalog
from ninohe_geo.query import filters as filters_module
from ninohe_geo.query.filters import (
    FeatureFilter,
    apply,
    from_query,
    normalize,
    text_mask,
    to_query,
)

ALL = ["castle", "station", "urushi-area", "bus-route"]
PLURAL = {"pillars": "pillar", "measures": "measure", "statuses": "status", "layers": "layer"}


def F(**values: object) -> FeatureFilter:
    """``FeatureFilter.of`` with the plural names the table below reads best with."""
    return FeatureFilter.of(**{PLURAL.get(k, k): v for k, v in values.items()})  # type: ignore[arg-type]


def fs(*values: str) -> frozenset[str]:
    return frozenset(values)


# (test id, filter, expected ids in table order)
CASES: list[tuple[str, FeatureFilter, list[str]]] = [
    ("empty", F(), ALL),
    ("pillar-P1", F(pillars=fs("P1")), ["urushi-area"]),
    ("pillar-P3", F(pillars=fs("P3")), ["castle", "station", "bus-route"]),
    ("pillars-P1-P3", F(pillars=fs("P1", "P3")), ALL),
    ("pillar-without-features", F(pillars=fs("P2")), []),
    ("pillar-unknown", F(pillars=fs("P9")), []),
    ("measure", F(measures=fs("P3-11")), ["station", "bus-route"]),
    ("measures", F(measures=fs("P3-01", "P1-01")), ["castle", "urushi-area"]),
    ("status", F(statuses=fs("existing")), ["station", "bus-route"]),
    ("statuses", F(statuses=fs("planned", "in_progress")), ["castle", "urushi-area"]),
    ("status-none", F(statuses=fs("done")), []),
    ("layer", F(layers=fs("sample")), ALL),
    ("layer-other", F(layers=fs("other")), []),
    ("featured", F(featured_only=True), ["castle", "urushi-area"]),
    ("featured-and-pillar", F(pillars=fs("P3"), featured_only=True), ["castle"]),
    ("pillar-and-measure", F(pillars=fs("P1"), measures=fs("P3-11")), []),
    ("text-kanji", F(text="城"), ["castle"]),
    ("text-ja-prefix", F(text="二戸"), ["station", "bus-route"]),
    ("text-en-lower", F(text="ninohe"), ["station", "bus-route"]),
    ("text-en-upper", F(text="NINOHE"), ["station", "bus-route"]),
    ("text-en-mixed", F(text="UruShi"), ["urushi-area"]),
    ("text-full-width-latin", F(text="ＮＩＮＯＨＥ"), ["station", "bus-route"]),
    ("text-half-width-paren", F(text="(位置"), ["urushi-area"]),
    ("text-full-width-paren", F(text="（approximate）"), ["urushi-area"]),
    ("text-katakana-for-hiragana", F(text="ノ漆"), ["urushi-area"]),
    ("text-and", F(text="ninohe bus"), ["bus-route"]),
    ("text-and-ideographic-space", F(text="二戸\u3000station"), ["station"]),
    ("text-and-across-languages", F(text="九戸 ruins"), ["castle"]),
    ("text-and-no-match", F(text="castle 二戸"), []),
    ("text-no-match", F(text="カーリング"), []),
    ("text-blank", F(text="  \u3000 "), ALL),
    ("text-matches-names-only", F(text="national"), []),
    ("everything", F(pillars=fs("P3"), statuses=fs("existing"), text="line"), ["bus-route"]),
]


@pytest.mark.parametrize(("flt", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_apply(good_catalog: Catalog, flt: FeatureFilter, expected: list[str]) -> None:
    assert apply(good_catalog.features, flt).index.tolist() == expected


def test_empty_filter_returns_everything_uncopied(good_catalog: Catalog) -> None:
    assert F().is_empty
    assert apply(good_catalog.features, F()) is good_catalog.features
    assert not F(text="x").is_empty


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ウルシ", "うるし"),
        ("ｳﾙｼ", "うるし"),
        ("ヴ", "ゔ"),
        ("ＡＢＣ１２３", "abc123"),
        ("Straße", "strasse"),
    ],
)
def test_normalize(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


def test_katakana_query_finds_hiragana_name_and_back() -> None:
    frame = gpd.GeoDataFrame(
        {"name_ja": ["うるしの森", "カシオペアメッセ"], "name_en": ["Urushi forest", None]},
        geometry=[Point(0, 0), Point(1, 1)],
        index=["forest", "messe"],
    )
    assert text_mask(frame, "ウルシ").tolist() == [True, False]
    assert text_mask(frame, "かしおぺあ").tolist() == [False, True]
    assert text_mask(frame, "ｶｼｵﾍﾟｱ").tolist() == [False, True]


# --- URL form --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flt",
    [
        F(),
        F(pillars=fs("P1", "P3")),
        F(measures=fs("P3-11"), statuses=fs("existing", "planned"), layers=fs("sample")),
        F(featured_only=True),
        F(text="九戸 castle"),
        F(text="a,b"),
        F(
            pillars=fs("F"),
            measures=fs("F-04"),
            statuses=fs("unknown"),
            layers=fs("x", "y"),
            featured_only=True,
            text="浄法寺",
        ),
    ],
)
def test_query_round_trip(flt: FeatureFilter) -> None:
    params = to_query(flt)
    assert all(isinstance(v, str) for v in params.values())
    assert from_query(params) == flt
    # and through a real URL (parse_qs gives lists)
    assert from_query(parse_qs(urlencode(params))) == flt


def test_to_query_is_sorted_and_minimal() -> None:
    assert to_query(F()) == {}
    flt = F(pillars=fs("P3", "P1"), featured_only=True, text="  城  ")
    assert to_query(flt) == {"pillar": "P1,P3", "featured": "1", "q": "城"}


@pytest.mark.parametrize(
    ("params", "pillars"),
    [
        ({"pillar": "P1,P3"}, fs("P1", "P3")),
        ({"pillar": ["P1", "P3"]}, fs("P1", "P3")),
        ({"pillar": ["P1,P2", "P3"]}, fs("P1", "P2", "P3")),
        ({"pillar": "P1,,P3,"}, fs("P1", "P3")),
        ({"pillar": []}, fs()),
        ({}, fs()),
    ],
    ids=["comma", "repeated", "mixed", "empty-items", "empty-list", "absent"],
)
def test_from_query_values(params: dict[str, Any], pillars: frozenset[str]) -> None:
    assert from_query(params).pillars == pillars


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        (["1"], True),
        ("0", False),
        ("", False),
        ("no", False),
        ([], False),
    ],
)
def test_from_query_featured(value: Any, expected: bool) -> None:
    assert from_query({"featured": value}).featured_only is expected


def test_from_query_text() -> None:
    assert from_query({"q": ["城", "駅"]}).text == "城"
    assert from_query({"q": "x" * 500}).text == "x" * 200


def test_unknown_values_dropped_via_known() -> None:
    known = {"pillar": fs("P1", "P2", "P3", "F"), "measure": fs("P3-01", "P3-11")}
    params = {
        "pillar": "P1,P9,<script>",
        "measure": ["P3-01", "P3-99"],
        "status": "anything",  # not in known: kept as given
    }
    flt = from_query(params, known)
    assert flt.pillars == fs("P1")
    assert flt.measures == fs("P3-01")
    assert flt.statuses == fs("anything")


def test_known_with_nothing_left_means_no_restriction(good_catalog: Catalog) -> None:
    flt = from_query({"pillar": "P9"}, {"pillar": fs("P1", "P3")})
    assert flt.is_empty
    assert len(apply(good_catalog.features, flt)) == 4


# --- a criterion is defined once -------------------------------------------------------------


def _accuracies(cat: Catalog, lang: str) -> dict[str, str]:
    from ninohe_geo.model.schema import ACCURACIES

    del cat
    return {a.code: a.label(lang) for a in ACCURACIES}  # type: ignore[arg-type]


ACCURACY = filters_module.Criterion(
    "accuracy", "accuracy", "filter_layer", "accuracy code (repeatable)", _accuracies
)


@pytest.fixture
def with_accuracy(monkeypatch: pytest.MonkeyPatch) -> filters_module.Criterion:
    """A new criterion, defined by one row of CRITERIA and nothing else."""
    monkeypatch.setattr(filters_module, "CRITERIA", (*filters_module.CRITERIA, ACCURACY))
    return ACCURACY


@pytest.mark.usefixtures("with_accuracy")
def test_a_new_criterion_filters_links_and_prints(good_catalog: Catalog) -> None:
    flt = FeatureFilter.of(accuracy=["approximate"])
    assert apply(good_catalog.features, flt).index.tolist() == ["urushi-area"]
    assert to_query(flt) == {"accuracy": "approximate"}
    assert (
        from_query({"accuracy": "approximate,made-up"}, filters_module.known_values(good_catalog))
        == flt
    )
    assert filters_module.describe(flt, good_catalog, "ja") == ["概略"]


@pytest.mark.usefixtures("with_accuracy")
def test_a_new_criterion_becomes_an_export_flag(
    make_data_dir,
    tmp_path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    from ninohe_geo.cli import main

    out = tmp_path / "out.geojson"
    args = ["export", "--format", "geojson", str(out), "--data", str(make_data_dir("good"))]
    assert main([*args, "--accuracy", "approximate"]) == 0
    assert "wrote 1 of 4 feature(s)" in capsys.readouterr().out


@pytest.mark.usefixtures("with_accuracy")
def test_a_new_criterion_appears_in_the_sidebar(make_data_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from repo_paths import REPO_ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NINOHE_GEO_DATA", str(make_data_dir("good")))
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.session_state["lang"] = "ja"
    at.run()
    assert not at.exception, at.exception
    widget = at.multiselect(key="accuracy.ja")
    assert widget.options == ["測量", "施設位置", "概略", "模式図"]
    widget.set_value(["approximate"]).run()
    assert not at.exception, at.exception
    assert "表示中 1 / 4 件" in " ".join(m.value for m in at.markdown)


def test_the_year_filter_shows_the_places_of_projects_that_run_in_it() -> None:
    """Issue #14: the map's time control. A place is shown for a 年度 when one of its projects
    has an entry that year; the choice round-trips through the URL like every criterion."""
    from pathlib import Path

    from ninohe_geo.model.catalog import load_catalog
    from ninohe_geo.query import filters

    catalog = load_catalog(Path(__file__).resolve().parents[2] / "geodata")
    options = filters.criterion("year").options(catalog, "ja")
    assert options == {
        "2021": "令和3年度",
        "2022": "令和4年度",
        "2023": "令和5年度",
        "2025": "令和7年度",
        "2028": "令和10年度",
    }
    r5 = filters.FeatureFilter.of(year=["2023"])
    assert sorted(filters.apply(catalog.features, r5).index) == [
        "kunohe-castle-phase2-works",
        "kunohe-castle-ruins",
    ]
    r4 = filters.FeatureFilter.of(year=["2022"])
    assert list(filters.apply(catalog.features, r4).index) == ["kadaru-terrace-kintaichi"]
    both = filters.FeatureFilter.of(year=["2022", "2023"], pillar=["F"])
    assert list(filters.apply(catalog.features, both).index) == ["kadaru-terrace-kintaichi"]
    assert filters.to_query(r5) == {"year": "2023"}
    assert filters.from_query({"year": "2023,1999"}, filters.known_values(catalog)) == r5
    assert filters.describe(r5, catalog, "en") == ["FY2023"]
