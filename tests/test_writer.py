"""The generated workbook, inspected with openpyxl: every validation, format and lock is where it should be."""

from __future__ import annotations

import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from marketing_tracker import Campaign, Person, Plan, PlanError, Task, write_tracker
from marketing_tracker.core.schema import (
    FIRST_DATA_ROW,
    GANTT_LEGEND,
    HEADER_ROW,
    META_SHEET,
    RACI_SHEET,
    STATUSES,
    TASKS,
    sheet_title,
)

from .cells import Header, header, info_cell

TASK_SHEET = {"zh-CN": "执行任务跟踪表", "en": "Tasks"}


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl does not keep the data-bar extension; we only read
        return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, openpyxl.Workbook]:
    from marketing_tracker import load_plan

    from .conftest import PLAN_618

    out = tmp_path_factory.mktemp("books")
    result = {}
    for locale in ("zh-CN", "en"):
        path = write_tracker(load_plan(PLAN_618), out / f"{locale}.xlsx", locale=locale)  # type: ignore[arg-type]
        result[locale] = load(path)
    return result


@pytest.fixture(scope="module")
def book(books: dict[str, openpyxl.Workbook]) -> openpyxl.Workbook:
    return books["zh-CN"]


@pytest.fixture(scope="module")
def tasks(book: openpyxl.Workbook) -> Worksheet:
    return book[TASK_SHEET["zh-CN"]]


@pytest.fixture(scope="module")
def cols(tasks: Worksheet) -> Header:
    """The tasks sheet's columns, found by their header labels."""
    return header(tasks, "tasks")


def data_range(cols: Header, key: str, last: int) -> str:
    """The range of a column's data rows, as a validation or a conditional format covers it."""
    return f"{cols.cell(key, FIRST_DATA_ROW + 1)}:{cols.cell(key, last)}"


def validations(ws: Worksheet) -> dict[str, Any]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def rules(ws: Worksheet) -> list[tuple[str, Any]]:
    return [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]


def last_task_row(book: openpyxl.Workbook) -> int:
    meta = {row[0]: row[1] for row in book[META_SHEET].iter_rows(values_only=True)}
    return FIRST_DATA_ROW + int(meta["task_rows"])


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_sheets_come_in_order_with_the_locale_names(books: dict[str, openpyxl.Workbook], locale: str) -> None:
    keys = ("guide", "info", "tasks", "milestones", "kpis", "kpi_log", "issues", "raci", "lists", "meta")
    assert books[locale].sheetnames == [sheet_title(k, locale) for k in keys]  # type: ignore[arg-type]


def test_the_hidden_meta_sheet_names_template_version_locale_and_campaign(book: openpyxl.Workbook) -> None:
    meta = book[META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert values["template"] == "marketing_tracker"
    assert values["schema_version"] == 1
    assert values["locale"] == "zh-CN"
    assert values["campaign"] == "品牌618周年庆"
    assert (values["start"], values["end"]) == ("2024-05-01", "2024-06-30")
    assert values["planned_tasks"] == 9


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_task_headers_are_the_schema_columns_in_order(books: dict[str, openpyxl.Workbook], locale: str) -> None:
    ws = books[locale][TASK_SHEET[locale]]
    header = [c.value for c in ws[HEADER_ROW + 1]][: len(TASKS.columns)]
    assert header == [c.label.get(locale) for c in TASKS.columns]  # type: ignore[arg-type]


def test_the_domain_columns_come_first_in_the_paper_template_order(tasks: Worksheet) -> None:
    header = [c.value for c in tasks[HEADER_ROW + 1]][:15]
    assert header == ["任务ID", "任务名称", "任务描述", "所属阶段", "负责人", "计划开始时间", "计划结束时间", "实际开始时间",
                      "实际结束时间", "进度(%)", "当前状态", "实际执行情况简述", "风险/问题", "解决措施", "备注"]


def test_planned_tasks_are_prefilled(tasks: Worksheet, cols: Header) -> None:
    row = FIRST_DATA_ROW + 3  # M003, 1-based
    keys = ["task_id", "name", "description", "phase", "owner", "planned_start", "planned_end", "progress", "status",
            "depends_on", "budget_planned"]
    assert [tasks[cols.cell(key, row)].value for key in keys] == [
        "M003", "电商平台活动页搭建", None, "筹备期", "吴技术", datetime(2024, 5, 5), datetime(2024, 5, 12), 0, "未开始",
        "M002", 50000]


def test_at_least_200_spare_rows_carry_formulas_and_validation(book: openpyxl.Workbook, tasks: Worksheet,
                                                              cols: Header) -> None:
    last = last_task_row(book)
    assert last == FIRST_DATA_ROW + 9 + 200  # the 9 tasks, then the sheet's 200 spare rows (1-based: row 212)
    end, actual_end, status, progress = (cols.cell(k, last) for k in ("planned_end", "actual_end", "status", "progress"))
    assert tasks[cols.cell("delay_days", last)].value == (
        f'=IFERROR(IF({end}="","",IF({actual_end}<>"",MAX(0,{actual_end}-{end}),'
        f'IF(OR({status}="已完成",N({progress})>=100),0,MAX(0,mt_asof-{end})))),"")')
    for sqref in validations(tasks):
        assert sqref.endswith(str(last)), sqref


def test_every_input_column_has_exactly_one_validation_over_all_rows(book: openpyxl.Workbook, tasks: Worksheet,
                                                                   cols: Header) -> None:
    last = last_task_row(book)
    found = validations(tasks)
    for column in TASKS.columns:
        letter = cols.letter(column.key)
        if column.computed or column.locked:
            assert not any(s.startswith(letter + str(FIRST_DATA_ROW + 1)) for s in found)
        else:
            assert f"{letter}{FIRST_DATA_ROW + 1}:{letter}{last}" in found, column.key


@pytest.mark.parametrize(
    ("column", "kind", "formula1", "formula2"),
    [
        ("phase", "list", "mt_list_phase", None),
        ("status", "list", "mt_list_status", None),
        ("owner", "list", "mt_list_person", None),
        ("progress", "decimal", "0", "100"),
        ("budget_planned", "decimal", "0", None),
        ("planned_start", "date", "45353", "45533"),  # 2024-03-02 .. 2024-08-29: the campaign +- 60 days
    ],
)
def test_validation_rules(book: openpyxl.Workbook, tasks: Worksheet, cols: Header, column: str, kind: str,
                          formula1: str, formula2: str | None) -> None:
    dv = validations(tasks)[data_range(cols, column, last_task_row(book))]
    assert (dv.type, dv.formula1, dv.formula2) == (kind, formula1, formula2)
    assert dv.showErrorMessage is True


def test_task_ids_must_be_unique(book: openpyxl.Workbook, tasks: Worksheet, cols: Header) -> None:
    last = last_task_row(book)
    dv = validations(tasks)[data_range(cols, "task_id", last)]
    assert dv.type == "custom"
    assert dv.formula1 == f"AND(LEN(A4)<=20,COUNTIF($A$4:$A${last},A4)=1)"


def test_an_end_date_may_not_precede_its_start(book: openpyxl.Workbook, tasks: Worksheet, cols: Header) -> None:
    dv = validations(tasks)[data_range(cols, "planned_end", last_task_row(book))]
    assert dv.type == "custom"
    end, start = cols.cell("planned_end", 4), cols.cell("planned_start", 4)  # G4 and F4
    assert dv.formula1 == f'AND(ISNUMBER({end}),{end}>=DATE(2024,3,2),{end}<=DATE(2024,8,29),OR({start}="",{end}>={start}))'
    assert dv.error == "「计划结束时间」须为 2024-03-02 至 2024-08-29 之间的日期，且不早于「计划开始时间」。"


def test_an_owner_outside_the_list_is_a_warning_not_a_stop(book: openpyxl.Workbook, tasks: Worksheet, cols: Header) -> None:
    dv = validations(tasks)[data_range(cols, "owner", last_task_row(book))]
    assert dv.errorStyle == "warning"
    assert dv.promptTitle == "负责人"
    assert dv.prompt == "从下拉列表选择负责人（须为活动参与人员）"


def test_messages_follow_the_workbook_language(books: dict[str, openpyxl.Workbook]) -> None:
    ws = books["en"]["Tasks"]
    dv = validations(ws)[data_range(header(ws, "tasks"), "progress", last_task_row(books["en"]))]
    assert dv.error == "Progress (%): enter a number from 0 to 100 (60 means 60%)."
    assert dv.errorTitle == "Invalid progress"


def test_dropdown_sources_are_named_ranges_on_the_lists_sheet(book: openpyxl.Workbook) -> None:
    names = book.defined_names
    assert names["mt_list_status"].attr_text == "'下拉列表'!$B$4:$B$8"
    lists = book["下拉列表"]
    assert [lists.cell(r, 2).value for r in range(4, 9)] == STATUSES.labels("zh-CN")
    people = [lists.cell(r, 3).value for r in range(4, 13)]
    assert people[:2] == ["陈经理", "周总监"]
    assert names["mt_asof"].attr_text == "'活动基本信息'!$B$9"


def test_status_cells_take_the_status_colour(book: openpyxl.Workbook, tasks: Worksheet, cols: Header) -> None:
    last = last_task_row(book)
    status_rules = [r for s, r in rules(tasks) if s == data_range(cols, "status", last)]
    by_label = {r.formula[0]: r.dxf.fill.bgColor.rgb for r in status_rules}
    assert by_label == {'"未开始"': "FFE7E6E6", '"进行中"': "FFFFEB9C", '"已完成"': "FFC6EFCE",
                        '"已延期"': "FFFFC7CE", '"阻塞"': "FFFFC7CE"}


def test_overdue_rows_are_tinted_whole(book: openpyxl.Workbook, tasks: Worksheet, cols: Header) -> None:
    last = last_task_row(book)
    # from the first column to the last input column (the computed ones have their own fill)
    whole_row = f"{cols.cell('task_id', FIRST_DATA_ROW + 1)}:{cols.cell('budget_actual', last)}"
    (rule,) = [r for s, r in rules(tasks) if s == whole_row]
    end, status, progress = (f"${cols.letter(key)}4" for key in ("planned_end", "status", "progress"))  # $G4, $K4, $J4
    assert rule.formula == [f'AND(ISNUMBER({end}),{end}<mt_asof,{status}<>"已完成",N({progress})<100)']


def test_progress_bars_are_fixed_to_0_to_100(book: openpyxl.Workbook, tasks: Worksheet, cols: Header) -> None:
    (rule,) = [r for s, r in rules(tasks) if s == data_range(cols, "progress", last_task_row(book))]
    assert rule.type == "dataBar"
    assert [(v.type, v.val) for v in rule.dataBar.cfvo] == [("num", 0), ("num", 100)]


def test_the_gantt_strip_has_a_column_per_day_and_a_rule_per_layer(book: openpyxl.Workbook, tasks: Worksheet) -> None:
    first = len(TASKS.columns) + 2  # one spacer column
    days = [tasks.cell(HEADER_ROW + 1, first + i).value for i in range(61)]
    assert days[0] == datetime(2024, 5, 1)
    assert days[-1] == datetime(2024, 6, 30)
    assert tasks.cell(HEADER_ROW + 1, first + 61).value is None
    days_range = f"{header(tasks, 'tasks').day(date(2024, 5, 1))}4:{header(tasks, 'tasks').day(date(2024, 6, 30))}"
    gantt = [r for s, r in rules(tasks) if s == f"{days_range}{last_task_row(book)}"]
    assert len(gantt) == len(GANTT_LEGEND)
    assert gantt[-1].formula == [f"WEEKDAY({header(tasks, 'tasks').day(date(2024, 5, 1))}$3,2)>5"]
    assert [r.dxf.fill.bgColor.rgb for r in gantt] == ["FF" + c.lstrip("#") for _k, c, _t in GANTT_LEGEND]


def test_milestone_due_days_are_flagged_above_the_gantt(tasks: Worksheet, cols: Header) -> None:
    first_day = cols.day(date(2024, 5, 1))
    assert tasks[f"{first_day}2"].value == f'=IF(COUNTIF(mt_ms_due,{first_day}$3)>0,"◆","")'


def test_a_long_campaign_gets_a_weekly_gantt(tmp_path: Path) -> None:
    plan = Plan(Campaign("Membership year", date(2025, 1, 1), date(2025, 12, 31)), tasks=[])
    ws = load(write_tracker(plan, tmp_path / "year.xlsx"))[TASK_SHEET["zh-CN"]]
    first = len(TASKS.columns) + 2
    assert ws.cell(HEADER_ROW + 1, first).value == datetime(2024, 12, 30)  # the Monday before the start
    assert ws.cell(HEADER_ROW + 1, first + 1).value == datetime(2025, 1, 6)
    assert "COUNTIFS(mt_ms_due" in ws.cell(HEADER_ROW - 1 + 1, first).value


def test_headers_and_formulas_are_locked_inputs_are_not(tasks: Worksheet, cols: Header) -> None:
    assert tasks.protection.sheet is True
    assert tasks.protection.password is None
    assert tasks.protection.sort is False and tasks.protection.autoFilter is False  # False = not forbidden
    assert tasks[cols.cell("task_id", HEADER_ROW + 1)].protection.locked is True
    assert tasks[cols.cell("delay_days", FIRST_DATA_ROW + 1)].protection.locked is True
    assert tasks[cols.cell("task_id", FIRST_DATA_ROW + 1)].protection.locked is False
    assert tasks[cols.cell("progress", FIRST_DATA_ROW + 1)].protection.locked is False


def test_spare_row_inputs_are_unlocked_through_the_column_format(tasks: Worksheet, cols: Header) -> None:
    for key in ("task_id", "planned_start", "progress", "status"):
        assert tasks.column_dimensions[cols.letter(key)].protection.locked is False, key
    assert tasks.column_dimensions[cols.letter("planned_start")].number_format == "yyyy-mm-dd"
    assert tasks.column_dimensions[cols.letter("delay_days")].protection.locked is True


def test_a_password_can_protect_the_sheets(tmp_path: Path, plan_618: Plan) -> None:
    ws = load(write_tracker(plan_618, tmp_path / "p.xlsx", password="s3cret"))[TASK_SHEET["zh-CN"]]
    assert ws.protection.password == "DBFF"  # Excel's legacy sheet-protection hash of "s3cret"


def test_headers_and_the_id_columns_are_frozen_and_print_in_landscape(tasks: Worksheet, cols: Header) -> None:
    assert tasks.freeze_panes == cols.cell("description", FIRST_DATA_ROW + 1)  # ID and name stay in view
    assert tasks.page_setup.orientation == "landscape"  # the rest of printing: tests/test_printing.py


def test_milestones_show_their_result_and_a_due_soon_flag(book: openpyxl.Workbook) -> None:
    ws = book["里程碑"]
    assert [c.value for c in ws[FIRST_DATA_ROW + 1]][:7] == ["MS01", "所有物料设计定稿", "筹备期", datetime(2024, 5, 20),
                                                             "林设计", None, "影响预热期宣传"]
    milestones = header(ws, "milestones")
    result = ws[milestones.cell("result", FIRST_DATA_ROW + 1)].value
    assert result.startswith(f"=IFERROR(IF({milestones.cell('due', FIRST_DATA_ROW + 1)}=")


def test_kpi_targets_and_achievement_colour_scale(book: openpyxl.Workbook) -> None:
    ws = book["关键指标"]
    assert [c.value for c in ws[FIRST_DATA_ROW + 1]][:6] == ["gmv", "销售额", "万元", 500, "越高越好", "累计"]
    assert ws[header(ws, "kpis").cell("aggregate", FIRST_DATA_ROW + 4)].value == "取最新"  # 直播转化率
    scale = [r for _s, r in rules(ws) if r.type == "colorScale"]
    assert len(scale) == 1
    assert [(v.type, v.val) for v in scale[0].colorScale.cfvo] == [("num", 0), ("num", 0.8), ("num", 1)]


def test_raci_rows_carry_the_plan_roles(book: openpyxl.Workbook) -> None:
    ws = book["责任矩阵"]
    header = [c.value for c in ws[HEADER_ROW + 1]]
    assert header[:2] == [c.label.zh for c in RACI_SHEET.columns]
    row = dict(zip(header, [c.value for c in ws[FIRST_DATA_ROW + 1]], strict=True))
    assert row["任务ID"] == "M001"
    assert (row["陈经理"], row["周总监"], row["林设计"], row["孙运营"]) == ("R", "A", "C", "I")
    e001 = dict(zip(header, [c.value for c in ws[FIRST_DATA_ROW + 7]], strict=True))
    assert e001["周总监"] == "R/A"  # owner and accountable at once


def test_the_info_sheet_holds_the_campaign_and_its_status_date(book: openpyxl.Workbook) -> None:
    ws = book["活动基本信息"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, 12)}
    assert values["活动名称"] == "品牌618周年庆"
    assert values["活动开始日期"] == datetime(2024, 5, 1)
    assert values["数据截止日"] is None
    status_date = info_cell(ws, "as_of_input")
    iso = ("SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE("
           f'TRIM({status_date}),"/","-"),".","-"),"年","-"),"月","-"),"日","")')
    assert values["当前计算日期"] == (f'=IF({status_date}="",TODAY(),IF(ISNUMBER({status_date}),{status_date},'
                                   f'IFERROR(DATEVALUE({iso}),TODAY())))')
    assert ws[status_date].protection.locked is False


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    plan = Plan(Campaign("=HYPERLINK(\"http://x\")", date(2025, 3, 1), date(2025, 3, 31)),
                people=[Person("+Ann")],
                tasks=[Task("M001", "=1+1", "prep", owner="+Ann", description="@SUM(A1)")])
    ws = load(write_tracker(plan, tmp_path / "inject.xlsx"))[TASK_SHEET["zh-CN"]]
    cols = header(ws, "tasks")
    name, description, owner = (ws[cols.cell(key, FIRST_DATA_ROW + 1)] for key in ("name", "description", "owner"))
    assert name.data_type == "s" and name.value == "=1+1"
    assert (description.data_type, description.value) == ("s", "@SUM(A1)")
    assert (owner.data_type, owner.value) == ("s", "+Ann")


def test_a_hand_built_plan_with_problems_is_refused_before_writing(tmp_path: Path) -> None:
    plan = Plan(Campaign("x", date(2025, 3, 1), date(2025, 3, 31)), tasks=[Task("M001", "a", "nowhere")])
    with pytest.raises(PlanError):
        write_tracker(plan, tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_spare_rows_can_be_chosen(tmp_path: Path, plan_618: Plan) -> None:
    book = load(write_tracker(plan_618, tmp_path / "x.xlsx", spare_rows=500))
    assert last_task_row(book) == FIRST_DATA_ROW + 9 + 500


def test_raci_rows_without_one_r_and_one_a_turn_their_task_id_red(book: openpyxl.Workbook) -> None:
    ws = book["责任矩阵"]
    (rule,) = [r for s, r in rules(ws) if s.startswith("A4:A")]
    assert rule.formula == ['AND($A4<>"",OR(COUNTIF($C4:$K4,"R")+COUNTIF($C4:$K4,"R/A")<>1,'
                            'COUNTIF($C4:$K4,"A")+COUNTIF($C4:$K4,"R/A")<>1))']
    assert rule.dxf.fill.bgColor.rgb == "FFFFC7CE"
