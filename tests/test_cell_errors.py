"""Cells that show a spreadsheet error (#DIV/0!, #N/A, #REF!) are findings at their cell, in every format.

python-calamine reports such cells as empty; marketing_tracker finds them in the file itself
(sheet XML for .xlsx, content.xml for .ods, xlrd for .xls). The fixture was made in a real
LibreOffice by tests/lo/make_fixtures.py: formulas that fail, typed into input cells, into a
computed cell of the template and into the RACI matrix.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from marketing_tracker import CellError, load_plan, read_tracker, validate, write_tracker
from marketing_tracker.core.findings import Finding
from marketing_tracker.loop.merge import merge_trackers
from marketing_tracker.reading.scan import SheetScan, _scan_part

from .cells import Header, headers
from .conftest import DATA, PLAN_618, run_cli

ERRORS = DATA / "filled" / "libreoffice_errors"
TASKS, RACI, LOG = "执行任务跟踪表", "责任矩阵", "指标日报"
AS_OF = date(2024, 5, 24)
SHEETS = {"tasks": TASKS, "raci": RACI, "kpi_log": LOG}
ERROR_CELLS = [  # (code, sheet key, row, column key, error shown), as tests/lo/make_fixtures.py typed them
    ("cell-error", "tasks", 4, "progress", "#DIV/0!"),
    ("cell-error", "tasks", 5, "actual_start", "#N/A"),
    ("cell-error", "raci", 4, "person:林设计", "#N/A"),  # a role in the matrix
    ("cell-error", "kpi_log", 4, "value", "#DIV/0!"),  # a daily actual
    ("formula-error", "tasks", 6, "delay_days", "#DIV/0!"),  # the template's days-late formula
]


@cache
def at() -> dict[str, Header]:
    """The fixture's columns from its header rows (no column was moved: the same in all three formats)."""
    return headers(ERRORS.with_suffix(".xlsx"))


def expected() -> set[tuple[str, str, str, str]]:
    return {(code, SHEETS[sheet], at()[sheet].cell(key, row), shown) for code, sheet, row, key, shown in ERROR_CELLS}


def error_findings(findings: list[Finding]) -> set[tuple[str, str, str, object]]:
    return {(f.code, f.sheet, f.cell, f.value) for f in findings if f.code in ("cell-error", "formula-error")}


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_each_error_cell_is_a_finding_at_its_cell_in_every_format(suffix: str) -> None:
    findings = validate(read_tracker(ERRORS.with_suffix(suffix)), as_of=AS_OF)
    assert error_findings(findings) == expected()


def test_an_error_in_an_input_cell_is_an_error_and_says_what_to_do() -> None:
    findings = validate(read_tracker(ERRORS.with_suffix(".xlsx")), as_of=AS_OF)
    progress = at()["tasks"].cell("progress", 4)  # M001's, typed =1/0
    j4 = next(f for f in findings if f.cell == progress and f.sheet == TASKS)
    assert j4.severity == "error"
    assert j4.message("en") == f"{progress} shows the spreadsheet error #DIV/0! instead of a Progress (%): type the value again"
    assert j4.message("zh-CN") == f"{progress} 显示错误值 #DIV/0!，而不是「进度(%)」：请重新填写该单元格"


def test_a_broken_template_formula_is_a_warning_because_the_column_is_recomputed() -> None:
    findings = validate(read_tracker(ERRORS.with_suffix(".xlsx")), as_of=AS_OF)
    cell = at()["tasks"].cell("delay_days", 6)
    s6 = next(f for f in findings if f.cell == cell)
    assert s6.severity == "warning" and s6.column == "delay_days"
    # in the workbook's language (the English wording is checked where the words are rendered)
    assert s6.message("zh-CN") == (f"{cell} 的公式显示错误值 #DIV/0!：「延期天数」已由工具按本行数据重新计算，"
                                   "请从正常的一行复制公式修复表格")


def test_an_error_cell_is_reported_once_not_also_as_missing_or_unreadable() -> None:
    findings = validate(read_tracker(ERRORS.with_suffix(".xlsx")), as_of=AS_OF)
    at_error_cells = [(f.code, f.cell) for f in findings if (f.sheet, f.cell) in {(s, c) for _k, s, c, _v in expected()}]
    assert sorted(at_error_cells) == sorted((code, cell) for code, _s, cell, _v in expected())


def test_the_error_value_is_kept_as_the_person_left_it() -> None:
    tracker = read_tracker(ERRORS.with_suffix(".ods"))
    m001 = next(r for r in tracker.records("tasks") if r.values.get("task_id") == "M001")
    assert m001.shown("progress") == "#DIV/0!" and isinstance(m001.shown("progress"), CellError)
    assert "progress" not in m001.values  # no number was read


def test_the_json_report_carries_the_error_text() -> None:
    done = run_cli("validate", str(ERRORS.with_suffix(".xlsx")), "--format", "json", "--as-of", AS_OF.isoformat())
    assert done.returncode == 1
    report = json.loads(done.stdout)
    found = [f for f in report["files"][0]["findings"] if f["code"] == "cell-error"]
    assert {(f["sheet"], f["cell"], f["value"]) for f in found} == {
        (sheet, cell, shown) for code, sheet, cell, shown in expected() if code == "cell-error"}


def test_the_annotated_copy_marks_the_error_cell(tmp_path: Path) -> None:
    out = tmp_path / "checked.xlsx"
    done = run_cli("annotate", str(ERRORS.with_suffix(".xlsx")), "-o", str(out), "--as-of", AS_OF.isoformat())
    assert done.returncode == 1, done.stderr  # the copy has errors
    progress = at()["tasks"].cell("progress", 4)
    assert openpyxl.load_workbook(out)[TASKS][progress].comment.text == (
        f"[cell-error] {progress} 显示错误值 #DIV/0!，而不是「进度(%)」：请重新填写该单元格")


def test_a_merge_takes_the_value_another_copy_has_over_an_error(tmp_path: Path) -> None:
    other = write_tracker(load_plan(PLAN_618), tmp_path / "other.xlsx", records={"tasks": [
        {"task_id": "M001", "progress": 50, "status": "in_progress"}]})
    merged = merge_trackers([ERRORS.with_suffix(".xlsx"), other])
    m001 = next(r for r in merged.records["tasks"] if r.get("task_id") == "M001")
    assert m001["progress"] == 50
    assert not [f for f in merged.findings if f.code == "merge-conflict" and f.column == "progress"]


# --------------------------------------------------------------------------- the scan itself


def sheet_xml(cells: str) -> bytes:
    return ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData><row r="1">{cells}</row></sheetData></worksheet>').encode()


def scan(tmp_path: Path, xml: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch) -> SheetScan:
    import marketing_tracker.reading.scan as sheetscan

    monkeypatch.setattr(sheetscan, "_CHUNK", chunk)
    path = tmp_path / "part.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sheet.xml", xml)
    with zipfile.ZipFile(path) as archive:
        return _scan_part(archive, "sheet.xml", "Tasks")


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 16, 64, 1 << 20])
def test_the_scan_finds_the_same_cells_wherever_the_chunks_are_cut(tmp_path: Path, chunk: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    xml = sheet_xml('<c r="A1" t="s"><v>0</v></c><c r="B1" s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                    '<c r="C1" t="inlineStr"><is><t>t="e" in text is not an error</t></is></c>'
                    '<c t="e" r="AB1"><v>#REF!</v></c>')
    assert scan(tmp_path, xml, chunk, monkeypatch).errors == [(0, 1, "#DIV/0!"), (0, 27, "#REF!")]


@pytest.mark.parametrize("chunk", [1, 5, 64, 1 << 20])
def test_the_scan_measures_far_values_wherever_the_chunks_are_cut(tmp_path: Path, chunk: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    far = sheet_xml('<c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c>')
    assert "as far as row 1048576, column 16384" in str(scan(tmp_path, far, chunk, monkeypatch).refusal)
    formatted = sheet_xml('<c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="1"/>')
    assert scan(tmp_path, formatted, chunk, monkeypatch).refusal is None


def test_an_error_cell_without_an_address_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert scan(tmp_path, sheet_xml('<c t="e"><v>#N/A</v></c>'), 1 << 20, monkeypatch).errors == []


@pytest.mark.parametrize(("body", "errors"), [
    (b'<c r="A1" ' + b't="e"' * 200_000 + b">", 0),  # one endless tag made of type marks
    (b'<c r="A1" t="e">' * 100_000, 100_000),  # cells that never close
    (b"<c " * 300_000, 0),  # tags that never close
    (b'<c r="A1" t="inlineStr"><is><t>' + b"x" * 3_000_000, 0),  # a text longer than any chunk
])
def test_a_pathological_part_is_scanned_to_its_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes,
                                                   errors: int) -> None:
    """Every search in the scan is bounded, so these take time in proportion to their size, not its square."""
    xml = b'<?xml version="1.0"?><worksheet><sheetData><row r="1">' + body
    assert len(scan(tmp_path, xml, 1 << 20, monkeypatch).errors) == errors
