"""Every workbook we write prints cleanly (docs/tracker.md and docs/recap.md, "Printing").

The settings are read back with openpyxl; the pages themselves come from a real LibreOffice
(PDF export, Carlito standing in for Calibri as on any Linux desktop) and are read with pypdf:
how many pages each sheet takes, that none is empty, that a table's header row is on every
one of its pages, and that no figure shows as "###".
"""

from __future__ import annotations

import warnings
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from marketing_tracker import Campaign, Person, Plan, Task, load_plan, read_tracker, write_tracker
from marketing_tracker.checks.validate import validate
from marketing_tracker.core.schema import TASKS, Locale, sheet_title
from marketing_tracker.demo import SAMPLE_AS_OF, sample_records
from marketing_tracker.loop.merge import merge_trackers, write_merged
from marketing_tracker.reports.run import run_recap
from marketing_tracker.workbook.annotate import annotate

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


def test_the_dropdown_lists_are_a_hidden_helper_sheet(tmp_path: Path) -> None:
    book = _sheet_settings(write_tracker(plan_25("en"), tmp_path / "t.xlsx"))
    assert book[sheet_title("lists", "en")].sheet_state == "hidden"


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


def check_pages(texts: list[str]) -> None:
    for number, text in enumerate(texts, start=1):
        lines = text.splitlines()
        assert "###" not in text, f"page {number} shows ### (a column too narrow for its figure)"
        body = [line for line in lines[2:] if line.strip()]  # below the page header and the footer
        assert body, f"page {number} is empty"


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
    header = TASKS.column("task_id").label.get(locale)
    assert all(header in t for t in texts if sheet_title("tasks", locale) in t.splitlines()[0])


@pytest.mark.libreoffice
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_25_task_tracker_prints_without_blank_pages(libreoffice: LibreOffice, tmp_path: Path,
                                                      locale: Locale) -> None:
    plan = plan_25(locale)
    texts = pages(libreoffice, write_tracker(plan, tmp_path / "t25.xlsx"))
    check_pages(texts)
    # guide, info, tasks (table + strip), milestones, KPIs, KPI log, issues, RACI: 25 rows fit one page each.
    assert len(texts) == 9
    tasks_pages = [t for t in texts if t.splitlines()[0].endswith(sheet_title("tasks", locale))]
    assert [("Task number 25" in t) for t in tasks_pages] == [True, True]  # the name repeats beside the strip


@pytest.mark.libreoffice
def test_the_annotated_and_the_merged_tracker_print_like_the_tracker(libreoffice: LibreOffice, tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    filled = write_tracker(plan, tmp_path / "filled.xlsx", records=sample_records(plan))
    tracker = read_tracker(filled)
    checked = annotate(filled, validate(tracker, as_of=SAMPLE_AS_OF), tmp_path / "checked.xlsx",
                       locale=tracker.locale)
    merged = write_merged(merge_trackers([filled]), tmp_path / "merged.xlsx")
    for workbook in (checked, merged):
        texts = pages(libreoffice, Path(workbook))
        check_pages(texts)
        assert len([t for t in texts if t.splitlines()[0].endswith("执行任务跟踪表")]) == 2


@pytest.mark.libreoffice
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_recap_prints_with_every_chart_whole_and_every_figure_formatted(
        libreoffice: LibreOffice, tmp_path: Path, locale: Locale) -> None:
    plan = load_plan(PLAN_618)
    filled = write_tracker(plan, tmp_path / "filled.xlsx", locale=locale, records=sample_records(plan))
    (xlsx,), _figures = run_recap([filled], xlsx=tmp_path / "recap.xlsx", as_of=SAMPLE_AS_OF)
    texts = pages(libreoffice, xlsx)
    check_pages(texts)
    assert not any("1136.36" in t or "6721311" in t for t in texts)  # unformatted figures
    assert len(texts) == 15
