"""Reading filled trackers saved by a real LibreOffice as .xlsx, .xls and .ods (tests/lo/make_fixtures.py).

The fixture carries what people do: a renamed sheet, an inserted column, inserted blank
rows, a merged cell, text dates, "60%", synonyms and a handful of mistakes. Every finding
must name the cell where the value is in the file as saved.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import get_column_letter

from marketing_tracker import read_tracker, validate
from marketing_tracker.reading.reader import Tracker, UnreadableFile

from .cells import Header, header
from .conftest import DATA, PLAN_618

FILLED = DATA / "filled"
FORMATS = ["xlsx", "xls", "ods"]
SHEET = "任务跟踪(市场部)"
AS_OF = date(2024, 5, 24)

SHEETS = {"tasks": SHEET, "kpi_log": "指标日报", "raci": "责任矩阵"}  # the tasks sheet renamed, the others as issued
INSERTED = "优先级"  # the header of the column inserted at C
#: (code, table, column key or header, row as shown), after the inserted column and the two rows inserted before row 8.
EXPECTED = {
    ("end-before-start", "tasks", "planned_end", 7),
    ("out-of-range", "tasks", "progress", 10),
    ("unknown-owner", "tasks", "owner", 10),
    ("status-mismatch", "tasks", "progress", 11),
    ("duplicate-id", "tasks", "task_id", 12),
    ("id-prefix", "tasks", "task_id", 12),
    ("bad-date", "tasks", "actual_start", 12),
    ("unknown-reference", "tasks", "depends_on", 13),
    ("end-without-start", "tasks", "actual_start", 14),
    ("raci-missing", "tasks", "task_id", 15),
    ("extra-column", "tasks", INSERTED, 3),
    ("normalized", "tasks", "actual_start", 5),
    ("normalized", "tasks", "status", 5),
    ("normalized", "tasks", "actual_start", 6),
    ("normalized", "tasks", "progress", 6),
    ("normalized", "tasks", "actual_start", 11),
    ("overdue", "tasks", "planned_end", 6),
    ("overdue", "tasks", "planned_end", 7),
    ("starts-before-dependency", "tasks", "actual_start", 5),
    ("starts-before-dependency", "tasks", "actual_start", 6),
    ("starts-before-dependency", "tasks", "planned_start", 7),
    ("unknown-reference", "kpi_log", "kpi", 5),
    ("unknown-reference", "raci", "task_id", 10),
}


@pytest.fixture(scope="module")
def saved() -> dict[str, Header]:
    """The header rows of the fixture as LibreOffice saved it (its .xls and .ods copies have the same layout)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(FILLED / "libreoffice_filled.xlsx")
    return {key: header(book[name], key) for key, name in SHEETS.items()}


@pytest.fixture(scope="module")
def expected(saved: dict[str, Header]) -> set[tuple[str, str, str]]:
    """:data:`EXPECTED` as (code, sheet, cell): where each finding is in the file as saved."""
    return {(code, SHEETS[table], at(saved, table, column, row)) for code, table, column, row in EXPECTED}


def at(saved: dict[str, Header], table: str, column: str, row: int) -> str:
    """The A1 address of a column's cell, found by its header in the saved file."""
    found = saved[table]
    if column == INSERTED:
        return f"{get_column_letter(found.numbers[column])}{row}"
    return found.cell(column, row)


@pytest.fixture(scope="module", params=FORMATS)
def tracker(request: pytest.FixtureRequest) -> Tracker:
    return read_tracker(FILLED / f"libreoffice_filled.{request.param}")


def test_every_finding_is_at_the_cell_as_saved(tracker: Tracker, expected: set[tuple[str, str, str]]) -> None:
    found = {(f.code, f.sheet, f.cell) for f in validate(tracker, as_of=AS_OF)}
    assert found == expected


def test_the_renamed_sheet_is_found_by_its_headers(tracker: Tracker) -> None:
    table = tracker.tables["tasks"]
    assert table.sheet == SHEET
    assert table.header_row == 3
    assert table.columns["task_id"] == 0 and table.columns["description"] == 3  # moved right by the new column


def test_the_inserted_column_is_kept_not_dropped(tracker: Tracker) -> None:
    assert tracker.tables["tasks"].extra == {"优先级": 2}


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tracker: Tracker) -> None:
    rows = {r.values["task_id"]: r.row for r in tracker.tables["tasks"].records if "task_id" in r.values}
    assert rows["M004"] == 7
    assert rows["P001"] == 10  # rows 8 and 9 are the inserted blank rows
    assert len(tracker.tables["tasks"].records) == 10


def test_values_are_typed_and_normalised(tracker: Tracker) -> None:
    by_id = {r.values["task_id"]: r.values for r in tracker.tables["tasks"].records}
    assert by_id["M002"]["status"] == "done"            # typed 完成
    assert by_id["M002"]["actual_start"] == date(2024, 5, 3)
    assert by_id["M003"]["actual_start"] == date(2024, 5, 5)  # typed 5月5日
    assert by_id["M003"]["progress"] == pytest.approx(60)     # typed 60%
    assert by_id["P002"]["status"] == "done"            # typed Done
    assert by_id["P003"]["phase"] == "warmup"
    assert by_id["E002"]["depends_on"] == ["X999"]


def test_a_merged_cell_fills_every_row_it_covers(tracker: Tracker) -> None:
    by_id = {r.values["task_id"]: r.values for r in tracker.tables["tasks"].records}
    assert by_id["P001"]["risk"] == by_id["P002"]["risk"] == "物流延误风险"


def test_campaign_info_and_status_date(tracker: Tracker) -> None:
    assert tracker.locale == "zh-CN"
    assert tracker.campaign.name == "品牌618周年庆"
    assert tracker.campaign.as_of == AS_OF
    assert tracker.campaign.people[:2] == ["陈经理", "周总监"]
    assert [p[0] for p in tracker.campaign.phases] == ["prep", "warmup", "execution", "wrapup"]


def test_the_status_date_in_the_workbook_is_the_default_as_of(tracker: Tracker, saved: dict[str, Header]) -> None:
    assert {f.cell for f in validate(tracker) if f.code == "overdue"} == {saved["tasks"].cell("planned_end", r) for r in (6, 7)}


def test_the_blank_generated_tracker_reads_with_no_errors(tmp_path: Path) -> None:
    from marketing_tracker import load_plan, write_tracker

    tracker = read_tracker(write_tracker(load_plan(PLAN_618), tmp_path / "blank.xlsx"))
    findings = validate(tracker, as_of=date(2024, 4, 1))
    assert [f for f in findings if f.severity == "error"] == []
    assert len(tracker.tables["tasks"].records) == 9


def test_a_file_that_is_not_a_workbook_is_unreadable(tmp_path: Path) -> None:
    fake = tmp_path / "notes.xlsx"
    fake.write_text("hello", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="a text file"):
        read_tracker(fake)


def test_a_workbook_of_another_template_says_what_is_missing(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "other.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Budget").write_row(0, 0, ["Item", "Amount"])
    book.close()
    findings = validate(read_tracker(path))
    assert [f.code for f in findings] == ["sheet-missing", "foreign-workbook"]
    assert "Budget" in findings[0].message("en")


def test_an_xlsm_reads_like_an_xlsx(tmp_path: Path, expected: set[tuple[str, str, str]]) -> None:
    copy = tmp_path / "filled.xlsm"
    copy.write_bytes((FILLED / "libreoffice_filled.xlsx").read_bytes())
    found = {(f.code, f.sheet, f.cell) for f in validate(read_tracker(copy), as_of=AS_OF)}
    assert found == expected
