"""Every workbook we write prints cleanly (docs/tracker.md and docs/recap.md, "Printing").

The settings are read back with openpyxl; the pages themselves come from a real LibreOffice
(PDF export, Carlito standing in for Calibri as on any Linux desktop) and are read with pypdf:
how many pages each sheet takes, that none is empty, that a table's header row is on every
one of its pages, and that no figure shows as "###".
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from marketing_tracker import Campaign, Person, Plan, Task, load_plan, read_tracker, write_tracker
from marketing_tracker.checks.validate import validate
from marketing_tracker.core.schema import FIRST_DATA_ROW, RECAP_TASKS, TABLE_SHEETS, TASKS, Locale, sheet_title
from marketing_tracker.core.words import RECAP_SECTIONS, report_label
from marketing_tracker.demo import SAMPLE_AS_OF, sample_records
from marketing_tracker.history import History
from marketing_tracker.history.pages import write_status_xlsx
from marketing_tracker.history.status import status_report
from marketing_tracker.loop.merge import merge_trackers, write_merged
from marketing_tracker.reports.run import run_recap
from marketing_tracker.workbook.annotate import FINDINGS_TITLE, annotate
from marketing_tracker.workbook.annotate import HEADERS as FINDINGS_HEADERS

from .cells import headers
from .conftest import PLAN_618, LibreOffice

SHEETS = ("guide", "info", "tasks", "milestones", "kpis", "kpi_log", "issues", "raci")


def plan_25(locale: Locale, days: int = 63) -> Plan:
    """A 25-task campaign over nine weeks (or ``days``), five people in three departments."""
    people = [Person(name, dept) for name, dept in (("Ana", "Brand"), ("Bo", "Brand"), ("Chen", "Media"),
                                                    ("Dee", "Media"), ("Eli", "Web"))]
    start = date(2025, 9, 1)
    phases = ("prep", "warmup", "execution", "wrapup")
    prefix = {"prep": "M", "warmup": "P", "execution": "E", "wrapup": "C"}
    tasks = []
    for n in range(25):
        phase = phases[min(n * 4 // 25, 3)]
        first = start + timedelta(days=n * 2)
        tasks.append(Task(f"{prefix[phase]}{n + 1:03d}", f"Task number {n + 1}", phase, owner=people[n % 5].name,
                          start=first, end=first + timedelta(days=4), budget=1000.0 * (n % 4)))
    return Plan(Campaign("Autumn 25", start, start + timedelta(days=days - 1), locale=locale), people=people, tasks=tasks)


def _sheet_settings(path: Path) -> dict[str, openpyxl.worksheet.worksheet.Worksheet]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {ws.title: ws for ws in openpyxl.load_workbook(path).worksheets}


def test_a_table_sheet_prints_the_rows_in_use_and_not_the_spare_rows(tmp_path: Path) -> None:
    book = _sheet_settings(write_tracker(plan_25("en"), tmp_path / "t.xlsx"))
    raci = book[sheet_title("raci", "en")]
    # Title, notes and header (rows 1-3), then the 25 tasks: rows 4-28; the 200 spare rows are not printed.
    assert raci.print_area == "'RACI'!$A$1:$G$28"
    assert raci.print_title_rows == "$3:$3"
    assert book[sheet_title("issues", "en")].print_area == "'Issue log'!$A$1:$J$3"  # nothing logged yet


def test_the_tasks_sheet_prints_its_table_then_the_gantt_strip_in_whole_weeks(tmp_path: Path) -> None:
    tasks = _sheet_settings(write_tracker(plan_25("en", days=110), tmp_path / "t.xlsx"))["Tasks"]
    table_columns = len(TASKS.columns)
    gap = table_columns  # the narrow column between the table and the strip starts the strip's page
    assert tasks.col_breaks.brk[0].id == gap
    # 110 days, one column each: at the table's scale a page holds thirteen whole weeks of the strip.
    assert [b.id - gap - 1 for b in tasks.col_breaks.brk[1:]] == [91]
    assert tasks.print_title_rows == "$1:$3"  # months, milestone flags and days repeat on every page
    assert tasks.print_title_cols == "$A:$B"  # and the task ID and name
    assert tasks.page_setup.scale == 41  # the table on one page width (see docs/tracker.md)


def test_every_page_says_its_campaign_its_sheet_and_page_x_of_y(tmp_path: Path) -> None:
    for locale, words in (("en", "Page &P of &N"), ("zh-CN", "第 &P 页，共 &N 页")):
        book = _sheet_settings(write_tracker(plan_25(locale), tmp_path / f"{locale}.xlsx"))
        ws = book[sheet_title("tasks", locale)]
        assert ws.oddHeader.left.text == "Autumn 25"
        assert ws.oddHeader.right.text == sheet_title("tasks", locale)
        assert ws.oddFooter.center.text == words


def test_an_ampersand_in_the_campaign_name_is_printed_as_one(tmp_path: Path) -> None:
    plan = plan_25("en")
    plan.campaign.name = "Salt & Pepper"
    ws = _sheet_settings(write_tracker(plan, tmp_path / "t.xlsx"))["Tasks"]
    assert ws.oddHeader.left.text == "Salt && Pepper"  # "&&" is how a header spells "&"


@pytest.mark.parametrize(("locale", "area"), [("zh-CN", "'活动基本信息'!$A$1:$F$34"), ("en", "'Campaign info'!$A$1:$H$34")])
def test_the_campaign_info_prints_every_column_and_the_note_whole_but_not_the_spare_rows(
        tmp_path: Path, locale: Locale, area: str) -> None:
    book = _sheet_settings(write_tracker(load_plan(PLAN_618), tmp_path / "t.xlsx", locale=locale))
    # Rows 1-34: the fields, goals, key dates with their ID prefixes (column D) and the nine people with their
    # contacts (D), not the ten spare rows below. The note beside the status date (from column C) runs on to
    # column F in Chinese (24 wide characters), to H in English (62 characters).
    assert book[sheet_title("info", locale)].print_area == area


def test_the_dropdown_lists_are_a_hidden_helper_sheet(tmp_path: Path) -> None:
    book = _sheet_settings(write_tracker(plan_25("en"), tmp_path / "t.xlsx"))
    assert book[sheet_title("lists", "en")].sheet_state == "hidden"


def test_the_status_workbook_prints_each_list_with_its_header_row_and_its_figures_formatted(tmp_path: Path) -> None:
    book = _sheet_settings(status_workbook(case("618", "zh-CN"), tmp_path))
    chase = book["To chase"]
    # Title (row 1) and header (row 3), then C001, the one task to chase; its seven columns fit a portrait page.
    assert (chase.print_area, chase.print_title_rows, chase.page_setup.orientation) == ("'To chase'!$A$1:$G$4", "$3:$3",
                                                                                       "portrait")
    assert (chase.oddHeader.left.text, chase.oddHeader.right.text, chase.oddFooter.center.text) == (
        "品牌618周年庆", "To chase", "第 &P 页，共 &N 页")
    kpis = book["KPIs"]
    assert kpis.page_setup.orientation == "landscape"  # nine columns do not
    # gmv: target 500, 480 sold (96 %) against an expected 100 %, not on pace.
    assert [(c.value, c.number_format) for c in kpis[4] if c.value is not None] == [
        ("gmv", "General"), ("销售额", "General"), (500, "#,##0"), (480, "#,##0"), (0.96, "0%"), (1, "0%"),
        (False, '"TRUE";"TRUE";"FALSE"')]


# ---------------------------------------------------------------------------------------------- on paper


def pages(libreoffice: LibreOffice, workbook: Path) -> list[str]:
    """The text of each page LibreOffice prints the workbook to."""
    from pypdf import PdfReader

    pdf = workbook.with_suffix(".pdf")
    libreoffice.run({"input": str(workbook), "save": [{"path": str(pdf), "filter": "calc_pdf_Export"}]})
    return [page.extract_text() for page in PdfReader(pdf).pages]


def by_sheet(texts: list[str], campaign: str, titles: list[str]) -> Counter[str]:
    """How many pages each sheet printed on, told by the page header (campaign, then sheet)."""
    counts: Counter[str] = Counter()
    for text in texts:
        first = text.splitlines()[0]
        assert first.startswith(campaign), first
        counts[next(t for t in sorted(titles, key=len, reverse=True) if first.endswith(t))] += 1
    return counts


#: A figure with two decimals or more: no format of the recap or the status workbook shows one (1136.36 and
#: 0.6721311 are figures without a number format; the trackers' money has two decimals, so they are not checked).
UNFORMATTED = re.compile(r"\d\.\d\d")


def check_pages(texts: list[str]) -> None:
    for number, text in enumerate(texts, start=1):
        lines = text.splitlines()
        assert "###" not in text, f"page {number} shows ### (a column too narrow for its figure)"
        body = [line for line in lines[2:] if line.strip()]  # below the page header and the footer
        assert body, f"page {number} is empty"


def check_headers(texts: list[str], headers: dict[str, str]) -> None:
    """Every page of a table sheet shows its header row (``headers``: sheet title -> a label of that row)."""
    for number, text in enumerate(texts, start=1):
        sheet = next((title for title in sorted(headers, key=len, reverse=True)
                      if text.splitlines()[0].endswith(title)), None)
        if sheet is not None:
            assert headers[sheet] in text, f"page {number} ({sheet}) has no header row"


def tracker_headers(locale: Locale) -> dict[str, str]:
    """The tracker's table sheets and the first label of each header row."""
    return {sheet_title(table.key, locale): table.columns[0].label.get(locale) for table in TABLE_SHEETS}


@pytest.mark.libreoffice
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_618_tracker_prints_one_page_a_sheet_and_the_gantt_strip_on_its_own(
        libreoffice: LibreOffice, tmp_path: Path, locale: Locale) -> None:
    plan = load_plan(PLAN_618)
    texts = pages(libreoffice, write_tracker(plan, tmp_path / "618.xlsx", locale=locale))
    check_pages(texts)
    titles = [sheet_title(key, locale) for key in SHEETS] + [("填写说明" if locale == "zh-CN" else "How to fill in"),
                                                             ("活动基本信息" if locale == "zh-CN" else "Campaign info")]
    counts = by_sheet(texts, plan.campaign.name, titles)
    # Nine tasks over 61 days: the table on one page, the daily strip (61 days fit one page) on the next.
    assert counts[sheet_title("tasks", locale)] == 2
    assert sum(counts.values()) == 9
    check_headers(texts, tracker_headers(locale))


@pytest.mark.libreoffice
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_25_task_tracker_prints_without_blank_pages(libreoffice: LibreOffice, tmp_path: Path,
                                                      locale: Locale) -> None:
    plan = plan_25(locale)
    texts = pages(libreoffice, write_tracker(plan, tmp_path / "t25.xlsx"))
    check_pages(texts)
    check_headers(texts, tracker_headers(locale))
    # guide, info, tasks (table + strip), milestones, KPIs, KPI log, issues, RACI: 25 rows fit one page each.
    assert len(texts) == 9
    tasks_pages = [t for t in texts if t.splitlines()[0].endswith(sheet_title("tasks", locale))]
    assert [("Task number 25" in t) for t in tasks_pages] == [True, True]  # the name repeats beside the strip


@pytest.mark.libreoffice
def test_a_task_typed_below_the_last_row_prints_once_merge_writes_the_tracker_again(libreoffice: LibreOffice,
                                                                                     tmp_path: Path) -> None:
    """docs/tracker.md, "Known limit": a print range is set when the workbook is written."""
    plan = load_plan(PLAN_618)
    blank = write_tracker(plan, tmp_path / "618.xlsx")
    tasks, title = headers(blank)["tasks"], sheet_title("tasks", "zh-CN")
    spare = FIRST_DATA_ROW + len(plan.tasks) + 1  # 1-based: the first row below the nine tasks
    typed = [{"sheet": title, "cell": tasks.cell(key, spare), "value": value} for key, value in (
        ("task_id", "X001"), ("name", "Added below"), ("phase", "执行期"), ("owner", "周总监"),
        ("planned_start", "2024-06-02"), ("planned_end", "2024-06-05"))]
    copy, pdf = tmp_path / "typed.xlsx", tmp_path / "typed.pdf"
    libreoffice.run({"input": str(blank), "type": typed, "recalc": True,
                     "save": [{"path": str(copy), "filter": "Calc MS Excel 2007 XML"},
                              {"path": str(pdf), "filter": "calc_pdf_Export"}]})
    from pypdf import PdfReader

    def tasks_pages(texts: list[str]) -> list[bool]:
        return [("X001" in t) for t in texts if t.splitlines()[0].endswith(title)]

    assert tasks_pages([page.extract_text() for page in PdfReader(pdf).pages]) == [False, False]
    merged = write_merged(merge_trackers([copy]), tmp_path / "merged.xlsx")
    assert tasks_pages(pages(libreoffice, merged)) == [True, True]  # the table, and beside the Gantt strip


# ------------------------------------------------------------- every workbook, both campaigns, both languages
#
# The tracker of either campaign prints as checked above; here every other workbook we write (annotated copy,
# merged tracker, recap, status) of both campaigns in both languages: the page count, no empty page, no "###",
# no figure without a number format, and the header row on every page of a table.

#: The 25-task campaign four weeks in: tasks 1-12 due and done (every fifth two days late), task 4 open and
#: late at 80 %, tasks 13-15 under way, the rest not started; two issues, one resolved. A week before, the
#: blank tracker is the earlier snapshot of the status workbook.
AS_OF_25 = date(2025, 9, 29)
#: The status workbook's sheets and the first label of each one's header row (docs/history.md).
STATUS_HEADERS = {"Progress": "group", "Done since": "id", "Newly late": "id", "Slipped": "id",
                  "Milestones at risk": "id", "KPIs": "key", "Issues": "change", "To chase": "owner"}


def records_25(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The 25-task campaign's tracker as the team has filled it by :data:`AS_OF_25`."""
    tasks = []
    for n, t in enumerate(plan.tasks):
        row: dict[str, Any] = {"task_id": t.id, "name": t.name, "phase": t.phase, "owner": t.owner,
                               "planned_start": t.start, "planned_end": t.end, "budget_planned": t.budget,
                               "progress": 0, "status": "not_started"}
        if n == 3:
            row.update(actual_start=t.start, progress=80, status="in_progress", risk="Late (printer)")
        elif t.end < AS_OF_25 and t.start is not None:
            late = 2 if n % 5 == 0 else 0
            row.update(actual_start=t.start, actual_end=t.end + timedelta(days=late), progress=100, status="done",
                       budget_actual=(t.budget or 0) * 1.1)
        elif t.start <= AS_OF_25:
            row.update(actual_start=t.start, progress=50, status="in_progress")
        tasks.append(row)
    issues = [{"issue_id": "I001", "raised": date(2025, 9, 10), "description": "Printer out of paper",
               "task_id": plan.tasks[3].id, "owner": plan.tasks[3].owner, "status": "resolved",
               "resolved": date(2025, 9, 12)},
              {"issue_id": "I002", "raised": date(2025, 9, 25), "description": "Venue not confirmed",
               "task_id": plan.tasks[13].id, "owner": plan.tasks[13].owner, "status": "in_progress"}]
    return {"tasks": tasks, "issues": issues}


@dataclass(frozen=True)
class Case:
    """A campaign to print: its plan in a language, what the team filled in, and the days of two snapshots."""

    name: str
    plan: Plan
    locale: Locale
    records: dict[str, list[dict[str, Any]]]
    as_of: date
    week_before: date


def case(name: str, locale: Locale) -> Case:
    if name == "618":
        plan = load_plan(PLAN_618)
        return Case(name, plan, locale, sample_records(plan), SAMPLE_AS_OF, SAMPLE_AS_OF - timedelta(days=7))
    plan = plan_25(locale)
    return Case(name, plan, locale, records_25(plan), AS_OF_25, AS_OF_25 - timedelta(days=7))


def filled(c: Case, folder: Path) -> Path:
    return write_tracker(c.plan, folder / "filled.xlsx", locale=c.locale, records=c.records)


def annotated_copy(c: Case, folder: Path) -> Path:
    source = filled(c, folder)
    tracker = read_tracker(source)
    return annotate(source, validate(tracker, as_of=c.as_of), folder / "checked.xlsx", locale=tracker.locale)


def merged_tracker(c: Case, folder: Path) -> Path:
    return write_merged(merge_trackers([filled(c, folder)]), folder / "merged.xlsx")


def recap_workbook(c: Case, folder: Path) -> Path:
    (xlsx,), _figures = run_recap([filled(c, folder)], xlsx=folder / "recap.xlsx", as_of=c.as_of)
    return xlsx


def status_workbook(c: Case, folder: Path) -> Path:
    """Two snapshots in a SQLite history (the blank tracker a week before, the filled copy), compared."""
    blank = write_tracker(c.plan, folder / "blank.xlsx", locale=c.locale)
    with History(f"sqlite:///{folder / 'history.db'}") as history:
        history.add(blank, as_of=c.week_before)
        history.add(filled(c, folder), as_of=c.as_of)
        report = status_report(history)
    return write_status_xlsx(report, folder / "status.xlsx")


MAKERS: dict[str, Callable[[Case, Path], Path]] = {
    "annotated": annotated_copy, "merged": merged_tracker, "recap": recap_workbook, "status": status_workbook}


def table_headers(kind: str, locale: Locale) -> dict[str, str]:
    """Sheet title -> a label of its header row, for the sheets whose header row repeats on every page."""
    if kind == "status":
        return STATUS_HEADERS
    if kind == "recap":
        return {RECAP_SECTIONS["tasks"].get(locale)[:31]: report_label(RECAP_TASKS[0], locale)}
    headers = tracker_headers(locale)
    if kind == "annotated":
        headers[FINDINGS_TITLE.get(locale)] = FINDINGS_HEADERS[0].get(locale)
    return headers


#: Pages per workbook, the same in both languages. The trackers: one a sheet, the tasks sheet two (its table,
#: then the Gantt strip), the annotated copy its findings sheet first (the 25-task campaign's 46 findings take
#: two pages). The recap: a chart moves to the next page rather than be cut (the 618 sample: 15 pages; the
#: 25-task campaign's phases, delays and budget take two pages each: 13). The status workbook: one a sheet.
PAGES = {
    ("618", "annotated"): 10, ("618", "merged"): 9, ("618", "recap"): 15, ("618", "status"): 8,
    ("25", "annotated"): 11, ("25", "merged"): 9, ("25", "recap"): 13, ("25", "status"): 8,
}


@pytest.mark.libreoffice
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("name", ["618", "25"])
@pytest.mark.parametrize("kind", list(MAKERS))
def test_every_workbook_prints_its_pages_with_the_header_row_on_each(
        libreoffice: LibreOffice, tmp_path: Path, kind: str, name: str, locale: Locale) -> None:
    c = case(name, locale)
    texts = pages(libreoffice, MAKERS[kind](c, tmp_path))
    check_pages(texts)
    check_headers(texts, table_headers(kind, locale))
    if kind in ("recap", "status"):
        assert [UNFORMATTED.findall(text) for text in texts] == [[] for _ in texts]
    assert len(texts) == PAGES[name, kind]
