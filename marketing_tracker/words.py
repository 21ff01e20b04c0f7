"""The words of findings' details, in both languages, looked up when a message is rendered.

A rule says *which* detail applies (a code such as ``done-below-100``) and with what
arguments; the words are chosen here, in the reader's language, at the last moment.
Braces are filled from the finding's parameters (:class:`~marketing_tracker.findings.Word`
objects already rendered), so a detail may name a column header or a status label in the
same language as the rest of the message.
"""

from __future__ import annotations

from .schema import Text

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
    # outside-period
    "campaign-period": Text("活动周期", "the campaign period"),
    "phase-window": Text("阶段「{phase}」", "the phase {phase}"),
    # too-long
    "characters": Text("{length} 个字符，最多 {limit} 个", "{length} characters, at most {limit}"),
}
