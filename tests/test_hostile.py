"""Broken, foreign and hostile files: a clear one-line error and exit 2, or a finding; nothing crashes or runs.

The files are made by tests/hostile/make_files.py (a zip bomb is not kept in the repository).
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from marketing_tracker import load_plan, read_tracker, validate, write_tracker
from marketing_tracker.errors import OutputError
from marketing_tracker.safety import UnreadableFile

from .conftest import DATA, PLAN_618, run_cli
from .hostile import make_files


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for make in make_files.MAKERS.values():
        make(folder)
    return folder


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("text_renamed.xlsx", "a text file (an .xlsx, .xlsm, .xls or .ods workbook was expected)"),
        ("image_renamed.xlsx", "this is a PNG image, not a workbook"),
        ("empty.xlsx", "the file is empty"),
        ("truncated.xlsx", "the file is damaged (not a complete workbook; was it cut off while sending?)"),
        ("missing_workbook_part.xlsx", "the file is damaged or not a workbook (its workbook part is missing)"),
        ("malformed_sheet.xlsx", "cannot be read (syntax error"),
        ("corrupt_deflate.xlsx", "the file is damaged (xl/workbook.xml cannot be unpacked"),
        ("zip_bomb.xlsx", "refused: it would inflate to 600 MB or more (xl/media/padding.bin)"),
        ("entity_bomb.xlsx", "refused: xl/workbook.xml declares XML entities"),
        ("encrypted.xlsx", "the workbook is encrypted with a password; save it without a password and try again"),
        ("stray_far_cell.xlsx", "has values as far as row 1048576, column 16384"),
        ("forged_dimension.xlsx", "has values as far as row 1048576, column 16384"),
        ("no_dimension_far_row.xlsx", "has values as far as row 1048576, column 16384"),
        ("unaddressed_cells.xlsx", "has values as far as row 2001, column 16384"),
        ("xls_far_cell.xls", "the file is damaged (a sheet has cells as far as row 60001, column 60001)"),
        ("xls_parser_panic.xls", "not a readable workbook (range end index"),
        ("ods_repeated_values.ods", "has values as far as row 1048576, column 16384"),
        ("ods_repeated_text.ods", "has values as far as row 1048576, column 16384"),
        ("unknown_encoding_far_cell.xlsx", "has values as far as row 1048576, column 16384"),
        ("shared_strings_count.xlsx", "the file is damaged (xl/sharedStrings.xml claims 99,999,999,999 strings in"),
    ],
)
def test_an_unusable_file_is_one_line_and_exit_2(hostile: Path, name: str, says: str) -> None:
    done = run_cli("validate", str(hostile / name))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"marketing-tracker: error: {hostile / name}: cannot be read: ")
    assert says in lines[0]
    assert done.stdout == ""


@pytest.mark.parametrize("spelling", [
    "t=\"s\" r='XFD1048576'", 't="s" r ="XFD1048576"', 't="s" r= "XFD1048576"', 't="s"\n\tr="XFD1048576"',
    't="s" r="xfd1048576"', 't="s" r="XFD0001048576"'])
def test_a_far_value_is_refused_however_its_address_is_spelled(hostile: Path, tmp_path: Path, spelling: str) -> None:
    import zipfile

    source = hostile / "forged_dimension.xlsx"
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 't="s" r="XFD1048576"' in xml
    path = make_files.rewrite(source, tmp_path / "spelled.xlsx",
                              {"xl/worksheets/sheet1.xml": xml.replace('t="s" r="XFD1048576"', spelling).encode()})
    done = run_cli("validate", str(path))  # in its own process: were the check to miss, the parser would abort it
    assert done.returncode == 2, done.stderr[-300:]
    assert "has values as far as row 1048576, column 16384" in done.stderr


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_a_workbook_saved_with_a_password_in_libreoffice_is_refused_with_the_reason(suffix: str) -> None:
    done = run_cli("validate", str((DATA / "encrypted" / "libreoffice_encrypted").with_suffix(suffix)))
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        "cannot be read: the workbook is encrypted with a password; save it without a password and try again")


def test_a_declaration_of_an_unknown_encoding_does_not_stop_the_reading(hostile: Path) -> None:
    done = run_cli("validate", str(hostile / "unknown_encoding.xlsx"), "--as-of", "2024-04-01")
    assert done.returncode == 0, done.stdout + done.stderr  # the parser ignores it, and so does the library


def test_the_library_raises_a_value_error_with_the_reason(hostile: Path) -> None:
    with pytest.raises(UnreadableFile, match="zip bomb"):
        read_tracker(hostile / "zip_bomb.xlsx")
    with pytest.raises(ValueError, match="encrypted"):
        read_tracker(hostile / "encrypted.xlsx")


def test_a_macro_workbook_is_read_and_says_macros_were_ignored(hostile: Path) -> None:
    findings = validate(read_tracker(hostile / "macros.xlsm"))
    assert [f.message("en") for f in findings if f.code == "macros-ignored"] == [
        "The workbook contains macros: only cell values were read, no macro ran"]


def test_formatting_to_the_edge_of_the_sheet_costs_nothing(hostile: Path) -> None:
    tracker = read_tracker(hostile / "formatting_only_extent.xlsx")
    assert len(tracker.tables["tasks"].records) == 1  # the million formatted rows below are not data


def test_overlapping_merged_ranges_cost_no_more_than_the_sheet(hostile: Path) -> None:
    tracker = read_tracker(hostile / "overlapping_merges.xlsx")  # filling cost 20,000 times the sheet before
    assert len(tracker.tables["tasks"].records) == 9


def test_good_files_are_checked_when_bad_ones_are_given_too(hostile: Path) -> None:
    done = run_cli("validate", str(hostile / "zip_bomb.xlsx"), str(hostile / "_clean.xlsx"),
                   str(hostile / "empty.xlsx"), "--as-of", "2024-04-01")
    assert done.returncode == 2
    assert f"{hostile / '_clean.xlsx'}: 3 警告 (9 个任务)" in done.stdout
    assert done.stdout.count("cannot be read") == 0
    assert done.stderr.count("cannot be read") == 2


def test_a_protected_sheet_without_a_password_still_reads(hostile: Path) -> None:
    assert len(read_tracker(hostile / "_clean.xlsx").tables["tasks"].records) == 9  # our own sheets are protected


def test_a_full_disk_leaves_no_half_file_and_keeps_the_old_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsxwriter

    out = tmp_path / "tracker.xlsx"
    out.write_bytes(b"the old tracker")

    def no_space(self: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", no_space)
    with pytest.raises(OutputError, match="No space left on device"):
        write_tracker(load_plan(PLAN_618), out)
    assert out.read_bytes() == b"the old tracker"
    assert [p.name for p in tmp_path.iterdir()] == ["tracker.xlsx"]


def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(OutputError, match=r"cannot write in .*Permission denied"):
        write_tracker(load_plan(PLAN_618), tmp_path / "x.xlsx")


def test_text_that_looks_like_a_formula_stays_text_in_the_annotated_copy(tmp_path: Path) -> None:
    import openpyxl

    from marketing_tracker import Campaign, Person, Plan, Task
    from marketing_tracker.annotate import annotate

    plan = Plan(Campaign("Launch", __import__("datetime").date(2025, 3, 1), __import__("datetime").date(2025, 3, 31)),
                people=[Person("Ann")], tasks=[Task("M001", "Brief", "prep", "Ann")])
    path = write_tracker(plan, tmp_path / "t.xlsx", records={"tasks": [
        {"task_id": "M001", "name": "Brief", "phase": "prep", "owner": "=HYPERLINK(\"http://x\")", "status": "done"}]})
    findings = validate(read_tracker(path))
    copy = annotate(path, findings, tmp_path / "checked.xlsx")
    sheet = openpyxl.load_workbook(copy).worksheets[0]
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str))
