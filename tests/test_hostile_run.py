"""Issue 14, items 3-9: hostile content, plans and runs, each through the command as a user runs it.

Every case runs the command in its own process with ``$TMPDIR`` pointed at an empty folder, and
checks what the issue's "done when" asks: the exit code and one line on standard error (or a
finding, where the file is readable), at most 800 MB and 30 s, every input byte for byte as it
was, and nothing left in the output folder or in ``$TMPDIR``. The files are made by
tests/hostile/make_files.py (``ROUND_TWO``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import TESTS
from .hostile import make_files

MAX_SECONDS = 30
MAX_RSS_MB = 800


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile2")
    for make in make_files.ROUND_TWO.values():
        make(folder)
    return folder


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty output folder; ``tmp_path / 'tmp'`` is the run's $TMPDIR."""
    (tmp_path / "tmp").mkdir()
    (tmp_path / "out").mkdir()
    return tmp_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start(work: Path, *args: str, cwd: Path | None = None, python_only: bool = False) -> subprocess.Popen[bytes]:
    """The command (or, with ``python_only``, Python with ``args``), its $TMPDIR the work's own."""
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent), "TMPDIR": str(work / "tmp")}
    env.pop("MARKETING_TRACKER_DEBUG", None)
    command = [sys.executable, *args] if python_only else [sys.executable, "-m", "marketing_tracker", *args]
    return subprocess.Popen(command, cwd=cwd or work / "out", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[bytes], began: float) -> Ran:
    # wait4 gives the child's own peak memory; the pipes are read first so that it cannot block on them
    assert process.stdout is not None and process.stderr is not None
    stdout, stderr = process.stdout.read(), process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Ran(process.returncode, stdout.decode(), stderr.decode(), time.perf_counter() - began,
               usage.ru_maxrss / 1024)


# On Linux a process's peak resident size starts from that of the process it was forked from
# (the test run's, a gigabyte by now): the command is started by a small launcher, whose own
# child's peak is the command's.
LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(work: Path, *args: str, inputs: tuple[Path, ...] = (), cwd: Path | None = None,
        outputs: tuple[str, ...] = ()) -> Ran:
    """Run the command; check the bounds, the inputs and that only ``outputs`` were left behind."""
    before = {path: _digest(path) for path in inputs}
    began = time.perf_counter()
    peak = work / "peak_kib"
    launched = start(work, "-c", LAUNCHER, str(peak), sys.executable, "-m", "marketing_tracker", *args, cwd=cwd,
                     python_only=True)
    ran = finish(launched, began)
    ran.peak_mb = int(peak.read_text()) / 1024
    assert ran.seconds < MAX_SECONDS and ran.peak_mb < MAX_RSS_MB, (ran.seconds, ran.peak_mb)
    assert {path: _digest(path) for path in inputs} == before
    assert sorted(p.name for p in (work / "out").iterdir()) == sorted(outputs)
    assert list((work / "tmp").iterdir()) == []
    return ran


def findings_of(ran: Ran) -> list[tuple[str, str, int]]:
    document = json.loads(ran.stdout)
    return sorted((f["code"], f["column"], f["row"]) for f in document["files"][0]["findings"]
                  if f["code"] in ("bad-number", "out-of-range"))


# --------------------------------------------------------------------------- files the container check refuses


@pytest.mark.parametrize(("name", "says"), [
    ("deflate64_member.xlsx", "the file is damaged or not a workbook (xl/workbook.xml is compressed with zip "
                              "method 9; spreadsheet programs use stored or deflate)"),
    ("unknown_method_member.xlsx", "the file is damaged or not a workbook (xl/workbook.xml is compressed with zip "
                                   "method 77; spreadsheet programs use stored or deflate)"),
    ("encrypted_member.xlsx", "the file is damaged or not a workbook (xl/styles.xml is encrypted as a zip member, "
                              "which spreadsheet programs never do)"),
    ("vml_entity.xlsm", "refused: xl/drawings/vmlDrawing1.vml declares XML entities, which spreadsheets never do"),
])
def test_a_zip_member_no_office_program_writes_is_one_line_and_exit_2(files: Path, work: Path, name: str,
                                                                      says: str) -> None:
    ran = run(work, "annotate", str(files / name), "-o", "checked.xlsx", inputs=(files / name,))
    assert (ran.code, ran.lines) == (2, [f"marketing-tracker: error: {files / name}: {says}"])


# --------------------------------------------------------------------------- content that was an internal error


def test_nan_inf_and_1e400_are_bad_numbers_at_their_cells(files: Path, work: Path) -> None:
    path = files / "nonfinite_numbers.xlsx"
    ran = run(work, "validate", str(path), "--format", "json", inputs=(path,))
    assert ran.code == 1 and ran.stderr == ""
    assert findings_of(ran) == [("bad-number", "budget_actual", 5), ("bad-number", "progress", 4),
                                ("bad-number", "progress", 6)]


def test_non_finite_numbers_never_reach_the_recap_figures(files: Path, work: Path) -> None:
    path = files / "nonfinite_numbers.xlsx"
    ran = run(work, "recap", str(path), "--json", "figures.json", "-o", "recap.xlsx", "--as-of", "2024-05-10",
              inputs=(path,), outputs=("figures.json", "recap.xlsx"))
    assert ran.code == 0 and ran.stderr == ""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    figures = json.loads((work / "out" / "figures.json").read_text(encoding="utf-8"), parse_constant=refuse)
    assert figures["overall"]["tasks"] == 3


def test_non_finite_numbers_merge_like_empty_cells(files: Path, work: Path) -> None:
    path = files / "nonfinite_numbers.xlsx"
    ran = run(work, "merge", str(path), "-o", "merged.xlsx", inputs=(path,), outputs=("merged.xlsx",))
    assert (ran.code, ran.stderr) == (0, "")


def test_an_identity_sheet_whose_start_is_not_a_date_is_checked_like_any_file(files: Path, work: Path) -> None:
    path = files / "meta_start_not_a_date.xlsx"
    ran = run(work, "validate", str(path), "--format", "json", inputs=(path,))
    assert (ran.code, ran.stderr) == (1, "")
    assert sorted({f["code"] for f in json.loads(ran.stdout)["files"][0]["findings"]}) == ["sheet-missing"]


@pytest.mark.parametrize(("name", "says"), [
    ("no_tasks.xlsx", "the tracker has no tasks yet, so there is nothing to recap"),
    ("foreign_workbook.xlsx", "not a marketing_tracker workbook, so there is nothing to recap; check it with "
                              "'marketing-tracker validate'"),
])
def test_a_recap_of_nothing_is_one_line_and_exit_2(files: Path, work: Path, name: str, says: str) -> None:
    ran = run(work, "recap", str(files / name), "--json", "figures.json", inputs=(files / name,))
    assert (ran.code, ran.lines) == (2, [f"marketing-tracker: error: {files / name}: {says}"])


# --------------------------------------------------------------------------- plans


@pytest.mark.parametrize(("name", "problems"), [
    ("plan_alias_bomb_date.yaml",
     ["  - YAML aliases repeat more than 100,000 values (an alias bomb?); write the values out instead"]),
    ("plan_alias_bomb_number.yaml",
     ["  - YAML aliases repeat more than 100,000 values (an alias bomb?); write the values out instead"]),
    ("plan_first_day.yaml", [
        "  - campaign.start: 0001-01-01 is outside the days a spreadsheet can hold (1900-01-01 to 9998-12-31)",
        "  - campaign.end: 0001-01-30 is outside the days a spreadsheet can hold (1900-01-01 to 9998-12-31)",
        "  - tasks[0].start: 0001-01-01 is outside the days a spreadsheet can hold (1900-01-01 to 9998-12-31)",
        "  - tasks[0].end: 0001-01-05 is outside the days a spreadsheet can hold (1900-01-01 to 9998-12-31)"]),
    ("plan_last_day.yaml", [
        "  - campaign.start: 9999-12-01 is outside the days a spreadsheet can hold (1900-01-01 to 9998-12-31)",
        "  - campaign.end: 9999-12-31 is outside the days a spreadsheet can hold (1900-01-01 to 9998-12-31)",
        "  - tasks[0].start: 9999-12-01 is outside the days a spreadsheet can hold (1900-01-01 to 9998-12-31)",
        "  - tasks[0].end: 9999-12-31 is outside the days a spreadsheet can hold (1900-01-01 to 9998-12-31)"]),
    ("plan_nan_budget.yaml",
     ["  - tasks[0].budget: 'nan' is not a usable number (it must be finite and at most 1,000,000,000,000,000)"]),
    ("plan_inf_budget.yaml",
     ["  - tasks[0].budget: 'inf' is not a usable number (it must be finite and at most 1,000,000,000,000,000)"]),
    ("plan_long_text.yaml", ["  - tasks[0].description: is 40,000 characters; an Excel cell holds at most 32,767, "
                             "so the tracker would cut it"]),
])
def test_a_plan_a_workbook_cannot_hold_is_refused_with_its_problems(files: Path, work: Path, name: str,
                                                                    problems: list[str]) -> None:
    plan = files / name
    ran = run(work, "new", str(plan), "-o", "tracker.xlsx", inputs=(plan,))
    count = len(problems)
    head = f"marketing-tracker: error: {plan}: the plan has {count} problem{'s' if count > 1 else ''}:"
    assert (ran.code, ran.lines) == (2, [head, *problems])


def test_a_value_in_a_plan_problem_is_cut_to_80_characters(work: Path) -> None:
    plan = work / "long_date.yaml"
    plan.write_text("campaign: {name: X, start: '" + "9" * 5000 + "', end: 2024-05-30}\n", encoding="utf-8")
    ran = run(work, "new", str(plan), "-o", "tracker.xlsx", inputs=(plan,))
    assert (ran.code, ran.lines[1]) == (2, f"  - campaign.start: '{'9' * 80}…' is not a date (write it as 2024-05-01)")


# --------------------------------------------------------------------------- outputs


@pytest.mark.parametrize("args", [("new", "plan_named.xlsx", "-o", "plan_named.xlsx"), ("new", "plan_named.xlsx")])
def test_new_refuses_to_write_over_its_plan(files: Path, work: Path, args: tuple[str, ...]) -> None:
    plan = work / "out" / "plan_named.xlsx"
    plan.write_bytes((files / "plan_named.xlsx").read_bytes())
    ran = run(work, *args, inputs=(plan,), outputs=("plan_named.xlsx",))
    assert (ran.code, ran.lines) == (
        2, ["marketing-tracker: error: plan_named.xlsx: the output would overwrite an input file; choose another name"])


def test_two_outputs_on_one_path_are_refused(files: Path, work: Path) -> None:
    path = files / "nonfinite_numbers.xlsx"
    ran = run(work, "recap", str(path), "-o", "recap.xlsx", "--html", "./recap.xlsx", inputs=(path,))
    assert (ran.code, ran.lines) == (
        2, ["marketing-tracker: error: recap.xlsx: given as two outputs; give each output its own name"])


def test_an_output_name_longer_than_the_file_system_allows_is_one_line(files: Path, work: Path) -> None:
    plan = files / "plan_named.xlsx"
    name = "a" * 300 + ".xlsx"
    ran = run(work, "new", str(plan), "-o", name, inputs=(plan,))
    assert (ran.code, ran.lines) == (2, [f"marketing-tracker: error: {name}: File name too long"])


@contextlib.contextmanager
def mounted(folder: Path, options: str) -> Iterator[None]:
    """A small tmpfs on ``folder`` (as root); the test is skipped where mounting is not allowed."""
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize(("command", "expected"), [
    (("new", "{plan}", "-o", "{disk}/tracker.xlsx"), "{disk}/tracker.xlsx"),
    (("annotate", "{tracker}", "-o", "{disk}/checked.xlsx"), "{disk}/checked.xlsx"),
])
def test_a_full_disk_is_one_line_and_leaves_nothing(files: Path, work: Path, command: tuple[str, ...],
                                                    expected: str) -> None:
    disk = work / "disk"
    names = {"plan": str(files / "plan_named.xlsx"), "tracker": str(files / "control_characters.xlsx"),
             "disk": str(disk)}
    with mounted(disk, "size=16k"):
        ran = run(work, *(part.format(**names) for part in command),
                  inputs=(files / "plan_named.xlsx", files / "control_characters.xlsx"))
        assert list(disk.iterdir()) == []
    target = expected.format(**names)
    assert (ran.code, ran.lines) == (2, [f"marketing-tracker: error: {target}: cannot write the file "
                                         "(No space left on device)"])


def test_demo_into_a_read_only_folder_is_one_line(work: Path) -> None:
    disk = work / "disk"
    with mounted(disk, "ro,size=64k"):
        ran = run(work, "demo", "-o", str(disk / "demo"))
    assert (ran.code, ran.lines) == (2, [f"marketing-tracker: error: {disk / 'demo'}: Read-only file system"])


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(("args", "line"), [
    (("new",), "marketing-tracker new: error: the following arguments are required: PLAN.yaml "
               "(--help lists the options)"),
    (("validate", "--format", "xml", "x.xlsx"), "marketing-tracker validate: error: argument --format: invalid "
                                                "choice: 'xml' (choose from 'text', 'json') (--help lists the options)"),
    (("new", "plan.yaml", "--spare-rows", "1000000"), "marketing-tracker new: error: argument --spare-rows: at most "
                                                      "10,000 spare rows (add rows later with a new tracker) "
                                                      "(--help lists the options)"),
])
def test_a_wrong_argument_is_one_line_and_exit_2(work: Path, args: tuple[str, ...], line: str) -> None:
    ran = run(work, *args)
    assert (ran.code, ran.lines, ran.stdout) == (2, [line], "")


# --------------------------------------------------------------------------- terminal escapes


ESCAPED = make_files.CONTROL_TEXT.encode("unicode_escape").decode()


def test_control_characters_from_a_cell_are_shown_escaped_by_validate(files: Path, work: Path) -> None:
    path = files / "control_characters.xlsx"
    ran = run(work, "validate", str(path), "--lang", "en", inputs=(path,))
    unknown = [line for line in ran.stdout.splitlines() if "unknown-owner" in line]
    assert unknown == [f"    warning E4     unknown-owner            E4: '{ESCAPED}' is not among the campaign's "
                       "people; add them on the Campaign info sheet or pick someone listed"]
    assert not any(ord(c) < 32 and c != "\n" for c in ran.stdout)


def test_the_json_report_keeps_control_characters_as_they_are(files: Path, work: Path) -> None:
    path = files / "control_characters.xlsx"
    ran = run(work, "validate", str(path), "--format", "json", inputs=(path,))
    values = [f["value"] for f in json.loads(ran.stdout)["files"][0]["findings"] if f["code"] == "unknown-owner"]
    assert values == [make_files.CONTROL_TEXT]
    assert "\x1b" not in ran.stdout


def test_control_characters_in_a_merge_conflict_are_shown_escaped(files: Path, work: Path) -> None:
    first, second = files / "control_characters.xlsx", files / "control_characters_copy.xlsx"
    ran = run(work, "merge", str(first), str(second), "-o", "merged.xlsx", inputs=(first, second),
              outputs=("merged.xlsx",))
    assert ran.code == 1
    lines = ran.stdout.splitlines()
    assert len(lines) == 5 and all(line.startswith("  merge-conflict: ") for line in lines[1:])
    assert all(ESCAPED in line for line in lines[1:])
    assert not any(ord(c) < 32 and c != "\n" for c in ran.stdout)


# --------------------------------------------------------------------------- signals


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Work that lasts long enough to be interrupted: a 20,000-task plan, a 3,000-task tracker."""
    sys.path.insert(0, str(TESTS.parent / "bench"))
    import yaml
    from bench_new import make_plan  # type: ignore[import-not-found]

    from marketing_tracker import plan_from_dict, write_tracker

    folder = tmp_path_factory.mktemp("big")
    plan = folder / "plan.yaml"
    plan.write_text(yaml.safe_dump(make_plan(20_000), allow_unicode=True, sort_keys=False), encoding="utf-8")
    tracker = write_tracker(plan_from_dict(make_plan(3_000)), folder / "tracker.xlsx", spare_rows=1)
    return {"plan": plan, "tracker": tracker}


COMMANDS = {
    "new": ("new", "{plan}", "-o", "tracker.xlsx"),
    "recap": ("recap", "{tracker}", "-o", "recap.xlsx", "--html", "recap.html"),
    "annotate": ("annotate", "{tracker}", "-o", "checked.xlsx", "--as-of", "2024-12-31"),
}


def _interrupt(work: Path, args: tuple[str, ...], signum: int, *, once: str) -> Ran:
    """Start the command, send ``signum`` once ``once`` (a glob in the output folder or $TMPDIR) appears."""
    process = start(work, *args)
    began = time.perf_counter()
    try:
        while not (list((work / "out").glob(once)) or list((work / "tmp").glob(once))):
            assert process.poll() is None, "the command ended before it could be interrupted"
            assert time.perf_counter() - began < MAX_SECONDS
            time.sleep(0.01)
        time.sleep(0.2)  # into the writing, with files staged
        assert process.poll() is None, "the command ended before it could be interrupted"
        process.send_signal(signum)
        return finish(process, began)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_signal_ends_the_run_with_one_line_and_leaves_nothing(big: dict[str, Path], work: Path, command: str,
                                                                signum: int) -> None:
    args = tuple(part.format(**big) for part in COMMANDS[command])
    before = {path: _digest(path) for path in big.values()}
    ran = _interrupt(work, args, signum, once=".*.tmp")
    name = signal.Signals(signum).name
    assert (ran.code, ran.lines) == (128 + signum, [f"marketing-tracker: stopped by {name}; nothing was left behind"])
    assert list((work / "out").iterdir()) == [] and list((work / "tmp").iterdir()) == []
    assert {path: _digest(path) for path in big.values()} == before


def test_an_interrupt_as_the_command_starts_is_one_line(work: Path, big: dict[str, Path]) -> None:
    # as soon as the run's temporary folder exists: the command is loading its libraries (openpyxl,
    # python-calamine) and opening the file; before that, Python itself is starting (security.md)
    process = start(work, "validate", str(big["tracker"]))
    began = time.perf_counter()
    try:
        while not list((work / "tmp").iterdir()):
            assert process.poll() is None and time.perf_counter() - began < MAX_SECONDS
            time.sleep(0.001)
        process.send_signal(signal.SIGINT)
        ran = finish(process, began)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (ran.code, ran.lines) == (130, ["marketing-tracker: stopped by SIGINT; nothing was left behind"])
    assert list((work / "tmp").iterdir()) == []


# --------------------------------------------------------------------------- in a batch


def test_every_hostile_workbook_in_one_batch_gets_its_own_answer(files: Path, work: Path) -> None:
    names = sorted(p.name for p in files.iterdir() if p.suffix in (".xlsx", ".xlsm") and not p.name.startswith("_")
                   and p.name != "plan_named.xlsx")
    paths = tuple(files / name for name in names)
    ran = run(work, "validate", *map(str, paths), "--format", "json", inputs=paths)
    document = json.loads(ran.stdout)
    unreadable = sorted(Path(f["path"]).name for f in document["files"] if "error" in f)
    assert (ran.code, ran.stderr, len(document["files"])) == (2, "", len(names))
    assert unreadable == ["deflate64_member.xlsx", "encrypted_member.xlsx", "unknown_method_member.xlsx",
                          "vml_entity.xlsm"]


def test_the_library_refuses_more_spare_rows_than_a_tracker_can_hold(tmp_path: Path) -> None:
    from marketing_tracker import TrackerError, load_plan, write_tracker
    from marketing_tracker.core.resources import sample_plan

    with pytest.raises(TrackerError, match=r"^at most 10,000 spare rows, not 1,000,000$"):
        write_tracker(load_plan(sample_plan()), tmp_path / "t.xlsx", spare_rows=1_000_000)
    assert list(tmp_path.iterdir()) == []
