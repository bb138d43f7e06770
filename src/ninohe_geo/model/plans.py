"""Versions of the plan (issue #14): the plan in force on a date, and the one before.

The 後期基本計画 (令和3〜7年度) ended on 2026-03-31; the city's next plan follows it. A data
folder's ``plan.yaml`` is the plan the data is kept against (its measures are what features and
projects name); earlier or later plans are kept beside it in ``plans/*.yaml``, each with its
``id`` and its period. :func:`in_force` says which plan covers a date — or none: a date after
the last known plan is shown as such (未登録), never as the old plan still running.

A project (事業) that continues from one plan into the next keeps its id, so its history in the
store runs on unbroken; when the next plan becomes ``plan.yaml`` the city re-points it to the new
plan's measures (an ordinary, recorded edit), and :func:`measure_home` says which plan a measure
the current plan lacks belongs to, so the message can say what to do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ninohe_geo.model.fiscal import FiscalYearError, fiscal_year_of, parse_fiscal_range
from ninohe_geo.model.plan import Plan, load_plan

PLANS_DIR = "plans"


@dataclass(frozen=True)
class PlanVersion:
    """One plan with its file and fiscal years."""

    plan: Plan
    file: str
    """Relative to the data folder (``plan.yaml`` or ``plans/<name>.yaml``)."""
    years: tuple[int, ...]
    """The fiscal years of its period (from ``period_ja``; () when it cannot be read)."""
    current: bool
    """Whether it is the data folder's ``plan.yaml`` (what the data names)."""

    @property
    def id(self) -> str:
        """The plan's id (its file's stem when the plan has none)."""
        return self.plan.id or Path(self.file).stem

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the plan's period."""
        return bool(self.years) and fiscal_year_of(day) in self.years


def plan_years(plan: Plan) -> tuple[int, ...]:
    """The fiscal years of the plan's period (令和3年度～令和7年度 → 2021–2025)."""
    text = plan.period_ja.replace("年度", "").replace("から", "〜")
    try:
        return parse_fiscal_range(text)
    except FiscalYearError:
        return ()


def load_versions(root: Path) -> tuple[PlanVersion, ...]:
    """``plan.yaml`` and every ``plans/*.yaml`` of the data folder, in the order of their periods.

    Raises:
        PlanError: a plan file does not read (the loader names the file, line and field).
    """
    found = [PlanVersion(load_plan(root / "plan.yaml"), "plan.yaml", (), True)]
    folder = root / PLANS_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            found.append(PlanVersion(load_plan(path), f"{PLANS_DIR}/{path.name}", (), False))
    versions = [PlanVersion(v.plan, v.file, plan_years(v.plan), v.current) for v in found]
    return tuple(sorted(versions, key=lambda v: (v.years[0] if v.years else 0, v.file)))


def in_force(versions: tuple[PlanVersion, ...], day: dt.date) -> PlanVersion | None:
    """The plan whose period covers ``day``, or None (no known plan covers it)."""
    return next((v for v in versions if v.covers(day)), None)


def previous(versions: tuple[PlanVersion, ...], version: PlanVersion) -> PlanVersion | None:
    """The plan before ``version`` (by period), or None."""
    index = versions.index(version)
    return versions[index - 1] if index > 0 else None


def latest_before(versions: tuple[PlanVersion, ...], day: dt.date) -> PlanVersion | None:
    """The last plan whose period ended before ``day`` (for "the plan ended on …")."""
    year = fiscal_year_of(day)
    ended = [v for v in versions if v.years and v.years[-1] < year]
    return ended[-1] if ended else None


def measure_home(versions: tuple[PlanVersion, ...], measure_id: str) -> PlanVersion | None:
    """The plan version that has a measure ``measure_id`` (the first, by period), or None."""
    return next((v for v in versions if v.plan.has_measure(measure_id)), None)
