"""update: a filled tracker carried over to a changed plan, nothing filled lost, the first plan as baseline."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from marketing_tracker import load_plan, read_tracker, write_tracker
from marketing_tracker.loop.update import PLAN_FIELDS, update_tracker
from marketing_tracker.reports.recap import recap

from .conftest import DATA, PLAN_618, run_cli
from .copies import Edits, fill

PLAN_V2 = DATA / "618-v2.zh-CN.yaml"
TEAM = {"M001": {"progress": 100, "status": "已完成", "actual_start": datetime(2024, 5, 1),
                 "actual_end": datetime(2024, 5, 5), "summary": "方案已签字"},
        "P002": {"progress": 30, "status": "进行中", "risk": "样品延迟(物流)"},
        "E002": {"notes": "主播已确认", "budget_actual": 20000}}


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    issued = write_tracker(load_plan(PLAN_618), tmp_path / "618.xlsx")
    log = {"date": datetime(2024, 5, 21), "kpi": "销售额", "channel": "天猫", "value": 12.5}
    issue = {"issue_id": "Q001", "raised": datetime(2024, 5, 22), "description": "样品未到", "task_id": "P002",
             "owner": "钱媒介", "status": "处理中"}
    return fill(issued, tmp_path / "618-filled.xlsx", {
        "tasks": Edits(TEAM, insert=(3, "优先级", {"M001": "高", "E002": "中"})),
        "kpi_log": Edits(add=[log]), "issues": Edits(add=[issue])})


def tasks_of(path: Path) -> dict[str, dict[str, Any]]:
    return {r.values["task_id"]: r.values for r in read_tracker(path).tables["tasks"].records}


def team_values(values: dict[str, Any]) -> dict[str, Any]:
    planned = {*PLAN_FIELDS["tasks"], "task_id", "baseline_start", "baseline_end"}
    return {k: v for k, v in values.items() if k not in planned}


def test_every_value_the_team_filled_is_kept_task_by_task(tmp_path: Path, filled: Path) -> None:
    out = update_tracker(filled, PLAN_V2, tmp_path / "next.xlsx").path
    before, after = tasks_of(filled), tasks_of(out)
    for task_id in before.keys() - {"C001"}:
        assert team_values(after[task_id]) == team_values(before[task_id]), task_id
    for key in ("kpi_log", "issues"):
        assert [r.values for r in read_tracker(out).tables[key].records] == \
            [r.values for r in read_tracker(filled).tables[key].records], key


def test_the_change_list_says_what_was_added_removed_and_moved(tmp_path: Path, filled: Path) -> None:
    result = update_tracker(filled, PLAN_V2, tmp_path / "next.xlsx").to_dict()
    assert (result["added"], result["removed"]) == (["E003"], ["C001"])
    assert result["moved"] == [
        {"id": "M003", "field": "planned_end", "from": "2024-05-12", "to": "2024-05-14"},
        {"id": "E002", "field": "planned_start", "from": "2024-06-10", "to": "2024-06-12"},
        {"id": "E002", "field": "planned_end", "from": "2024-06-10", "to": "2024-06-12"}]
    assert result["conflicts"] == [{"id": "P002", "reason": "not in the new plan, but it holds filled values: kept"}]
    # M001: 5 values and its 优先级, P002: 3, E002: 2 and its 优先级, the KPI-log row's 4 and the issue's 6 cells
    assert result["kept_values"] == 6 + 3 + 3 + 4 + 6


def test_a_dropped_task_with_filled_values_is_kept_and_one_without_is_removed(tmp_path: Path, filled: Path) -> None:
    tasks = tasks_of(update_tracker(filled, PLAN_V2, tmp_path / "next.xlsx").path)
    assert (tasks["P002"]["progress"], "C001" in tasks, tasks["E003"]["name"]) == (30, False, "加急：直播返场")


def test_the_first_plans_dates_stay_as_the_baseline(tmp_path: Path, filled: Path) -> None:
    first = update_tracker(filled, PLAN_V2, tmp_path / "next.xlsx").path
    again = update_tracker(first, PLAN_V2, tmp_path / "again.xlsx").path
    for path in (first, again):
        m003 = tasks_of(path)["M003"]
        assert (m003["baseline_end"], m003["planned_end"]) == (date(2024, 5, 12), date(2024, 5, 14))
    e003 = tasks_of(again)["E003"]
    assert (e003["baseline_start"], e003["baseline_end"]) == (date(2024, 6, 14), date(2024, 6, 15))


def test_the_recap_shows_the_plan_slippage_by_phase(tmp_path: Path, filled: Path) -> None:
    out = update_tracker(filled, PLAN_V2, tmp_path / "next.xlsx").path
    baseline = recap(read_tracker(out), as_of=date(2024, 6, 30)).to_dict()["baseline"]
    assert (baseline["replanned"], baseline["days_moved"]) == (2, 4)
    assert [(p["phase"], p["replanned"], p["days_moved"]) for p in baseline["by_phase"]] == [
        ("prep", 1, 2), ("warmup", 0, 0), ("execution", 1, 2)]
    assert [(m["id"], m["end_days"]) for m in baseline["moved"]] == [("M003", 2), ("E002", 2)]


def test_a_planned_value_the_team_changed_stays_unless_the_plan_changed_it_too(tmp_path: Path, filled: Path) -> None:
    edited = fill(filled, tmp_path / "edited.xlsx", {"tasks": Edits({
        "M004": {"planned_end": datetime(2024, 5, 7)}, "E002": {"planned_end": datetime(2024, 6, 11)}})})
    result = update_tracker(edited, PLAN_V2, tmp_path / "next.xlsx")
    tasks = tasks_of(result.path)
    assert (tasks["M004"]["planned_end"], tasks["E002"]["planned_end"]) == (date(2024, 5, 7), date(2024, 6, 12))
    assert result.conflicts[0] == {"id": "E002", "reason": "Planned end: the tracker had 2024-06-11, the new plan "
                                                           "says 2024-06-12; the plan's value was taken"}


def test_the_inserted_column_is_kept_in_the_new_tracker(tmp_path: Path, filled: Path) -> None:
    out = update_tracker(filled, PLAN_V2, tmp_path / "next.xlsx").path
    table = read_tracker(out).tables["tasks"]
    assert {r.values["task_id"]: r.values["extra:优先级"] for r in table.records if "extra:优先级" in r.values} == {
        "M001": "高", "E002": "中"}


def test_the_command_prints_json_as_design_md_says(tmp_path: Path, filled: Path) -> None:
    done = run_cli("update", str(filled), str(PLAN_V2), "-o", str(tmp_path / "next.xlsx"), "--format", "json")
    assert done.returncode == 1, done.stderr  # a conflict: P002 is kept although the plan drops it
    result = json.loads(done.stdout)
    assert set(result) >= {"added", "removed", "moved", "kept_values", "conflicts"}
    assert result["added"] == ["E003"]


def test_the_command_prints_the_change_list(tmp_path: Path, filled: Path) -> None:
    out = tmp_path / "next.xlsx"
    done = run_cli("update", str(filled), str(PLAN_V2), "-o", str(out))
    assert done.stdout.splitlines()[:3] == [
        f"updated {filled} to {PLAN_V2}: wrote {out}: 1 added, 1 removed, 3 moved, 22 values kept, 1 conflicts",
        "  added     E003", "  removed   C001"]


def test_a_plan_of_another_campaign_is_refused_and_nothing_is_written(tmp_path: Path, filled: Path) -> None:
    out = tmp_path / "next.xlsx"
    done = run_cli("update", str(filled), str(DATA / "spring-launch.en.yaml"), "-o", str(out))
    assert done.returncode == 2
    assert done.stderr == (f"marketing-tracker: error: the plan is for campaign 'Spring Sneaker Launch' but {filled} "
                           "tracks '品牌618周年庆'; nothing was written\n")
    assert not out.exists()


def test_the_baseline_is_filled_when_first_generated_and_protected(tmp_path: Path) -> None:
    import warnings

    import openpyxl

    from marketing_tracker.core.schema import HEADER_ROW, TASKS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(write_tracker(load_plan(PLAN_618), tmp_path / "t.xlsx"))["执行任务跟踪表"]
    headers = {c.value: c.column for c in ws[HEADER_ROW + 1]}
    start, planned = headers[TASKS.column("baseline_start").label.zh], headers[TASKS.column("planned_start").label.zh]
    first = load_plan(PLAN_618).tasks[0]
    assert ws.cell(HEADER_ROW + 2, start).value == datetime.combine(first.start, datetime.min.time())
    assert (ws.cell(HEADER_ROW + 2, start).protection.locked, ws.cell(HEADER_ROW + 2, planned).protection.locked) == (
        True, False)
    assert ws.protection.sheet is True


def test_a_planned_date_unlike_its_baseline_is_shaded(tmp_path: Path) -> None:
    import warnings

    import openpyxl
    from openpyxl.utils import get_column_letter

    from marketing_tracker.core.schema import REPLANNED_FILL, TASKS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(write_tracker(load_plan(PLAN_618), tmp_path / "t.xlsx"))["执行任务跟踪表"]
    letter = {c.key: get_column_letter(i + 1) for i, c in enumerate(TASKS.columns)}
    rules = [(str(cf.sqref), r) for cf in ws.conditional_formatting for r in cf.rules
             if r.dxf is not None and r.dxf.fill is not None and r.dxf.fill.bgColor.rgb == "FF" + REPLANNED_FILL[1:]]
    ((where, rule),) = rules
    assert where.startswith(f"{letter['planned_start']}4:{letter['planned_end']}")
    assert rule.formula == [f"AND(ISNUMBER(${letter['baseline_end']}4),OR(${letter['planned_start']}4<>"
                            f"${letter['baseline_start']}4,${letter['planned_end']}4<>${letter['baseline_end']}4))"]


def test_the_recap_workbook_and_page_list_the_re_planned_tasks(tmp_path: Path, filled: Path) -> None:
    import html as html_lib
    import re

    import openpyxl

    from marketing_tracker.reports.run import run_recap

    out = update_tracker(filled, PLAN_V2, tmp_path / "next.xlsx").path
    run_recap([out], xlsx=tmp_path / "recap.xlsx", html=tmp_path / "recap.html", as_of=date(2024, 6, 30))
    ws = openpyxl.load_workbook(tmp_path / "recap.xlsx")["延期分析"]
    rows = [tuple(c for c in row if c is not None) for row in ws.iter_rows(values_only=True)]
    assert ("M003", "电商平台活动页搭建", datetime(2024, 5, 12), datetime(2024, 5, 14), 2) in rows
    page = html_lib.unescape((tmp_path / "recap.html").read_text(encoding="utf-8"))
    part = page[page.index('<h3 id="baseline">'):]
    part = part[:part.index("</table>")]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", part)[:5] == ["M003", "电商平台活动页搭建", "2024-05-12", "2024-05-14", "2"]
