"""Fiscal years the Japanese way (ninohe_geo.model.fiscal): April–March, 和暦 in and out."""

from __future__ import annotations

import datetime as dt

import pytest

from ninohe_geo.model.fiscal import (
    FiscalYearError,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_short,
    fiscal_year_span,
    parse_fiscal_range,
    parse_fiscal_year,
)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("令和5年度", 2023),
        ("令和５年度", 2023),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("平成30年度", 2018),
        ("R5", 2023),
        ("r5", 2023),
        ("Ｒ５", 2023),
        ("H30", 2018),
        ("R 3", 2021),
        ("令和7年", 2025),
        ("2023", 2023),
        ("２０２３", 2023),
        ("2023年度", 2023),
        ("FY2023", 2023),
        (2023, 2023),
        (2023.0, 2023),
    ],
)
def test_every_way_a_sheet_writes_a_year(text: object, year: int) -> None:
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("平成32年度", "does not exist"),
        ("R0", "does not exist"),
        ("昭和60年度", "not a fiscal year"),
        ("23", "not a fiscal year"),
        ("1900", "outside"),
        ("", "not a fiscal year"),
        ("令和五年度", "not a fiscal year"),
        (True, "not a fiscal year"),
    ],
)
def test_what_is_not_a_year_is_refused_with_the_forms_that_are_read(text: object, why: str) -> None:
    with pytest.raises(FiscalYearError, match=why) as info:
        parse_fiscal_year(text)
    if why != "not a fiscal year" or text is not True:
        assert "令和5年度, R5, H30 or 2023" in str(info.value)


def test_labels_in_both_languages() -> None:
    assert fiscal_year_label(2023, "ja") == "令和5年度"
    assert fiscal_year_label(2019, "ja") == "令和元年度"
    assert fiscal_year_label(2018, "ja") == "平成30年度"
    assert fiscal_year_label(2023, "en") == "FY2023"
    assert fiscal_year_short(2023) == "R5" and fiscal_year_short(2018) == "H30"
    for year in range(1989, 2040):
        assert parse_fiscal_year(fiscal_year_label(year, "ja")) == year
        assert parse_fiscal_year(fiscal_year_short(year)) == year


def test_the_year_runs_april_to_march() -> None:
    assert fiscal_year_of(dt.date(2023, 4, 1)) == 2023
    assert fiscal_year_of(dt.date(2024, 3, 31)) == 2023
    assert fiscal_year_of(dt.date(2023, 3, 31)) == 2022
    assert fiscal_year_span(2023) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))


def test_ranges_as_the_plan_writes_them() -> None:
    assert parse_fiscal_range("令和3〜7年度") == (2021, 2022, 2023, 2024, 2025)
    assert parse_fiscal_range("R3-R7") == (2021, 2022, 2023, 2024, 2025)
    assert parse_fiscal_range("2021～2022") == (2021, 2022)
    assert parse_fiscal_range("R5") == (2023,)
    with pytest.raises(FiscalYearError, match="ends before"):
        parse_fiscal_range("R7-R3")
