"""AppTest of the residents' page (dashboard/views/residents.py): runs in both languages, on the
shipped data and on broken data; search and area change the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")
PAGE = "views/residents.py"


def _run(lang: str = "ja") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown).replace("\\", "")


@pytest.mark.parametrize(("lang", "title"), [("ja", "二戸のまちづくり"), ("en", "Ninohe's plan")])
def test_page_runs(lang: str, title: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _run(lang)
    assert not at.exception, at.exception
    assert any(title in t.value for t in at.title)


def test_search_by_kana_and_area(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _run()
    assert any("すべての取り組み" in h.value for h in at.header)  # nothing asked: the full list
    at.text_input(key="res_q").input("くのへ").run()
    assert not at.exception
    text = _text(at)
    assert "3 件の取り組み" in text and "九戸城跡" in text and "二戸駅" not in text
    headings = [h.value for h in at.header]
    assert "検索結果" in headings and not any("すべての取り組み" in h for h in headings)
    at.text_input(key="res_q").input("").run()
    at.selectbox(key="res_area").select("joboji").run()
    assert not at.exception
    assert any("浄法寺総合支所" in i.value and "目安" in i.value for i in at.info)
    headings = [h.value for h in at.header]
    assert any("近い順" in h for h in headings)


def test_broken_data_still_lists_the_good_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    (tmp_path / "layers").mkdir()
    shutil.copy(REPO / "geodata" / "plan.yaml", tmp_path / "plan.yaml")
    for folder in ("good", "broken"):
        for f in (REPO / "tests" / "data" / "layers" / folder).glob("*.geojson"):
            shutil.copy(f, tmp_path / "layers" / f.name)
    monkeypatch.setenv("NINOHE_GEO_DATA", str(tmp_path))
    at = _run()
    assert not at.exception, at.exception
    text = _text(at)
    assert "not-json.geojson" in text
    assert "5 件の取り組み（全 5 件）" in text


def test_nearest_site_for_a_hazard_from_the_chosen_area(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _run()
    assert any("地区を選ぶか" in c.value for c in at.caption)  # no point yet: says how
    at.selectbox(key="res_area").select("joboji").run()
    at.selectbox(key="res_hazard").select("flood").run()
    assert not at.exception, at.exception
    text = _text(at)
    # From 浄法寺総合支所's point: 浄法寺文化交流センター (GSI E0321300021201) is the nearest.
    assert "浄法寺文化交流センター — 直線距離 約" in text
    assert any("歩く道のりではありません" in c.value for c in at.caption)
    at.selectbox(key="res_hazard").select("fire").run()
    assert "浄法寺文化交流センター — 直線距離" not in _text(at)  # not designated for fire


def test_a_tapped_point_answers_until_cleared_or_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    # st_folium's last_clicked is stored as res_tap (the browser test taps the real map).
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = _run()
    at.session_state["res_tap"] = (40.27125, 141.30478)  # 二戸市役所
    at.run()
    assert not at.exception, at.exception
    text = _text(at)
    assert "地図でタップした地点からいちばん近い指定緊急避難場所（洪水）" in text
    assert "1. 福岡小学校 — 直線距離 約 150 m" in text
    assert any(i.value == "地図でタップした地点から近い順に並べています。" for i in at.info)
    at.button(key="res-tap-clear").click().run()
    assert "地図でタップした地点から" not in _text(at)
    assert any("地図をタップするか" in c.value for c in at.caption)
    # A chosen area replaces the tapped point (the latest ask wins).
    at.session_state["res_tap"] = (40.27125, 141.30478)
    at.run()
    at.selectbox(key="res_area").select("joboji").run()
    text = _text(at)
    assert "地図でタップした地点" not in text and "浄法寺文化交流センター — 直線距離" in text
