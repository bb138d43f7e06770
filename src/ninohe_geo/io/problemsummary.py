"""An import's problems, grouped and said in the user's language, with the fix (issue #12).

The report lists one row per problem — 45 identical "missing field 'measure'" rows for the city's
AED list. A city employee needs one sentence per kind of problem: how many features it hits
(「45件すべてで施策項目が未設定です」) and what to do about it, in Japanese or English. The
per-feature rows stay below it, for whoever wants them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ninohe_geo.i18n import t
from ninohe_geo.model.checks import Problem
from ninohe_geo.model.plan import Lang

#: (pattern on the message, kind of problem). The first that matches names the group.
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^missing field '([a-z_]+)'"), "missing"),
    (re.compile(r"^unknown measure"), "unknown_measure"),
    (re.compile(r"^outside the city boundary"), "outside"),
    (re.compile(r"^duplicate id"), "duplicate_id"),
    (re.compile(r"^invalid geometry"), "invalid_geometry"),
    (re.compile(r"^(no geometry|missing geometry|geometry)"), "no_geometry"),
    (re.compile(r"^row \d+ repeats row"), "repeated_row"),
)


@dataclass(frozen=True)
class ProblemGroup:
    """One kind of problem of an import, counted."""

    severity: str
    """``error`` (blocks the import) or ``warning``."""
    text: str
    """What is wrong, with how many features it hits."""
    fix: str
    """What to do about it."""
    count: int


def _kind(problem: Problem) -> tuple[str, str]:
    """(kind, the field it is about) of one problem; ('other', message) when unknown."""
    for pattern, kind in _KINDS:
        m = pattern.match(problem.message)
        if m:
            return kind, (m.group(1) if m.groups() else problem.field or "")
    return "other", problem.message


def _field_label(name: str, lang: Lang) -> str:
    try:
        return t(f"field_{name}", lang)
    except KeyError:
        return name


def group_problems(problems: Iterable[Problem], total: int, lang: Lang) -> list[ProblemGroup]:
    """The problems grouped by kind (errors first, then by how many they hit)."""
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for p in problems:
        if p.message == "excluded from the import" or p.message.startswith("checked against"):
            continue
        kind, about = _kind(p)
        groups.setdefault((p.severity, kind, about), []).append(p)
    out = []
    for (severity, kind, about), members in groups.items():
        count = len({m.feature for m in members}) if members[0].feature else len(members)
        if count >= total > 1:
            how_many = t("io_sum_all", lang, count=count)
        else:
            how_many = t("io_sum_some", lang, count=count)
        if kind == "missing":
            text = t("io_sum_missing", lang, many=how_many, field=_field_label(about, lang))
            fix_key = f"io_fix_missing_{about}"
            try:
                fix = t(fix_key, lang)
            except KeyError:
                fix = t("io_fix_missing", lang, field=_field_label(about, lang))
        elif kind == "other":
            text = f"{how_many}: {about}" if lang == "en" else f"{how_many}：{about}"
            fix = t("io_fix_other", lang)
        else:
            text = t(f"io_sum_{kind}", lang, many=how_many)
            fix = t(f"io_fix_{kind}", lang)
        out.append(ProblemGroup(severity, text, fix, count))
    out.sort(key=lambda g: (g.severity != "error", -g.count))
    return out
