"""The generated tracker in a real headless LibreOffice: typed in like a person, recalculated, read back.

The computed columns must give the numbers worked out by hand below, and the same
numbers as :mod:`marketing_tracker.derived`, which the reader and the recap use.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from marketing_tracker import Plan, write_tracker
from marketing_tracker.derived import delay_days, expected_progress, health
from marketing_tracker.schema import HEALTH, STATUSES, TASKS

from .conftest import LibreOffice

pytestmark = pytest.mark.libreoffice

AS_OF = date(2024, 5, 24)
TASKS_SHEET, INFO, MILESTONES, KPIS, LOG, RACI = "执行任务跟踪表", "活动基本信息", "里程碑", "关键指标", "指标日报", "责任矩阵"

# What the owners typed on 2024-05-24: row -> (actual start, actual end, progress, status)
FILLED = {
    4: ("2024-05-01", "2024-05-05", "100", "已完成"),   # M001 on time
    5: ("2024-05-03", "2024-05-10", "100", "已完成"),   # M002 two days late
    6: ("2024-05-05", "2024-05-13", "100", "已完成"),   # M003 one day late (server debugging)
    7: ("2024-05-02", "", "60", "进行中"),               # M004 planned to end 05-06, still open
    8: ("2024-05-21", "", "20", "进行中"),               # P001 well behind its pace
    9: ("2024-05-22", "", "50", "进行中"),               # P002 about on pace
    10: ("", "", "0", "阻塞"),                          # E001 waits on another team
    11: ("", "", "0", "未开始"),                        # E002 not due yet
    12: ("", "", "0", "已延期"),                        # C001 marked delayed by hand
}
# Worked out by hand: row -> (days late, expected progress, health)
EXPECTED = {
    4: (0, 100, "已完成"),
    5: (2, 100, "已完成"),
    6: (1, 100, "已完成"),
    7: (18, 100, "滞后"),      # 05-24 minus 05-06
    8: (0, 80, "有风险"),      # 4 of 5 planned days gone: 80 expected, 20 done
    9: (0, 60, "正常"),        # 3 of 5 days: 60 expected, 50 done, within 20 points
    10: (0, 0, "有风险"),      # blocked
    11: (0, 0, "正常"),
    12: (0, 0, "滞后"),        # marked delayed
}


def col(key: str) -> str:
    return chr(ord("A") + TASKS.index(key))


def gantt_cell(day: int) -> str:
    """The Gantt strip's flag cell (row 2) for the campaign's day ``day`` (0: its first), right of a spacer column."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(len(TASKS.columns) + 2 + day)}2"


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory, libreoffice: LibreOffice) -> dict[str, Any]:
    from marketing_tracker import load_plan

    from .conftest import PLAN_618

    path = write_tracker(load_plan(PLAN_618), tmp_path_factory.mktemp("lo") / "618.xlsx")
    typed = [{"sheet": INFO, "cell": "B8", "value": AS_OF.isoformat()}]
    for row, (start, end, progress, status) in FILLED.items():
        for key, value in (("actual_start", start), ("actual_end", end), ("progress", progress), ("status", status)):
            if value:
                typed.append({"sheet": TASKS_SHEET, "cell": f"{col(key)}{row}", "value": value})
    typed += [
        {"sheet": MILESTONES, "cell": "F4", "value": "2024-05-21"},
        {"sheet": LOG, "cell": "A4", "value": "2024-05-21"}, {"sheet": LOG, "cell": "B4", "value": "销售额"},
        {"sheet": LOG, "cell": "D4", "value": "100"},
        {"sheet": LOG, "cell": "A5", "value": "2024-05-22"}, {"sheet": LOG, "cell": "B5", "value": "销售额"},
        {"sheet": LOG, "cell": "D5", "value": "150"},
        {"sheet": LOG, "cell": "A6", "value": "2024-05-22"}, {"sheet": LOG, "cell": "B6", "value": "直播转化率"},
        {"sheet": LOG, "cell": "D6", "value": "2.5"},
        {"sheet": LOG, "cell": "A7", "value": "2024-05-23"}, {"sheet": LOG, "cell": "B7", "value": "直播转化率"},
        {"sheet": LOG, "cell": "D7", "value": "3.5"},
        {"sheet": RACI, "cell": "C5", "value": "R"},  # M002 now has two R and no A
    ]
    # The RACI conditional format's own formula, evaluated by LibreOffice in spare cells of rows 4 and 5.
    raci_rule = raci_rule_formula(path).replace(",", ";")  # the UNO formula grammar separates arguments with ;
    typed += [{"sheet": RACI, "cell": "AZ4", "value": "=" + raci_rule},
              {"sheet": RACI, "cell": "AZ5", "value": "=" + re.sub(r"(\$[A-Z]+)4\b", r"\g<1>5", raci_rule)}]
    reads = [{"sheet": TASKS_SHEET, "cell": f"{col(k)}{row}"} for row in FILLED
             for k in ("delay_days", "expected_progress", "health")]
    reads += [{"sheet": INFO, "cell": "B9"}, {"sheet": MILESTONES, "cell": "I4"}, {"sheet": MILESTONES, "cell": "I5"},
              {"sheet": KPIS, "cell": "G4"}, {"sheet": KPIS, "cell": "H4"}, {"sheet": KPIS, "cell": "G7"},
              {"sheet": KPIS, "cell": "H7"}, {"sheet": RACI, "cell": "B4"}, {"sheet": RACI, "cell": "AZ4"},
              {"sheet": RACI, "cell": "AZ5"}, {"sheet": TASKS_SHEET, "cell": gantt_cell(0)},
              {"sheet": TASKS_SHEET, "cell": gantt_cell(19)}]
    validations = [{"sheet": TASKS_SHEET, "cell": f"{col('status')}200"}, {"sheet": TASKS_SHEET, "cell": f"{col('progress')}4"}]
    result = libreoffice.run({"input": str(path), "unprotect": [RACI], "type": typed, "recalc": True, "read": reads,
                              "validation": validations})
    return result


def cell(result: dict[str, Any], sheet: str, ref: str) -> dict[str, Any]:
    read: dict[str, Any] = result["read"][f"{sheet}!{ref}"]
    assert read["error"] == 0, (sheet, ref, read)
    return read


def number(result: dict[str, Any], sheet: str, ref: str) -> float:
    return float(cell(result, sheet, ref)["value"])


def text(result: dict[str, Any], sheet: str, ref: str) -> str:
    return str(cell(result, sheet, ref)["string"])


@pytest.mark.parametrize("row", sorted(EXPECTED))
def test_computed_task_columns_match_the_hand_worked_values(recalculated: dict[str, Any], row: int) -> None:
    got = (number(recalculated, TASKS_SHEET, f"{col('delay_days')}{row}"),
           number(recalculated, TASKS_SHEET, f"{col('expected_progress')}{row}"),
           text(recalculated, TASKS_SHEET, f"{col('health')}{row}"))
    assert got == EXPECTED[row]


@pytest.mark.parametrize("row", sorted(EXPECTED))
def test_the_python_rules_agree_with_the_spreadsheet(recalculated: dict[str, Any], plan_618: Plan, row: int) -> None:
    task = plan_618.tasks[row - 4]
    _start, end, progress, status_label = FILLED[row]
    status = STATUSES.lookup(status_label)
    assert status is not None
    actual_end = date.fromisoformat(end) if end else None
    expected = (
        delay_days(task.end, actual_end, status.key, float(progress), AS_OF),
        expected_progress(task.start, task.end, AS_OF),
        HEALTH.label(health(status.key, float(progress), task.start, task.end, AS_OF), "zh-CN"),
    )
    assert expected == EXPECTED[row]


def test_the_status_date_drives_today(recalculated: dict[str, Any]) -> None:
    assert number(recalculated, INFO, "B9") == 45436  # 2024-05-24


def test_milestone_results(recalculated: dict[str, Any]) -> None:
    assert text(recalculated, MILESTONES, "I4") == "延迟达成"  # due 05-20, done 05-21
    assert text(recalculated, MILESTONES, "I5") == "待完成"


def test_kpi_actuals_add_up_or_take_the_latest_day(recalculated: dict[str, Any]) -> None:
    assert number(recalculated, KPIS, "G4") == 250            # GMV: 100 + 150
    assert number(recalculated, KPIS, "H4") == pytest.approx(0.5)
    assert number(recalculated, KPIS, "G7") == pytest.approx(3.5)  # live conversion: the latest day
    assert number(recalculated, KPIS, "H7") == pytest.approx(3.5 / 3)


def test_raci_names_the_task_and_flags_rows_without_one_r_and_one_a(recalculated: dict[str, Any]) -> None:
    assert text(recalculated, RACI, "B4") == "活动方案终稿确认"
    assert number(recalculated, RACI, "AZ4") == 0  # M001: one R, one A
    assert number(recalculated, RACI, "AZ5") == 1  # M002: two R, no A


def raci_rule_formula(path: Path) -> str:
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(path)[RACI]
    (formula,) = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules if str(cf.sqref).startswith("A4:")]
    return str(formula)


def test_milestone_flags_stand_over_their_due_days(recalculated: dict[str, Any]) -> None:
    assert text(recalculated, TASKS_SHEET, gantt_cell(0)) == ""  # 2024-05-01: nothing due
    assert text(recalculated, TASKS_SHEET, gantt_cell(19)) == "◆"  # 2024-05-20, the first milestone


def test_libreoffice_keeps_the_dropdowns_and_conditional_formats(recalculated: dict[str, Any]) -> None:
    status = recalculated["read"][f"validation:{TASKS_SHEET}!{col('status')}200"]
    assert status["type"] == "LIST"
    assert status["formula1"] == "mt_list_status"
    assert recalculated["read"][f"validation:{TASKS_SHEET}!{col('progress')}4"]["type"] == "DECIMAL"
    assert recalculated["conditional_formats"][TASKS_SHEET] >= 6


def test_the_workbook_opens_with_every_sheet(recalculated: dict[str, Any]) -> None:
    assert recalculated["sheets"][:3] == ["填写说明", INFO, TASKS_SHEET]
    assert "_mt_meta" in recalculated["sheets"]


def test_a_docs_picture_can_be_rendered(tmp_path: Path, libreoffice: LibreOffice, plan_618: Plan) -> None:
    path = write_tracker(plan_618, tmp_path / "618.xlsx")
    pdf = tmp_path / "tasks.pdf"
    libreoffice.run({"input": str(path), "only_sheet": TASKS_SHEET, "print_area": {"sheet": TASKS_SHEET, "range": "A1:CE14"},
                     "save": [{"path": str(pdf), "filter": "calc_pdf_Export"}]})
    assert pdf.read_bytes().startswith(b"%PDF")
