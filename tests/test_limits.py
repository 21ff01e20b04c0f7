"""Limits live on the column: one declaration feeds the workbook's validation and the rule.

A value pasted past the workbook's data validation (a paste, or a program writing cells)
is still a finding at its cell: ``out-of-range`` for a number, ``too-long`` for a text or ID.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from marketing_tracker import Finding, read_tracker, validate
from marketing_tracker.core.schema import KIND_LIMITS, KPIS, TASKS, Column, Limits, sheet_title
from marketing_tracker.workbook.writer import write_tracker

from .cells import Header
from .conftest import LibreOffice
from .test_validate import AS_OF, E001, M001, PLAN, layout

TASKS_EN = sheet_title("tasks", "en")


def check(tmp_path: Path, m001: dict[str, Any], **records: list[dict[str, Any]]) -> list[Finding]:
    path = write_tracker(PLAN, tmp_path / "t.xlsx", records={"tasks": [{**M001, **m001}, E001], **records})
    return validate(read_tracker(path), as_of=AS_OF)


def at(findings: list[Finding], code: str) -> list[tuple[str, str, str]]:
    return [(f.sheet, f.cell, f.message("en")) for f in findings if f.code == code]


@cache
def generated() -> dict[str, Header]:
    """PLAN's tracker as its header rows show it, read once."""
    return layout()


def letter(key: str) -> str:
    """The tasks sheet's column of ``key``, found by its header label."""
    return generated()["tasks"].letter(key)


def test_a_column_takes_its_kind_s_limits_unless_it_declares_its_own() -> None:
    assert TASKS.column("task_id").limits == Limits(max_length=20)
    assert TASKS.column("name").limits == Limits(max_length=200)
    assert TASKS.column("progress").limits == Limits(0, 100)
    assert TASKS.column("budget_planned").limits == Limits(0)
    assert KPIS.column("unit").limits == Limits(max_length=20)
    assert Column("x", TASKS.column("name").label, "number", maximum=5).limits == Limits(-1e15, 5)
    assert KIND_LIMITS["text"] == Limits(max_length=500)


def test_an_id_longer_than_the_template_allows_is_a_finding_at_its_cell(tmp_path: Path) -> None:
    findings = check(tmp_path, {"task_id": "M" + "0" * 24}, raci=[])
    assert at(findings, "too-long") == [
        (TASKS_EN, f"{letter('task_id')}4", f"{letter('task_id')}4: Task ID is too long (25 characters, at most 20); "
                                            "shorten it")]


def test_a_text_past_its_length_limit_is_a_finding_at_its_cell(tmp_path: Path) -> None:
    findings = check(tmp_path, {"name": "x" * 201})
    assert at(findings, "too-long") == [
        (TASKS_EN, f"{letter('name')}4", f"{letter('name')}4: Task name is too long (201 characters, at most 200); "
                                         "shorten it")]


def test_a_text_at_its_length_limit_is_fine(tmp_path: Path) -> None:
    assert at(check(tmp_path, {"name": "x" * 200, "notes": "y" * 500}), "too-long") == []


def test_task_ids_listed_past_the_length_limit_are_a_finding(tmp_path: Path) -> None:
    many = ",".join(f"M{i:03d}" for i in range(120))  # 599 characters
    findings = check(tmp_path, {"depends_on": many})
    assert [(cell, message.split(": ", 1)[1]) for _s, cell, message in at(findings, "too-long")] == [
        (f"{letter('depends_on')}4", "Depends on is too long (599 characters, at most 500); shorten it")]


@pytest.mark.parametrize(("key", "value", "allowed"), [("progress", 101, "0 - 100"), ("progress", -1, "0 - 100"),
                                                       ("budget_planned", -5, ">= 0"), ("budget_actual", -0.5, ">= 0")])
def test_a_number_outside_its_column_s_bounds_is_out_of_range(tmp_path: Path, key: str, value: float, allowed: str) -> None:
    findings = check(tmp_path, {key: value})
    label = TASKS.column(key).label.en
    shown = str(int(value)) if float(value).is_integer() else f"{value:g}"
    assert at(findings, "out-of-range") == [
        (TASKS_EN, f"{letter(key)}4", f"{letter(key)}4: {label} is {shown}; it must be {allowed}")]


def test_a_kpi_log_value_beyond_the_number_bounds_is_no_number(tmp_path: Path) -> None:
    log = [{"date": date(2025, 3, 2), "kpi": "Sign-ups", "value": 2e15}]
    findings = check(tmp_path, {}, kpi_log=log)
    # past MAX_NUMBER a value is not taken as a number at all, so that it never reaches a figure
    assert [(f.sheet, f.cell, f.column) for f in findings if f.code == "bad-number"] == [
        (sheet_title("kpi_log", "en"), generated()["kpi_log"].cell("value", 4), "value")]


def data_validations(path: Path, sheet_index: int) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(f"xl/worksheets/sheet{sheet_index}.xml").decode()
    return re.findall(r"<dataValidation [^>]*>.*?</dataValidation>", xml, re.S)


def test_the_workbook_s_validation_comes_from_the_same_limits(tmp_path: Path) -> None:
    path = write_tracker(PLAN, tmp_path / "t.xlsx")
    rules = data_validations(path, 3)  # guide, info, tasks
    by_range = {re.search(r'sqref="([A-Z]+)\d+', r).group(1): r for r in rules}  # type: ignore[union-attr]
    assert "<formula1>AND(LEN(A4)&lt;=20,COUNTIF" in by_range[letter("task_id")]
    assert "<formula1>200</formula1>" in by_range[letter("name")]
    assert "<formula1>0</formula1><formula2>100</formula2>" in by_range[letter("progress")]
    assert 'operator="greaterThanOrEqual"' in by_range[letter("budget_planned")]


@pytest.mark.libreoffice
def test_values_pasted_past_the_dropdown_and_length_checks_in_libreoffice_are_findings(
        tmp_path: Path, libreoffice: LibreOffice) -> None:
    source = write_tracker(PLAN, tmp_path / "sent.xlsx")
    pasted = tmp_path / "pasted.xlsx"
    sheet = TASKS_EN
    libreoffice.run({"input": str(source), "unprotect": [sheet],
                     "text": [{"sheet": sheet, "cell": f"{letter('task_id')}4", "value": "M001-" + "x" * 20},
                              {"sheet": sheet, "cell": f"{letter('name')}5", "value": "Go live " + "!" * 200},
                              {"sheet": sheet, "cell": f"{letter('status')}5", "value": "Finished?"}],
                     "type": [{"sheet": sheet, "cell": f"{letter('progress')}5", "value": "150"}],
                     "save": [{"path": str(pasted), "filter": "Calc MS Excel 2007 XML"}]})
    findings = validate(read_tracker(pasted), as_of=AS_OF)
    got = {(f.code, f.cell) for f in findings if f.code in ("too-long", "out-of-range", "bad-choice")}
    assert got == {("too-long", f"{letter('task_id')}4"), ("too-long", f"{letter('name')}5"),
                   ("out-of-range", f"{letter('progress')}5"), ("bad-choice", f"{letter('status')}5")}
