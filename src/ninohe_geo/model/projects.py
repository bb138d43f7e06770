"""Projects (事業): how the plan is carried out, year by year (issue #14).

A project is not a place. It has a stable id, names, the measure(s) (施策項目) and initiative it
serves, the department in charge (担当課), and one entry per fiscal year it runs in: the status
that year, optionally an amount (budget 予算 or settled 決算, in yen, with its source) and a note
of what happened. Zero or more features (places on the map) belong to it: the project names
their ids, so a project with no place is listed, never hidden, and a project with three places
is one project.

Stored as plain JSON objects (:meth:`Project.as_dict`) by both stores, with the same history,
conflict checks and undo as features; :func:`project_problems` is the one check every path
(the app's form, ``projects import``, the stores) runs before anything is written.

Unknown is unknown: a year without an entry is a year the project did not run (or is not
recorded); a status nobody has confirmed is ``unknown`` (未確認), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ninohe_geo.model.fiscal import MAX_YEAR, MIN_YEAR, fiscal_year_label
from ninohe_geo.model.plan import Lang, Plan
from ninohe_geo.model.schema import Choice

#: A project id: a slug city hall can type and keep (e.g. ``kunohe-castle-phase2``, ``R5-012``).
PROJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_.]{0,63}$")

PROJECT_STATUSES: tuple[Choice, ...] = (
    Choice("planned", "予定", "Planned", "planned for that year, not yet begun"),
    Choice("in_progress", "実施中", "In progress", "under way that year"),
    Choice("done", "完了", "Completed", "finished that year"),
    Choice("paused", "休止", "Paused", "stopped or deferred that year"),
    Choice("unknown", "未確認", "Unconfirmed", "not confirmed by a source"),
)
PROJECT_STATUS_CODES = frozenset(c.code for c in PROJECT_STATUSES)
AMOUNT_KINDS: tuple[Choice, ...] = (
    Choice("budget", "予算", "Budget"),
    Choice("settled", "決算", "Settled"),
)
AMOUNT_KIND_CODES = frozenset(c.code for c in AMOUNT_KINDS)


def status_label(code: str, lang: Lang) -> str:
    """「実施中」 / "In progress" for a project status code (the code itself if unknown)."""
    for c in PROJECT_STATUSES:
        if c.code == code:
            return c.ja if lang == "ja" else c.en
    return code


@dataclass(frozen=True)
class YearEntry:
    """What a project was in one fiscal year."""

    year: int
    """The fiscal year (its starting Western year: 2023 = 令和5年度)."""
    status: str
    amount_yen: int | None = None
    amount_kind: str = ""
    """``budget`` (予算) or ``settled`` (決算); set with an amount."""
    amount_source: str = ""
    """Where the amount comes from (required with an amount: unsourced figures are not kept)."""
    note: str = ""
    """What happened or changed that year (shown in the council's report)."""

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON; empty optional fields left out, so unchanged content hashes the same."""
        out: dict[str, Any] = {"year": self.year, "status": self.status}
        if self.amount_yen is not None:
            out["amount_yen"] = self.amount_yen
            out["amount_kind"] = self.amount_kind
            out["amount_source"] = self.amount_source
        if self.note:
            out["note"] = self.note
        return out

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> YearEntry:
        """Inverse of :meth:`as_dict` (checked by :func:`project_problems` first)."""
        amount = raw.get("amount_yen")
        return YearEntry(
            year=int(raw["year"]),
            status=str(raw["status"]),
            amount_yen=None if amount is None else int(amount),
            amount_kind=str(raw.get("amount_kind") or ""),
            amount_source=str(raw.get("amount_source") or ""),
            note=str(raw.get("note") or ""),
        )


@dataclass(frozen=True)
class Project:
    """A project (事業) of the plan."""

    id: str
    name_ja: str
    name_en: str
    measures: tuple[str, ...]
    """Measure ids (施策項目): the first is the main one."""
    initiative: str = ""
    """The main initiative's id, when the project names one."""
    department: str = ""
    """担当課, as the city writes it."""
    summary_ja: str = ""
    summary_en: str = ""
    years: tuple[YearEntry, ...] = ()
    """One entry per fiscal year, in order."""
    features: tuple[str, ...] = ()
    """Ids of the features (places) of this project."""
    source: str = ""
    source_url: str = ""
    notes: str = ""
    """備考: anything the sheet's notes column said."""
    extra: dict[str, str] = field(default_factory=dict)
    """Columns of an imported sheet that have no field here, kept as they were."""

    def name(self, lang: Lang) -> str:
        """The name in ``lang`` (the Japanese one when there is no English)."""
        return self.name_en if lang == "en" and self.name_en else self.name_ja

    def summary(self, lang: Lang) -> str:
        """The summary in ``lang`` (the Japanese one when there is no English)."""
        return self.summary_en if lang == "en" and self.summary_en else self.summary_ja

    def entry(self, year: int) -> YearEntry | None:
        """The entry of fiscal year ``year``, or None when the project did not run then."""
        return next((e for e in self.years if e.year == year), None)

    def status_in(self, year: int) -> str | None:
        """The status in fiscal year ``year``; None when the project has no entry that year."""
        entry = self.entry(year)
        return entry.status if entry else None

    @property
    def first_year(self) -> int | None:
        """The first fiscal year with an entry."""
        return self.years[0].year if self.years else None

    @property
    def last_year(self) -> int | None:
        """The last fiscal year with an entry."""
        return self.years[-1].year if self.years else None

    def period(self, lang: Lang) -> str:
        """「令和3年度〜令和7年度」 / "FY2021–FY2025" (未確認 without years)."""
        if not self.years:
            return "未確認" if lang == "ja" else "unconfirmed"
        first = fiscal_year_label(self.years[0].year, lang)
        last = fiscal_year_label(self.years[-1].year, lang)
        if first == last:
            return first
        return f"{first}〜{last}" if lang == "ja" else f"{first}–{last}"

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON as the stores keep it (empty optional fields left out)."""
        out: dict[str, Any] = {
            "id": self.id,
            "name_ja": self.name_ja,
            "name_en": self.name_en,
            "measures": list(self.measures),
            "years": [e.as_dict() for e in self.years],
        }
        optional = {
            "initiative": self.initiative,
            "department": self.department,
            "summary_ja": self.summary_ja,
            "summary_en": self.summary_en,
            "source": self.source,
            "source_url": self.source_url,
            "notes": self.notes,
        }
        out.update({k: v for k, v in optional.items() if v})
        if self.features:
            out["features"] = list(self.features)
        if self.extra:
            out["extra"] = dict(self.extra)
        return out

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> Project:
        """Inverse of :meth:`as_dict` (run :func:`project_problems` first)."""
        return Project(
            id=str(raw["id"]),
            name_ja=str(raw["name_ja"]),
            name_en=str(raw.get("name_en") or ""),
            measures=tuple(str(m) for m in raw.get("measures") or ()),
            initiative=str(raw.get("initiative") or ""),
            department=str(raw.get("department") or ""),
            summary_ja=str(raw.get("summary_ja") or ""),
            summary_en=str(raw.get("summary_en") or ""),
            years=tuple(
                sorted((YearEntry.from_dict(y) for y in raw.get("years") or ()), key=_year)
            ),
            features=tuple(str(f) for f in raw.get("features") or ()),
            source=str(raw.get("source") or ""),
            source_url=str(raw.get("source_url") or ""),
            notes=str(raw.get("notes") or ""),
            extra={str(k): str(v) for k, v in (raw.get("extra") or {}).items()},
        )


def _year(entry: YearEntry) -> int:
    return entry.year


_KNOWN = {
    "id",
    "name_ja",
    "name_en",
    "measures",
    "initiative",
    "department",
    "summary_ja",
    "summary_en",
    "years",
    "features",
    "source",
    "source_url",
    "notes",
    "extra",
}


def project_problems(raw: Mapping[str, Any], plan: Plan) -> list[str]:
    """What is wrong with the project ``raw`` (empty: it may be stored), each said plainly."""
    problems: list[str] = []
    pid = raw.get("id")
    if not isinstance(pid, str) or not PROJECT_ID.match(pid):
        problems.append(
            f"id {pid!r} must be 1–64 letters, digits, '-', '_' or '.', starting with a "
            "letter or digit"
        )
    if not isinstance(raw.get("name_ja"), str) or not str(raw.get("name_ja")).strip():
        problems.append("name_ja (事業名) is missing")
    unknown = sorted(set(raw) - _KNOWN)
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    measures = raw.get("measures")
    if not isinstance(measures, list | tuple) or not measures:
        problems.append("measures: at least one measure (施策項目) is needed")
        measures = []
    for m in measures:
        if not isinstance(m, str) or not plan.has_measure(m):
            problems.append(f"measure {m!r} is not a measure of the plan")
    initiative = raw.get("initiative")
    if initiative:
        try:
            owner, _ = plan.initiative(str(initiative))
        except KeyError:
            problems.append(f"initiative {initiative!r} is not an initiative of the plan")
        else:
            if owner.id not in measures:
                problems.append(
                    f"initiative {initiative!r} belongs to measure {owner.id}, which the "
                    "project does not name"
                )
    years = raw.get("years")
    if not isinstance(years, list | tuple):
        problems.append("years must be a list (it may be empty)")
        years = []
    seen: set[int] = set()
    for entry in years:
        problems += _year_problems(entry, seen)
    features = raw.get("features", [])
    if not isinstance(features, list | tuple) or not all(isinstance(f, str) for f in features):
        problems.append("features must be a list of feature ids")
    extra = raw.get("extra", {})
    if not isinstance(extra, dict):
        problems.append("extra must be a mapping of column → text")
    for name, text in _texts(raw):
        if CONTROL.search(text):
            problems.append(
                f"{name} holds a control character (e.g. a vertical tab pasted from another "
                "program): delete it and type the text again"
            )
    return problems


#: C0 control characters other than tab, line feed and carriage return (a spreadsheet cannot
#: hold them, and they are never meant).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _texts(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every text of a project (for the control-character check), named by its field."""
    out = [(k, v) for k, v in raw.items() if isinstance(v, str)]
    extra = raw.get("extra")
    if isinstance(extra, dict):
        out += [(f"extra 「{k}」", str(v)) for k, v in extra.items()]
    for entry in raw.get("years") or ():
        if isinstance(entry, Mapping):
            out += [(f"{entry.get('year')} {k}", v) for k, v in entry.items() if isinstance(v, str)]
    return out


def _year_problems(entry: Any, seen: set[int]) -> list[str]:
    if not isinstance(entry, Mapping):
        return [f"year entry {entry!r} is not a mapping"]
    year = entry.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        return [f"year {year!r} is not a fiscal year ({MIN_YEAR}–{MAX_YEAR})"]
    label = fiscal_year_label(year, "ja")
    problems = []
    if year in seen:
        problems.append(f"{label}: the year is given twice")
    seen.add(year)
    status = entry.get("status")
    if status not in PROJECT_STATUS_CODES:
        allowed = ", ".join(c.code for c in PROJECT_STATUSES)
        problems.append(f"{label}: status {status!r} is not one of {allowed}")
    amount = entry.get("amount_yen")
    if amount is not None:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            problems.append(f"{label}: amount {amount!r} must be a whole number of yen, ≥ 0")
        if entry.get("amount_kind") not in AMOUNT_KIND_CODES:
            problems.append(f"{label}: an amount must say whether it is 予算 or 決算")
        if not str(entry.get("amount_source") or "").strip():
            problems.append(f"{label}: an amount needs its source (unsourced figures are not kept)")
    return problems


def projects_of_feature(projects: list[Project], feature_id: str) -> list[Project]:
    """The projects a feature (place) belongs to."""
    return [p for p in projects if feature_id in p.features]
