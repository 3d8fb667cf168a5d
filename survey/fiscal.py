"""Thai fiscal years and dates in the Buddhist era, as reports print them.

The fiscal year is named by the Buddhist-era year it ends in: 2569 runs from 1 October 2025
to 30 September 2026 (CE + 543).
"""

from __future__ import annotations

from datetime import date

from survey.store import fiscal_year

BE_OFFSET = 543
MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
SHORT_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

__all__ = ["fiscal_year", "fiscal_year_bounds", "thai_date", "thai_short_date", "to_be"]


def to_be(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day of a fiscal year given in the Buddhist era (2569 → 2025-10-01,
    2026-09-30)."""
    end_ce = year_be - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def fiscal_months(year_be: int) -> list[tuple[int, int]]:
    """(year CE, month) for each month of the fiscal year, October first."""
    start, _ = fiscal_year_bounds(year_be)
    return [
        (start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1)
        for i in range(12)
    ]


def thai_date(day: date) -> str:
    """1 ตุลาคม 2568"""
    return f"{day.day} {MONTHS[day.month - 1]} {to_be(day.year)}"


def thai_short_date(day: date, *, year: bool = True) -> str:
    """1 ต.ค. 68, or 1 ต.ค. without the year."""
    text = f"{day.day} {SHORT_MONTHS[day.month - 1]}"
    return f"{text} {to_be(day.year) % 100:02d}" if year else text
