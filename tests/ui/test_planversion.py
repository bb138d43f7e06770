"""The plan page says which plan is in force (ninohe_geo.ui.planversion; issue #14), for a
given day (never the wall clock), and lists the plan before the one the data is kept against."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
NEXT = REPO / "tests" / "data" / "plans" / "fictitious-next-plan.yaml"


def _notice(day: str) -> AppTest:
    def script(day: str) -> None:
        import datetime as dt
        from pathlib import Path

        from ninohe_geo.model.plan import load_plan
        from ninohe_geo.paths import plan_file
        from ninohe_geo.store import configured_location
        from ninohe_geo.ui.planversion import plan_notice

        plan = load_plan(plan_file(Path(configured_location())))
        plan_notice(plan, "ja", today=dt.date.fromisoformat(day))

    at = AppTest.from_function(script, args=(day,), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)


def test_after_the_plan_ended_no_plan_is_said_to_be_in_force(shipped: None) -> None:
    at = _notice("2026-12-03")
    (info,) = at.info
    assert "2026-12-03、令和8年度" in info.value and "令和7年度で終わりました" in info.value
    assert _notice("2024-06-01").info == []  # within 令和3〜7年度: nothing to say


def test_the_plan_before_the_current_one_is_listed(
    make_data_dir,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    root = make_data_dir("good")
    (root / "plans").mkdir()
    shutil.copyfile(root / "plan.yaml", root / "plans" / "kouki-r3-r7.yaml")
    shutil.copyfile(NEXT, root / "plan.yaml")
    monkeypatch.setenv("NINOHE_GEO_DATA", str(root))
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    at = _notice("2027-01-10")
    assert at.info == [] and at.warning == []  # the fictitious next plan is in force
    (expander,) = at.expander
    assert expander.label.startswith(
        "前の計画：二戸市総合計画 後期基本計画（令和3年度～令和7年度）"
    )
    assert any("九戸城跡" in m.value or "歴史・伝統" in m.value for m in expander.markdown)
