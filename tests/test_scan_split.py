"""The scan of a very large sheet part searches its last rows in a forked child: the same findings as one search.

reading.scan splits the part at a row end (the first ``</row>`` from a share of its size on);
the child unpacks the part from its start and searches from there, the scan searches up to it.
Whatever the child does not hand back (it died, the file is damaged) is searched by the scan
itself, so every case here must give exactly what one search of the whole part gives.
"""

from __future__ import annotations

import os
import signal
import zipfile
from pathlib import Path

import pytest

from marketing_tracker import load_plan, read_tracker, write_tracker
from marketing_tracker.core import forked
from marketing_tracker.core.resources import sample_plan
from marketing_tracker.reading import scan as sheetscan
from marketing_tracker.reading.scan import SheetScan, _fork_tail, _scan_guarded

from .conftest import DATA, readers_done

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
PERCENT = frozenset({2})  # the cell style shown as a percentage in these parts


def part_xml(rows: int, special: dict[int, str] | None = None, row_tag: str = "row") -> bytes:
    """A sheet of ``rows`` rows of three cells; ``special`` puts a cell of its own at the end of some rows."""
    special = special or {}
    body = "".join(f'<{row_tag} r="{r}"><c r="A{r}" t="s"><v>{r}</v></c><c r="B{r}"><v>{r * 1.5}</v></c>'
                   f'<c r="C{r}" s="1"><v>45400</v></c>{special.get(r, "")}</{row_tag}>' for r in range(1, rows + 1))
    return ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:D{rows}"/><sheetData>{body}</sheetData></worksheet>').encode()


SPECIAL = {  # error cells and percent cells spread over the part, so that each side of any split has some
    r: f'<c r="D{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>' if r % 2 else f'<c r="D{r}" s="2"><v>0.6</v></c>'
    for r in (1, 2, 150, 301, 302, 451, 598, 599, 600)
}


def zipped(tmp_path: Path, xml: bytes, method: int = zipfile.ZIP_DEFLATED) -> Path:
    path = tmp_path / "part.zip"
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("sheet.xml", xml)
    return path


def scanned(path: Path, *, split: bool) -> SheetScan:
    size = zipfile.ZipFile(path).getinfo("sheet.xml").file_size
    tail = _fork_tail(path, "sheet.xml", size, PERCENT) if split else None
    assert (tail is not None) == split
    with zipfile.ZipFile(path) as archive:
        return _scan_guarded(archive, "sheet.xml", "Tasks", None, PERCENT, tail)


@pytest.fixture
def splitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every part is split, once the readers' threads of earlier tests are done (pytest may run others)."""
    readers_done()
    monkeypatch.setattr(sheetscan, "_SPLIT_FROM", 0)
    monkeypatch.setattr(forked, "may_fork", lambda: True)


@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.58, 0.99, 1.0])
@pytest.mark.parametrize("chunk", [7, 500, 1 << 20])
def test_the_split_finds_what_one_search_finds(tmp_path: Path, splitting: None, monkeypatch: pytest.MonkeyPatch,
                                               share: float, chunk: int) -> None:
    monkeypatch.setattr(sheetscan, "_HEAD_SHARE", share)
    monkeypatch.setattr(sheetscan, "_CHUNK", chunk)
    path = zipped(tmp_path, part_xml(600, SPECIAL))
    whole = scanned(path, split=False)
    assert len(whole.errors) == 4 and len(whole.percent) == 5 and whole.extent > 0
    assert scanned(path, split=True) == whole


def test_a_far_value_in_the_childs_rows_is_refused(tmp_path: Path, splitting: None) -> None:
    path = zipped(tmp_path, part_xml(600, {599: '<c r="XFD599"><v>1</v></c>', 600: '<c r="A1048576"><v>1</v></c>'}))
    refused = scanned(path, split=True)
    assert refused == scanned(path, split=False)
    assert refused.refusal is not None and "as far as row 1048576, column 16384" in refused.refusal


@pytest.mark.parametrize("fake", [
    '<c r="A301" t="e"><!-- </row> --><v>#REF!</v></c>',  # a row end in a comment inside a cell
    '<c r="A301" t="e"><v><![CDATA[</row>]]></v></c>',  # in CDATA
    '<c r="A301" x="</row>"><v>1</v></c>',  # in an attribute, which XML does not allow
])
def test_a_row_end_inside_a_cell_does_not_hide_a_far_value(tmp_path: Path, splitting: None,
                                                           monkeypatch: pytest.MonkeyPatch, fake: str) -> None:
    xml = part_xml(600, {301: fake + '<c r="XFD1048576"><v>1</v></c>'})
    monkeypatch.setattr(sheetscan, "_HEAD_SHARE", (xml.index(b'<c r="A301"') + 1) / len(xml))  # split there
    path = zipped(tmp_path, xml)
    whole, split = scanned(path, split=False), scanned(path, split=True)
    assert split.refusal is not None and split.refusal == whole.refusal
    assert [(r, c) for r, c, _shown in split.errors] == [(r, c) for r, c, _shown in whole.errors]


def test_a_damaged_part_is_refused_though_the_scan_stops_before_its_end(tmp_path: Path, splitting: None) -> None:
    path = zipped(tmp_path, part_xml(600), zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.index(b'<c r="B599">')  # in the child's rows: only a search to the end meets the wrong CRC-32
    data[at + 20] ^= 1
    path.write_bytes(bytes(data))
    refused = scanned(path, split=True)
    assert refused == scanned(path, split=False)
    assert refused.refusal is not None and refused.refusal.startswith("the file is damaged (sheet.xml cannot be unpacked")


def test_rows_the_child_did_not_hand_back_are_searched_by_the_scan(tmp_path: Path, splitting: None) -> None:
    path = zipped(tmp_path, part_xml(600, SPECIAL))
    size = zipfile.ZipFile(path).getinfo("sheet.xml").file_size
    tail = _fork_tail(path, "sheet.xml", size, PERCENT)
    assert tail is not None
    os.kill(tail.child._pid or 0, signal.SIGKILL)
    with zipfile.ZipFile(path) as archive:
        assert _scan_guarded(archive, "sheet.xml", "Tasks", None, PERCENT, tail) == scanned(path, split=False)
    assert tail.child._pid is None  # waited for


def test_a_part_without_row_ends_is_searched_whole_by_the_scan(tmp_path: Path, splitting: None) -> None:
    path = zipped(tmp_path, part_xml(600, SPECIAL, row_tag="x:row"))  # prefixed rows: the exact measure, too
    assert scanned(path, split=True) == scanned(path, split=False)


def test_a_small_part_or_a_threaded_process_is_scanned_in_one_search(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = zipped(tmp_path, part_xml(50))
    assert _fork_tail(path, "sheet.xml", 8 << 20 - 1, PERCENT) is None  # below the size that pays for a child
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)
    assert _fork_tail(path, "sheet.xml", 64 << 20, PERCENT) is None  # no fork beside running threads


def test_a_tracker_reads_the_same_with_its_task_sheet_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = write_tracker(load_plan(sample_plan()), tmp_path / "618.xlsx")
    alone = read_tracker(copy)
    monkeypatch.setattr(sheetscan, "_SPLIT_FROM", 0)
    monkeypatch.setattr(forked, "may_fork", lambda: True)
    forks: list[int] = []
    monkeypatch.setattr(sheetscan, "_fork_tail", _counting(sheetscan._fork_tail, forks))
    assert read_tracker(copy) == alone
    assert forks == [1]


@pytest.mark.parametrize("name", ["libreoffice_filled.xlsx", "libreoffice_errors.xlsx", "libreoffice_meant.xlsx"])
def test_copies_typed_in_libreoffice_read_the_same_with_their_sheets_split(name: str, splitting: None,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # typed through UNO as a person types (tests/lo/make_fixtures.py): error cells, "100%", a text date
    copy = DATA / "filled" / name
    with pytest.MonkeyPatch.context() as alone:
        alone.setattr(sheetscan, "_SPLIT_FROM", 1 << 40)
        whole = read_tracker(copy)
    readers_done()
    forks: list[int] = []
    monkeypatch.setattr(sheetscan, "_fork_tail", _counting(sheetscan._fork_tail, forks))
    assert read_tracker(copy) == whole
    assert forks == [1]


def _counting(fork_tail: object, forks: list[int]) -> object:
    def counted(*args: object) -> object:
        tail = fork_tail(*args)  # type: ignore[operator]
        forks.append(int(tail is not None))
        return tail

    return counted
