"""A copy of a filled workbook with every finding written onto its cell.

openpyxl edits the copy (xlsxwriter cannot edit an existing file): each finding becomes a
comment on its cell with a red (error) or amber (warning) fill, and a findings sheet at the
front lists them all with links to the cells. The original file is never opened for
writing; the copy is written atomically. openpyxl keeps values, formulas, dropdowns,
conditional formats, named ranges, protection and frozen panes; it drops Excel-2010
extensions such as a data bar's solid fill, which then shows as a gradient
(tests/test_annotate.py checks this on a file saved by LibreOffice).

Example::

    tracker = read_tracker("filled.xlsx")
    annotate("filled.xlsx", validate(tracker), "filled.checked.xlsx", locale=tracker.locale)
"""

from __future__ import annotations

import os
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

from marketing_tracker.core.cells import column_letters, quote_sheet
from marketing_tracker.core.errors import TrackerError, visible
from marketing_tracker.core.fileio import atomic_output
from marketing_tracker.core.findings import SEVERITY_ORDER, Finding, sort_findings
from marketing_tracker.core.schema import META_SHEET, Locale, Text
from marketing_tracker.workbook.printing import Page, set_up_openpyxl

FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}
FINDINGS_TITLE = Text("检查结果", "Findings")
HEADERS = (Text("级别", "Severity"), Text("代码", "Code"), Text("工作表", "Sheet"), Text("单元格", "Cell"),
           Text("说明", "Message"))
SEVERITY_WORDS = {"error": Text("错误", "error"), "warning": Text("警告", "warning"), "info": Text("提示", "info")}
AUTHOR = "marketing_tracker"


def annotate(source: str | os.PathLike[str], findings: list[Finding], target: str | os.PathLike[str], *,
             locale: Locale = "zh-CN") -> Path:
    """Write ``target``: a copy of ``source`` with ``findings`` on their cells and a findings sheet."""
    src = Path(source)
    book = _open(src)
    _mark_cells(book, findings, locale)
    _findings_sheet(book, findings, locale)
    with atomic_output(target, inputs=(src,)) as staged:
        book.save(staged)
    return Path(target)


def _open(src: Path) -> Any:
    """The workbook to annotate, macros kept in an .xlsm; a file openpyxl cannot open is a TrackerError."""
    import openpyxl

    if src.suffix.lower() not in (".xlsx", ".xlsm"):
        raise TrackerError(f"{src}: annotating works on .xlsx and .xlsm files; save this one as .xlsx first")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes about extensions it does not keep
        try:
            return openpyxl.load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm", keep_links=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for damaged files
            raise TrackerError(f"{src}: cannot be opened for annotating ({type(exc).__name__}: {exc})") from None


def _mark_cells(book: Any, findings: list[Finding], locale: Locale) -> None:
    """Each cell with findings gets one comment listing them, and the fill of the worst."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet in book.sheetnames and finding.cell:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    for (sheet, cell), items in by_cell.items():
        target_cell = book[sheet][cell]
        # a workbook cannot hold control characters (openpyxl refuses them): shown as escapes
        text = "\n".join(visible(f"[{f.code}] {f.message(locale)}") for f in items)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, 40 + 40 * len(items)
        target_cell.comment = comment
        worst = min(items, key=lambda f: SEVERITY_ORDER[f.severity]).severity
        if worst in FILLS:
            target_cell.fill = PatternFill("solid", fgColor=FILLS[worst])


def _findings_sheet(book: Any, findings: list[Finding], locale: Locale) -> None:
    """The findings as a first sheet, worst first, each linked to its cell; the sheet the copy opens on."""
    from openpyxl.styles import Font

    title = FINDINGS_TITLE.get(locale)
    while title in book.sheetnames:
        title += "_"
    sheet = book.create_sheet(title, 0)
    sheet.append([h.get(locale) for h in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(name=cell.font.name, sz=cell.font.sz, bold=True)  # the workbook's font, in bold
    # Rows are addressed by number, never through max_row or sheet[row]: both walk every cell
    # already written, which made a 50,000-finding copy quadratic (issue 14).
    for row, finding in enumerate(sort_findings(findings), start=2):
        _finding_row(sheet, row, finding, locale, linked=finding.sheet in book.sheetnames and bool(finding.cell))
    for index, width in enumerate((10, 22, 18, 8, 100)):  # "Severity" in bold needs 10
        sheet.column_dimensions[column_letters(index)].width = width
    sheet.freeze_panes = "A2"
    campaign = _campaign_name(book)
    set_up_openpyxl(sheet, Page(campaign, title, locale, area=(0, 0, max(len(findings), 1), len(HEADERS) - 1),
                                repeat_rows=(0, 0)))
    book.active = 0
    for ws in book.worksheets[1:]:
        ws.sheet_view.tabSelected = False


def _finding_row(sheet: Any, row: int, finding: Finding, locale: Locale, *, linked: bool) -> None:
    """Write one finding on ``row`` of the findings sheet: words, fill and a link to its cell."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    values = (SEVERITY_WORDS[finding.severity].get(locale), finding.code, visible(finding.sheet), finding.cell,
              visible(finding.message(locale)))
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row, column, value)
        cell.data_type = "s"  # openpyxl would store "=..." as a formula: text from a file stays text
    if finding.severity in FILLS:
        sheet.cell(row, 1).fill = PatternFill("solid", fgColor=FILLS[finding.severity])
    if linked:
        link = sheet.cell(row, 4)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheet(finding.sheet)}!{finding.cell}")
        link.font = Font(color="0563C1", underline="single")


def _campaign_name(book: Any) -> str:
    """The campaign's name as the identity sheet records it (a tracker of ours), for the page header."""
    if META_SHEET not in book.sheetnames:
        return ""
    for key, value, *_rest in book[META_SHEET].iter_rows(max_col=2, values_only=True):
        if key == "campaign":
            return str(value or "")
    return ""
