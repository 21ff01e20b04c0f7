"""What people meant: "100%", "4.2%", "10.13" and a text status date, as saved by real office programs.

tests/data/filled/libreoffice_meant.* were typed in LibreOffice (tests/lo/make_fixtures.py, MEANT):
in the progress column "100%" (M001, done), "150%" (M002), "60%" (M003), bare 0.6 (M004) and bare 1
(P001); in the actual-start column "10.13" (P002), "11.11" (E001) and "45" (E002); "4.2%" in the KPI
log of 直播转化率 (unit %, 2024-05-21) beside 120 for 销售额; the status date as the text
"2024/11/15". The same copies re-saved by Gnumeric, and a copy written with openpyxl's built-in
``0%`` format (as Excel saves it), must read the same.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketing_tracker import load_plan, read_tracker, validate, write_tracker
from marketing_tracker.core.dates import to_serial
from marketing_tracker.core.findings import Finding
from marketing_tracker.core.resources import sample_plan
from marketing_tracker.reading.coerce import Window, make_date, percent
from marketing_tracker.reading.numfmt import Percent, is_percent_code
from marketing_tracker.reading.reader import Tracker
from marketing_tracker.workbook.annotate import annotate

from .cells import headers, info_cells
from .conftest import DATA, Gnumeric, LibreOffice, run_cli

FILLED = DATA / "filled"
FORMATS = ("xlsx", "ods", "xls")
TASKS, INFO, LOG = "执行任务跟踪表", "活动基本信息", "指标日报"
PROGRESS = {"M001": 100.0, "M002": 150.0, "M003": 60.0, "M004": 60.0, "P001": 1.0}
STARTS = {"M001": date(2024, 5, 1), "M002": date(2024, 5, 3), "P002": date(2024, 10, 13), "E001": date(2024, 11, 11)}
WINDOW = Window(date(2024, 5, 1), date(2024, 6, 30))


def meant(kind: str) -> Path:
    return FILLED / f"libreoffice_meant.{kind}"


def task(tracker: Tracker, task_id: str) -> Any:
    return next(r for r in tracker.records("tasks") if r.values.get("task_id") == task_id)


def at(findings: list[Finding], tracker: Tracker, key: str, task_id: str) -> list[str]:
    """The codes of the findings at a task's cell of a column (found by its header)."""
    cell = tracker.tables["tasks"].cell(key, task(tracker, task_id).row)
    return sorted(f.code for f in findings if f.sheet == tracker.tables["tasks"].sheet and f.cell == cell)


def progress_of(tracker: Tracker) -> dict[str, float | None]:
    return {task_id: task(tracker, task_id).values.get("progress") for task_id in PROGRESS}


def log_values(tracker: Tracker) -> dict[str, float]:
    return {r.values["kpi"]: r.values["value"] for r in tracker.records("kpi_log")}


# --------------------------------------------------------------------------- LibreOffice's copies


@pytest.mark.parametrize("kind", FORMATS)
def test_percent_formatted_progress_is_the_percentage_shown(kind: str) -> None:
    assert progress_of(read_tracker(meant(kind))) == PROGRESS


@pytest.mark.parametrize("kind", FORMATS)
def test_100_percent_on_a_done_task_is_no_status_mismatch(kind: str) -> None:
    tracker = read_tracker(meant(kind))
    assert at(validate(tracker), tracker, "progress", "M001") == []


@pytest.mark.parametrize("kind", FORMATS)
def test_150_percent_is_out_of_range(kind: str) -> None:
    tracker = read_tracker(meant(kind))
    assert at(validate(tracker), tracker, "progress", "M002") == ["out-of-range"]


@pytest.mark.parametrize("kind", FORMATS)
def test_a_bare_fraction_is_normalised_and_a_percent_formatted_one_is_not(kind: str) -> None:
    tracker = read_tracker(meant(kind))
    findings = validate(tracker)
    assert (at(findings, tracker, "progress", "M003"), at(findings, tracker, "progress", "M004")) == ([], ["normalized"])


@pytest.mark.parametrize("kind", FORMATS)
def test_a_percent_kpi_logged_as_a_percentage_is_in_the_units_terms(kind: str) -> None:
    assert log_values(read_tracker(meant(kind))) == {"直播转化率": 4.2, "销售额": 120.0}


@pytest.mark.parametrize("kind", FORMATS)
def test_month_day_numbers_in_a_date_column_are_dates_of_the_campaigns_year(kind: str) -> None:
    tracker = read_tracker(meant(kind))
    assert {task_id: task(tracker, task_id).values.get("actual_start") for task_id in STARTS} == STARTS


@pytest.mark.parametrize("kind", FORMATS)
def test_a_month_day_number_is_a_normalized_info_at_its_cell(kind: str) -> None:
    tracker = read_tracker(meant(kind))
    finding = next(f for f in tracker.findings if f.cell == tracker.tables["tasks"].cell("actual_start", 9))
    assert (finding.code, finding.params["other_value"]) == ("normalized", "2024-10-13")


@pytest.mark.parametrize("kind", FORMATS)
def test_a_number_that_is_no_date_is_a_bad_date_and_not_used(kind: str) -> None:
    tracker = read_tracker(meant(kind))
    findings = validate(tracker)
    assert (at(findings, tracker, "actual_start", "E002"), "actual_start" in task(tracker, "E002").values) == (
        ["bad-date"], False)


@pytest.mark.parametrize("kind", FORMATS)
def test_a_text_status_date_is_read_and_noted_at_its_cell(kind: str) -> None:
    tracker = read_tracker(meant(kind))
    notes = [(f.code, f.sheet, f.cell, f.params.get("other_value")) for f in tracker.findings if f.sheet == INFO]
    typed = info_cells(meant("xlsx"))["as_of_input"]  # the .ods and .xls copies have the same layout
    assert (tracker.campaign.as_of, notes) == (date(2024, 11, 15), [("normalized", INFO, typed, "2024-11-15")])


@pytest.mark.parametrize("kind", FORMATS)
def test_validate_json_carries_no_time_part(kind: str) -> None:
    done = run_cli("validate", str(meant(kind)), "--format", "json")
    findings = json.loads(done.stdout)["files"][0]["findings"]
    values = {f["cell"]: f["value"] for f in findings if f["sheet"] == TASKS and f["column"] == "actual_start"}
    p002, e001 = (headers(meant("xlsx"))["tasks"].cell("actual_start", row) for row in (9, 11))
    assert [values[p002], values[e001]] == (["1900-01-09", "1900-02-13"] if kind == "ods" else ["1900-01-10", "1900-02-14"])


@pytest.mark.parametrize("kind", FORMATS)
def test_recap_json_gives_the_kpi_the_person_meant(tmp_path: Path, kind: str) -> None:
    figures = tmp_path / "figures.json"
    done = run_cli("recap", str(meant(kind)), "-o", str(tmp_path / "recap.xlsx"), "--json", str(figures),
                   "--as-of", "2024-05-24")
    data = json.loads(figures.read_text(encoding="utf-8"))
    kpi = next(k for k in data["kpis"] if k["key"] == "live_cvr")
    assert (done.returncode, kpi["actual"], kpi["achievement"]) == (0, 4.2, 1.4)


def test_annotate_marks_150_percent_and_leaves_100_percent_alone(tmp_path: Path) -> None:
    tracker = read_tracker(meant("xlsx"))
    target = annotate(meant("xlsx"), validate(tracker), tmp_path / "annotated.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(target)[TASKS]
    cells = [headers(target)["tasks"].cell("progress", task(tracker, t).row) for t in ("M001", "M002")]
    done, over = (sheet[cell].comment for cell in cells)
    assert (done, over.text if over else None) == (None, f"[out-of-range] {cells[1]} 的「进度(%)」为 150，应在 0 - 100 之间")


# --------------------------------------------------------------------------- an Excel-saved copy


@pytest.fixture(scope="module")
def excel_like(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracker with percentages in Excel's built-in formats: ids 9 (0%) and 10 (0.00%), no formatCode."""
    folder = tmp_path_factory.mktemp("excel")
    source = write_tracker(load_plan(sample_plan()), folder / "618.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source)
    tracker = read_tracker(source)
    tasks, log = book[TASKS], book[LOG]
    for task_id, value in (("M001", 1), ("M002", 1.5), ("M003", 0.6)):
        cell = tasks[tracker.tables["tasks"].cell("progress", task(tracker, task_id).row)]
        cell.value, cell.number_format = value, "0%"
    first = tracker.tables["kpi_log"].header_row + 1
    for row, kpi, value in ((first, "直播转化率", 0.042), (first + 1, "销售额", 0.5)):  # 销售额 is in 万元, not %
        for key, typed in (("date", date(2024, 5, 21)), ("kpi", kpi), ("value", value)):
            log[tracker.tables["kpi_log"].cell(key, row)] = typed
        log[tracker.tables["kpi_log"].cell("value", row)].number_format = "0.00%"
    book.save(folder / "excel.xlsx")
    return folder / "excel.xlsx"


def test_the_excel_like_copy_uses_built_in_ids_without_a_format_code(excel_like: Path) -> None:
    with zipfile.ZipFile(excel_like) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert ('numFmtId="9"' in styles, 'numFmtId="10"' in styles, 'formatCode="0%"' in styles) == (True, True, False)


def test_built_in_percent_formats_are_read(excel_like: Path) -> None:
    tracker = read_tracker(excel_like)
    values = {t: task(tracker, t).values.get("progress") for t in ("M001", "M002", "M003")}
    assert (values, log_values(tracker)) == ({"M001": 100.0, "M002": 150.0, "M003": 60.0},
                                             {"直播转化率": 4.2, "销售额": 0.5})


# --------------------------------------------------------------------------- Gnumeric


@pytest.mark.gnumeric
@pytest.mark.parametrize(("kind", "exporter"), [("xlsx", "Gnumeric_Excel:xlsx2"), ("ods", "Gnumeric_OpenCalc:odf")])
def test_a_copy_resaved_by_gnumeric_reads_the_same(tmp_path: Path, gnumeric: Gnumeric, kind: str, exporter: str) -> None:
    copy = read_tracker(gnumeric.resave(meant(kind), tmp_path / f"gnumeric.{kind}", exporter))
    starts = {task_id: task(copy, task_id).values.get("actual_start") for task_id in STARTS}
    assert (progress_of(copy), log_values(copy), starts, copy.campaign.as_of) == (
        PROGRESS, {"直播转化率": 4.2, "销售额": 120.0}, STARTS, date(2024, 11, 15))


@pytest.mark.gnumeric
@pytest.mark.parametrize(("kind", "exporter"), [("xlsx", "Gnumeric_Excel:xlsx2"), ("ods", "Gnumeric_OpenCalc:odf")])
def test_a_copy_resaved_by_gnumeric_has_the_same_findings(tmp_path: Path, gnumeric: Gnumeric, kind: str,
                                                          exporter: str) -> None:
    def codes(tracker: Tracker) -> list[tuple[str, str]]:
        return sorted((f.code, f.cell) for f in validate(tracker, as_of=date(2024, 5, 24)) if f.sheet == TASKS)

    original = read_tracker(meant(kind))
    copy = read_tracker(gnumeric.resave(meant(kind), tmp_path / f"gnumeric.{kind}", exporter))
    assert codes(copy) == codes(original)


@pytest.mark.gnumeric
def test_reading_gnumerics_indented_ods_leaves_the_file_as_it_was(tmp_path: Path, gnumeric: Gnumeric) -> None:
    copy = gnumeric.resave(meant("ods"), tmp_path / "gnumeric.ods", "Gnumeric_OpenCalc:odf")
    before = copy.read_bytes()
    read_tracker(copy)
    assert (copy.read_bytes() == before, sorted(p.name for p in tmp_path.iterdir())) == (True, ["gnumeric.ods"])


# --------------------------------------------------------------------------- the workbook's own status date


@pytest.mark.libreoffice
@pytest.mark.parametrize(("typed", "expected"), [("2024/11/15", "2024-11-15"), ("2024年11月5日", "2024-11-05"),
                                               ("下周一", "today")])
def test_the_workbooks_as_of_reads_a_text_status_date_or_falls_back_to_today(
        tmp_path: Path, libreoffice: LibreOffice, typed: str, expected: str) -> None:
    tracker = write_tracker(load_plan(sample_plan()), tmp_path / "618.xlsx")
    cells = info_cells(tracker)
    result = libreoffice.run({"input": str(tracker), "text": [{"sheet": INFO, "cell": cells["as_of_input"], "value": typed}],
                              "recalc": True, "read": [{"sheet": INFO, "cell": cells["as_of"]}]})
    shown = result["read"][f"{INFO}!{cells['as_of']}"]
    day = date.today() if expected == "today" else date.fromisoformat(expected)
    assert (shown["type"], shown["error"], shown["value"]) == ("FORMULA", 0, to_serial(day))


# --------------------------------------------------------------------------- the rules, one by one


@pytest.mark.parametrize(("raw", "expected"), [
    (Percent(1.0), (100.0, None)), (Percent(1.5), (150.0, None)), (Percent(0.6), (60.0, None)),
    (Percent(0.006), (0.6, None)), (1.0, (1.0, None)), (0.6, (60.0, "normalized")), (60.0, (60.0, None)),
    ("100%", (100.0, "normalized")),
])
def test_progress_numbers(raw: Any, expected: tuple[float, str | None]) -> None:
    value, code, _shown = percent(raw)
    assert (round(value, 9), code) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    (10.13, (date(2024, 10, 13), "normalized")), (11.11, (date(2024, 11, 11), "normalized")),
    (5.2, (date(2024, 5, 2), "normalized")), (45.0, (None, "bad-date")), (13.1, (None, "bad-date")),
    (2.3, (date(2024, 2, 3), "normalized")), (2.31, (None, "bad-date")), (10.0, (None, "bad-date")),
    (45413.0, (date(2024, 5, 1), "normalized")), (40000.0, (None, "bad-date")), (float("inf"), (None, "bad-date")),
    (-5.1, (None, "bad-date")),
    (date(2024, 5, 20), (date(2024, 5, 20), None)), (date(2025, 6, 30), (date(2025, 6, 30), None)),
    (date(2023, 4, 29), (None, "bad-date")), ("2022-05-01", (None, "bad-date")), ("5月5日", (date(2024, 5, 5), "normalized")),
])
def test_date_numbers(raw: Any, expected: tuple[date | None, str]) -> None:
    value, code, _shown = make_date(2024, WINDOW)(raw)
    assert (value, code) == expected


@given(st.dates(date(2024, 1, 1), date(2024, 12, 31)).filter(lambda d: d.day % 10 != 0))
def test_month_day_typed_as_a_number_reads_back_as_that_day(day: date) -> None:
    """Any day but the 10th, 20th and 30th, whose trailing zero a number loses (5.20 is 5.2: 2 May)."""
    value, code, _shown = make_date(2024, WINDOW)(float(f"{day.month}.{day.day:02d}"))
    assert (value, code) == (day, "normalized")


def test_a_campaign_over_new_year_takes_the_year_that_puts_month_day_in_it() -> None:
    value, _code, _shown = make_date(2024, Window(date(2024, 12, 1), date(2025, 2, 28)))(1.15)
    assert value == date(2025, 1, 15)


@pytest.mark.parametrize(("code", "expected"), [
    ("0%", True), ("0.0%", True), ('0"%"', False), ("0\\%", False), ("[Red]0.00%;-0%", True), ("General", False),
    ("yyyy-mm-dd", False), ('#,##0" pct%"', False),
])
def test_which_format_codes_are_percentages(code: str, expected: bool) -> None:
    assert is_percent_code(code) is expected


@pytest.mark.parametrize(("typed", "expected"), [("下周一", "下周一"), (date(2020, 1, 1), "2020-01-01")])
def test_a_status_date_that_cannot_be_meant_is_a_bad_date_at_its_cell_and_not_used(tmp_path: Path, typed: Any,
                                                                                 expected: str) -> None:
    source = write_tracker(load_plan(sample_plan()), tmp_path / "618.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source)
    cell = next(c for c in book[INFO]["A"] if c.value == "数据截止日").offset(column=1)
    cell.value = typed
    book.save(tmp_path / "status.xlsx")
    tracker = read_tracker(tmp_path / "status.xlsx")
    found = [(f.code, f.sheet, f.cell, f.value) for f in tracker.findings if f.sheet == INFO]
    assert (tracker.campaign.as_of, found) == (None, [("bad-date", INFO, cell.coordinate, expected)])


def test_a_phase_date_that_cannot_be_meant_is_a_bad_date_at_its_cell_and_not_used(tmp_path: Path) -> None:
    source = write_tracker(load_plan(sample_plan()), tmp_path / "618.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source)
    title = next(c for c in book[INFO]["A"] if c.value == "关键节点")
    start = title.offset(row=3, column=1)  # the second phase's start, below the block's header
    start.value = date(2019, 5, 10)
    book.save(tmp_path / "phase.xlsx")
    tracker = read_tracker(tmp_path / "phase.xlsx")
    found = [(f.code, f.cell, f.value) for f in tracker.findings if f.sheet == INFO]
    assert (found, tracker.campaign.phases[1][2]) == ([("bad-date", start.coordinate, "2019-05-10")], None)
