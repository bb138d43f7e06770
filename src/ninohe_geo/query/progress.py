"""Roll-ups of the plan's projects for a fiscal year, and what changed between two dates
(issue #14): per measure and per pillar, how many projects are planned, under way, done,
paused or unconfirmed in the year, and the amounts that are known.

A project counts under every measure it names (a measure's view), but once per pillar (a
project naming two measures of the same pillar is one project there). A project with no entry
in the year is "not running" that year, not a status: it is counted apart, never as 未確認.
Amounts are summed only where known, with how many of the year's entries have one: a total
over some projects is never shown as the total over all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ninohe_geo.model.fiscal import fiscal_year_span
from ninohe_geo.model.plan import Plan
from ninohe_geo.model.projects import PROJECT_STATUSES, Project

STATUS_ORDER: tuple[str, ...] = tuple(c.code for c in PROJECT_STATUSES)
#: Japan Standard Time (no daylight saving): "what changed since 1 April" means the city's day.
JST = dt.timezone(dt.timedelta(hours=9), "JST")


@dataclass
class Tally:
    """Projects of one measure or pillar in one fiscal year."""

    key: str
    """The measure's or pillar's id."""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))
    not_running: int = 0
    """Projects of it with no entry in the year."""
    amount_yen: int = 0
    with_amount: int = 0
    """How many of the year's entries have an amount (``amount_yen`` sums those only)."""
    projects: list[str] = field(default_factory=list)
    """Ids of its projects with an entry in the year, in order."""

    @property
    def running(self) -> int:
        """Projects with an entry in the year."""
        return sum(self.counts.values())

    @property
    def total(self) -> int:
        """Every project of it, running that year or not."""
        return self.running + self.not_running

    def share_done(self) -> float | None:
        """Done ÷ running (None when nothing runs): the one rate the data supports."""
        return self.counts["done"] / self.running if self.running else None

    def add(self, project: Project, year: int) -> None:
        entry = project.entry(year)
        if entry is None:
            self.not_running += 1
            return
        self.counts[entry.status] = self.counts.get(entry.status, 0) + 1
        self.projects.append(project.id)
        if entry.amount_yen is not None:
            self.amount_yen += entry.amount_yen
            self.with_amount += 1


def by_measure(projects: Iterable[Project], plan: Plan, year: int) -> dict[str, Tally]:
    """Measure id → its tally in ``year``, for every measure of the plan (in plan order)."""
    out = {m.id: Tally(m.id) for m in plan.measures}
    for p in projects:
        for m in dict.fromkeys(p.measures):
            if m in out:
                out[m].add(p, year)
    return out


def by_pillar(projects: Iterable[Project], plan: Plan, year: int) -> dict[str, Tally]:
    """Pillar id → its tally in ``year`` (each project once per pillar)."""
    out = {pillar.id: Tally(pillar.id) for pillar in plan.pillars}
    for p in projects:
        pillars = dict.fromkeys(plan.pillar_of(m).id for m in p.measures if plan.has_measure(m))
        for pid in pillars:
            out[pid].add(p, year)
    return out


def years_of(projects: Iterable[Project]) -> tuple[int, ...]:
    """Every fiscal year any project has an entry for, in order."""
    return tuple(sorted({e.year for p in projects for e in p.years}))


@dataclass(frozen=True)
class ProjectChange:
    """One project's (or feature's) change in a period, as the council reads it."""

    project_id: str
    """The project's id (or the feature's, with ``kind`` ``feature``)."""
    name_ja: str
    what: str
    """``added``, ``removed``, ``completed`` or ``changed``."""
    fields: tuple[str, ...]
    """The fields that changed (for ``changed``)."""
    at: str
    user: str
    kind: str = "project"
    """``project`` or ``feature`` (a place on the map)."""


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)))


def _done_years(p: dict[str, Any] | None) -> set[int]:
    return {int(e["year"]) for e in (p or {}).get("years", []) if e.get("status") == "done"}


def _flat(record: dict[str, Any] | None, kind: str) -> dict[str, Any] | None:
    """A feature as its properties plus its geometry (what a reader compares); a project as is."""
    if record is None or kind == "project":
        return record
    return {**(record.get("properties") or {}), "geometry": record.get("geometry")}


def _completed(before: dict[str, Any], after: dict[str, Any], kind: str) -> bool:
    if kind == "project":
        return bool(_done_years(after) - _done_years(before))
    return after.get("status") == "done" and before.get("status") != "done"


def changes_between(
    history: Sequence[Any], start: dt.date, end: dt.date, features: bool = False
) -> list[ProjectChange]:
    """What happened to projects (and with ``features``, to the map's features) from ``start``
    to ``end`` (inclusive, days in Japan), from the store's history: one line per record, its state
    at the start against its state at the end (several edits in between are one change; an
    edit undone is no change)."""
    prefixes = ("project:", "feature:") if features else ("project:",)
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for c in history:
        if not c.key.startswith(prefixes):
            continue
        day = dt.datetime.fromisoformat(c.at).astimezone(JST).date()
        if not start <= day <= end:
            continue
        first.setdefault(c.key, c)
        last[c.key] = c
    out = []
    for key, c0 in first.items():
        kind, _, rid = key.partition(":")
        before, after = _flat(c0.before, kind), _flat(last[key].after, kind)
        if before == after:
            continue
        fields: tuple[str, ...] = ()
        if before is None:
            what = "added"
        elif after is None:
            what = "removed"
        else:
            fields = _changed_fields(before, after)
            what = "completed" if _completed(before, after, kind) else "changed"
        name = str((after or before or {}).get("name_ja", rid))
        out.append(ProjectChange(rid, name, what, fields, last[key].at, last[key].user, kind))
    return sorted(out, key=lambda ch: (ch.kind != "project", ch.what, ch.project_id))


def fiscal_period(year: int) -> tuple[dt.date, dt.date]:
    """The dates of fiscal year ``year`` (for "what changed in 令和5年度")."""
    return fiscal_year_span(year)
