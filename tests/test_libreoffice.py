"""The generated tracker in a real headless LibreOffice: typed in like a person, recalculated, read back.

The computed columns must give the numbers worked out by hand below, and the same
numbers as :mod:`marketing_tracker.core.derived`, which the reader and the recap use.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils import get_column_letter

from marketing_tracker import Plan, write_tracker
from marketing_tracker.core.derived import delay_days, expected_progress, health
from marketing_tracker.core.schema import HEALTH, STATUSES

from .cells import Header, headers, info_cells
from .conftest import PLAN_618, LibreOffice

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


# Rows of the generated 618 tracker the tests type into and read (the sample plan's order).
GMV, LIVE_CONVERSION = 4, 7  # KPIs sheet: 销售额 (summed), 直播转化率 (the latest day)
M001, M002 = 4, 5            # RACI sheet
FIRST_DAY, FIRST_MILESTONE = date(2024, 5, 1), date(2024, 5, 20)  # Gantt days: the start, MS01's due date


@pytest.fixture(scope="module")
def tracker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from marketing_tracker import load_plan

    return write_tracker(load_plan(PLAN_618), tmp_path_factory.mktemp("lo") / "618.xlsx")


@pytest.fixture(scope="module")
def at(tracker: Path) -> dict[str, Header]:
    """The generated tracker's table sheets, their columns read from the header rows."""
    return headers(tracker)


@pytest.fixture(scope="module")
def info(tracker: Path) -> dict[str, str]:
    return info_cells(tracker)


def spare(raci: Header, row: int) -> str:
    """A cell right of the RACI matrix, beyond every header, for a formula of the test's own."""
    return f"{get_column_letter(raci.last + 10)}{row}"


@pytest.fixture(scope="module")
def recalculated(tracker: Path, at: dict[str, Header], info: dict[str, str], libreoffice: LibreOffice
                 ) -> dict[str, Any]:
    tasks, log, raci = at["tasks"], at["kpi_log"], at["raci"]
    typed = [{"sheet": INFO, "cell": info["as_of_input"], "value": AS_OF.isoformat()}]
    for row, (start, end, progress, status) in FILLED.items():
        for key, value in (("actual_start", start), ("actual_end", end), ("progress", progress), ("status", status)):
            if value:
                typed.append({"sheet": TASKS_SHEET, "cell": tasks.cell(key, row), "value": value})
    typed.append({"sheet": MILESTONES, "cell": at["milestones"].cell("done", 4), "value": "2024-05-21"})
    for row, (day, kpi, value) in enumerate([("2024-05-21", "销售额", "100"), ("2024-05-22", "销售额", "150"),
                                             ("2024-05-22", "直播转化率", "2.5"), ("2024-05-23", "直播转化率", "3.5")],
                                            start=4):
        typed += [{"sheet": LOG, "cell": log.cell("date", row), "value": day},
                  {"sheet": LOG, "cell": log.cell("kpi", row), "value": kpi},
                  {"sheet": LOG, "cell": log.cell("value", row), "value": value}]
    typed.append({"sheet": RACI, "cell": raci.cell("person:陈经理", M002), "value": "R"})  # M002: two R and no A
    # The RACI conditional format's own formula, evaluated by LibreOffice in spare cells of rows 4 and 5.
    raci_rule = raci_rule_formula(tracker, raci).replace(",", ";")  # the UNO formula grammar separates arguments with ;
    typed += [{"sheet": RACI, "cell": spare(raci, M001), "value": "=" + raci_rule},
              {"sheet": RACI, "cell": spare(raci, M002), "value": "=" + re.sub(r"(\$[A-Z]+)4\b", r"\g<1>5", raci_rule)}]
    reads = [{"sheet": TASKS_SHEET, "cell": tasks.cell(k, row)} for row in FILLED
             for k in ("delay_days", "expected_progress", "health")]
    reads += [{"sheet": INFO, "cell": info["as_of"]},
              {"sheet": MILESTONES, "cell": at["milestones"].cell("result", 4)},
              {"sheet": MILESTONES, "cell": at["milestones"].cell("result", 5)},
              *({"sheet": KPIS, "cell": at["kpis"].cell(k, row)} for k in ("actual", "achievement")
                for row in (GMV, LIVE_CONVERSION)),
              {"sheet": RACI, "cell": raci.cell("task_name", M001)}, {"sheet": RACI, "cell": spare(raci, M001)},
              {"sheet": RACI, "cell": spare(raci, M002)},
              {"sheet": TASKS_SHEET, "cell": f"{tasks.day(FIRST_DAY)}2"},
              {"sheet": TASKS_SHEET, "cell": f"{tasks.day(FIRST_MILESTONE)}2"}]
    validations = [{"sheet": TASKS_SHEET, "cell": tasks.cell("status", 200)},
                   {"sheet": TASKS_SHEET, "cell": tasks.cell("progress", 4)}]
    result = libreoffice.run({"input": str(tracker), "unprotect": [RACI], "type": typed, "recalc": True, "read": reads,
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
def test_computed_task_columns_match_the_hand_worked_values(recalculated: dict[str, Any], at: dict[str, Header],
                                                           row: int) -> None:
    tasks = at["tasks"]
    got = (number(recalculated, TASKS_SHEET, tasks.cell("delay_days", row)),
           number(recalculated, TASKS_SHEET, tasks.cell("expected_progress", row)),
           text(recalculated, TASKS_SHEET, tasks.cell("health", row)))
    assert got == EXPECTED[row]


@pytest.mark.parametrize("row", sorted(EXPECTED))
def test_the_python_rules_agree_with_the_spreadsheet(recalculated: dict[str, Any], plan_618: Plan, row: int) -> None:
    task = plan_618.tasks[row - 4]
    _start, end, progress, status_label = FILLED[row]
    (status,) = [m for m in STATUSES.members if m.label.zh == status_label]  # FILLED types the exact labels
    actual_end = date.fromisoformat(end) if end else None
    expected = (
        delay_days(task.end, actual_end, status.key, float(progress), AS_OF),
        expected_progress(task.start, task.end, AS_OF),
        HEALTH.label(health(status.key, float(progress), task.start, task.end, AS_OF), "zh-CN"),
    )
    assert expected == EXPECTED[row]


def test_the_status_date_drives_today(recalculated: dict[str, Any], info: dict[str, str]) -> None:
    assert number(recalculated, INFO, info["as_of"]) == 45436  # 2024-05-24


def test_milestone_results(recalculated: dict[str, Any], at: dict[str, Header]) -> None:
    assert text(recalculated, MILESTONES, at["milestones"].cell("result", 4)) == "延迟达成"  # due 05-20, done 05-21
    assert text(recalculated, MILESTONES, at["milestones"].cell("result", 5)) == "待完成"


def test_kpi_actuals_add_up_or_take_the_latest_day(recalculated: dict[str, Any], at: dict[str, Header]) -> None:
    kpis = at["kpis"]
    assert number(recalculated, KPIS, kpis.cell("actual", GMV)) == 250            # GMV: 100 + 150
    assert number(recalculated, KPIS, kpis.cell("achievement", GMV)) == pytest.approx(0.5)  # of a target of 500
    assert number(recalculated, KPIS, kpis.cell("actual", LIVE_CONVERSION)) == pytest.approx(3.5)  # the latest day
    assert number(recalculated, KPIS, kpis.cell("achievement", LIVE_CONVERSION)) == pytest.approx(3.5 / 3)


def test_raci_names_the_task_and_flags_rows_without_one_r_and_one_a(recalculated: dict[str, Any],
                                                                   at: dict[str, Header]) -> None:
    raci = at["raci"]
    assert text(recalculated, RACI, raci.cell("task_name", M001)) == "活动方案终稿确认"
    assert number(recalculated, RACI, spare(raci, M001)) == 0  # M001: one R, one A
    assert number(recalculated, RACI, spare(raci, M002)) == 1  # M002: two R, no A


def raci_rule_formula(path: Path, raci: Header) -> str:
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(path)[RACI]
    first_id = raci.cell("task_id", M001) + ":"
    (formula,) = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules if str(cf.sqref).startswith(first_id)]
    return str(formula)


def test_milestone_flags_stand_over_their_due_days(recalculated: dict[str, Any], at: dict[str, Header]) -> None:
    assert text(recalculated, TASKS_SHEET, f"{at['tasks'].day(FIRST_DAY)}2") == ""  # 2024-05-01: nothing due
    assert text(recalculated, TASKS_SHEET, f"{at['tasks'].day(FIRST_MILESTONE)}2") == "◆"  # MS01's due day


def test_libreoffice_keeps_the_dropdowns_and_conditional_formats(recalculated: dict[str, Any],
                                                                 at: dict[str, Header]) -> None:
    status = recalculated["read"][f"validation:{TASKS_SHEET}!{at['tasks'].cell('status', 200)}"]
    assert status["type"] == "LIST"
    assert status["formula1"] == "mt_list_status"
    assert recalculated["read"][f"validation:{TASKS_SHEET}!{at['tasks'].cell('progress', 4)}"]["type"] == "DECIMAL"
    # LibreOffice counts one conditional format per range. Tasks: status and health colours, progress bars,
    # days late, the overdue row tint, the Gantt strip and its milestone flags; milestones: result colours and
    # due soon; KPIs: the achievement colour scale; issues: status colours; RACI: the one-R-one-A rule.
    assert recalculated["conditional_formats"] == {"填写说明": 0, INFO: 0, TASKS_SHEET: 8, MILESTONES: 2, KPIS: 1, LOG: 0,
                                                   "问题记录": 1, RACI: 1, "下拉列表": 0, "_mt_meta": 0}


def test_the_workbook_opens_with_every_sheet(recalculated: dict[str, Any]) -> None:
    assert recalculated["sheets"] == ["填写说明", INFO, TASKS_SHEET, MILESTONES, KPIS, LOG, "问题记录", RACI, "下拉列表",
                                      "_mt_meta"]


def test_a_docs_picture_can_be_rendered(tmp_path: Path, libreoffice: LibreOffice, plan_618: Plan) -> None:
    path = write_tracker(plan_618, tmp_path / "618.xlsx")
    pdf = tmp_path / "tasks.pdf"
    table_and_gantt = f"A1:{get_column_letter(headers(path)['tasks'].last)}14"
    libreoffice.run({"input": str(path), "only_sheet": TASKS_SHEET,
                     "print_area": {"sheet": TASKS_SHEET, "range": table_and_gantt},
                     "save": [{"path": str(pdf), "filter": "calc_pdf_Export"}]})
    assert pdf.read_bytes().startswith(b"%PDF")
