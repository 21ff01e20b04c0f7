"""The small facts every stage shares, each kept in one place (docs/development.md, "Layout")."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from marketing_tracker.core.cells import cell_address, column_index, column_letters, quote_sheet
from marketing_tracker.core.dates import parse_date
from marketing_tracker.core.derived import LoggedDay, finished, kpi_achievement, kpi_actual, kpi_days
from marketing_tracker.core.findings import SEVERITIES, SEVERITY_ORDER, count_by_severity
from marketing_tracker.core.numbers import FULLWIDTH, as_found, as_understood
from marketing_tracker.core.schema import TABLE_SHEETS, TASKS
from marketing_tracker.loop.merge import PREFILLED
from marketing_tracker.reading.coerce import percent

LAST_COLUMN = 16_383  # XFD, the widest sheet Excel opens


@given(st.integers(min_value=0, max_value=LAST_COLUMN))
def test_column_letters_are_xlsxwriters_and_read_back_to_the_same_index(index: int) -> None:
    assert (column_letters(index), column_index(column_letters(index))) == (xl_col_to_name(index), index)


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"),
                                                (LAST_COLUMN, "XFD")])
def test_column_letters_past_z(index: int, letters: str) -> None:
    assert (column_letters(index), column_index(letters), column_index(letters.lower())) == (letters, index, index)


@given(st.integers(min_value=0, max_value=1_048_575), st.integers(min_value=0, max_value=LAST_COLUMN))
def test_a1_addresses_are_xlsxwriters(row: int, col: int) -> None:
    assert cell_address(row, col) == xl_rowcol_to_cell(row, col)


@pytest.mark.parametrize(("name", "quoted"), [("Tasks", "'Tasks'"), ("执行任务跟踪表", "'执行任务跟踪表'"),
                                              ("Bo's tasks", "'Bo''s tasks'")])
def test_sheet_names_are_always_quoted_with_quotes_doubled(name: str, quoted: str) -> None:
    assert quote_sheet(name) == quoted


@pytest.mark.parametrize(("value", "understood", "found"), [
    (60.00000000000001, "60", "60"),      # 0.6 * 100: float noise the person never typed
    (150.0, "150", "150"),
    (0.5, "0.5", "0.5"),
    (1234567.0000001, "1234567", "1.23457e+06"),
    (-0.0000001, "0", "-1e-07"),          # below a bound of 0: a finding must not say "0"
])
def test_numbers_as_understood_round_away_reading_noise_and_as_found_do_not(value: float, understood: str,
                                                                             found: str) -> None:
    assert (as_understood(value), as_found(value)) == (understood, found)


def test_one_full_width_table_serves_dates_and_numbers() -> None:
    assert ("２０２４／５／１".translate(FULLWIDTH), "－１，２００．５％＋".translate(FULLWIDTH)) == ("2024/5/1", "-1,200.5%+")
    assert (parse_date("２０２４／５／１"), percent("６０％")[:2]) == (parse_date("2024-05-01"), (60.0, "normalized"))


@pytest.mark.parametrize(("status", "progress", "done"), [
    ("done", None, True), ("done", 0.0, True), ("in_progress", 100.0, True), (None, 150.0, True),
    ("in_progress", 99.9, False), (None, None, False), ("blocked", 0.0, False),
])
def test_a_task_is_finished_when_marked_done_or_at_100(status: str | None, progress: float | None, done: bool) -> None:
    # one rule for the recap, the status report, the trends, the chase list and the days late
    assert finished(status, progress) is done


def test_severities_are_ordered_worst_first_and_counted_in_that_order() -> None:
    assert (SEVERITIES, SEVERITY_ORDER, list(count_by_severity([]))) == (
        ("error", "warning", "info"), {"error": 0, "warning": 1, "info": 2}, ["errors", "warnings", "infos"])


def test_a_new_task_row_starts_at_progress_0_not_started_and_nothing_else_starts_filled() -> None:
    assert TASKS.defaults == {"progress": 0, "status": "not_started"}
    assert {s.key: s.defaults for s in TABLE_SHEETS if s is not TASKS} == {s.key: {} for s in TABLE_SHEETS if s is not TASKS}
    assert PREFILLED == {("tasks", "progress"): 0, ("tasks", "status"): "not_started"}


LOG = [{"date": date(2024, 6, 1), "kpi": "GMV", "value": 100.0}, {"date": date(2024, 6, 1), "kpi": "gmv", "value": 50.0},
       {"date": date(2024, 6, 3), "kpi": "GMV", "value": 30.0}, {"date": date(2024, 6, 2), "kpi": "CVR", "value": 3.0},
       {"date": date(2024, 6, 3), "kpi": "GMV"}, {"kpi": "GMV", "value": 7.0}]  # the last two: no value, no day


def test_a_kpis_days_are_its_rows_by_name_or_key_per_day_oldest_first() -> None:
    assert kpi_days(LOG, "GMV", "gmv", "sum") == [LoggedDay(date(2024, 6, 1), 150.0), LoggedDay(date(2024, 6, 3), 30.0)]
    assert kpi_days(LOG, "GMV", "gmv", "latest") == [LoggedDay(date(2024, 6, 1), 75.0), LoggedDay(date(2024, 6, 3), 30.0)]


@pytest.mark.parametrize(("aggregate", "actual"), [("sum", 180.0), ("latest", 30.0)])
def test_a_kpis_actual_adds_every_day_or_takes_the_latest(aggregate: str, actual: float) -> None:
    assert kpi_actual(LOG, "GMV", "gmv", aggregate) == actual


def test_a_kpi_with_nothing_logged_has_no_actual_and_no_achievement() -> None:
    assert (kpi_actual(LOG, "Reach", "reach", "sum"), kpi_achievement(None, 100.0, "higher")) == (None, None)


@pytest.mark.parametrize(("actual", "direction", "achievement"), [(80.0, "higher", 0.8), (80.0, "lower", 1.25),
                                                                  (0.0, "lower", None)])
def test_achievement_is_actual_over_target_or_the_inverse_where_lower_is_better(actual: float, direction: str,
                                                                                achievement: float | None) -> None:
    assert kpi_achievement(actual, 100.0, direction) == achievement


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=9), st.sampled_from(["GMV", "gmv", "CVR"]),
                          st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)), max_size=30),
       st.sampled_from(["sum", "latest"]))
def test_the_actual_is_the_one_pandas_computed_for_the_recap(rows: list[tuple[int, str, float]], aggregate: str) -> None:
    """The recap's KPI actual was a pandas groupby; the shared pandas-free helper gives the same figure."""
    log = [{"date": date(2024, 6, day), "kpi": kpi, "value": value} for day, kpi, value in rows]
    frame = pd.DataFrame(log, columns=["date", "kpi", "value"])
    mine = frame[(frame["kpi"] == "GMV") | (frame["kpi"] == "gmv")]
    daily = mine.groupby("date")["value"].agg("mean" if aggregate == "latest" else "sum").sort_index()
    expected = None if daily.empty else float(daily.iloc[-1] if aggregate == "latest" else daily.sum())
    assert kpi_actual(log, "GMV", "gmv", aggregate) == (None if expected is None else pytest.approx(expected, abs=1e-6))
