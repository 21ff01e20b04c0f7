"""The annotated copy: findings on their cells, and nothing the user relies on lost (file saved by LibreOffice)."""

from __future__ import annotations

import hashlib
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from marketing_tracker import read_tracker, validate
from marketing_tracker.workbook.annotate import annotate

from .cells import Header, header
from .conftest import DATA, LibreOffice, run_cli

SOURCE = DATA / "filled" / "libreoffice_filled.xlsx"
SHEET = "任务跟踪(市场部)"


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def saved() -> Header:
    """The tasks sheet's columns as the user saved them (a column 优先级 inserted before 任务描述)."""
    return header(load(SOURCE)[SHEET], "tasks")


@pytest.fixture(scope="module")
def annotated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tracker = read_tracker(SOURCE)
    out = tmp_path_factory.mktemp("annotated") / "checked.xlsx"
    return annotate(SOURCE, validate(tracker, as_of=date(2024, 5, 24)), out, locale="zh-CN")


def test_each_finding_is_a_comment_and_a_fill_on_its_cell(annotated: Path, saved: Header) -> None:
    ws = load(annotated)[SHEET]
    planned_end, owner, status = saved.cell("planned_end", 7), saved.cell("owner", 10), saved.cell("status", 5)
    # M004 (row 7): its planned end typed before its start, and as of 05-24 open 23 days past that end
    assert ws[planned_end].comment.text == (
        f"[end-before-start] 「计划结束时间」早于「计划开始时间」：请检查 {planned_end}（2024-05-01 早于 2024-05-02）\n"
        f"[overdue] 任务「M004」计划于 2024-05-01 结束，已逾期 23 天仍未完成：请更新进度或把状态改为「已延期」（{planned_end}）")
    assert ws[planned_end].fill.fgColor.rgb == "00FFC7CE"     # error: red
    assert ws[owner].fill.fgColor.rgb == "00FFEB9C"    # warning: amber
    assert ws[status].comment.text == f"[normalized] {status} 的「完成」已按「已完成」理解"  # typed 完成


def test_several_findings_on_one_cell_share_its_comment(annotated: Path, saved: Header) -> None:
    task_id = saved.cell("task_id", 12)  # E001's row, where M001 was typed again
    assert load(annotated)[SHEET][task_id].comment.text == (
        f"[duplicate-id] 编号「M001」重复：{task_id} 与 {saved.cell('task_id', 4)} 相同，请改用唯一编号\n"
        f"[id-prefix] 任务ID「M001」的前缀与阶段「执行期」不符，应以 E 开头（{task_id}）")


def test_a_findings_sheet_comes_first_with_links_to_the_cells(annotated: Path, saved: Header) -> None:
    book = load(annotated)
    sheet = book.worksheets[0]
    assert sheet.title == "检查结果"
    assert [c.value for c in sheet[1]] == ["级别", "代码", "工作表", "单元格", "说明"]
    first = [c.value for c in sheet[2]]
    assert first[0] == "错误"
    assert first == ["错误", "end-before-start", SHEET, saved.cell("planned_end", 7),
                     f"「计划结束时间」早于「计划开始时间」：请检查 {saved.cell('planned_end', 7)}（2024-05-01 早于 2024-05-02）"]
    links = [sheet.cell(r, 4).hyperlink.location if sheet.cell(r, 4).hyperlink else None
             for r in range(2, sheet.max_row + 1)]
    findings = validate(read_tracker(SOURCE), as_of=date(2024, 5, 24))
    assert sorted(links) == sorted(f"'{f.sheet}'!{f.cell}" for f in findings)  # one linked row per finding


def test_the_original_is_not_touched(tmp_path: Path) -> None:
    before = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    annotate(SOURCE, validate(read_tracker(SOURCE)), tmp_path / "x.xlsx")
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == before


def snapshot(book: openpyxl.Workbook) -> dict[str, Any]:
    sheets = {}
    for ws in book.worksheets:
        if ws.title == "检查结果":
            continue
        sheets[ws.title] = {
            "values": [[c.value for c in row] for row in ws.iter_rows()],
            "validations": sorted((str(v.sqref), v.type, v.formula1) for v in ws.data_validations.dataValidation),
            "conditional": sorted((str(cf.sqref), len(cf.rules)) for cf in ws.conditional_formatting),
            "frozen": ws.freeze_panes,
            "protected": ws.protection.sheet,
            "state": ws.sheet_state,
        }
    return {"sheets": sheets, "names": sorted(book.defined_names.keys())}


def test_data_dropdowns_formats_names_and_protection_survive(annotated: Path) -> None:
    assert snapshot(load(annotated)) == snapshot(load(SOURCE))


@pytest.mark.libreoffice
def test_libreoffice_sees_the_same_dropdowns_and_conditional_formats(annotated: Path, saved: Header,
                                                                    libreoffice: LibreOffice) -> None:
    status, progress = saved.cell("status", 40), saved.cell("progress", 40)  # a spare row
    job = {"validation": [{"sheet": SHEET, "cell": status}, {"sheet": SHEET, "cell": progress}], "read": []}
    original = libreoffice.run({"input": str(SOURCE), **job})
    copy = libreoffice.run({"input": str(annotated), **job})
    assert copy["conditional_formats"] == {"检查结果": 0, **original["conditional_formats"]}
    assert copy["read"] == original["read"]
    assert copy["read"][f"validation:{SHEET}!{status}"]["type"] == "LIST"


def test_the_command_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    copy = tmp_path / "filled.xlsx"
    copy.write_bytes(SOURCE.read_bytes())
    done = run_cli("annotate", str(copy), "-o", str(copy))
    assert done.returncode == 2
    assert done.stderr == f"marketing-tracker: error: {copy}: the output would overwrite an input file; choose another name\n"
    assert copy.read_bytes() == SOURCE.read_bytes()


def test_the_command_writes_beside_the_input_by_default(tmp_path: Path) -> None:
    copy = tmp_path / "filled.xlsx"
    copy.write_bytes(SOURCE.read_bytes())
    done = run_cli("annotate", str(copy), "--as-of", "2024-05-24")
    assert done.returncode == 1  # the file has errors
    assert done.stdout == f"wrote {tmp_path / 'filled.checked.xlsx'} (9 errors, 7 warnings, 7 infos)\n"
    assert (tmp_path / "filled.checked.xlsx").is_file()


def test_other_formats_are_refused_with_a_reason(tmp_path: Path) -> None:
    ods = DATA / "filled" / "libreoffice_filled.ods"
    done = run_cli("annotate", str(ods), "-o", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2
    assert done.stderr == (f"marketing-tracker: error: {ods}: annotating works on .xlsx and .xlsm files; "
                           "save this one as .xlsx first\n")
