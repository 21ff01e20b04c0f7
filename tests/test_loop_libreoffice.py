"""The tracker travels through a real LibreOffice: what it was issued with survives, copies merge and re-plan.

Copies are typed into with ``setFormula`` (as a person types) and saved as .xlsx, .ods and .xls.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils.cell import get_column_letter

from marketing_tracker import load_plan, read_tracker, write_tracker
from marketing_tracker.core.issued import decode
from marketing_tracker.core.schema import TASKS, sheet_title
from marketing_tracker.loop.merge import Merged, merge_trackers, write_merged
from marketing_tracker.loop.split import split_tracker
from marketing_tracker.loop.update import PLAN_FIELDS, update_tracker

from .cells import headers
from .conftest import DATA, PLAN_618, LibreOffice

FILTERS = {".xlsx": "Calc MS Excel 2007 XML", ".ods": "calc8", ".xls": "MS Excel 97"}
TASKS_SHEET = TASKS.title.zh


INSERTED = "优先级"  # the header of the column the market team inserts at C


@pytest.mark.parametrize("suffix", sorted(FILTERS))
def test_a_copy_edited_in_libreoffice_keeps_what_it_was_issued_with(tmp_path: Path, libreoffice: LibreOffice,
                                                                   suffix: str) -> None:
    issued = write_tracker(load_plan(PLAN_618), tmp_path / "618.xlsx")
    tasks = headers(issued)["tasks"]
    saved = tmp_path / f"edited{suffix}"
    libreoffice.run({"input": str(issued), "unprotect": [TASKS_SHEET],
                     "type": [{"sheet": TASKS_SHEET, "cell": tasks.cell("progress", 4), "value": "60"},
                              {"sheet": TASKS_SHEET, "cell": tasks.cell("risk", 4), "value": "物料延误(供应商)"}],
                     "save": [{"path": str(saved), "filter": FILTERS[suffix]}]})
    edited = read_tracker(saved)
    assert edited.tables["tasks"].records[0].values["progress"] == 60
    assert decode(edited.meta) == decode(read_tracker(issued).meta)


# --------------------------------------------------------------------------- the whole loop, in a real office


def inserted_cell(copy: Path, row: int) -> str:
    """The cell of the inserted column on ``row``, found by its header."""
    return f"{get_column_letter(headers(copy)['tasks'].numbers[INSERTED])}{row}"


def cell(copy: Path, key: str, task_id: str) -> str:
    """The cell of a task's column in a copy, found by the task's ID and the column's header label."""
    table = read_tracker(copy).tables["tasks"]
    row = next(r.row for r in table.records if r.values.get("task_id") == task_id)
    return table.cell(key, row)


def logged(copy: Path, value: str) -> list[dict[str, str]]:
    """A KPI-log row typed into a copy's first log row: 2024-05-21, 销售额 on 天猫, ``value``."""
    log = headers(copy)["kpi_log"]
    return [{"sheet": log_sheet(), "cell": log.cell(key, 4), "value": typed} for key, typed in (
        ("date", "2024-05-21"), ("kpi", "销售额"), ("channel", "天猫"), ("value", value))]


def log_sheet() -> str:
    return sheet_title("kpi_log", "zh-CN")


def team_values(values: dict[str, Any]) -> dict[str, Any]:
    planned = {*PLAN_FIELDS["tasks"], "task_id", "baseline_start", "baseline_end"}
    return {k: v for k, v in values.items() if k not in planned}


def by_id(path: Path | Merged, table: str = "tasks") -> dict[str, dict[str, Any]]:
    tracker = path.tracker() if isinstance(path, Merged) else read_tracker(path)
    return {r.values["task_id"]: r.values for r in tracker.tables[table].records}


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory, libreoffice: LibreOffice) -> dict[str, Any]:
    """Split by department, three departments fill their copies in LibreOffice, merge, update to the second plan."""
    folder = tmp_path_factory.mktemp("loop")
    issued = write_tracker(load_plan(PLAN_618), folder / "618.xlsx")
    copies = {part.group: part.path for part in split_tracker(issued, by="department", folder=folder / "out")}
    market, media, live = copies["市场部"], copies["媒介部"], copies["直播部"]
    market_row = 4 + len(read_tracker(market).tables["tasks"].records)  # the first spare row: an urgent task
    typed_market = [
        {"sheet": TASKS_SHEET, "cell": cell(market, "actual_start", "M001"), "value": "2024-05-01"},
        {"sheet": TASKS_SHEET, "cell": cell(market, "actual_end", "M001"), "value": "2024-05-05"},
        {"sheet": TASKS_SHEET, "cell": cell(market, "progress", "M001"), "value": "100"},
        {"sheet": TASKS_SHEET, "cell": cell(market, "status", "M001"), "value": "已完成"},
        {"sheet": TASKS_SHEET, "cell": cell(market, "progress", "E001"), "value": "20"},
        {"sheet": TASKS_SHEET, "cell": cell(market, "status", "E001"), "value": "进行中"},
        {"sheet": TASKS_SHEET, "cell": cell(market, "budget_actual", "E001"), "value": "1500"},
        *({"sheet": TASKS_SHEET, "cell": headers(market)["tasks"].cell(k, market_row), "value": v} for k, v in (
            ("task_id", "M005"), ("name", "加急：门店物料补印"), ("phase", "筹备期"), ("owner", "陈经理"),
            ("planned_start", "2024-05-06"), ("planned_end", "2024-05-09"), ("progress", "50"), ("status", "进行中"))),
        *logged(market, "10")]
    libreoffice.run({"input": str(market), "unprotect": [TASKS_SHEET, log_sheet()], "type": typed_market,
                     "insert_columns": [{"sheet": TASKS_SHEET, "index": 2, "header": INSERTED, "header_row": 3}],
                     "save": [{"path": str(folder / "market.xlsx"), "filter": FILTERS[".xlsx"]}]})
    libreoffice.run({"input": str(folder / "market.xlsx"), "unprotect": [TASKS_SHEET],
                     "type": [{"sheet": TASKS_SHEET, "cell": inserted_cell(folder / "market.xlsx", 4), "value": "高"}],
                     "save": [{"path": str(folder / "market.xlsx"), "filter": FILTERS[".xlsx"]}]})
    p002 = next(r.row for r in read_tracker(media).tables["tasks"].records if r.values["task_id"] == "P002")
    libreoffice.run({"input": str(media), "unprotect": [TASKS_SHEET],
                     "delete_rows": [{"sheet": TASKS_SHEET, "row": p002}],
                     "save": [{"path": str(folder / "media.ods"), "filter": FILTERS[".ods"]}]})
    libreoffice.run({"input": str(live), "unprotect": [TASKS_SHEET, log_sheet()], "type": [
        {"sheet": TASKS_SHEET, "cell": cell(live, "progress", "E002"), "value": "40"},
        {"sheet": TASKS_SHEET, "cell": cell(live, "status", "E002"), "value": "进行中"},
        {"sheet": TASKS_SHEET, "cell": cell(live, "notes", "E002"), "value": "主播档期已确认(6/10)"},
        *logged(live, "12")],
        "save": [{"path": str(folder / "live.xls"), "filter": FILTERS[".xls"]}]})
    returned = [folder / "market.xlsx", folder / "media.ods", folder / "live.xls",
                *(path for group, path in copies.items() if group not in ("市场部", "媒介部", "直播部"))]
    merged = merge_trackers(returned)
    written = write_merged(merged, folder / "merged.xlsx")
    updated = update_tracker(written, DATA / "618-v2.zh-CN.yaml", folder / "next.xlsx")
    return {"issued": issued, "returned": returned, "merged": merged, "written": written, "updated": updated}


def test_the_copies_conflict_where_both_logged_the_same_day_differently(loop: dict[str, Any]) -> None:
    conflicts = [(Path(f.params["file"]).name, f.sheet, f.cell, f.value) for f in loop["merged"].conflicts]
    value = headers(loop["issued"])["kpi_log"].cell("value", 4)
    assert conflicts == [("market.xlsx", "指标日报", value, 10), ("live.xls", "指标日报", value, 12)]


def test_the_task_deleted_in_the_ods_copy_is_deleted_and_said(loop: dict[str, Any]) -> None:
    assert [(d.table, d.id, Path(d.path).name) for d in loop["merged"].deleted] == [("tasks", "P002", "media.ods")]
    assert "P002" not in by_id(loop["written"])


def test_the_merged_tracker_holds_every_task_once_in_the_first_order_and_the_added_one(loop: dict[str, Any]) -> None:
    planned = [t.id for t in load_plan(PLAN_618).tasks if t.id != "P002"]
    assert list(by_id(loop["written"])) == [*planned, "M005"]


def test_what_the_teams_typed_in_libreoffice_is_in_the_merged_tracker(loop: dict[str, Any]) -> None:
    tasks = by_id(loop["written"])
    assert team_values(tasks["M001"]) == {"actual_start": date(2024, 5, 1), "actual_end": date(2024, 5, 5),
                                          "progress": 100, "status": "done", "extra:优先级": "高"}
    assert team_values(tasks["E001"]) == {"progress": 20, "status": "in_progress", "budget_actual": 1500}
    assert team_values(tasks["E002"]) == {"progress": 40, "status": "in_progress", "notes": "主播档期已确认(6/10)"}
    assert (tasks["M005"]["name"], tasks["M005"]["planned_end"], tasks["M005"]["progress"]) == (
        "加急：门店物料补印", date(2024, 5, 9), 50)
    assert [(r["kpi"], r["value"]) for r in by_id_log(loop["written"])] == [("销售额", 10)]


def by_id_log(path: Path) -> list[dict[str, Any]]:
    return [r.values for r in read_tracker(path).tables["kpi_log"].records]


def test_the_merge_in_memory_is_the_merged_workbook_read_back(loop: dict[str, Any]) -> None:
    assert by_id(loop["merged"]) == by_id(loop["written"])


def test_nothing_filled_is_lost_through_merge_and_update_cell_by_cell(loop: dict[str, Any]) -> None:
    merged, after = by_id(loop["written"]), by_id(loop["updated"].path)
    dropped = set(loop["updated"].removed)
    assert dropped == {"C001"}  # planned, cancelled by the new plan, never filled
    for task_id, values in merged.items():
        if task_id not in dropped:
            assert team_values(after[task_id]) == team_values(values), task_id
    for key in ("kpi_log", "issues"):
        assert [r.values for r in read_tracker(loop["updated"].path).tables[key].records] == \
            [r.values for r in read_tracker(loop["written"]).tables[key].records]


def test_the_updated_tracker_keeps_the_first_plan_as_baseline(loop: dict[str, Any]) -> None:
    e002 = by_id(loop["updated"].path)["E002"]
    assert (e002["baseline_end"], e002["planned_end"]) == (date(2024, 6, 10), date(2024, 6, 12))
    # M005, added by a team, was issued with the merged tracker; the new plan lacks it, it holds values: kept
    assert loop["updated"].conflicts == [{"id": "M005", "reason": "not in the new plan, but it holds filled values: kept"}]
