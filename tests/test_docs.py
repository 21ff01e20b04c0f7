"""docs/ stays in step with the code: generated sections are compared with what the schema says."""

from __future__ import annotations

import os
import re
from pathlib import Path

from marketing_tracker.core.findings import CODES, Code
from marketing_tracker.core.schema import TABLE_SHEETS, Column
from marketing_tracker.core.words import DETAILS

DOCS = Path(__file__).resolve().parent.parent / "docs"
KIND_WORDS = {
    "text": "text", "id": "ID (unique)", "date": "date", "percent": "number 0-100", "money": "amount >= 0",
    "number": "number", "choice": "dropdown", "person": "person (dropdown)", "ids": "task IDs, comma separated",
    "formula": "computed",
}


def describe(column: Column) -> str:
    kind = KIND_WORDS[column.kind]
    if column.choices and column.kind == "choice":
        kind += f" ({column.choices})"
    required = "yes" if column.required else ""
    return f"| {column.label.zh} | {column.label.en} | {kind} | {required} |"


def columns_section() -> str:
    lines: list[str] = []
    for sheet in TABLE_SHEETS:
        lines += ["", f"### {sheet.title.zh} / {sheet.title.en}", "",
                  "| column (zh-CN) | column (en) | type | required |", "|---|---|---|---|"]
        lines += [describe(c) for c in sheet.columns]
        if sheet.key == "raci":
            lines.append("| *one column per person* | | dropdown (R, A, R/A, C, I) | |")
    return "\n".join(lines) + "\n"


def refresh_or_compare(path: Path, name: str, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n)(.*?)(<!-- END GENERATED: {name} -->)", re.S)
    match = pattern.search(text)
    assert match, f"{path.name} lacks the generated section {name}"
    if os.environ.get("MT_REFRESH_DOCS"):
        path.write_text(pattern.sub(lambda m: m.group(1) + body + m.group(3), text), encoding="utf-8")
        return
    assert match.group(2) == body, f"{path.name} is stale: run MT_REFRESH_DOCS=1 python -m pytest tests/test_docs.py"


def test_the_tracker_page_lists_every_column_of_the_schema() -> None:
    refresh_or_compare(DOCS / "tracker.md", "columns", columns_section())


def test_every_doc_page_the_readme_links_exists() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for link in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (DOCS.parent / link).is_file(), link


SOURCE = {
    "sheet-missing": "reading", "header-missing": "reading", "bad-date": "reading", "bad-number": "reading",
    "bad-choice": "reading", "normalized": "reading", "extra-column": "reading", "foreign-workbook": "reading",
    "merge-conflict": "merging", "merge-deleted": "merging", "merge-kept": "merging",
    "macros-ignored": "reading", "cell-error": "reading", "formula-error": "reading",
}


def code_page(code: Code) -> str:
    found_by = SOURCE.get(code.code, "validation (`marketing_tracker/checks/validate.py`)")
    return (f"# `{code.code}`\n\n"
            f"- severity: **{code.severity}**\n"
            f"- meaning: {code.meaning}\n"
            f"- found by: {found_by}\n\n"
            "## Message\n\n"
            f"- zh-CN: `{code.message.zh}`\n"
            f"- en: `{code.message.en}`\n\n"
            "The words in braces are filled in: `cell` is where the value is in the file as saved, `value` what it holds.\n"
            + ("`detail` is put into words from the finding's detail code, in the reader's language "
               "(see [the details](../findings.md#messages-are-made-when-they-are-shown)).\n"
               if "{detail}" in code.message.en else "")
            + "See [the list of codes](../findings.md).\n")


def codes_table() -> str:
    lines = ["| code | severity | meaning |", "|---|---|---|"]
    lines += [f"| [`{c.code}`](findings/{c.code}.md) | {c.severity} | {c.meaning} |" for c in CODES.values()]
    return "\n".join(lines) + "\n"


def test_the_findings_page_lists_every_code() -> None:
    refresh_or_compare(DOCS / "findings.md", "codes", codes_table())


def details_table() -> str:
    lines = ["| detail | zh-CN | en |", "|---|---|---|"]
    lines += [f"| `{key}` | `{text.zh}` | `{text.en}` |" for key, text in DETAILS.items()]
    return "\n".join(lines) + "\n"


def test_the_findings_page_lists_every_detail() -> None:
    refresh_or_compare(DOCS / "findings.md", "details", details_table())


def test_every_code_has_its_own_page() -> None:
    folder = DOCS / "findings"
    for code in CODES.values():
        page = folder / f"{code.code}.md"
        if os.environ.get("MT_REFRESH_DOCS"):
            folder.mkdir(exist_ok=True)
            page.write_text(code_page(code), encoding="utf-8")
        assert page.is_file() and page.read_text(encoding="utf-8") == code_page(code), (
            f"{page} is stale: run MT_REFRESH_DOCS=1 python -m pytest tests/test_docs.py")
    assert sorted(p.stem for p in folder.glob("*.md")) == sorted(CODES)
