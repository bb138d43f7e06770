"""Roll-ups of projects per measure and pillar for a fiscal year, and what changed between two
dates (ninohe_geo.query.progress; issue #14)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ninohe_geo.model.plan import Plan, load_plan
from ninohe_geo.model.projects import Project
from ninohe_geo.query.progress import by_measure, by_pillar, changes_between, years_of
from ninohe_geo.store.base import Change

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(REPO / "geodata" / "plan.yaml")


def p(pid: str, measures: list[str], years: list[dict[str, Any]]) -> Project:
    return Project.from_dict({"id": pid, "name_ja": pid, "measures": measures, "years": years})


PROJECTS = [
    p(
        "a",
        ["P1-01", "P1-03"],
        [
            {
                "year": 2023,
                "status": "done",
                "amount_yen": 100,
                "amount_kind": "settled",
                "amount_source": "s",
            }
        ],
    ),
    p(
        "b",
        ["P1-01"],
        [{"year": 2022, "status": "in_progress"}, {"year": 2023, "status": "in_progress"}],
    ),
    p("c", ["P3-07"], [{"year": 2022, "status": "planned"}]),
]


def test_tally_per_measure_counts_each_project_under_each_measure(plan: Plan) -> None:
    t = by_measure(PROJECTS, plan, 2023)
    assert list(t)[:3] == ["P1-01", "P1-02", "P1-03"]  # every measure, plan order
    assert t["P1-01"].counts["done"] == 1 and t["P1-01"].counts["in_progress"] == 1
    assert t["P1-01"].running == 2 and t["P1-03"].running == 1
    assert t["P3-07"].running == 0 and t["P3-07"].not_running == 1  # c did not run in 2023
    assert t["P3-07"].counts["unknown"] == 0  # not running is not 未確認
    assert (t["P1-01"].amount_yen, t["P1-01"].with_amount) == (100, 1)
    assert t["P1-01"].share_done() == 0.5 and t["P2-01"].share_done() is None


def test_tally_per_pillar_counts_a_project_once(plan: Plan) -> None:
    t = by_pillar(PROJECTS, plan, 2023)
    first = plan.pillars[0].id
    assert t[first].running == 2  # a names two measures of 政策1: counted once
    assert years_of(PROJECTS) == (2022, 2023)


def _change(seq: int, pid: str, at: str, before: Any, after: Any) -> Change:
    return Change(seq, f"project:{pid}", "update", "alice", at, "", before, after)


def test_changes_between_dates_are_one_line_per_project() -> None:
    v1 = {"id": "a", "name_ja": "A", "years": [{"year": 2023, "status": "in_progress"}]}
    v2 = {**v1, "years": [{"year": 2023, "status": "done"}]}
    v3 = {**v2, "department": "総務課"}
    history = [
        _change(1, "a", "2026-10-01T00:00:00+00:00", None, v1),
        _change(2, "a", "2026-11-05T00:00:00+00:00", v1, v2),
        _change(3, "a", "2026-11-06T00:00:00+00:00", v2, v3),
        _change(4, "b", "2026-11-07T00:00:00+00:00", None, {"id": "b", "name_ja": "B"}),
        _change(5, "c", "2026-11-08T00:00:00+00:00", {"id": "c", "name_ja": "C"}, None),
        _change(6, "d", "2026-11-09T00:00:00+00:00", {"id": "d"}, {"id": "d", "x": 1}),
        _change(7, "d", "2026-11-10T00:00:00+00:00", {"id": "d", "x": 1}, {"id": "d"}),  # undone
    ]
    found = changes_between(history, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert sorted((c.project_id, c.what) for c in found) == [
        ("a", "completed"),
        ("b", "added"),
        ("c", "removed"),
    ]  # d was changed and changed back: no change
    a = next(c for c in found if c.project_id == "a")
    assert a.fields == ("department", "years") and a.user == "alice"
    assert changes_between(history, dt.date(2026, 12, 1), dt.date(2026, 12, 31)) == []


def test_changes_of_features_are_listed_too_when_asked() -> None:
    feature = {
        "type": "Feature",
        "geometry": None,
        "properties": {"id": "f", "name_ja": "F", "status": "in_progress"},
    }
    done = {**feature, "properties": {**feature["properties"], "status": "done"}}
    history = [
        Change(1, "feature:f", "update", "bob", "2026-11-02T00:00:00+00:00", "l", feature, done)
    ]
    assert changes_between(history, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []
    (found,) = changes_between(history, dt.date(2026, 11, 1), dt.date(2026, 11, 30), features=True)
    assert (found.kind, found.project_id, found.what, found.fields) == (
        "feature",
        "f",
        "completed",
        ("status",),
    )
