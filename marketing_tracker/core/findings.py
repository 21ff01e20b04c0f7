"""Findings: every problem in a filled tracker, as a value with a code and a place.

Codes are stable (add new ones, never rename); each has one severity and one message
template per language. A message says what is wrong and how to fix it, in words a
marketer uses, and names the cell. ``docs/findings.md`` is generated from ``CODES``.

A finding holds keys, never words: the schema column, enumeration members and sheets as
:class:`Word` objects, and a detail code (``words.DETAILS``) with its arguments. The words
are chosen by :meth:`Finding.message` when it is shown, in the reader's language, so an
English report of a Chinese workbook is English but for what the person typed.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from marketing_tracker.core.schema import (
    ENUMERATIONS,
    INFO_FIELDS,
    INFO_PHASE_DATES,
    TABLE_SHEETS,
    Column,
    Field,
    Locale,
    Text,
    sheet_title,
)
from marketing_tracker.core.words import DETAILS

Severity = Literal["error", "warning", "info"]
#: The severities, worst first: the one order every list of findings is sorted and counted in.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_ORDER: dict[str, int] = {severity: rank for rank, severity in enumerate(SEVERITIES)}
#: Labels by (sheet key, column key); the campaign-info sheet's fields count as its columns.
_COLUMNS: dict[tuple[str, str], Column | Field] = {
    **{(s.key, c.key): c for s in TABLE_SHEETS for c in s.columns}, **{("info", f.key): f for f in INFO_FIELDS},
    **{("info", c.key): c for c in INFO_PHASE_DATES}}


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
    Code("bad-date", "error", "cannot be read as a date, or is no date the campaign can mean (over a year outside it)",
         Text("{cell} 的「{value}」不是日期{detail}：请写成 2024-05-01", "{cell}: {value!r} is not a date{detail}; write it like 2024-05-01")),
    Code("bad-number", "error", "cannot be read as a number",
         Text("{cell} 的「{value}」不是数字", "{cell}: {value!r} is not a number")),
    Code("too-long", "warning", "a text or ID longer than its column allows (pasted past the workbook's length check)",
         Text("{cell} 的「{column}」过长（{detail}）：请缩短", "{cell}: {column} is too long ({detail}); shorten it")),
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
         Text("前置任务形成循环：{circle}（{cell}）", "Tasks wait for each other in a circle: {circle} ({cell})")),
    Code("raci", "error", "a task without exactly one R and one A",
         Text("任务「{value}」应有且仅有一个 R 和一个 A（{detail}）：请检查第 {row} 行",
              "Task {value!r} needs exactly one R and one A ({detail}): check row {row}")),
    Code("raci-missing", "info", "a task has no row in the RACI matrix (added after the tracker was sent out); its owner counts as R",
         Text("任务「{value}」在「{raci}」中没有一行（可能是后来新增的任务），{detail}；如需要请补上一行（{cell}）",
              "Task {value!r} has no row on the {raci} sheet (added after the tracker went out?), {detail}; "
              "add a row there if you like ({cell})")),
    Code("cell-error", "error", "a cell shows a spreadsheet error (#REF!, #N/A, #DIV/0!) instead of a value",
         Text("{cell} 显示错误值 {value}，而不是「{column}」：请重新填写该单元格",
              "{cell} shows the spreadsheet error {value} instead of a {column}: type the value again")),
    Code("overdue", "warning", "planned end is before as-of, not done, not marked delayed/blocked",
         Text("任务「{task}」计划于 {other_value} 结束，已逾期 {days} 天仍未完成：请更新进度或把状态改为「{delayed}」（{cell}）",
              "Task {task!r} was due {other_value} and is {days} days overdue: update it or mark it {delayed} ({cell})")),
    Code("outside-period", "warning", "a date outside the campaign or its phase",
         Text("{cell} 的 {value} 不在{detail} {other_value} 内", "{cell}: {value} lies outside {detail} {other_value}")),
    Code("id-prefix", "warning", "ID prefix does not match its phase (M/P/E/C)",
         Text("任务ID「{value}」的前缀与阶段「{other_value}」不符，应以 {prefix} 开头（{cell}）",
              "Task ID {value!r} does not match its phase {other_value}; it should start with {prefix} ({cell})")),
    Code("unknown-owner", "warning", "owner not among the campaign's people",
         Text("{cell} 的「{value}」不在活动人员名单中：请在「{info}」中补充或改为名单中的人",
              "{cell}: {value!r} is not among the campaign's people; add them on the {info} sheet or pick someone listed")),
    Code("starts-before-dependency", "warning", "starts before a task it depends on ends",
         Text("任务「{task}」在 {other_value} 开始，早于前置任务 {dependency} 的结束时间（{cell}）",
              "Task {task!r} starts {other_value}, before the task it waits for, {dependency}, ends ({cell})")),
    Code("milestone-missed", "warning", "a milestone's due date passed without completion",
         Text("里程碑「{task}」已于 {other_value} 到期仍未完成（{cell}）",
              "Milestone {task!r} was due {other_value} and is not done ({cell})")),
    Code("formula-error", "warning", "a formula of the template shows a spreadsheet error; the library recomputes the column",
         Text("{cell} 的公式显示错误值 {value}：「{column}」已由工具按本行数据重新计算，请从正常的一行复制公式修复表格",
              "{cell}: the template's formula shows {value}; {column} was recomputed from the row, but copy the formula from a good row to mend the workbook")),
    Code("normalized", "info", "a value was understood and normalised (text date, \"60%\", 10.13 typed in a date column, synonym)",
         Text("{cell} 的「{value}」已按「{other_value}」理解", "{cell}: {value!r} was read as {other_value!r}")),
    Code("extra-column", "info", "a column the template does not have; kept, not checked",
         Text("「{sheet}」的列「{value}」（{cell}）不属于模板，已保留但不检查",
              "{sheet}: column {value!r} ({cell}) is not part of the template; kept, not checked")),
    Code("merge-conflict", "error", "two copies filled the same field differently; the first file given was kept",
         Text("「{column}」在两份文件中不一致：{kept_in} 为「{value}」，{other} 为「{other_value}」；已采用前者",
              "{column} differs between copies: {kept_in} has {value!r}, {other} has {other_value!r}; the first was kept")),
    Code("merge-deleted", "info", "a row one copy deleted and no other copy changed; left out of the merged tracker",
         Text("「{value}」已在 {copy} 中删除，其他副本未改动：合并结果中不再包含",
              "{value!r} was deleted in {copy} and left unchanged in the other copies: it is left out of the merged tracker")),
    Code("merge-kept", "warning", "a row one copy deleted but another copy filled; kept in the merged tracker",
         Text("「{value}」已在 {copy} 中删除，但 {other} 填写了它（{cell}）：已保留，请确认是否删除",
              "{value!r} was deleted in {copy} but filled in {other} ({cell}): it was kept; check whether it should go")),
    Code("macros-ignored", "info", "the workbook contains macros; only cell values were read and nothing ran",
         Text("文件包含宏：只读取了单元格的值，宏未被执行", "The workbook contains macros: only cell values were read, no macro ran")),
    Code("foreign-workbook", "info", "the workbook was not generated by marketing_tracker, or by another version",
         Text("该文件{detail}，已按表头识别", "This file {detail}; its sheets were recognised by their headers")),
)}


class Word:
    """A word of a message looked up when the message is rendered, in the reader's language.

    Findings hold these (or plain values the person typed) in their parameters, never a
    label already put into words, so one finding reads right in either language.
    """

    def render(self, locale: Locale) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class ColumnLabel(Word):
    """A column's header, by sheet key and column key (``person:NAME`` is NAME's RACI column)."""

    sheet: str
    column: str

    def render(self, locale: Locale) -> str:
        return column_label(self.sheet, self.column, locale)


@dataclass(frozen=True)
class SheetLabel(Word):
    """A sheet's tab name, by sheet key."""

    sheet: str

    def render(self, locale: Locale) -> str:
        return sheet_title(self.sheet, locale)


@dataclass(frozen=True)
class MemberLabel(Word):
    """An enumeration member's label (a status, a phase), by keys."""

    enumeration: str
    member: str

    def render(self, locale: Locale) -> str:
        enumeration = ENUMERATIONS[self.enumeration]
        found = next((m for m in enumeration.members if m.key == self.member), None)
        return found.label.get(locale) if found else self.member


@dataclass(frozen=True)
class Allowed(Word):
    """Every label an enumeration allows, listed the way the language lists."""

    enumeration: str

    def render(self, locale: Locale) -> str:
        return listing(ENUMERATIONS[self.enumeration].labels(locale), locale)


@dataclass(frozen=True)
class Listing(Word):
    """Values as typed (sheet names, headers), listed the way the language lists."""

    items: tuple[str, ...]

    def render(self, locale: Locale) -> str:
        return listing(self.items, locale)


def listing(items: Iterable[str], locale: Locale) -> str:
    """``a、b`` in Chinese, ``a, b`` in English."""
    return ("、" if locale == "zh-CN" else ", ").join(items)


def column_label(sheet: str, column: str, locale: Locale) -> str:
    """A column's header in ``locale`` (``("info", "as_of_input")``: a campaign-info field's label);
    a RACI person column is the person; an unknown key is itself."""
    if column.startswith("person:"):
        return column.removeprefix("person:")
    found = _COLUMNS.get((sheet, column))
    return found.label.get(locale) if found is not None else column


_WORDS: dict[str, type[Word]] = {cls.__name__: cls for cls in (ColumnLabel, SheetLabel, MemberLabel, Allowed, Listing)}


def params_to_json(params: dict[str, Any]) -> dict[str, Any]:
    """A finding's parameters as JSON-ready data that :func:`params_from_json` turns back: a word is
    stored as its keys (``{"word": "MemberLabel", "enumeration": "status", "member": "done"}``), so that a
    finding kept in a database still reads in either language."""
    def encode(value: Any) -> Any:
        if isinstance(value, Word):
            return _word_json(value)
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        return value
    return {key: encode(value) for key, value in params.items()}


@functools.lru_cache(maxsize=4096)
def _word_json(word: Word) -> dict[str, Any]:
    """A word's keys, once per distinct word: a 5,000-task snapshot stores thousands of findings naming the
    same few columns, and ``dataclasses.asdict`` (a deep copy) for each took more time than storing them.
    Callers only read the result (it is encoded as JSON at once)."""
    fields = {f.name: getattr(word, f.name) for f in dataclasses.fields(word)}  # type: ignore[arg-type]
    return {"word": type(word).__name__, **{k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}}


def params_from_json(data: dict[str, Any]) -> dict[str, Any]:
    """The parameters :func:`params_to_json` stored."""
    def decode(value: Any) -> Any:
        if isinstance(value, dict) and value.get("word") in _WORDS:
            fields = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items() if k != "word"}
            return _WORDS[value["word"]](**fields)
        return value
    return {key: decode(value) for key, value in data.items()}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Finding:
    """One problem at one place, ready for text, JSON, an annotated copy or the recap.

    ``sheet`` and ``cell`` are where the value is in the file as the user saved it;
    ``table`` and ``column`` are the schema's sheet and column keys; ``value`` is what the
    cell holds, as typed. ``detail`` is a detail code (see ``DETAILS``) and ``params`` its
    arguments and the message's: plain values as typed, or :class:`Word` objects (column
    headers, enumeration labels) that are put into words only by :meth:`message`.

    Example::

        Finding("bad-choice", "Tasks", "K4", 4, "status", "Complet", table="tasks",
                params={"allowed": Allowed("status")})
        Finding("status-mismatch", "Tasks", "J4", 4, "progress", 60, table="tasks",
                detail="done-below-100", params={"progress": "60"})
    """

    code: str
    sheet: str = ""
    cell: str = ""
    row: int | None = None
    column: str = ""
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    table: str = ""
    detail: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def message(self, locale: Locale) -> str:
        """The friendly message in ``locale``: every label looked up now, in that language."""
        values = _Blank(cell=self.cell or self.sheet, sheet=self.sheet, row=self.row or "",
                        column=column_label(self.table, self.column, locale),
                        value="" if self.value is None else self.value)
        for key, param in self.params.items():
            values[key] = param.render(locale) if isinstance(param, Word) else param
        if self.detail:
            values["detail"] = DETAILS[self.detail].get(locale).format_map(values)
        return CODES[self.code].message.get(locale).format_map(values)

    def to_dict(self, locale: Locale) -> dict[str, Any]:
        """One finding as ``validate --format json`` lists it (docs/cli.md)."""
        value = self.value
        if isinstance(value, datetime):
            value = value.date().isoformat()  # a date never carries a time part in the JSON
        elif isinstance(value, date):
            value = value.isoformat()
        return {"code": self.code, "severity": self.severity, "sheet": self.sheet, "cell": self.cell, "row": self.row,
                "column": self.column, "value": value, "message": self.message(locale)}


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    """``{"errors": n, "warnings": n, "infos": n}`` as the JSON summary gives it."""
    counts = {severity + "s": 0 for severity in SEVERITIES}
    for f in findings:
        counts[f.severity + "s"] += 1
    return counts


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by sheet and row, so the worst is read first."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.sheet, f.row or 0, f.cell))
