"""Merging teams' copies of one tracker into one."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from marketing_tracker import Plan, load_plan, read_tracker, write_tracker
from marketing_tracker.loop.merge import MergeRefused, merge_trackers, write_merged

from .cells import header, headers
from .conftest import DATA, PLAN_618, PLAN_SPRING, run_cli


def base_rows(plan: Plan) -> list[dict[str, Any]]:
    return [{"task_id": t.id, "name": t.name, "phase": t.phase, "owner": t.owner, "planned_start": t.start,
             "planned_end": t.end, "progress": 0, "status": "not_started", "depends_on": t.depends_on,
             "budget_planned": t.budget} for t in plan.tasks]


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    plan = load_plan(PLAN_618)
    market, media = base_rows(plan), base_rows(plan)
    market[0].update(actual_start=date(2024, 5, 1), actual_end=date(2024, 5, 5), progress=100, status="done")
    media[5].update(actual_start=date(2024, 5, 22), progress=40, status="in_progress", risk="物流延误")
    log = [{"date": date(2024, 5, 22), "kpi": "销售额", "value": 88}]
    a = write_tracker(plan, tmp_path / "market.xlsx", records={"tasks": market})
    b = write_tracker(plan, tmp_path / "media.xlsx", records={"tasks": media, "kpi_log": log})
    return a, b


def tasks_of(path: Path) -> dict[str, dict[str, Any]]:
    return {r.values["task_id"]: r.values for r in read_tracker(path).tables["tasks"].records}


def test_each_teams_rows_end_up_in_one_tracker(tmp_path: Path, copies: tuple[Path, Path]) -> None:
    merged = merge_trackers(list(copies))
    out = write_merged(merged, tmp_path / "merged.xlsx")
    assert merged.findings == []
    tasks = tasks_of(out)
    assert tasks["M001"]["status"] == "done" and tasks["M001"]["actual_end"] == date(2024, 5, 5)
    assert tasks["P002"]["progress"] == 40 and tasks["P002"]["risk"] == "物流延误"
    assert tasks["E001"]["status"] == "not_started"
    log = read_tracker(out).tables["kpi_log"].records
    assert [(r.values["kpi"], r.values["value"]) for r in log] == [("销售额", 88)]


def test_the_merged_tracker_is_a_fresh_one_with_its_dropdowns(tmp_path: Path, copies: tuple[Path, Path]) -> None:
    out = write_merged(merge_trackers(list(copies)), tmp_path / "merged.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(out)["执行任务跟踪表"]
    status = header(ws, "tasks")
    lists = [(str(dv.sqref), dv.formula1) for dv in ws.data_validations.dataValidation if dv.formula1 == "mt_list_status"]
    # the status column, over the 9 tasks and the 200 spare rows after them
    assert lists == [(f"{status.cell('status', 4)}:{status.cell('status', 4 + 9 + 200 - 1)}", "mt_list_status")]
    assert ws.protection.sheet is True


def test_a_field_filled_differently_is_a_conflict_naming_both_files(tmp_path: Path, copies: tuple[Path, Path]) -> None:
    plan = load_plan(PLAN_618)
    rows = base_rows(plan)
    rows[0].update(progress=80, status="in_progress")
    third = write_tracker(plan, tmp_path / "design.xlsx", records={"tasks": rows})
    merged = merge_trackers([copies[0], third])
    tasks = headers(third)["tasks"]  # both copies have the generated layout; M001 is on row 4
    assert {(f.code, f.cell, f.column) for f in merged.findings} == {
        ("merge-conflict", tasks.cell("progress", 4), "progress"), ("merge-conflict", tasks.cell("status", 4), "status")}
    progress = next(f for f in merged.findings if f.column == "progress")
    cell = tasks.cell("progress", 4)
    assert progress.message("en") == (f"Progress (%) differs between copies: market.xlsx!执行任务跟踪表!{cell} has 100, "
                                      f"design.xlsx!执行任务跟踪表!{cell} has 80; the first was kept")
    assert merged.records["tasks"][0]["progress"] == 100


def test_prefilled_defaults_are_not_conflicts(copies: tuple[Path, Path]) -> None:
    assert merge_trackers([copies[1], copies[0]]).findings == []


def test_copies_in_different_languages_merge(tmp_path: Path, copies: tuple[Path, Path]) -> None:
    plan = load_plan(PLAN_618)
    rows = base_rows(plan)
    rows[8].update(progress=10, status="in_progress")
    english = write_tracker(plan, tmp_path / "en.xlsx", locale="en", records={"tasks": rows})
    merged = merge_trackers([copies[0], english])
    assert merged.findings == []
    assert merged.records["tasks"][8]["status"] == "in_progress"


def test_a_libreoffice_copy_with_moved_columns_merges_by_id(tmp_path: Path, copies: tuple[Path, Path]) -> None:
    merged = merge_trackers([DATA / "filled" / "libreoffice_filled.xlsx"])
    out = write_merged(merged, tmp_path / "merged.xlsx")
    tasks = tasks_of(out)
    assert tasks["M003"]["progress"] == pytest.approx(60)
    assert tasks["P003"]["name"] == "新增-紧急 直播预告"


def test_another_campaign_is_refused_with_the_reason(tmp_path: Path, copies: tuple[Path, Path]) -> None:
    other = write_tracker(load_plan(PLAN_SPRING), tmp_path / "spring.xlsx")
    with pytest.raises(MergeRefused, match="belongs to campaign 'Spring Sneaker Launch'"):
        merge_trackers([copies[0], other])


def test_another_template_version_is_refused(tmp_path: Path, copies: tuple[Path, Path]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(copies[1])
    meta = book["_mt_meta"]
    for row in meta.iter_rows():
        if row[0].value == "schema_version":
            row[1].value = 0
    old = tmp_path / "old.xlsx"
    book.save(old)
    with pytest.raises(MergeRefused, match="template version 0"):
        merge_trackers([copies[0], old])


def test_the_command_reports_conflicts_and_refusals(tmp_path: Path, copies: tuple[Path, Path]) -> None:
    out = tmp_path / "merged.xlsx"
    done = run_cli("merge", *map(str, copies), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"merged 2 files into {out}: 9 tasks, 0 conflicts\n"
    other = write_tracker(load_plan(PLAN_SPRING), tmp_path / "spring.xlsx")
    refused = run_cli("merge", str(copies[0]), str(other), "-o", str(tmp_path / "x.xlsx"))
    assert refused.returncode == 2
    assert refused.stderr == (f"marketing-tracker: error: {other}: belongs to campaign 'Spring Sneaker Launch' "
                              "(2025-03-01..2025-04-15), not to '品牌618周年庆' (2024-05-01..2024-06-30)\n")
    assert not (tmp_path / "x.xlsx").exists()
    over = run_cli("merge", *map(str, copies), "-o", str(copies[0]))
    assert over.returncode == 2
    assert over.stderr == (f"marketing-tracker: error: {copies[0]}: the output would overwrite an input file; "
                           "choose another name\n")
