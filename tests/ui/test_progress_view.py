"""The plan page's progress chart and the indicator chart's target (ninohe_geo.ui.progress,
ninohe_geo.ui.session; issue #14): what the charts are told to draw."""

from __future__ import annotations

from pathlib import Path

from ninohe_geo.model.plan import Reference, load_plan
from ninohe_geo.model.projects import Project
from ninohe_geo.ui.forms import SeriesPoint
from ninohe_geo.ui.progress import status_chart
from ninohe_geo.ui.session import indicator_chart

REPO = Path(__file__).resolve().parents[2]


def test_the_status_chart_counts_each_pillar_by_status() -> None:
    plan = load_plan(REPO / "geodata" / "plan.yaml")
    projects = [
        Project.from_dict({"id": "a", "name_ja": "a", "measures": ["P1-01"],
                           "years": [{"year": 2023, "status": "done"}]}),
        Project.from_dict({"id": "b", "name_ja": "b", "measures": ["P1-02"],
                           "years": [{"year": 2023, "status": "done"}]}),
    ]  # fmt: skip
    spec = status_chart(plan, projects, 2023, "ja").to_dict()
    rows = next(iter(spec["datasets"].values()))
    done = [r for r in rows if r["status"] == "完了"]
    assert {r["pillar"]: r["n"] for r in done}["政策1"] == 2
    assert sum(r["n"] for r in rows) == 2 and len(rows) == 4 * 5


def test_a_sourced_target_is_drawn_as_a_rule_and_none_draws_nothing() -> None:
    series = [SeriesPoint(2021, 1.4, "", "s"), SeriesPoint(2022, None, "", "")]
    plain = indicator_chart(series, "ja").to_dict()
    assert len(plain["layer"]) == 2
    goal = indicator_chart(series, "ja", Reference(value=1.8, year=2025, source="計画")).to_dict()
    assert len(goal["layer"]) == 4 and goal["layer"][2]["mark"]["type"] == "rule"
    assert "目標 1.8（2025）" in str(goal["datasets"])
