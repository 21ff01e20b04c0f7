"""The command line, run as a separate process the way a user runs it."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import openpyxl

import marketing_tracker

from .conftest import PLAN_618, PLAN_SPRING, run_cli


def test_new_writes_the_tracker_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "tracker.xlsx"
    done = run_cli("new", str(PLAN_618), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out} (9 tasks, zh-CN)"
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[2] == "执行任务跟踪表"


def test_locale_overrides_the_plan(tmp_path: Path) -> None:
    out = tmp_path / "tracker.xlsx"
    assert run_cli("new", str(PLAN_618), "-o", str(out), "--locale", "en").returncode == 0
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[2] == "Tasks"


def test_without_an_output_name_the_plan_name_is_used_here(tmp_path: Path) -> None:
    done = run_cli("new", str(PLAN_SPRING), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "spring-launch.en.xlsx").is_file()


def test_a_wrong_plan_exits_2_listing_every_problem(tmp_path: Path) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text(
        "campaign: {name: X, start: 2025-03-01, end: 2025-03-31}\n"
        "people: [{name: Ann}]\n"
        "tasks:\n"
        "  - {id: M001, name: A, phase: prep, owner: Ann, start: 2025-03-05, end: 2025-03-01}\n"
        "  - {id: M001, name: B, phase: launch, owner: Zed}\n",
        encoding="utf-8",
    )
    done = run_cli("new", str(plan), "-o", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines[0] == f"marketing-tracker: error: {plan}: the plan has 4 problems:"
    assert lines[1:] == [
        "  - tasks[0].end: M001: end 2025-03-01 is before start 2025-03-05",
        "  - tasks[1].id: task ID 'M001' is already used by tasks[0]",
        "  - tasks[1].phase: unknown phase 'launch' (the plan's phases: prep, warmup, execution, wrapup)",
        "  - tasks[1].owner: 'Zed' is not among the campaign's people",
    ]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_a_missing_plan_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_cli("new", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2
    assert done.stderr == (f"marketing-tracker: error: {tmp_path / 'nope.yaml'}: the plan has 1 problem:\n"
                           "  - cannot read the file (No such file or directory)\n")


def test_a_binary_file_given_as_plan_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "plan.yaml"
    fake.write_bytes(b"PK\x03\x04\x00\xff\xfe binary")
    done = run_cli("new", str(fake), "-o", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2
    assert done.stderr == f"marketing-tracker: error: {fake}: the plan has 1 problem:\n  - not valid YAML\n"


def test_an_output_folder_that_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    done = run_cli("new", str(PLAN_618), "-o", str(tmp_path / "missing" / "x.xlsx"))
    assert done.returncode == 2
    missing = tmp_path / "missing"
    assert done.stderr.strip() == f"marketing-tracker: error: {missing / 'x.xlsx'}: the folder {missing} does not exist"


def test_an_output_that_is_not_xlsx_is_refused(tmp_path: Path) -> None:
    done = run_cli("new", str(PLAN_618), "-o", str(tmp_path / "x.xls"))
    assert done.returncode == 2
    assert done.stderr == (f"marketing-tracker: error: {tmp_path / 'x.xls'}: the tracker is an Excel workbook; "
                           "give the file name an .xlsx ending\n")


def test_the_plan_file_is_never_modified(tmp_path: Path) -> None:
    before = hashlib.sha256(PLAN_618.read_bytes()).hexdigest()
    run_cli("new", str(PLAN_618), "-o", str(tmp_path / "x.xlsx"))
    assert hashlib.sha256(PLAN_618.read_bytes()).hexdigest() == before


def test_an_existing_output_is_replaced_whole_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"old")
    assert run_cli("new", str(PLAN_618), "-o", str(out)).returncode == 0
    assert out.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]


def test_a_failed_write_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"old")
    bad = tmp_path / "bad.yaml"
    bad.write_text("campaign: {name: X, start: 2025-03-01, end: 2025-02-01}\n", encoding="utf-8")
    assert run_cli("new", str(bad), "-o", str(out)).returncode == 2
    assert out.read_bytes() == b"old"


def test_usage_errors_exit_2_with_one_line() -> None:
    done = run_cli("new")
    assert (done.returncode, done.stderr) == (
        2, "marketing-tracker new: error: the following arguments are required: PLAN.yaml (--help lists the options)\n")


def test_demo_runs_the_whole_loop_and_says_where(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    done = run_cli("demo", "-o", str(folder))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"demo campaign written to {folder.resolve()}:"
    assert [line.split()[0] for line in done.stdout.splitlines()[1:]] == [
        "618-tracker.zh-CN.xlsx", "618-tracker.en.xlsx", "618-anniversary.zh-CN.yaml", "618-filled.xlsx", "618-checks.txt",
        "618-filled.checked.xlsx", "618-recap.xlsx", "618-recap.html", "618-figures.json", "index.html"]
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["618-anniversary.zh-CN.yaml", "618-checks.txt", "618-figures.json", "618-filled.checked.xlsx",
                     "618-filled.xlsx", "618-recap.html", "618-recap.xlsx", "618-tracker.en.xlsx",
                     "618-tracker.zh-CN.xlsx", "index.html"]
    # as of 2024-06-30: M002, M003 and M004 started before what they wait for ended; C001 is 5 days overdue
    checks = (folder / "618-checks.txt").read_text(encoding="utf-8").splitlines()[0]
    assert checks == f"{folder.resolve() / '618-filled.xlsx'}: 4 警告 (9 个任务)"
    figures = json.loads((folder / "618-figures.json").read_text(encoding="utf-8"))
    assert figures["overall"]["completion_rate"] == 0.8889  # 8 of 9 tasks done
    assert openpyxl.load_workbook(folder / "618-tracker.en.xlsx", read_only=True).sheetnames[2] == "Tasks"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]+)">', index) == [  # every file it lists, but itself
        "618-tracker.zh-CN.xlsx", "618-tracker.en.xlsx", "618-anniversary.zh-CN.yaml", "618-filled.xlsx", "618-checks.txt",
        "618-filled.checked.xlsx", "618-recap.xlsx", "618-recap.html", "618-figures.json"]
    assert re.findall(r"<h1>(.*?)</h1>", index) == ["品牌618周年庆"]


def test_version() -> None:
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout == f"marketing-tracker {marketing_tracker.__version__}\n"
