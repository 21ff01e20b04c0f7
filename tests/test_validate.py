"""One behaviour per finding code, each at the exact cell, on trackers written with the values to check."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils.cell import coordinate_from_string

from marketing_tracker import CODES, Campaign, Finding, Kpi, Milestone, Person, Phase, Plan, Task, read_tracker, validate
from marketing_tracker.checks.validate import RULES
from marketing_tracker.core.cells import column_letters
from marketing_tracker.core.schema import sheet_title
from marketing_tracker.workbook.writer import write_tracker

from .cells import Header, headers
from .conftest import run_cli

AS_OF = date(2025, 3, 8)
PLAN = Plan(
    Campaign("Launch", date(2025, 3, 1), date(2025, 3, 31), locale="en"),
    phases=[Phase("prep", date(2025, 3, 1), date(2025, 3, 10)), Phase("execution", date(2025, 3, 11), date(2025, 3, 25)),
            Phase("wrapup", date(2025, 3, 26), date(2025, 3, 31))],
    people=[Person("Ann"), Person("Bo")],
    kpis=[Kpi("signups", "Sign-ups", 100)],
    milestones=[Milestone("Assets final", "prep", date(2025, 3, 20), "Ann")],
    tasks=[Task("M001", "Brief", "prep", "Ann", "Bo", start=date(2025, 3, 1), end=date(2025, 3, 5)),
           Task("E001", "Go live", "execution", "Bo", "Ann", start=date(2025, 3, 11), end=date(2025, 3, 15),
                depends_on=["M001"])],
)
M001 = {"task_id": "M001", "name": "Brief", "phase": "prep", "owner": "Ann", "planned_start": date(2025, 3, 1),
        "planned_end": date(2025, 3, 5), "progress": 0, "status": "not_started"}
E001 = {"task_id": "E001", "name": "Go live", "phase": "execution", "owner": "Bo", "planned_start": date(2025, 3, 11),
        "planned_end": date(2025, 3, 15), "progress": 0, "status": "not_started", "depends_on": "M001"}


def check(tmp_path: Path, *, m001: dict[str, Any] | None = None, e001: dict[str, Any] | None = None,
          as_of: date = AS_OF, **records: list[dict[str, Any]]) -> list[Finding]:
    tasks = [{**M001, **(m001 or {})}, {**E001, **(e001 or {})}]
    path = write_tracker(PLAN, tmp_path / "t.xlsx", records={"tasks": [{k: v for k, v in t.items() if v is not None}
                                                                         for t in tasks], **records})
    return validate(read_tracker(path), as_of=as_of)


@cache
def layout() -> dict[str, Header]:
    """PLAN's tracker as its header rows show it (every tracker of these tests has that layout)."""
    folder = Path(tempfile.mkdtemp(prefix="mt-layout-"))
    try:
        return headers(write_tracker(PLAN, folder / "layout.xlsx"))
    finally:
        shutil.rmtree(folder)


def at(findings: list[Finding], code: str) -> set[tuple[str, str, int]]:
    """Where the ``code`` findings are: (sheet key, key of the column headed above the cell, row)."""
    sheets = {sheet_title(key, "en"): key for key in layout()}
    return {(sheets[f.sheet], layout()[sheets[f.sheet]].key_at(f.cell), coordinate_from_string(f.cell)[1])
            for f in findings if f.code == code}


def addresses(findings: list[Finding], code: str) -> set[tuple[str, str]]:
    """Where the ``code`` findings are, as (sheet, cell) (for a workbook that is not one of ours)."""
    return {(f.sheet, f.cell) for f in findings if f.code == code}


def test_a_correct_tracker_has_no_findings(tmp_path: Path) -> None:
    assert check(tmp_path, as_of=date(2025, 2, 28)) == []


def test_every_code_has_a_rule_or_comes_from_the_reader() -> None:
    from_reader = {"sheet-missing", "header-missing", "bad-date", "bad-number", "bad-choice", "normalized",
                   "extra-column", "foreign-workbook", "macros-ignored", "cell-error", "formula-error"}
    from_merge = {"merge-conflict", "merge-deleted", "merge-kept"}
    assert set(CODES) == set(RULES) | from_reader | from_merge


@pytest.mark.parametrize(
    ("m001", "e001", "code", "cells"),
    [
        ({"name": None}, {}, "required-missing", {("tasks", "name", 4)}),
        ({"planned_start": "next week"}, {}, "bad-date", {("tasks", "planned_start", 4)}),
        ({"budget_planned": "lots"}, {}, "bad-number", {("tasks", "budget_planned", 4)}),
        ({"status": "finished-ish"}, {}, "bad-choice", {("tasks", "status", 4)}),
        ({"progress": 120}, {"budget_actual": -5}, "out-of-range", {("tasks", "progress", 4), ("tasks", "budget_actual", 5)}),
        ({}, {"task_id": "M001"}, "duplicate-id", {("tasks", "task_id", 5)}),
        ({"planned_end": date(2025, 2, 27)}, {}, "end-before-start", {("tasks", "planned_end", 4)}),
        ({"actual_start": date(2025, 3, 3), "actual_end": date(2025, 3, 2)}, {}, "end-before-start",
         {("tasks", "actual_end", 4)}),
        ({"actual_end": date(2025, 3, 5)}, {}, "end-without-start", {("tasks", "actual_start", 4)}),
        ({"status": "done", "progress": 50}, {}, "status-mismatch", {("tasks", "progress", 4)}),
        ({"status": "in_progress", "progress": 100}, {}, "status-mismatch", {("tasks", "status", 4)}),
        ({}, {"depends_on": "M001,Z9"}, "unknown-reference", {("tasks", "depends_on", 5)}),
        ({"depends_on": "E001"}, {}, "dependency-cycle", {("tasks", "depends_on", 4)}),
        ({}, {}, "overdue", {("tasks", "planned_end", 4)}),
        ({"status": "delayed"}, {}, "overdue", set()),
        ({"planned_end": date(2025, 4, 10)}, {}, "outside-period", {("tasks", "planned_end", 4)}),
        ({"planned_start": date(2025, 3, 12), "planned_end": date(2025, 3, 13)}, {}, "outside-period",
         {("tasks", "planned_start", 4), ("tasks", "planned_end", 4)}),
        ({}, {"phase": "prep"}, "id-prefix", {("tasks", "task_id", 5)}),
        ({"owner": "Zed"}, {}, "unknown-owner", {("tasks", "owner", 4)}),
        ({}, {"planned_start": date(2025, 3, 3)}, "starts-before-dependency", {("tasks", "planned_start", 5)}),
        ({"status": "complete"}, {}, "normalized", {("tasks", "status", 4)}),
        ({"progress": "60%"}, {}, "normalized", {("tasks", "progress", 4)}),
    ],
)
def test_finding_codes_on_the_tasks_sheet(tmp_path: Path, m001: dict[str, Any], e001: dict[str, Any], code: str,
                                          cells: set[tuple[str, str]]) -> None:
    assert at(check(tmp_path, m001=m001, e001=e001), code) == cells


def test_milestone_missed(tmp_path: Path) -> None:
    assert at(check(tmp_path, as_of=date(2025, 3, 21)), "milestone-missed") == {("milestones", "due", 4)}


def test_a_met_milestone_is_not_missed(tmp_path: Path) -> None:
    milestones = [{"milestone_id": "MS01", "name": "Assets final", "phase": "prep", "due": date(2025, 3, 20),
                   "owner": "Ann", "done": date(2025, 3, 19)}]
    assert at(check(tmp_path, as_of=date(2025, 3, 21), milestones=milestones), "milestone-missed") == set()


def test_raci_rows_need_one_r_and_one_a(tmp_path: Path) -> None:
    raci = [{"task_id": "M001", "person:Ann": "R", "person:Bo": "R"}, {"task_id": "E001", "person:Bo": "RA"}]
    assert at(check(tmp_path, raci=raci), "raci") == {("raci", "task_id", 4)}


def test_a_task_added_after_the_tracker_went_out_is_an_info_with_its_owner_as_r(tmp_path: Path) -> None:
    raci = [{"task_id": "M001", "person:Ann": "R", "person:Bo": "A"}]
    findings = check(tmp_path, raci=raci)
    assert at(findings, "raci") == set()
    (added,) = [f for f in findings if f.code == "raci-missing"]
    cell = layout()["tasks"].cell("task_id", 5)
    assert (added.severity, added.sheet, added.cell) == ("info", "Tasks", cell)
    assert added.message("en") == ("Task 'E001' has no row on the RACI sheet (added after the tracker went out?), "
                                   f"its owner Bo counts as R; add a row there if you like ({cell})")


def test_issue_log_and_kpi_log_name_known_tasks_and_kpis(tmp_path: Path) -> None:
    issues = [{"issue_id": "I001", "raised": date(2025, 3, 2), "description": "Late assets", "task_id": "Z9",
               "owner": "Ann", "status": "in_progress"}]
    log = [{"date": date(2025, 3, 2), "kpi": "Sign-ups", "value": 10}, {"date": date(2025, 3, 2), "kpi": "Likes", "value": 3}]
    findings = check(tmp_path, issues=issues, kpi_log=log)
    assert at(findings, "unknown-reference") == {("issues", "task_id", 4), ("kpi_log", "kpi", 5)}


def test_issue_resolved_before_raised(tmp_path: Path) -> None:
    issues = [{"issue_id": "I001", "raised": date(2025, 3, 5), "description": "x", "owner": "Ann", "status": "resolved",
               "resolved": date(2025, 3, 4)}]
    assert at(check(tmp_path, issues=issues), "end-before-start") == {("issues", "resolved", 4)}


def test_a_missing_required_column_names_what_is_there(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "own.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Tasks")
    own = ["Task ID", "Task name", "Phase", "Owner", "Planned start", "Planned end", "Priority"]
    sheet.write_row(0, 0, own)
    sheet.write_row(1, 0, ["M001", "Brief", "prep", "Ann", "2025-03-01", "2025-03-05", "high"])
    book.close()
    findings = validate(read_tracker(path), as_of=AS_OF)
    missing = [f for f in findings if f.code == "header-missing"]
    assert [f.column for f in missing] == ["status"]
    assert missing[0].message("en") == ("Tasks has no column Status (not found in the header row 1); "
                                        f"the headers are: {', '.join(own)}")
    priority = f"{column_letters(own.index('Priority'))}1"  # the header cell of the own "Priority" column
    assert addresses(findings, "extra-column") == {("Tasks", priority)}
    assert addresses(findings, "foreign-workbook") == {("", "")}


def test_messages_come_in_the_workbook_language_or_the_chosen_one(tmp_path: Path) -> None:
    (finding,) = [f for f in check(tmp_path, m001={"planned_end": date(2025, 2, 27)}) if f.code == "end-before-start"]
    cell = layout()["tasks"].cell("planned_end", 4)
    assert finding.message("en") == f"Planned end is before Planned start: check {cell} (2025-02-27 is before 2025-03-01)"
    assert finding.message("zh-CN") == f"「计划结束时间」早于「计划开始时间」：请检查 {cell}（2025-02-27 早于 2025-03-01）"


def test_json_output_follows_the_contract(tmp_path: Path) -> None:
    bad = {**M001, "planned_start": date(2025, 3, 2), "planned_end": date(2025, 3, 1)}
    path = write_tracker(PLAN, tmp_path / "t.xlsx", records={"tasks": [bad, E001]})
    done = run_cli("validate", str(path), "--format", "json", "--as-of", "2025-02-28")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    (entry,) = document["files"]
    assert entry["path"] == str(path)
    assert entry["locale"] == "en"
    assert entry["counts"] == {"tasks": 2, "milestones": 1, "kpis": 1, "issues": 0}
    cell = layout()["tasks"].cell("planned_end", 4)
    assert entry["findings"][0] == {
        "code": "end-before-start", "severity": "error", "sheet": "Tasks", "cell": cell, "row": 4,
        "column": "planned_end", "value": "2025-03-01",
        "message": f"Planned end is before Planned start: check {cell} (2025-03-01 is before 2025-03-02)",
    }
    assert document["summary"] == {"errors": 1, "warnings": 0, "infos": 0, "unreadable": 0}


def test_exit_codes_are_the_worst_of_all_files(tmp_path: Path) -> None:
    clean = write_tracker(PLAN, tmp_path / "clean.xlsx")
    assert run_cli("validate", str(clean), "--as-of", "2025-02-28").returncode == 0
    warned = run_cli("validate", str(clean), "--as-of", "2025-03-08")
    assert warned.returncode == 0  # warnings are allowed
    due = layout()["tasks"].cell("planned_end", 4)
    assert warned.stdout.splitlines() == [
        f"{clean}: 1 warnings (2 tasks)",
        "  Tasks: 1 warnings",
        f"    warning {due:<6} overdue                  Task 'M001' was due 2025-03-05 and is 3 days overdue: "
        f"update it or mark it Delayed ({due})"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    both = run_cli("validate", str(broken), str(clean), "--as-of", "2025-02-28")
    assert both.returncode == 2
    assert both.stderr.splitlines()[0].startswith(f"marketing-tracker: error: {broken}: cannot be read: a text file")
    assert "cannot be read" not in both.stdout
    assert f"{clean}: no problems found" in both.stdout  # the good file was still checked
    assert "Traceback" not in both.stderr


def test_text_output_groups_by_sheet_and_hides_normalised_values_unless_asked(tmp_path: Path) -> None:
    path = write_tracker(PLAN, tmp_path / "t.xlsx", records={"tasks": [{**M001, "status": "doing"}, E001]})
    quiet = run_cli("validate", str(path), "--as-of", "2025-02-28", "--lang", "en").stdout
    assert quiet.splitlines() == [
        f"{path}: 1 infos (2 tasks)",
        "  1 values were understood and normalised (--verbose lists them)",
    ]
    loud = run_cli("validate", str(path), "--as-of", "2025-02-28", "--verbose").stdout.splitlines()
    assert loud[:2] == [f"{path}: 1 infos (2 tasks)", "  Tasks: 1 infos"]
    # the finding's line: severity, cell and code in their columns (the message's wording is tested elsewhere)
    assert (len(loud), loud[2].split()[:3]) == (3, ["info", layout()["tasks"].cell("status", 4), "normalized"])


def test_no_progress_bar_when_piped(tmp_path: Path) -> None:
    clean = write_tracker(PLAN, tmp_path / "clean.xlsx")
    done = run_cli("validate", str(clean), str(clean), "--as-of", "2025-02-28")
    assert done.stderr == ""


def test_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    clean = write_tracker(PLAN, tmp_path / "clean.xlsx")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-m", "marketing_tracker", "validate", str(clean), str(clean), "--as-of",
                           "2025-02-28"], stdout=subprocess.PIPE, stderr=follower, env=env, check=False, timeout=60)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"checking" in shown
