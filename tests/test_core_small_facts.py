"""The small facts every stage shares, each kept in one place (docs/development.md, "Layout")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from marketing_tracker.core.cells import cell_address, column_index, column_letters, quote_sheet
from marketing_tracker.core.dates import parse_date
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


def test_severities_are_ordered_worst_first_and_counted_in_that_order() -> None:
    assert (SEVERITIES, SEVERITY_ORDER, list(count_by_severity([]))) == (
        ("error", "warning", "info"), {"error": 0, "warning": 1, "info": 2}, ["errors", "warnings", "infos"])


def test_a_new_task_row_starts_at_progress_0_not_started_and_nothing_else_starts_filled() -> None:
    assert TASKS.defaults == {"progress": 0, "status": "not_started"}
    assert {s.key: s.defaults for s in TABLE_SHEETS if s is not TASKS} == {s.key: {} for s in TABLE_SHEETS if s is not TASKS}
    assert PREFILLED == {("tasks", "progress"): 0, ("tasks", "status"): "not_started"}
