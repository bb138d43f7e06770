"""AppTest smoke test over every page: each runs without an exception, in both languages,
on the shipped data and on broken data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")
PAGES = ["views/map.py", "views/plan.py"]


def _run(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(page: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _run(page, lang)
    assert not at.exception, at.exception
    titles = [t.value for t in at.title]
    expected = {
        ("views/map.py", "ja"): "二戸市総合計画マップ",
        ("views/map.py", "en"): "Ninohe Comprehensive Plan Map",
        ("views/plan.py", "ja"): "二戸市総合計画",
        ("views/plan.py", "en"): "Ninohe",
    }[(page, lang)]
    assert any(expected in t for t in titles), titles


def test_map_page_keeps_working_with_a_broken_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "layers").mkdir()
    shutil.copy(REPO / "geodata" / "plan.yaml", tmp_path / "plan.yaml")
    for folder in ("good", "broken"):
        for f in (REPO / "tests" / "data" / "layers" / folder).glob("*.geojson"):
            shutil.copy(f, tmp_path / "layers" / f.name)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(tmp_path))
    at = _run(PAGES[0], "ja")
    assert not at.exception, at.exception
    # Markdown sources are escaped (data never becomes markup): compare without backslashes.
    problems = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "not-json.geojson" in problems
    assert "P9-99" in problems
    # 4 good features + the good one in the broken file are counted and shown.
    assert "表示中 5 / 5 件" in problems


def test_filters_narrow_the_count(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "layers").mkdir()
    shutil.copy(REPO / "geodata" / "plan.yaml", tmp_path / "plan.yaml")
    shutil.copy(REPO / "tests/data/layers/good/sample.geojson", tmp_path / "layers")
    monkeypatch.setenv("NINOHE_GEO_DATA", str(tmp_path))
    at = _run(PAGES[0], "ja")
    at.multiselect(key="pillar.ja").select("P1").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "表示中 1 / 4 件" in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ja", "関連する公式データ：指定緊急避難場所（国土地理院データ） 78 か所"),
        ("en", "Related official data: Designated emergency evacuation sites (GSI data): 78"),
    ],
)
def test_the_plan_page_names_the_shelters_of_disaster_prevention(
    lang: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _run("views/plan.py", lang)
    assert not at.exception, at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert [c for c in captions if c.startswith(expected)], captions


@pytest.mark.parametrize(
    ("lang", "r5", "r7"),
    [
        ("ja", "令和5年度：3 件の事業のうち 1 件", "令和7年度：3 件の事業のうち 2 件"),
        ("en", "FY2023: 1 of 3 projects", "FY2025: 2 of 3 projects"),
    ],
)
def test_the_plan_page_shows_progress_for_a_chosen_year(
    lang: str, r5: str, r7: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #14: the shipped projects by status in the chosen 年度, per measure."""
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _run("views/plan.py", lang)
    assert not at.exception, at.exception
    year = at.selectbox(key="progress-year")
    year.select(2023).run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert [c for c in captions if c.startswith(r5)], captions
    measures, projects = at.dataframe[0].value, at.dataframe[1].value
    assert list(projects.iloc[:, 0]) == ["kunohe-castle-phase2"]
    assert projects.iloc[0, 2] == ("実施中" if lang == "ja" else "In progress")
    assert len(measures) == 3  # the measures with projects: energy, heritage, partnership
    at.selectbox(key="progress-year").select(2025).run()
    assert [c.value for c in at.caption if c.value.startswith(r7)]
    # The council's report of the chosen year, from the app.
    labels = [e.proto.label for e in at.get("download_button")]
    assert ("この年度の報告書（HTML）" if lang == "ja" else "This year's report (HTML)") in labels
