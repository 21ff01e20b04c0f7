"""Findings: every problem in a filled tracker, as a value with a code and a place.

Codes are stable (add new ones, never rename); each has one severity and one message
template per language. A message says what is wrong and how to fix it, in words a
marketer uses, and names the cell. ``docs/findings.md`` is generated from ``CODES``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from .schema import Locale, Text

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Code:
    """One kind of finding: its severity, what it means, and its message in each language."""

    code: str
    severity: Severity
    meaning: str
    message: Text


CODES: dict[str, Code] = {c.code: c for c in (
    Code("sheet-missing", "error", "a required sheet is not there",
         Text("缺少工作表「{expected}」{detail}", "The sheet {expected} is missing{detail}")),
    Code("header-missing", "error", "a required column is not there",
         Text("「{sheet}」缺少列「{expected}」（在第 {row} 行的表头中未找到）{detail}",
              "{sheet} has no column {expected} (not found in the header row {row}){detail}")),
    Code("required-missing", "error", "a required cell is empty",
         Text("「{column}」不能为空：请在 {cell} 填写", "{column} is required: fill in {cell}")),
    Code("bad-date", "error", "cannot be read as a date",
         Text("{cell} 的「{value}」不是日期：请写成 2024-05-01", "{cell}: {value!r} is not a date; write it like 2024-05-01")),
    Code("bad-number", "error", "cannot be read as a number",
         Text("{cell} 的「{value}」不是数字", "{cell}: {value!r} is not a number")),
    Code("bad-choice", "error", "not one of the allowed values",
         Text("{cell} 的「{value}」不是有效的「{column}」，可选：{allowed}",
              "{cell}: {value!r} is not a valid {column}; choose one of: {allowed}")),
    Code("out-of-range", "error", "e.g. progress outside 0-100, negative budget",
         Text("{cell} 的「{column}」为 {value}，应在 {allowed} 之间", "{cell}: {column} is {value}; it must be {allowed}")),
    Code("duplicate-id", "error", "an ID is used twice",
         Text("编号「{value}」重复：{cell} 与 {other} 相同，请改用唯一编号",
              "ID {value!r} is used twice: {cell} and {other}; give each row its own ID")),
    Code("end-before-start", "error", "end earlier than start (planned or actual)",
         Text("「{column}」早于「{other_column}」：请检查 {cell}（{value} 早于 {other_value}）",
              "{column} is before {other_column}: check {cell} ({value} is before {other_value})")),
    Code("end-without-start", "error", "actual end set, actual start empty",
         Text("已填写实际结束时间但没有实际开始时间：请在 {cell} 填写实际开始时间",
              "The actual end is set but the actual start is empty: fill in {cell}")),
    Code("status-mismatch", "error", "done with progress < 100, or 100 without done",
         Text("状态与进度不一致（{cell}）：{detail}", "Status and progress disagree ({cell}): {detail}")),
    Code("unknown-reference", "error", "dependency, issue, milestone or RACI row names an unknown task",
         Text("{cell} 引用的「{value}」不存在{detail}", "{cell} refers to {value!r}, which does not exist{detail}")),
    Code("dependency-cycle", "error", "tasks depend on each other in a circle",
         Text("前置任务形成循环：{detail}（{cell}）", "Tasks wait for each other in a circle: {detail} ({cell})")),
    Code("raci", "error", "a task without exactly one R and one A",
         Text("任务「{value}」应有且仅有一个 R 和一个 A（{detail}）：请检查第 {row} 行",
              "Task {value!r} needs exactly one R and one A ({detail}): check row {row}")),
    Code("cell-error", "error", "a cell shows a spreadsheet error (#REF!, #N/A, #DIV/0!) instead of a value",
         Text("{cell} 显示错误值 {value}，而不是「{column}」：请重新填写该单元格",
              "{cell} shows the spreadsheet error {value} instead of a {column}: type the value again")),
    Code("overdue", "warning", "planned end is before as-of, not done, not marked delayed/blocked",
         Text("任务「{task}」计划于 {other_value} 结束，已逾期 {detail} 天仍未完成：请更新进度或把状态改为「已延期」（{cell}）",
              "Task {task!r} was due {other_value} and is {detail} days overdue: update it or mark it Delayed ({cell})")),
    Code("outside-period", "warning", "a date outside the campaign or its phase",
         Text("{cell} 的 {value} 不在{detail} {other_value} 内", "{cell}: {value} lies outside {detail} {other_value}")),
    Code("id-prefix", "warning", "ID prefix does not match its phase (M/P/E/C)",
         Text("任务ID「{value}」的前缀与阶段「{other_value}」不符，应以 {detail} 开头（{cell}）",
              "Task ID {value!r} does not match its phase {other_value}; it should start with {detail} ({cell})")),
    Code("unknown-owner", "warning", "owner not among the campaign's people",
         Text("{cell} 的「{value}」不在活动人员名单中：请在「活动基本信息」中补充或改为名单中的人",
              "{cell}: {value!r} is not among the campaign's people; add them on the campaign-info sheet or pick someone listed")),
    Code("starts-before-dependency", "warning", "starts before a task it depends on ends",
         Text("任务「{task}」在 {other_value} 开始，早于前置任务 {detail} 的结束时间（{cell}）",
              "Task {task!r} starts {other_value}, before the task it waits for, {detail}, ends ({cell})")),
    Code("milestone-missed", "warning", "a milestone's due date passed without completion",
         Text("里程碑「{task}」已于 {other_value} 到期仍未完成（{cell}）",
              "Milestone {task!r} was due {other_value} and is not done ({cell})")),
    Code("formula-error", "warning", "a formula of the template shows a spreadsheet error; the library recomputes the column",
         Text("{cell} 的公式显示错误值 {value}：「{column}」已由工具按本行数据重新计算，请从正常的一行复制公式修复表格",
              "{cell}: the template's formula shows {value}; {column} was recomputed from the row, but copy the formula from a good row to mend the workbook")),
    Code("normalized", "info", "a value was understood and normalised (text date, \"60%\", synonym)",
         Text("{cell} 的「{value}」已按「{other_value}」理解", "{cell}: {value!r} was read as {other_value!r}")),
    Code("extra-column", "info", "a column the template does not have; kept, not checked",
         Text("「{sheet}」的列「{value}」（{cell}）不属于模板，已保留但不检查",
              "{sheet}: column {value!r} ({cell}) is not part of the template; kept, not checked")),
    Code("merge-conflict", "error", "two copies filled the same field differently; the first file given was kept",
         Text("「{column}」在两份文件中不一致：{detail} 为「{value}」，{other} 为「{other_value}」；已采用前者",
              "{column} differs between copies: {detail} has {value!r}, {other} has {other_value!r}; the first was kept")),
    Code("merge-deleted", "info", "a row one copy deleted and no other copy changed; left out of the merged tracker",
         Text("「{value}」已在 {detail} 中删除，其他副本未改动：合并结果中不再包含",
              "{value!r} was deleted in {detail} and left unchanged in the other copies: it is left out of the merged tracker")),
    Code("merge-kept", "warning", "a row one copy deleted but another copy filled; kept in the merged tracker",
         Text("「{value}」已在 {detail} 中删除，但 {other} 填写了它（{cell}）：已保留，请确认是否删除",
              "{value!r} was deleted in {detail} but filled in {other} ({cell}): it was kept; check whether it should go")),
    Code("macros-ignored", "info", "the workbook contains macros; only cell values were read and nothing ran",
         Text("文件包含宏：只读取了单元格的值，宏未被执行", "The workbook contains macros: only cell values were read, no macro ran")),
    Code("foreign-workbook", "info", "the workbook was not generated by marketing_tracker, or by another version",
         Text("该文件{detail}，已按表头识别", "This file {detail}; its sheets were recognised by their headers")),
)}


@dataclass(frozen=True)
class Finding:
    """One problem at one place, ready for text, JSON, an annotated copy or the recap.

    ``sheet`` and ``cell`` are where the value is in the file as the user saved it;
    ``column`` is the schema key. ``params`` fill the message template.
    """

    code: str
    sheet: str = ""
    cell: str = ""
    row: int | None = None
    column: str = ""
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def message(self, locale: Locale) -> str:
        """The friendly message in ``locale``."""
        values = {"cell": self.cell or self.sheet, "sheet": self.sheet, "row": self.row or "", "column": self.column,
                  "value": "" if self.value is None else self.value, "detail": "", "other": "", "other_value": "",
                  "other_column": "", "expected": "", "allowed": "", "task": ""}
        values.update(self.params)
        return CODES[self.code].message.get(locale).format(**values)

    def to_dict(self, locale: Locale) -> dict[str, Any]:
        """The JSON shape of DESIGN.md."""
        value = self.value
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        return {"code": self.code, "severity": self.severity, "sheet": self.sheet, "cell": self.cell, "row": self.row,
                "column": self.column, "value": value, "message": self.message(locale)}


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    """``{"errors": n, "warnings": n, "infos": n}`` as the JSON summary gives it."""
    counts = {"errors": 0, "warnings": 0, "infos": 0}
    for f in findings:
        counts[f.severity + "s"] += 1
    return counts


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by sheet and row, so the worst is read first."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.sheet, f.row or 0, f.cell))
