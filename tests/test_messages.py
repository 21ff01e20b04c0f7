"""Messages in one language: a finding holds keys, and its words are chosen when it is shown.

An English message has no Chinese in it apart from what the person typed and the file's
own sheet names (where the value is); a Chinese message names no column, status or sheet
in English. Checked for every finding code and detail code, on findings as the rules and
the reader make them, and through the command's text, JSON and annotated copy.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from marketing_tracker import CODES, Campaign, Finding, Kpi, Milestone, Person, Phase, Plan, Task, read_tracker, validate
from marketing_tracker.core.findings import Allowed, ColumnLabel, Listing, MemberLabel, SheetLabel, Word, column_label
from marketing_tracker.core.schema import ENUMERATIONS, TABLE_SHEETS, Locale, sheet_title
from marketing_tracker.core.words import DETAILS
from marketing_tracker.workbook.writer import write_tracker

from .cells import headers
from .conftest import run_cli

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: English words of the schema a Chinese message must not show (headers, statuses, sheet names).
ENGLISH = sorted({c.label.en for s in TABLE_SHEETS for c in s.columns if len(c.label.en) > 3}
                 | {m.label.en for e in ENUMERATIONS.values() for m in e.members if len(m.label.en) > 3}
                 | {s.title.en for s in TABLE_SHEETS if len(s.title.en) > 3}, key=len, reverse=True)


def typed(finding: Finding) -> list[str]:
    """What a message may repeat in any language: the person's values and the file's own names."""
    plain = [str(p) for p in finding.params.values() if not isinstance(p, Word) and p is not None]
    plain += [item for p in finding.params.values() if isinstance(p, Listing) for item in p.items]  # names as found
    return sorted({str(finding.value), repr(finding.value), finding.sheet, *plain} - {"", "None"}, key=len, reverse=True)


def without_typed(finding: Finding, locale: Locale) -> str:
    message = finding.message(locale)
    for text in typed(finding):
        message = message.replace(text, "")
    return message


def assert_in_language(finding: Finding, locale: Locale) -> None:
    rest = without_typed(finding, locale)
    if locale == "en":
        assert not CJK.findall(rest), (finding.code, finding.detail, finding.message(locale))
    else:
        assert [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", rest)] == [], (finding.code, finding.message(locale))


# --------------------------------------------------------------------------- every code and detail


SHEETS = {"en": "Tasks", "zh-CN": "执行任务跟踪表"}
#: One finding per (code, detail) as its maker builds it; the typed values are Chinese on purpose.
CASES: list[tuple[str, str, str, Any, dict[str, Any]]] = [
    ("sheet-missing", "", "", None, {"expected": SheetLabel("kpis")}),
    ("sheet-missing", "file-sheets", "", None, {"expected": SheetLabel("tasks"), "sheets": Listing(("工作表1", "Sheet2"))}),
    ("header-missing", "headers-are", "status", None, {"expected": ColumnLabel("tasks", "status"),
                                                       "headers": Listing(("任务", "负责人"))}),
    ("header-missing", "header-empty", "status", None, {"expected": ColumnLabel("tasks", "status")}),
    ("required-missing", "", "name", None, {}),
    ("bad-date", "", "planned_end", "下周三", {}),
    ("bad-date", "outside-campaign", "actual_end", "2031-05-01", {"first": "2023-05-01", "last": "2025-07-01"}),
    ("bad-number", "", "budget_planned", "五千", {}),
    ("bad-choice", "", "status", "完成了吗", {"allowed": Allowed("status")}),
    ("out-of-range", "", "progress", "150", {"allowed": "0 - 100"}),
    ("duplicate-id", "", "task_id", "M001", {"other": "A5"}),
    ("end-before-start", "", "planned_end", "2025-03-01", {"other_value": "2025-03-02",
                                                           "other_column": ColumnLabel("tasks", "planned_start")}),
    ("end-without-start", "", "actual_start", None, {}),
    ("status-mismatch", "done-below-100", "progress", 60, {"done": MemberLabel("status", "done"), "progress": "60"}),
    ("status-mismatch", "full-not-done", "status", "进行中", {"done": MemberLabel("status", "done")}),
    ("unknown-reference", "no-such-dependency", "depends_on", "M099", {}),
    ("unknown-reference", "no-such-task", "task_id", "M099", {}),
    ("unknown-reference", "no-such-kpi", "kpi", "销量", {}),
    ("dependency-cycle", "", "depends_on", "M001", {"circle": "M001 -> M002 -> M001"}),
    ("raci", "role-count", "task_id", "M001", {"r": 2, "a": 0}),
    ("raci-missing", "owner-stands-as-r", "task_id", "E009", {"raci": SheetLabel("raci"), "owner": "王小二"}),
    ("raci-missing", "no-owner", "task_id", "E009", {"raci": SheetLabel("raci"), "owner": ""}),
    ("cell-error", "", "progress", "#DIV/0!", {}),
    ("overdue", "", "planned_end", "2025-03-05", {"task": "M001", "other_value": "2025-03-05", "days": 3,
                                                  "delayed": MemberLabel("status", "delayed")}),
    ("outside-period", "campaign-period", "planned_end", "2025-05-01", {"other_value": "2025-03-01..2025-03-31"}),
    ("outside-period", "phase-window", "planned_end", "2025-03-20", {"phase": MemberLabel("phase", "prep"),
                                                                      "other_value": "2025-03-01..2025-03-10"}),
    ("id-prefix", "", "task_id", "X001", {"prefix": "M", "other_value": MemberLabel("phase", "prep")}),
    ("unknown-owner", "", "owner", "王小二", {"info": SheetLabel("info")}),
    ("starts-before-dependency", "", "planned_start", "2025-03-02", {"task": "E001", "other_value": "2025-03-02",
                                                                     "dependency": "M001 (2025-03-05)"}),
    ("milestone-missed", "", "due", "2025-03-05", {"task": "素材定稿", "other_value": "2025-03-05"}),
    ("formula-error", "", "delay_days", "#VALUE!", {}),
    ("normalized", "", "status", "complete", {"other_value": MemberLabel("status", "done")}),
    ("extra-column", "", "", "优先级", {}),
    ("merge-conflict", "", "status", "已完成", {"value": MemberLabel("status", "done"), "other_value": MemberLabel(
        "status", "in_progress"), "kept_in": "a.xlsx!执行任务跟踪表!K4", "other": "b.xlsx!执行任务跟踪表!K4"}),
    ("merge-deleted", "", "task_id", "E002", {"copy": "design.xlsx"}),
    ("merge-kept", "", "task_id", "E002", {"copy": "design.xlsx", "other": "media.xlsx"}),
    ("macros-ignored", "", "", None, {}),
    ("foreign-workbook", "not-ours", "", None, {}),
    ("foreign-workbook", "other-template", "", None, {"template": "别的模板"}),
    ("foreign-workbook", "other-version", "", None, {"version": 0, "current": 1}),
    ("too-long", "characters", "name", "很长的任务名称", {"length": 201, "limit": 200}),
]


def case_finding(code: str, detail: str, column: str, value: Any, params: dict[str, Any], workbook: Locale) -> Finding:
    table = "milestones" if column == "due" else "kpi_log" if column == "kpi" else "tasks"
    return Finding(code, SHEETS[workbook] if table == "tasks" else sheet_title(table, workbook), "B4", 4, column, value,
                   dict(params), table=table, detail=detail)


def test_the_cases_cover_every_code_and_every_detail() -> None:
    assert {code for code, *_ in CASES} == set(CODES)
    assert {detail for _c, detail, *_ in CASES} - {""} == set(DETAILS)


@pytest.mark.parametrize("workbook", ["en", "zh-CN"])
@pytest.mark.parametrize("reader", ["en", "zh-CN"])
@pytest.mark.parametrize(("code", "detail", "column", "value", "params"), CASES,
                         ids=[f"{c}:{d}" if d else c for c, d, *_ in CASES])
def test_every_message_is_in_the_reader_s_language(code: str, detail: str, column: str, value: Any,
                                                   params: dict[str, Any], workbook: Locale, reader: Locale) -> None:
    assert_in_language(case_finding(code, detail, column, value, params, workbook), reader)


def test_a_member_read_from_a_synonym_is_named_in_the_reader_s_language() -> None:
    finding = case_finding("normalized", "", "status", "Complete", {"other_value": MemberLabel("status", "done")}, "en")
    assert finding.message("en") == "B4: 'Complete' was read as 'Done'"
    assert finding.message("zh-CN") == "B4 的「Complete」已按「已完成」理解"


# --------------------------------------------------------------------------- as the rules make them

PLAN = Plan(
    Campaign("Launch", date(2025, 3, 1), date(2025, 3, 31), locale="en"),
    phases=[Phase("prep", date(2025, 3, 1), date(2025, 3, 10)), Phase("execution", date(2025, 3, 11), date(2025, 3, 25)),
            Phase("wrapup", date(2025, 3, 26), date(2025, 3, 31))],
    people=[Person("Ann"), Person("Bo")],
    kpis=[Kpi("signups", "Sign-ups", 100)],
    milestones=[Milestone("Assets final", "prep", date(2025, 3, 5), "Ann")],
    tasks=[Task("M001", "Brief", "prep", "Ann", "Bo", start=date(2025, 3, 1), end=date(2025, 3, 5)),
           Task("E001", "Go live", "execution", "Bo", "Ann", start=date(2025, 3, 11), end=date(2025, 3, 15),
                depends_on=["M001"])],
)
TASK_ROWS = [
    {"task_id": "M001", "name": "Brief", "phase": "prep", "owner": "Ann", "planned_start": date(2025, 3, 1),
     "planned_end": date(2025, 3, 5), "progress": 60, "status": "done"},
    {"task_id": "M001", "name": "x" * 230, "phase": "execution", "owner": "Zed", "planned_start": date(2025, 3, 12),
     "planned_end": date(2025, 3, 11), "actual_end": date(2025, 3, 12), "progress": 150, "status": "complete",
     "depends_on": "M009"},
    {"task_id": "E001", "name": "Go live", "phase": "execution", "owner": "Bo", "planned_start": date(2025, 3, 4),
     "planned_end": date(2025, 4, 20), "progress": 100, "status": "Complet", "depends_on": "M001"},
    {"task_id": "E002", "name": "Urgent post", "phase": "prep", "owner": "Ann", "planned_start": date(2025, 3, 2),
     "planned_end": date(2025, 3, 4), "progress": 0, "status": "in_progress"},
]
RACI_ROWS = [{"task_id": "M001", "person:Ann": "R", "person:Bo": "R"}, {"task_id": "E001", "person:Bo": "R", "person:Ann": "A"}]
ISSUES = [{"issue_id": "I001", "raised": date(2025, 3, 2), "description": "Late", "task_id": "Z9", "owner": "Ann",
           "status": "open"}]


@pytest.fixture(scope="module", params=["en", "zh-CN"])
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    locale: Locale = request.param
    path = tmp_path_factory.mktemp(locale) / f"filled.{locale}.xlsx"
    return write_tracker(PLAN, path, locale=locale, records={"tasks": TASK_ROWS, "raci": RACI_ROWS, "issues": ISSUES})


def test_the_filled_workbook_raises_most_codes(filled: Path) -> None:
    codes = {f.code for f in validate(read_tracker(filled), as_of=date(2025, 3, 8))}
    assert codes == {"duplicate-id", "too-long", "end-before-start", "end-without-start", "out-of-range",
                     "status-mismatch", "bad-choice", "normalized", "unknown-reference", "unknown-owner",
                     "outside-period", "id-prefix", "starts-before-dependency", "overdue", "milestone-missed", "raci",
                     "raci-missing"}


@pytest.mark.parametrize("reader", ["en", "zh-CN"])
def test_every_finding_of_a_filled_workbook_reads_in_one_language(filled: Path, reader: Locale) -> None:
    for finding in validate(read_tracker(filled), as_of=date(2025, 3, 8)):
        assert_in_language(finding, reader)


def test_the_status_typed_as_a_synonym_is_named_in_english_in_an_english_workbook(filled: Path) -> None:
    findings = validate(read_tracker(filled), as_of=date(2025, 3, 8))
    (normalized,) = [f for f in findings if f.code == "normalized" and f.table == "tasks"]
    assert normalized.message("en") == f"{headers(filled)['tasks'].cell('status', 5)}: 'complete' was read as 'Done'"


def test_the_json_of_a_chinese_workbook_with_lang_en_is_english(tmp_path: Path) -> None:
    path = write_tracker(PLAN, tmp_path / "zh.xlsx", locale="zh-CN", records={"tasks": TASK_ROWS, "raci": RACI_ROWS})
    done = run_cli("validate", str(path), "--as-of", "2025-03-08", "--lang", "en", "--format", "json")
    findings = json.loads(done.stdout)["files"][0]["findings"]
    sheet = sheet_title("tasks", "zh-CN")
    messages = [f["message"].replace(sheet, "") for f in findings]
    assert [m for m in messages if CJK.search(m)] == []
    progress = headers(path)["tasks"].cell("progress", 4)
    assert f"Status and progress disagree ({progress}): marked Done but progress is 60%: set progress to 100, or change " \
           "the status" in messages


def test_the_text_report_of_an_english_workbook_with_lang_zh_is_chinese(tmp_path: Path) -> None:
    path = write_tracker(PLAN, tmp_path / "en.xlsx", records={"tasks": TASK_ROWS[:1]})
    done = run_cli("validate", str(path), "--as-of", "2025-03-08", "--lang", "zh-CN")
    progress = headers(path)["tasks"].cell("progress", 4)
    line = (f"    error   {progress:<7}status-mismatch          "
            f"状态与进度不一致（{progress}）：状态为「已完成」但进度为 60%：完成请把进度改为 100，否则请改状态")
    assert line in done.stdout.splitlines()


def test_the_annotated_copy_of_a_chinese_workbook_speaks_the_language_asked_for(tmp_path: Path) -> None:
    path = write_tracker(PLAN, tmp_path / "zh.xlsx", locale="zh-CN", records={"tasks": TASK_ROWS[:1]})
    out = tmp_path / "zh.checked.xlsx"
    run_cli("annotate", str(path), "-o", str(out), "--as-of", "2025-03-08", "--lang", "en")
    sheet = openpyxl.load_workbook(out)[sheet_title("tasks", "zh-CN")]
    header = [c.value for c in sheet[3]]
    comment = sheet.cell(4, header.index("进度(%)") + 1).comment
    assert comment is not None
    progress = headers(path)["tasks"].cell("progress", 4)
    assert comment.text == (f"[status-mismatch] Status and progress disagree ({progress}): marked Done but progress is "
                            "60%: set progress to 100, or change the status")


def test_a_finding_on_the_campaign_info_sheet_names_its_field_in_the_reader_s_language() -> None:
    finding = Finding("bad-date", "活动基本信息", "B8", 8, "as_of_input", "下周一", table="info")
    assert finding.message("en") == "B8: '下周一' is not a date; write it like 2024-05-01"
    assert column_label("info", "as_of_input", "en") == "Status date"
    assert column_label("info", "as_of_input", "zh-CN") == "数据截止日"
