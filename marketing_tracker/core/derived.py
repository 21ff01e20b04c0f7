"""The tracker's computed columns, in Python.

The workbook computes delay, expected progress, health, milestone results and a KPI's
actual value with formulas (see ``schema.TASKS`` and ``schema.KPIS``); the reader, the recap
and the status report compute the same figures here rather than trust a cached value that a
library may have written as 0. The LibreOffice test holds the two to the same answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from marketing_tracker.core.schema import AT_RISK_GAP


def _round_half_up(value: float) -> int:
    # Excel's ROUND goes half away from zero; Python's round() goes half to even.
    return math.floor(value + 0.5) if value >= 0 else -math.floor(-value + 0.5)


def finished(status: str | None, progress: float | None) -> bool:
    """Done as the workbook counts it: marked Done, or at 100% whatever the status says."""
    return status == "done" or (progress or 0) >= 100


def delay_days(planned_end: date | None, actual_end: date | None, status: str | None,
               progress: float | None, as_of: date) -> int | None:
    """Days past the planned end: to the actual end when finished, else to ``as_of`` while open."""
    if planned_end is None:
        return None
    if actual_end is not None:
        return max(0, (actual_end - planned_end).days)
    if finished(status, progress):
        return 0
    return max(0, (as_of - planned_end).days)


def expected_progress(planned_start: date | None, planned_end: date | None, as_of: date) -> int | None:
    """Where progress should be by ``as_of`` if work went evenly over the planned days (0-100)."""
    if planned_start is None or planned_end is None:
        return None
    span = (planned_end - planned_start).days + 1
    if span == 0:
        return None
    share = ((as_of - planned_start).days + 1) / span * 100
    return max(0, min(100, _round_half_up(share)))


def health(status: str | None, progress: float | None, planned_start: date | None,
           planned_end: date | None, as_of: date) -> str:
    """``done``, ``late``, ``at_risk`` or ``on_track``, by the rules the workbook shows.

    Late: marked delayed, or past the planned end and not done. At risk: blocked, or
    progress trails the expected progress by more than ``AT_RISK_GAP`` points.
    """
    if finished(status, progress):
        return "done"
    if status == "delayed" or (planned_end is not None and as_of > planned_end):
        return "late"
    expected = expected_progress(planned_start, planned_end, as_of)
    if status == "blocked" or (progress or 0) < (expected or 0) - AT_RISK_GAP:
        return "at_risk"
    return "on_track"


def milestone_result(due: date | None, done: date | None, as_of: date) -> str | None:
    """``met``, ``met_late``, ``missed`` or ``pending``."""
    if due is None:
        return None
    if done is not None:
        return "met" if done <= due else "met_late"
    return "missed" if as_of > due else "pending"


@dataclass(frozen=True)
class LoggedDay:
    """One day of a KPI's log: the day's rows added up (``sum``) or averaged (``latest``)."""

    day: date
    value: float


def kpi_days(log: Iterable[Mapping[str, Any]], name: str, key: str, aggregate: str) -> list[LoggedDay]:
    """A KPI's log rows (by its name or its key) per day, oldest first; rows without a date or a number are skipped.

    The recap draws these as the KPI's series, and :func:`actual_of` adds them up.
    """
    by_day: dict[date, list[float]] = {}
    for row in log:
        when, value = row.get("date"), row.get("value")
        if row.get("kpi") in (name, key) and isinstance(when, date) and isinstance(value, (int, float)):
            by_day.setdefault(when, []).append(float(value))
    average = aggregate == "latest"
    return [LoggedDay(day, math.fsum(values) / len(values) if average else math.fsum(values))
            for day, values in sorted(by_day.items())]


def actual_of(days: list[LoggedDay], aggregate: str) -> float | None:
    """A KPI's actual value from its days, as the workbook's formula finds it: every day added (``sum``), or
    the mean of the latest day logged (``latest``, for rates that do not add up); ``None`` when nothing is logged."""
    if not days:
        return None
    if aggregate == "latest":
        return days[-1].value
    return math.fsum(d.value for d in days)


def kpi_actual(log: Iterable[Mapping[str, Any]], name: str, key: str, aggregate: str) -> float | None:
    """A KPI's actual value from its log rows: :func:`actual_of` its :func:`kpi_days`."""
    return actual_of(kpi_days(log, name, key, aggregate), aggregate)


def kpi_achievement(actual: float | None, target: float, direction: str) -> float | None:
    """Actual over target (target over actual where lower is better), to 4 places; ``None`` when undefined."""
    if actual is None:
        return None
    if direction == "lower":
        return round(target / actual, 4) if actual else None
    return round(actual / target, 4) if target else None
