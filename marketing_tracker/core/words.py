"""Words the reports show, in both languages: findings' details and the recap's texts.

Sheets, columns and enumerations keep their labels in :mod:`marketing_tracker.core.schema`;
the words here belong to no column: they are chosen when a report is rendered.

A rule says *which* detail applies (a code such as ``done-below-100``) and with what
arguments; the words are chosen here, in the reader's language, at the last moment.
Braces are filled from the finding's parameters (:class:`~marketing_tracker.core.findings.Word`
objects already rendered), so a detail may name a column header or a status label in the
same language as the rest of the message.
"""

from __future__ import annotations

from marketing_tracker.core.schema import TASKS, Locale, ReportColumn, Text

#: Detail codes -> their words. Codes are stable once used (tests and JSON carry them).
DETAILS: dict[str, Text] = {
    # sheet-missing, header-missing
    "file-sheets": Text("（文件中的工作表：{sheets}）", " (the file has: {sheets})"),
    "headers-are": Text("；表头为：{headers}", "; the headers are: {headers}"),
    "header-empty": Text("；表头行为空", "; the header row is empty"),
    # foreign-workbook
    "not-ours": Text("不是由 marketing_tracker 生成的", "was not made by marketing_tracker"),
    "other-template": Text("来自其他模板（{template}）", "comes from another template ({template})"),
    "other-version": Text("由模板第 {version} 版生成（当前第 {current} 版）",
                          "was made with template version {version} (this is version {current})"),
    # status-mismatch
    "done-below-100": Text("状态为「{done}」但进度为 {progress}%：完成请把进度改为 100，否则请改状态",
                           "marked {done} but progress is {progress}%: set progress to 100, or change the status"),
    "full-not-done": Text("进度为 100% 但状态不是「{done}」：请把状态改为「{done}」",
                          "progress is 100% but the status is not {done}: set the status to {done}"),
    # unknown-reference
    "no-such-dependency": Text("（前置任务中没有这个任务ID）", " (no task has this ID)"),
    "no-such-task": Text("（任务表中没有这个任务ID）", " (the tasks sheet has no such ID)"),
    "no-such-kpi": Text("（「关键指标」中没有这个指标）", " (no such KPI on the KPIs sheet)"),
    # raci, raci-missing
    "role-count": Text("现有 {r} 个 R、{a} 个 A", "it has {r} R and {a} A"),
    "owner-stands-as-r": Text("负责人「{owner}」按 R 计", "its owner {owner} counts as R"),
    "no-owner": Text("也没有负责人", "and it has no owner either"),
    # bad-date: a real date no campaign date can be
    "outside-campaign": Text("（距活动期 {first} 至 {last} 超过一年）",
                             " (more than a year outside the campaign, {first} to {last})"),
    # outside-period
    "campaign-period": Text("活动周期", "the campaign period"),
    "phase-window": Text("阶段「{phase}」", "the phase {phase}"),
    # too-long
    "characters": Text("{length} 个字符，最多 {limit} 个", "{length} characters, at most {limit}"),
}


# --------------------------------------------------------------------------- recap reports

#: Sheet titles of the recap workbook and section titles of the HTML recap.
RECAP_SECTIONS: dict[str, Text] = {
    "summary": Text("复盘概览", "Summary"),
    "phases": Text("阶段", "Phases"),
    "people": Text("负责人与部门", "Owners and departments"),
    "delays": Text("延期分析", "Delays"),
    "milestones": Text("里程碑", "Milestones"),
    "kpis": Text("关键指标", "KPIs"),
    "budget": Text("预算", "Budget"),
    "issues": Text("问题", "Issues"),
    "quality": Text("数据质量", "Data quality"),
    "tasks": Text("全部任务", "All tasks"),
    "trends": Text("趋势", "Trends"),  # only with a history database (recap --db)
}

#: Every other word the recap reports show, by key.
RECAP_TEXT: dict[str, Text] = {
    "title": Text("活动复盘报告", "Campaign recap"),
    "period": Text("活动周期", "Period"), "as_of": Text("数据截止", "As of"), "goals": Text("核心目标", "Goals"),
    "tasks": Text("任务数", "Tasks"), "done": Text("已完成", "Done"), "completion_rate": Text("完成率", "Completion"),
    "on_time_rate": Text("按时完成率", "On time"), "avg_delay_days": Text("平均延期(天)", "Average days late"),
    "max_delay_days": Text("最长延期(天)", "Longest delay (days)"), "late_tasks": Text("延期任务", "Late tasks"),
    "expected_progress": Text("应达进度", "Expected progress"), "actual_progress": Text("实际进度", "Actual progress"),
    "in_progress": Text("进行中", "In progress"), "not_started": Text("未开始", "Not started"),
    "delayed": Text("已延期", "Delayed"), "blocked": Text("阻塞", "Blocked"),
    "phase": Text("阶段", "Phase"), "planned_start": Text("计划开始", "Planned start"),
    "planned_end": Text("计划结束", "Planned end"), "actual_start": Text("实际开始", "Actual start"),
    "actual_end": Text("实际结束", "Actual end"), "delay_days": Text("延期天数", "Days late"),
    "owner": Text("负责人", "Owner"), "department": Text("部门", "Department"), "on_time": Text("按时", "On time"),
    "open_issues": Text("未关闭问题", "Open issues"), "id": Text("编号", "ID"), "name": Text("名称", "Name"),
    "days": Text("天数", "Days"), "cause": Text("原因", "Cause"), "share": Text("占比", "Share"),
    "cumulative_share": Text("累计占比", "Cumulative share"), "dependents": Text("受影响的后续任务", "Pushed tasks"),
    "due": Text("截止日期", "Due"), "done_on": Text("完成日期", "Done on"), "result": Text("达成情况", "Result"),
    "impact": Text("影响", "Impact"), "kpi": Text("指标", "KPI"), "unit": Text("单位", "Unit"),
    "target": Text("目标", "Target"), "actual": Text("实际", "Actual"), "achievement": Text("达成率", "Achievement"),
    "verdict": Text("结论", "Verdict"), "met": Text("达成", "Met"), "not_met": Text("未达成", "Not met"),
    "no_data": Text("无数据", "No data"), "forecast": Text("按当前速度预计", "Run-rate forecast"),
    "date": Text("日期", "Date"), "value": Text("当日值", "Value"), "cumulative": Text("累计", "Cumulative"),
    "pace": Text("目标进度线", "Target pace"), "planned": Text("计划", "Planned"), "variance": Text("差异", "Variance"),
    "budget_planned": Text("计划预算", "Planned budget"), "budget_actual": Text("实际花费", "Actual cost"),
    "status": Text("状态", "Status"), "raised": Text("提出日期", "Raised"), "resolved": Text("解决日期", "Resolved"),
    "open": Text("未关闭", "Open"), "avg_days_to_resolve": Text("平均解决天数", "Average days to resolve"),
    "code": Text("代码", "Code"), "count": Text("数量", "Count"), "findings_note": Text(
        "以下为生成本报告时发现的数据问题；错误越少，数字越可信。",
        "Data problems found while making this recap: the fewer errors, the more the numbers can be trusted."),
    "no_findings": Text("未发现数据问题", "No data problems found"),
    "health": Text("健康度", "Health"), "progress": Text("进度", "Progress"),
    "kpi_chart": Text("指标达成：目标与实际", "KPIs: target and actual"),
    "pace_chart": Text("累计实际与目标进度", "Cumulative actual against target pace"),
    "gantt_chart": Text("阶段：计划与实际", "Phases: planned and actual"),
    "pareto_chart": Text("延期天数按原因（帕累托）", "Days late by cause (Pareto)"),
    "budget_chart": Text("预算差异（实际-计划）", "Budget variance (actual - planned)"),
    "worst_delays": Text("延期最多的任务", "Worst delays"), "all_tasks_note": Text("点击展开任务列表", "Show the tasks"),
    "tasks_limited": Text("此处先列出延期和未完成的任务；全部任务见复盘工作簿与 JSON。",
                          "Late and open tasks come first here; every task is in the recap workbook and the JSON."),
    "generated": Text("由 marketing_tracker 生成", "Made by marketing_tracker"),
    "largest_variances": Text("差异最大的任务", "Tasks with the largest variances"),
    "conflicts": Text("合并冲突（各副本填写不一致的单元格）", "Merge conflicts (cells the copies filled differently)"),
    "file": Text("文件", "File"), "sheet": Text("工作表", "Sheet"), "cell": Text("单元格", "Cell"),
    "message": Text("说明", "What"), "replanned": Text("计划变更（对比基线）", "Re-planned against the baseline"),
    "replanned_note": Text("重新计划的任务 / 有基线的任务，结束日期共推迟：",
                           "Tasks re-planned / with a baseline, end dates moved by:"),
    "baseline_end": Text("基线结束", "Baseline end"),
    # trends (recap --db): one row per stored snapshot
    "status_date": Text("数据截止", "Status date"), "planned_done": Text("计划应完成", "Planned done"),
    "days_late_total": Text("延期天数合计", "Total days late"), "planned_finish": Text("计划完成日", "Planned finish"),
    "burnup_chart": Text("燃起图：已完成与计划应完成的任务", "Burn-up: tasks done against the plan"),
    "days_late_chart": Text("各次快照的延期天数合计", "Total days late per snapshot"),
    "finish_chart": Text("计划完成日的变化", "The planned finish over time"),
    "trends_note": Text("每行是历史库中的一次快照，按其数据截止日计算。",
                        "Each row is a snapshot in the history, as of its status date."),
}

#: The footer of every printed page (the codes are the spreadsheet's: page number, number of pages).
PAGE_OF = Text("第 &P 页，共 &N 页", "Page &P of &N")


def report_label(column: ReportColumn, locale: Locale) -> str:
    """A recap task-list column's header: its recap word, else the tasks sheet's own header."""
    if column.label is not None:
        return RECAP_TEXT[column.label].get(locale)
    return TASKS.column(column.source or column.key).label.get(locale)
