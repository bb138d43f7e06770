"""Fiscal years (年度) the Japanese way: April to March, shown in the era calendar (和暦).

A fiscal year is kept as the Western year it starts in (FY2023 = 令和5年度 = April 2023 to
March 2024), the one number both calendars agree on. What people type is read by
:func:`parse_fiscal_year`: 「令和5年度」「令和５年度」「令和元年度」「R5」「Ｒ５」「H30」
「平成30年度」「2023」「２０２３年度」「FY2023」 — full-width characters are folded (NFKC) first.
A year of the era beyond its end is refused (平成32年度 does not exist: 平成 ended in April
2019, so the fiscal year that began in April 2019 is 平成31年度 and 令和元年度 at once; both
spellings are read, 令和 is shown).

Only 平成 and 令和 are known: the plan's projects and indicators begin well after 1989. A year
outside :data:`MIN_YEAR`–:data:`MAX_YEAR` is refused as a typing mistake, not guessed at.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.model.plan import Lang


@dataclass(frozen=True)
class Era:
    """A Japanese era: its name, one-letter abbreviation, first and last Western year."""

    name: str
    letter: str
    first: int
    """The Western year of the era's year 1 (元年)."""
    last: int | None
    """The Western year of its last year (None: the current era)."""


ERAS: tuple[Era, ...] = (
    Era("令和", "R", 2019, None),
    Era("平成", "H", 1989, 2019),
)
MIN_YEAR = 1989
MAX_YEAR = 2100

_ERA_PATTERN = re.compile(
    r"^(?P<era>令和|平成|[RH])\s*(?P<n>\d{1,2}|元)\s*(?:年度?)?$", re.IGNORECASE
)
_WESTERN_PATTERN = re.compile(r"^(?:FY\s*)?(?P<y>\d{4})\s*(?:年度?)?$", re.IGNORECASE)


class FiscalYearError(NinoheGeoError, ValueError):
    """A text is not a fiscal year this reader understands."""


def _era(key: str) -> Era:
    key = key.upper()
    return next(e for e in ERAS if key in (e.name, e.letter))


def parse_fiscal_year(text: object) -> int:
    """The fiscal year (its starting Western year) that ``text`` names.

    Raises:
        FiscalYearError: not a year, an era year that does not exist, or out of range; the
            message shows the forms that are read.
    """
    if isinstance(text, bool):
        raise FiscalYearError(f"{text!r} is not a fiscal year")
    if isinstance(text, int):
        raw = str(text)
    elif isinstance(text, float) and text.is_integer():
        raw = str(int(text))
    else:
        raw = unicodedata.normalize("NFKC", str(text)).strip()
    hint = "write e.g. 令和5年度, R5, H30 or 2023"
    m = _ERA_PATTERN.match(raw)
    if m:
        era = _era(m.group("era"))
        n = 1 if m.group("n") == "元" else int(m.group("n"))
        year = era.first + n - 1
        if n < 1 or (era.last is not None and year > era.last):
            raise FiscalYearError(f"{raw!r}: {era.name}{n}年度 does not exist ({hint})")
    else:
        w = _WESTERN_PATTERN.match(raw)
        if not w:
            raise FiscalYearError(f"{raw!r} is not a fiscal year ({hint})")
        year = int(w.group("y"))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise FiscalYearError(f"{raw!r}: {year} is outside {MIN_YEAR}–{MAX_YEAR} ({hint})")
    return year


def era_year(year: int) -> tuple[Era, int]:
    """The era and the year within it of fiscal year ``year`` (the newer era at a changeover)."""
    for era in ERAS:
        if year >= era.first:
            return era, year - era.first + 1
    raise FiscalYearError(f"{year} is before {MIN_YEAR}")


def fiscal_year_label(year: int, lang: Lang) -> str:
    """「令和5年度」 / "FY2023"; year 1 of an era is 元年 (令和元年度)."""
    if lang != "ja":
        return f"FY{year}"
    era, n = era_year(year)
    return f"{era.name}{'元' if n == 1 else n}年度"


def fiscal_year_short(year: int) -> str:
    """「R5」: the abbreviation city hall sheets and the CLI use."""
    era, n = era_year(year)
    return f"{era.letter}{n}"


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year ``day`` falls in (April–March)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_span(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal year ``year``: 1 April ``year`` to 31 March ``year + 1``."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def parse_fiscal_range(text: object) -> tuple[int, ...]:
    """「令和3〜7年度」「R3-R7」「2021-2025」「R5」 → the fiscal years, in order.

    The second year of 「令和3〜7年度」 is read in the first one's era. Raises FiscalYearError.
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    parts = re.split(r"\s*[~〜～\-–—]\s*", raw)
    if len(parts) == 1:
        return (parse_fiscal_year(parts[0]),)
    if len(parts) != 2:
        raise FiscalYearError(f"{raw!r} is not a range of fiscal years (write e.g. R3-R7)")
    first_text, last_text = parts
    first = parse_fiscal_year(first_text)
    m = _ERA_PATTERN.match(first_text.strip())
    if m and re.fullmatch(r"\d{1,2}(?:年度?)?", last_text.strip()):
        last_text = m.group("era") + last_text
    last = parse_fiscal_year(last_text)
    if last < first:
        raise FiscalYearError(f"{raw!r}: the range ends before it begins")
    return tuple(range(first, last + 1))
