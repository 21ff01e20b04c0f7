"""Values as people leave them in cells -> typed values, one function per column kind.

Each coercer takes the raw cell value (what the fast reader gives: str, float, int, bool,
date, datetime) and returns ``(value, code, shown)``: the typed value, and when it was not
already clean a finding code (``normalized`` when understood, ``bad-date`` /
``bad-number`` / ``bad-choice`` when not) with what the value was understood as. The
clean, common case returns at the first test, so 50,000 rows stay cheap.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from marketing_tracker.core.dates import EXCEL_EPOCH, from_serial, parse_date
from marketing_tracker.core.numbers import FULLWIDTH, as_understood
from marketing_tracker.core.schema import ENUMERATIONS, MAX_NUMBER, Column, Enumeration
from marketing_tracker.reading.numfmt import Percent

Coerced = tuple[Any, str | None, Any]
Coercer = Callable[[Any], Coerced]

_MONEY_NOISE = re.compile(r"[,，\s¥￥$元]|RMB|CNY|USD", re.IGNORECASE)
_SERIAL_RANGE = (1, 2958465)  # 1900-01-01 .. 9999-12-31
#: How far outside the campaign a date may lie and still be meant (a year: a late invoice, a typo'd year is not).
PLAUSIBLE_MARGIN = timedelta(days=366)
#: Day 0 of the serials python-calamine turns into dates: .xlsx and .xls count serial 1 as 1900-01-01
#: (and keep Lotus's 29 February 1900), .ods counts from 1899-12-30; only serials below 61 differ.
XLSX_EPOCH, ODS_EPOCH = date(1899, 12, 31), EXCEL_EPOCH


@dataclass(frozen=True)
class Window:
    """The dates a date column can mean: the campaign's period widened by :data:`PLAUSIBLE_MARGIN`.

    ``epoch`` is day 0 of the workbook's small serials, to recover the number a person typed into a
    date-formatted cell ("10.13" shows as 1900-01-10 03:07 in an .xlsx).
    """

    start: date
    end: date
    epoch: date = XLSX_EPOCH

    @property
    def first(self) -> date:
        return self.start - PLAUSIBLE_MARGIN

    @property
    def last(self) -> date:
        return self.end + PLAUSIBLE_MARGIN

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Implausible:
    """What a bad date showed, when it was a date or a number, but none the campaign can mean."""

    shown: str
    window: Window


def is_blank(raw: Any) -> bool:
    """Empty as a reader sees it: nothing, or only spaces."""
    return raw is None or raw == "" or (isinstance(raw, str) and not raw.strip())


def text(raw: Any) -> Coerced:
    """Free text and names: numbers a program stored for typed digits come back as digits."""
    if isinstance(raw, str):
        stripped = raw.strip()
        return stripped, None, None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None, None
    if isinstance(raw, datetime):
        return raw.date().isoformat(), None, None
    if isinstance(raw, date):
        return raw.isoformat(), None, None
    return str(raw), None, None


#: What separates task IDs in a cell: commas, semicolons (either width), 、 and spaces.
_ID_SEPARATORS = re.compile(r"[,，;；、\s]+")


def ids(raw: Any) -> Coerced:
    """A list of task IDs, separated by commas, semicolons, 、 or spaces."""
    value, _code, _shown = text(raw)
    if _ID_SEPARATORS.search(value) is None:  # one ID, the common cell: no split and no list to filter
        return ([value] if value else []), None, None
    parts = [p for p in _ID_SEPARATORS.split(value) if p]
    return parts, None, None


def make_date(default_year: int | None, window: Window | None = None) -> Coercer:
    """Dates; text dates take the campaign's year when they give none.

    With the campaign's ``window`` known, a date more than a year outside it is never taken: a
    number that is no plausible date (10.13, 11.11, 45: typed into a date cell, where Calc and Excel
    keep the number) is read as month.day in the campaign's year when that makes a valid date
    (``normalized``), else it is a ``bad-date``; so is any other date that far out.
    """

    def coerce(raw: Any) -> Coerced:
        if type(raw) is date:
            return _plausible(raw, window, raw)
        if isinstance(raw, datetime):
            return _plausible(raw.date(), window, raw)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if _SERIAL_RANGE[0] <= raw <= _SERIAL_RANGE[1]:
                serial_day = from_serial(raw)
                if window is None or window.holds(serial_day):
                    return serial_day, "normalized", serial_day.isoformat()
            return _month_day(float(raw), window, as_understood(float(raw)))
        if isinstance(raw, str):
            text_day = parse_date(raw.strip(), default_year)
            if text_day is not None:
                if window is not None and not window.holds(text_day):
                    return None, "bad-date", Implausible(raw.strip(), window)
                return text_day, "normalized", text_day.isoformat()
        return None, "bad-date", None

    return coerce


def _plausible(day: date, window: Window | None, raw: date) -> Coerced:
    """A date cell's date: itself when the campaign can mean it, else the number it hides, read as month.day."""
    if window is None or window.holds(day):
        return day, None, None
    serial = raw - datetime.combine(window.epoch, datetime.min.time()) if isinstance(raw, datetime) else raw - window.epoch
    days = serial.total_seconds() / 86400
    if 0 < days < 13:  # the number typed is what the cell shows as a day of January 1900
        return _month_day(round(days, 6), window, day.isoformat())
    return None, "bad-date", Implausible(day.isoformat(), window)


def _month_day(number: float, window: Window | None, shown: str) -> Coerced:
    """``10.13`` -> 13 October of the campaign's year (the year that puts it nearest the campaign)."""
    if window is None or not math.isfinite(number) or abs(number) >= 100:
        return None, "bad-date", Implausible(shown, window) if window else None
    whole, _dot, digits = f"{round(number, 6):.6f}".rstrip("0").partition(".")
    if not (1 <= int(whole) <= 12 and 1 <= len(digits) <= 2 and int(digits) >= 1):
        return None, "bad-date", Implausible(shown, window)
    candidates = []
    for year in dict.fromkeys((window.start.year, window.end.year)):
        try:
            candidates.append(date(year, int(whole), int(digits)))
        except ValueError:
            continue
    if not candidates:
        return None, "bad-date", Implausible(shown, window)
    day = min(candidates, key=lambda d: 0 if window.start <= d <= window.end else
              min(abs((d - window.start).days), abs((d - window.end).days)))
    return day, "normalized", day.isoformat()


def _number_text(raw: str) -> float | None:
    cleaned = _MONEY_NOISE.sub("", raw.translate(FULLWIDTH))
    factor = 1.0
    if cleaned.endswith("万"):
        cleaned, factor = cleaned[:-1], 10_000.0
    elif cleaned.endswith("亿"):
        cleaned, factor = cleaned[:-1], 100_000_000.0
    try:
        value = float(cleaned) * factor
    except ValueError:
        return None
    return value if _usable(value) else None


def _usable(value: float) -> bool:
    return math.isfinite(value) and abs(value) <= MAX_NUMBER


def _stored_number(raw: Any) -> bool:
    if not isinstance(raw, (int, float)) or isinstance(raw, bool):
        return False
    try:
        return _usable(float(raw))
    except OverflowError:  # an int beyond any float
        return False


def number(raw: Any) -> Coerced:
    """Numbers and money: ``12,000``, ``¥12000``, ``1.2万`` are understood (not "nan", "inf", 1e400)."""
    if _stored_number(raw):
        return float(raw), None, None
    if isinstance(raw, str):
        value = _number_text(raw)
        if value is not None:
            return value, "normalized", as_understood(value)
    return None, "bad-number", None


def percent(raw: Any) -> Coerced:
    """Progress as a number from 0 to 100: 0.6, 60, "60%", "６０％" and a cell showing 60 % all mean 60.

    A bare number from 1 up is read as percent points (1 is 1 %); a bare number between 0 and 1 is
    taken as a fraction (0.6 is 60 %, with a ``normalized`` info). A percent-formatted cell is
    exact: 1 is 100 %, 1.5 is 150 % (out of range), 0.006 is 0.6 %.
    """
    if isinstance(raw, Percent) and _stored_number(raw):  # the cell shows a percentage: "100%" is stored as 1
        return raw * 100, None, None
    if _stored_number(raw):
        if 0 < raw < 1:
            return raw * 100, "normalized", as_understood(raw * 100)
        return float(raw), None, None
    if isinstance(raw, str):
        cleaned = raw.translate(FULLWIDTH).replace(" ", "")
        had_sign = cleaned.endswith("%")
        value = _number_text(cleaned.rstrip("%"))
        if value is not None:
            if not had_sign and 0 < value < 1:
                value *= 100
            return value, "normalized", as_understood(value)
    return None, "bad-number", None


class ChoiceCoercer:
    """An enumeration value by label in either language, key or synonym -> its key.

    ``exact`` maps each label as the workbook writes it to its key; the reader looks there
    first, without a call, since nearly every cell holds a dropdown value as it was picked.
    """

    def __init__(self, enumeration: Enumeration, extra: dict[str, str] | None = None) -> None:
        self.enumeration, self.extra = enumeration, extra
        exact = {m.label.zh: m.key for m in enumeration.members} | {m.label.en: m.key for m in enumeration.members}
        known = dict(exact)
        for member in enumeration.members:
            for name in (member.key, *member.synonyms):
                known.setdefault(name.casefold(), member.key)
            known.setdefault(member.label.en.casefold(), member.key)
        for label, key in (extra or {}).items():
            exact.setdefault(label, key)
            known.setdefault(label.casefold(), key)
        self.exact, self.known = exact, known

    def __call__(self, raw: Any) -> Coerced:
        if isinstance(raw, str):
            if raw in self.exact:
                return self.exact[raw], None, None
            cleaned = re.sub(r"\s+", " ", raw.translate(FULLWIDTH)).strip()
            key = (self.exact.get(cleaned) or self.known.get(cleaned.casefold())
                   or self.known.get(cleaned.replace(" ", "").casefold()))
            if key is not None:
                return key, "normalized", _label_of(self.enumeration, key, self.extra)
        return None, "bad-choice", None


def make_choice(enumeration: Enumeration, extra: dict[str, str] | None = None) -> ChoiceCoercer:
    """The coercer for an enumeration; ``extra`` maps further labels (a plan's own phase names) to keys."""
    return ChoiceCoercer(enumeration, extra)


def _label_of(enumeration: Enumeration, key: str, extra: dict[str, str] | None) -> str:
    # The plan's own name of a member (a phase it calls 筹备) is what the workbook's dropdown shows.
    member = next((m for m in enumeration.members if m.key == key), None)
    standard = (member.label.zh, member.label.en) if member else ()
    for label, value in (extra or {}).items():
        if value == key and label not in standard:
            return label
    return member.label.zh if member else key


#: The Python type a clean value of each kind arrives as from the reader; such values need no coercing.
CLEAN_TYPES: dict[str, type] = {"text": str, "id": str, "person": str, "date": date, "money": float, "number": float,
                                "percent": float}


def coercer_for(column: Column, default_year: int | None, phase_labels: dict[str, str] | None = None,
                window: Window | None = None) -> Coercer:
    """The coercer a column's kind calls for; ``window``: the dates a date column can mean."""
    kind = column.kind
    if kind == "date":
        return make_date(default_year, window)
    if kind in ("money", "number"):
        return number
    if kind == "percent":
        return percent
    if kind == "ids":
        return ids
    if kind == "choice" and column.choices in ENUMERATIONS:
        return make_choice(ENUMERATIONS[column.choices], phase_labels if column.choices == "phase" else None)
    return text
