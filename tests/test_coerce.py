"""Normalisers: what people type, and what it is read as."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from marketing_tracker.core.schema import PHASES, RACI, STATUSES
from marketing_tracker.reading.coerce import ids, make_choice, make_date, number, percent, text

as_date = make_date(2024)


@pytest.mark.parametrize(
    ("raw", "value", "code"),
    [
        (date(2024, 5, 1), date(2024, 5, 1), None),
        (datetime(2024, 5, 1, 9, 30), date(2024, 5, 1), None),
        (45413.0, date(2024, 5, 1), "normalized"),       # a date typed into a General cell: a serial
        ("2024-05-01", date(2024, 5, 1), "normalized"),
        ("2024/5/1", date(2024, 5, 1), "normalized"),
        ("2024.5.1", date(2024, 5, 1), "normalized"),
        ("2024年5月1日", date(2024, 5, 1), "normalized"),
        ("5月1日", date(2024, 5, 1), "normalized"),        # the campaign's year
        ("5/1", date(2024, 5, 1), "normalized"),
        ("5.1", date(2024, 5, 1), "normalized"),
        (" 2024-05-01 ", date(2024, 5, 1), "normalized"),
        ("２０２４－０５－０１", date(2024, 5, 1), "normalized"),  # full-width digits
        ("20240501", date(2024, 5, 1), "normalized"),
        ("下周一", None, "bad-date"),
        ("2024-02-30", None, "bad-date"),
        (True, None, "bad-date"),
        (-3.0, None, "bad-date"),
    ],
)
def test_dates(raw: Any, value: date | None, code: str | None) -> None:
    got, got_code, _shown = as_date(raw)
    assert (got, got_code) == (value, code)


def test_short_dates_without_a_campaign_year_are_not_guessed() -> None:
    assert make_date(None)("5月1日")[1] == "bad-date"


@pytest.mark.parametrize(
    ("raw", "value", "code"),
    [
        (60.0, 60.0, None),
        (0.6, 60.0, "normalized"),
        ("60%", 60.0, "normalized"),
        ("60 %", 60.0, "normalized"),
        ("６０％", 60.0, "normalized"),
        ("60", 60.0, "normalized"),
        ("0.5", 50.0, "normalized"),
        (0.0, 0.0, None),
        (100.0, 100.0, None),
        (150.0, 150.0, None),  # kept: out-of-range is the validator's finding
        ("一半", None, "bad-number"),
    ],
)
def test_progress(raw: Any, value: float | None, code: str | None) -> None:
    got, got_code, _shown = percent(raw)
    assert (got if got is None else pytest.approx(got), got_code) == (value, code)


@pytest.mark.parametrize(
    ("raw", "value", "code"),
    [
        (12000.0, 12000.0, None),
        ("12,000", 12000.0, "normalized"),
        ("¥12,000", 12000.0, "normalized"),
        ("12000元", 12000.0, "normalized"),
        ("1.2万", 12000.0, "normalized"),
        ("１２０００", 12000.0, "normalized"),
        ("about 5", None, "bad-number"),
    ],
)
def test_numbers_and_money(raw: Any, value: float | None, code: str | None) -> None:
    got, got_code, _shown = number(raw)
    assert (got, got_code) == (value, code)


status = make_choice(STATUSES)


@pytest.mark.parametrize(
    ("raw", "key", "code"),
    [
        ("已完成", "done", None),
        ("Done", "done", None),
        ("完成", "done", "normalized"),
        ("complete", "done", "normalized"),
        ("COMPLETE", "done", "normalized"),
        (" 已完成 ", "done", "normalized"),
        ("延期", "delayed", "normalized"),
        ("已延期", "delayed", None),
        ("未启动", "not_started", "normalized"),
        ("not_started", "not_started", "normalized"),
        ("in progress", "in_progress", "normalized"),
        ("搞定了", None, "bad-choice"),
        (3.0, None, "bad-choice"),
    ],
)
def test_statuses(raw: Any, key: str | None, code: str | None) -> None:
    got, got_code, _shown = status(raw)
    assert (got, got_code) == (key, code)


def test_a_raci_letter_typed_with_a_full_width_slash_is_the_letter() -> None:
    assert make_choice(RACI)("R／A") == ("RA", "normalized", "R/A")


def test_a_plan_may_name_its_own_phase() -> None:
    phase = make_choice(PHASES, {"冲刺期": "sprint"})
    assert phase("冲刺期")[:2] == ("sprint", None)
    assert phase("预热")[:2] == ("warmup", "normalized")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("M001", "M001"), (" M001 ", "M001"), (123.0, "123"), (1.5, "1.5"), ("00123", "00123")],
)
def test_text_and_ids_keep_what_was_typed(raw: Any, value: str) -> None:
    assert text(raw)[0] == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [("M001,M002", ["M001", "M002"]), ("M001， M002", ["M001", "M002"]), ("M001;M002、M003", ["M001", "M002", "M003"]),
     ("M001 M002", ["M001", "M002"])],
)
def test_dependency_lists(raw: str, value: list[str]) -> None:
    assert ids(raw)[0] == value
