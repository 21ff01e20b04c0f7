"""Dates as people write them, and as Excel stores them.

Plans and filled trackers carry dates as real dates, as Excel serial numbers, or as text
typed in a dozen ways. One parser serves the plan loader and the reader so that a date
accepted in one place is accepted everywhere.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from marketing_tracker.core.numbers import FULLWIDTH

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's (Lotus-compatible) calendar

_FULL = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_SHORT = re.compile(r"^\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def to_serial(day: date) -> int:
    """The number a spreadsheet stores for a date (for a chart's axis bounds, where no date cell is)."""
    return (day - EXCEL_EPOCH).days


def from_serial(serial: float) -> date:
    """The date an Excel serial number stands for (the time of day is dropped)."""
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: object, default_year: int | None = None) -> date | None:
    """Read a date written by a person or a program; ``None`` when it is not one.

    Accepts dates and datetimes, ISO text, ``2024/5/1``, ``2024.5.1``, ``2024年5月1日``,
    ``20240501`` and, when ``default_year`` is given (the campaign's), ``5月1日``, ``5/1``
    and ``5.1``. Numbers are not taken as serials here: whether 45322 is a date depends
    on the column, which only the caller knows.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    if len(value) == 10:
        try:
            return date.fromisoformat(value)  # the common case, without a regular expression
        except ValueError:
            pass
    text = value.translate(FULLWIDTH)
    match = _FULL.match(text) or _COMPACT.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _SHORT.match(text)
        if not match or default_year is None:
            return None
        year = default_year
        month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None
