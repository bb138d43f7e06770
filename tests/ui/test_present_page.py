"""AppTest of the presentation page and the map page's share panel (no browser needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")
TOURS = REPO / "tests" / "data" / "tours"


def _present(lang: str = "ja", **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/present.py")
    # The map page rewrote the URL for itself; a link to /present carries these.
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    return at


def _html(at: AppTest) -> str:
    return " ".join(str(m.value) for m in at.markdown)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_present_page_runs_a_tour(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _present(lang, tour="featured", stop="2")
    assert not at.exception, at.exception
    text = _html(at)
    assert ("★ うるし" if lang == "ja" else "★ Urushi") in text
    assert 'id="tour-progress"' in text and "2 / 6" in text
    # Next, by the button (the keys click the same button in a browser).
    at.button(key="tour-next").click().run()
    assert "3 / 6" in _html(at)
    at.button(key="tour-prev").click().run()
    at.button(key="tour-prev").click().run()
    assert "1 / 6" in _html(at)
    assert at.button(key="tour-prev").disabled


def test_present_page_overview_without_a_tour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _present(tour="no-such-tour")
    assert not at.exception, at.exception
    assert "tour-progress" not in _html(at)
    assert "二戸市総合計画" in _html(at)


def test_broken_tours_are_reported_and_the_good_one_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "layers").mkdir()
    shutil.copy(REPO / "geodata" / "plan.yaml", tmp_path / "plan.yaml")
    for f in (REPO / "tests" / "data" / "layers" / "good").glob("*.geojson"):
        shutil.copy(f, tmp_path / "layers" / f.name)
    (tmp_path / "tours").mkdir()
    for folder in ("good", "broken"):
        for f in (TOURS / folder).glob("*.yaml"):
            shutil.copy(f, tmp_path / "tours" / f.name)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(tmp_path))
    at = _present(tour="castle", stop="2")
    assert not at.exception, at.exception
    assert "2 / 3" in _html(at)
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "not-yaml.yaml" in warnings and "no-place.yaml" in warnings


def test_map_page_share_panel_makes_a_link_and_qr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["pillar"] = "P3"
    at.query_params["center"] = "40.27,141.3"
    at.query_params["zoom"] = "14"
    at.run()
    assert not at.exception, at.exception
    at.button(key="share-make").click().run()
    assert not at.exception, at.exception
    code = at.code[0].value
    assert "pillar=P3" in code and "center=40.27%2C141.3" in code and "zoom=14" in code
