"""Broken, foreign and hostile files: a clear one-line error and exit 2, or a finding; nothing crashes or runs.

The files are made by tests/hostile/make_files.py (a zip bomb is not kept in the repository).
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_tracker import load_plan, read_tracker, validate, write_tracker
from marketing_tracker.core.errors import OutputError
from marketing_tracker.reading.container import UnreadableFile

from .cells import headers
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
        ("x_prefixed_far_cell.xlsx", "sheet 'Tasks' has values as far as row 1048576, column 16384"),
        ("repeated_address.xlsx", "sheet 'Tasks' has values as far as row 1048576, column 16384"),
        ("padded_row_number.xlsx", "sheet 'Tasks' has values as far as row 1048576, column 16384"),
        ("bad_crc_far_cell.xlsx", "the file is damaged (xl/worksheets/sheet1.xml cannot be unpacked: Bad CRC-32 for"),
        ("strict_namespace_far_cell.xlsx", "sheet 'Tasks' has values as far as row 1048576, column 16384"),
        ("many_sheets.xlsx", "its sheets together would span more than 16,000,000 cells (sheet 'Extra 4' 5,099,900 more)"),
        ("ods_many_sheets.ods", "its sheets together have values over 35,000,000 cells, more than 16,000,000"),
        ("xls_many_sheets.xls", "its sheets together have values over 204,800,000 cells, more than 16,000,000"),
        ("xls_far_sheets.xls", "the file is damaged (a sheet has cells as far as row 65536, column 256)"),
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
    from marketing_tracker.workbook.annotate import annotate

    plan = Plan(Campaign("Launch", __import__("datetime").date(2025, 3, 1), __import__("datetime").date(2025, 3, 31)),
                people=[Person("Ann")], tasks=[Task("M001", "Brief", "prep", "Ann")])
    path = write_tracker(plan, tmp_path / "t.xlsx", records={"tasks": [
        {"task_id": "M001", "name": "Brief", "phase": "prep", "owner": "=HYPERLINK(\"http://x\")", "status": "done"}]})
    findings = validate(read_tracker(path))
    copy = annotate(path, findings, tmp_path / "checked.xlsx")
    sheet = openpyxl.load_workbook(copy).worksheets[0]
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str))


# --------------------------------------------------------------------------- issue 14: within 800 MB and 30 s

#: Files that aborted the process or took gigabytes before issue 14 (each 50 KB or less).
ABORTED = ["x_prefixed_far_cell.xlsx", "repeated_address.xlsx", "padded_row_number.xlsx", "bad_crc_far_cell.xlsx",
           "strict_namespace_far_cell.xlsx", "many_sheets.xlsx", "ods_many_sheets.ods", "xls_many_sheets.xls",
           "xls_far_sheets.xls"]
MEMORY_CAP = 800 * 1024 * 1024


def run_capped(*args: str, cwd: Path, tmpdir: Path) -> subprocess.CompletedProcess[str]:
    """The command line in a process whose address space is capped at 800 MB (an abort would show as a signal)."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "TMPDIR": str(tmpdir)}
    return subprocess.run([sys.executable, "-m", "marketing_tracker", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=30, check=False, preexec_fn=cap)  # the test process starts no threads


def checksums(paths: list[Path]) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


@pytest.mark.parametrize("name", ABORTED)
def test_a_small_hostile_file_is_one_line_within_800_mb_and_30_s(hostile: Path, tmp_path: Path, name: str) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "tmp").mkdir()
    before = checksums([hostile / name])
    done = run_capped("validate", str(hostile / name), cwd=tmp_path / "out", tmpdir=tmp_path / "tmp")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"marketing-tracker: error: {hostile / name}: cannot be read: ")
    assert checksums([hostile / name]) == before
    assert list((tmp_path / "out").iterdir()) == [] and list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("name", ABORTED)
def test_a_small_hostile_file_costs_the_others_nothing_in_a_batch(hostile: Path, tmp_path: Path, name: str) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "tmp").mkdir()
    inputs = [hostile / "_clean.xlsx", hostile / name, DATA / "filled" / "libreoffice_filled.xlsx"]
    before = checksums(inputs)
    done = run_capped("validate", *map(str, inputs), "--as-of", "2024-04-01", cwd=tmp_path / "out",
                      tmpdir=tmp_path / "tmp")
    alone = [run_cli("validate", str(path), "--as-of", "2024-04-01").stdout for path in (inputs[0], inputs[2])]
    assert done.returncode == 2
    bad = done.stderr.splitlines()  # the unreadable file: one line on standard error (docs/cli.md)
    assert len(bad) == 1 and bad[0].startswith(f"marketing-tracker: error: {hostile / name}: cannot be read: ")
    assert done.stdout == alone[0] + alone[1]  # the good files' results, as they are alone
    assert checksums(inputs) == before
    assert list((tmp_path / "out").iterdir()) == [] and list((tmp_path / "tmp").iterdir()) == []


def test_an_x_prefixed_workbook_reads_as_the_same_workbook_unprefixed(hostile: Path) -> None:
    """Every SpreadsheetML part under ``x:`` (parsed in a child process): the same findings, ``#REF!`` included."""
    def seen(path: Path) -> list[tuple[str, str, str]]:
        return [(f.code, f.sheet, f.cell) for f in validate(read_tracker(path), as_of=date(2024, 6, 1))]

    original = seen(DATA / "filled" / "libreoffice_errors.xlsx")
    progress = headers(DATA / "filled" / "libreoffice_errors.xlsx")["tasks"].cell("progress", 4)  # its #DIV/0!
    assert ("cell-error", "执行任务跟踪表", progress) in original
    assert seen(hostile / "x_prefixed_errors.xlsx") == original


@pytest.mark.parametrize("spelling", ['<c r="A9" t="s" r="XFD1048576">', "<c t='s' r = 'xfd01048576'>",
                                      '<c t="s"\n r="XFD1048576" s=">">', '<x:c r="XFD1048576" t="s">'])
def test_a_far_value_is_refused_in_any_spelling_the_parser_reads(hostile: Path, tmp_path: Path, spelling: str) -> None:
    import zipfile

    source = hostile / "forged_dimension.xlsx"
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    xml = xml.replace('<c t="s" r="XFD1048576">', spelling)
    if spelling.startswith("<x:"):
        xml = xml.replace('<worksheet xmlns="', '<worksheet xmlns:x="', 1).replace("</c></row></sheetData>",
                                                                                "</x:c></row></sheetData>")
    path = make_files.rewrite(source, tmp_path / "spelled.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})
    done = run_capped("validate", str(path), cwd=tmp_path, tmpdir=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"marketing-tracker: error: {path}: cannot be read: sheet 'Tasks' has values as far as row "
                           "1048576, column 16384; delete the stray cells beyond the data and save again\n")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=16_384), st.integers(min_value=1, max_value=1_048_576))
def test_the_box_admits_exactly_the_cells_up_to_its_bound(column: int, row: int) -> None:
    """The one-pass pattern made from a <dimension> ends at its bound: one column or row further is looked at."""
    import re

    from marketing_tracker.core.cells import column_letters
    from marketing_tracker.reading.scan import _bound, _up_to

    letters, digits = column_letters(column - 1), str(row)
    columns, rows = re.compile(_up_to(letters, "A", "Z", "[A-Z]")), re.compile(_up_to(digits, "0", "9", r"\d"))
    last_column, last_row = _bound(letters.encode(), 26), _bound(digits.encode(), 10)
    assert [bool(columns.fullmatch(column_letters(c - 1))) for c in (1, column, last_column, last_column + 1)] == \
        [True, True, True, False]
    assert [bool(rows.fullmatch(str(r))) for r in (1, row, last_row, last_row + 1)] == [True, True, True, False]
    assert rows.fullmatch("0") is None and rows.fullmatch("0" + digits) is None


@pytest.mark.parametrize(("address", "place"), [
    (b"XFD1048576", (1_048_576, 16_384)), (b"xfd1048576", (1_048_576, 16_384)),
    (b"XFD" + b"0" * 4_393 + b"1048576", (1_048_576, 16_384)), (b"A9", (9, 1)),
    (b"A0", (2**32, 1)), (b"7", (7, 2**32)), (b"A&1", None), (b"1A", None)])
def test_an_address_is_read_as_the_parser_reads_it(address: bytes, place: tuple[int, int] | None) -> None:
    from marketing_tracker.reading.scan import _parse_address

    assert _parse_address(address) == place


@pytest.mark.parametrize("source", ["_clean.xlsx", "libreoffice_filled.xlsx", "libreoffice_errors.xlsx"])
def test_trackers_as_saved_are_vouched_for_and_parsed_in_process(hostile: Path, source: str) -> None:
    """No child process for the library's own trackers nor LibreOffice's: the scan reads them as the parser does."""
    from marketing_tracker.reading.scan import start_scan

    path = hostile / source if source.startswith("_") else DATA / "filled" / source
    scanner = start_scan(path, "xlsx")
    import zipfile

    with zipfile.ZipFile(path) as archive:
        names = list(make_files.sheet_names(archive))
    assert [(name, scanner.sheet(name).vouched) for name in names] == [(name, True) for name in names]


def test_an_abort_of_the_parser_in_the_child_is_one_line(hostile: Path) -> None:
    """The stray far cell given straight to the child: the parser asks for 17 billion cells and aborts there."""
    from marketing_tracker.reading import isolated

    with pytest.raises(UnreadableFile) as raised:
        isolated.load(hostile / "stray_far_cell.xlsx", ["Tasks"])
    assert str(raised.value) == ("not a readable workbook (the parser aborted, out of memory: the sheets are far "
                                 "larger than their file)")


def test_an_ods_the_scan_cannot_follow_is_read_in_a_child_with_the_same_findings(tmp_path: Path) -> None:
    """Repeat counts with a plus sign (the parser reads "+2" as 2; the scan vouches only for plain digits): the whole
    file is parsed in a child process, and reads as the original."""
    import re
    import zipfile

    from marketing_tracker.reading.scan import start_scan

    source = DATA / "filled" / "libreoffice_filled.ods"
    with zipfile.ZipFile(source) as archive:
        content = archive.read("content.xml")
    signed = re.sub(rb'table:number-columns-repeated="(\d+)"', rb'table:number-columns-repeated="+\1"', content)
    assert signed != content
    path = make_files.rewrite(source, tmp_path / "signed.ods", {"content.xml": signed})
    assert start_scan(path, "ods").isolate

    def seen(workbook: Path) -> list[tuple[str, str, str]]:
        return [(f.code, f.sheet, f.cell) for f in validate(read_tracker(workbook), as_of=date(2024, 6, 1))]

    assert seen(path) == seen(source)
