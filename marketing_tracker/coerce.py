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
from datetime import date, datetime
from typing import Any

from .dates import from_serial, parse_date
from .schema import ENUMERATIONS, MAX_NUMBER, Column, Enumeration

Coerced = tuple[Any, str | None, Any]
Coercer = Callable[[Any], Coerced]

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－％＋", "0123456789.,-%+")
_MONEY_NOISE = re.compile(r"[,，\s¥￥$元]|RMB|CNY|USD", re.IGNORECASE)
_SERIAL_RANGE = (1, 2958465)  # 1900-01-01 .. 9999-12-31


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


def ids(raw: Any) -> Coerced:
    """A list of task IDs, separated by commas, semicolons, 、 or spaces."""
    value, _code, _shown = text(raw)
    parts = [p for p in re.split(r"[,，;；、\s]+", value) if p]
    return parts, None, None


def make_date(default_year: int | None) -> Coercer:
    """Dates; text dates take the campaign's year when they give none."""

    def coerce(raw: Any) -> Coerced:
        if type(raw) is date:
            return raw, None, None
        if isinstance(raw, datetime):
            return raw.date(), None, None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if _SERIAL_RANGE[0] <= raw <= _SERIAL_RANGE[1]:
                serial_day = from_serial(raw)
                return serial_day, "normalized", serial_day.isoformat()
            return None, "bad-date", None
        if isinstance(raw, str):
            text_day = parse_date(raw.strip(), default_year)
            if text_day is not None:
                return text_day, "normalized", text_day.isoformat()
        return None, "bad-date", None

    return coerce


def _number_text(raw: str) -> float | None:
    cleaned = _MONEY_NOISE.sub("", raw.translate(_FULLWIDTH))
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
            return value, "normalized", _plain(value)
    return None, "bad-number", None


def percent(raw: Any) -> Coerced:
    """Progress as a number from 0 to 100: 0.6, 60, "60%", "６０％" all mean 60."""
    if _stored_number(raw):
        if 0 < raw < 1:
            return raw * 100, "normalized", _plain(raw * 100)
        return float(raw), None, None
    if isinstance(raw, str):
        cleaned = raw.translate(_FULLWIDTH).replace(" ", "")
        had_sign = cleaned.endswith("%")
        value = _number_text(cleaned.rstrip("%"))
        if value is not None:
            if not had_sign and 0 < value < 1:
                value *= 100
            return value, "normalized", _plain(value)
    return None, "bad-number", None


def _plain(value: float) -> str:
    rounded = round(value, 6)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:g}"


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
            cleaned = re.sub(r"\s+", " ", raw.translate(_FULLWIDTH)).strip()
            key = (self.exact.get(cleaned) or self.known.get(cleaned.casefold())
                   or self.known.get(cleaned.replace(" ", "").casefold()))
            if key is not None:
                return key, "normalized", _label_of(self.enumeration, key, self.extra)
        return None, "bad-choice", None


def make_choice(enumeration: Enumeration, extra: dict[str, str] | None = None) -> ChoiceCoercer:
    """The coercer for an enumeration; ``extra`` maps further labels (a plan's own phase names) to keys."""
    return ChoiceCoercer(enumeration, extra)


def _label_of(enumeration: Enumeration, key: str, extra: dict[str, str] | None) -> str:
    for member in enumeration.members:
        if member.key == key:
            return member.label.zh
    for label, value in (extra or {}).items():
        if value == key:
            return label
    return key


#: The Python type a clean value of each kind arrives as from the reader; such values need no coercing.
CLEAN_TYPES: dict[str, type] = {"text": str, "id": str, "person": str, "date": date, "money": float, "number": float,
                                "percent": float}


def coercer_for(column: Column, default_year: int | None, phase_labels: dict[str, str] | None = None) -> Coercer:
    """The coercer a column's kind calls for."""
    kind = column.kind
    if kind == "date":
        return make_date(default_year)
    if kind in ("money", "number"):
        return number
    if kind == "percent":
        return percent
    if kind == "ids":
        return ids
    if kind == "choice" and column.choices in ENUMERATIONS:
        return make_choice(ENUMERATIONS[column.choices], phase_labels if column.choices == "phase" else None)
    return text
