"""The demo: the sample 618 campaign through every step the library has.

It writes into a folder (never elsewhere) and returns what it wrote, so the CLI can say
where things are and tests can check them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from marketing_tracker.core.fileio import atomic_output
from marketing_tracker.core.plan import Plan, load_plan
from marketing_tracker.core.resources import render, sample_plan
from marketing_tracker.core.schema import LOCALES, TASKS
from marketing_tracker.workbook.writer import write_tracker

#: The 618 sample as its paper template shows it at the end of the campaign (2024-06-30):
#: M003 a day late for server debugging, P002 a day late for logistics, the data recap
#: still open, live-stream traffic below target but conversion above it.
SAMPLE_AS_OF = date(2024, 6, 30)
SAMPLE_ACTUALS: dict[str, dict[str, Any]] = {
    "M001": {"actual_start": date(2024, 5, 1), "actual_end": date(2024, 5, 5), "progress": 100, "status": "done",
             "summary": "方案已签批", "budget_actual": 0},
    "M002": {"actual_start": date(2024, 5, 3), "actual_end": date(2024, 5, 8), "progress": 100, "status": "done",
             "budget_actual": 20000},
    "M003": {"actual_start": date(2024, 5, 5), "actual_end": date(2024, 5, 13), "progress": 100, "status": "done",
             "risk": "延期1天(服务器调试)", "resolution": "加派后端支持", "notes": "已通过测试", "budget_actual": 52000},
    "M004": {"actual_start": date(2024, 5, 2), "actual_end": date(2024, 5, 6), "progress": 100, "status": "done"},
    "P001": {"actual_start": date(2024, 5, 21), "actual_end": date(2024, 5, 25), "progress": 100, "status": "done",
             "budget_actual": 30000},
    "P002": {"actual_start": date(2024, 5, 22), "actual_end": date(2024, 5, 27), "progress": 100, "status": "done",
             "risk": "延期1天(物流延误)", "resolution": "改用加急快递", "budget_actual": 85000},
    "E001": {"actual_start": date(2024, 6, 1), "actual_end": date(2024, 6, 1), "progress": 100, "status": "done"},
    "E002": {"actual_start": date(2024, 6, 10), "actual_end": date(2024, 6, 10), "progress": 100, "status": "done",
             "summary": "专场转化率3.5%", "budget_actual": 118000},
    "C001": {"actual_start": date(2024, 6, 19), "progress": 60, "status": "in_progress"},
}
SAMPLE_MILESTONES_DONE = {"MS01": date(2024, 5, 20), "MS02": date(2024, 6, 11)}
SAMPLE_KPI_LOG: list[dict[str, Any]] = [
    {"date": date(2024, 6, 1), "kpi": "销售额", "channel": "天猫", "value": 120},
    {"date": date(2024, 6, 10), "kpi": "销售额", "channel": "天猫", "value": 260},
    {"date": date(2024, 6, 18), "kpi": "销售额", "channel": "天猫", "value": 100},
    {"date": date(2024, 6, 10), "kpi": "品牌曝光量", "channel": "直播", "value": 6_000_000},
    {"date": date(2024, 6, 18), "kpi": "新增会员", "channel": "全渠道", "value": 12_000},
    {"date": date(2024, 6, 10), "kpi": "直播转化率", "channel": "直播", "value": 3.2},
    {"date": date(2024, 6, 18), "kpi": "直播转化率", "channel": "直播", "value": 3.5},
]
SAMPLE_ISSUES: list[dict[str, Any]] = [
    {"issue_id": "I001", "raised": date(2024, 5, 25), "description": "KOL样品物流延误", "impact": "预热内容晚发1天",
     "task_id": "P002", "owner": "钱媒介", "resolution": "改用加急快递", "status": "resolved",
     "resolved": date(2024, 5, 27)},
    {"issue_id": "I002", "raised": date(2024, 6, 10), "description": "直播间流量低于预期", "impact": "曝光可能下降40%",
     "task_id": "E002", "owner": "赵主播", "resolution": "追加投流", "status": "in_progress"},
]


def sample_records(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The sample plan's tracker as the team filled it (see SAMPLE_ACTUALS)."""
    tasks = []
    blank = TASKS.defaults
    for t in plan.tasks:
        row: dict[str, Any] = {"task_id": t.id, "name": t.name, "description": t.description, "phase": t.phase,
                               "owner": t.owner, "planned_start": t.start, "planned_end": t.end,
                               "progress": blank["progress"], "status": blank["status"], "depends_on": t.depends_on,
                               "budget_planned": t.budget}
        row.update(SAMPLE_ACTUALS.get(t.id, {}))
        tasks.append(row)
    milestones = [{"milestone_id": m.id, "name": m.name, "phase": m.phase, "due": m.due, "owner": m.owner,
                   "impact": m.impact, "done": SAMPLE_MILESTONES_DONE.get(m.id)} for m in plan.milestones]
    return {"tasks": tasks, "milestones": milestones, "kpi_log": SAMPLE_KPI_LOG, "issues": SAMPLE_ISSUES}


@dataclass(frozen=True)
class DemoFile:
    """One file the demo wrote, and what it is for."""

    path: Path
    what: str


def run_demo(folder: str | os.PathLike[str]) -> list[DemoFile]:
    """Run the sample campaign through the whole loop into ``folder`` (created if needed).

    plan -> blank trackers (zh-CN, en) -> a copy filled as the team left it -> checks ->
    an annotated copy -> the recap workbook, HTML page and figures.
    """
    from marketing_tracker.checks.run import check_file
    from marketing_tracker.reports.run import run_recap
    from marketing_tracker.reports.text import render_text
    from marketing_tracker.workbook.annotate import annotate

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    plan_path = sample_plan()
    written: list[DemoFile] = []
    for locale in LOCALES:
        plan = load_plan(plan_path, locale=locale)
        target = out / f"618-tracker.{locale}.xlsx"
        write_tracker(plan, target, locale=locale)
        language = "Chinese" if locale == "zh-CN" else "English"
        written.append(DemoFile(target, f"blank tracker for the team, {language} labels"))
    plan_copy = out / plan_path.name
    with atomic_output(plan_copy) as staged:
        staged.write_bytes(plan_path.read_bytes())
    written.append(DemoFile(plan_copy, "the plan the trackers were made from"))

    plan = load_plan(plan_path)
    plan.campaign.status_date = SAMPLE_AS_OF
    filled = write_tracker(plan, out / "618-filled.xlsx", records=sample_records(plan))
    written.append(DemoFile(filled, f"the tracker as the team filled it, status date {SAMPLE_AS_OF}"))
    checked = check_file(filled)
    report = out / "618-checks.txt"
    with atomic_output(report) as staged:
        staged.write_text(render_text([checked], verbose=True), encoding="utf-8")
    written.append(DemoFile(report, "what the checks found in the filled copy"))
    annotated = annotate(filled, checked.findings, out / "618-filled.checked.xlsx", locale=checked.locale)
    written.append(DemoFile(annotated, "the filled copy with every finding on its cell"))
    outputs, _figures = run_recap([filled], xlsx=out / "618-recap.xlsx", html=out / "618-recap.html",
                                  json_path=out / "618-figures.json")
    for path, what in zip(outputs, ("the recap workbook, with charts", "the recap page for management",
                                    "the recap figures as JSON"), strict=True):
        written.append(DemoFile(path, what))

    index = out / "index.html"
    html = render("demo_index.html.j2", campaign=plan.campaign, files=[(f.path.name, f.what) for f in written])
    with atomic_output(index) as staged:
        staged.write_text(html, encoding="utf-8")
    written.append(DemoFile(index, "this list, to open in a browser"))
    return written
