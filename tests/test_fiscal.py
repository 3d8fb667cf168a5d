"""Fiscal years and Buddhist-era dates, as Thai reports print them."""

from __future__ import annotations

from datetime import date

import pytest

from survey.fiscal import (
    fiscal_months,
    fiscal_year,
    fiscal_year_bounds,
    thai_date,
    thai_short_date,
    to_be,
)


def test_buddhist_era_is_ce_plus_543():
    assert to_be(2026) == 2569


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (date(2026, 1, 1), 2569),
        (date(2026, 9, 30), 2569),
        (date(2026, 10, 1), 2570),
    ],
)
def test_the_fiscal_year_is_named_by_the_year_it_ends(day, year):
    assert fiscal_year(day) == year


def test_fiscal_year_bounds_round_trip():
    assert fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))
    for year in (2560, 2569, 2575):
        start, end = fiscal_year_bounds(year)
        assert fiscal_year(start) == fiscal_year(end) == year


def test_fiscal_months_start_in_october():
    months = fiscal_months(2569)
    assert months[0] == (2025, 10) and months[2] == (2025, 12) and months[3] == (2026, 1)
    assert months[-1] == (2026, 9) and len(months) == 12


def test_thai_dates():
    assert thai_date(date(2025, 10, 1)) == "1 ตุลาคม 2568"
    assert thai_date(date(2026, 9, 30)) == "30 กันยายน 2569"
    assert thai_short_date(date(2026, 2, 3)) == "3 ก.พ. 69"
    assert thai_short_date(date(2026, 2, 3), year=False) == "3 ก.พ."
