"""What python-calamine does not say about a sheet, found by reading the file's own XML or records.

Two things matter to a tracker and are lost in the parser:

* **where the values really reach.** The parser allocates one slot per cell of the rectangle
  from A1 to the farthest value *before* handing anything back; one stray value at XFD1048576
  asks for 17 billion slots and the process aborts (a Rust allocation failure cannot be caught).
  A sheet's ``<dimension>`` says how far it reaches, but it can be missing or wrong, so every
  sheet part is scanned before the parser sees it, and refused when its values reach beyond
  :data:`MAX_CELLS`.
* **cells that show a spreadsheet error** (``#REF!``, ``#N/A``, ``#DIV/0!``): the parser reports
  them as empty, which would turn a broken cell into a silently missing value. They come back
  here with their address, and the reader puts a :class:`CellError` in the grid.

For .xlsx/.xlsm the scan runs in background threads (one for the largest part, one for the
others, smallest first), so that the check of the big task sheet overlaps with the reading of
the small ones; :meth:`Scanner.sheet` waits for one sheet. .ods content is parsed once
(defusedxml) for merged ranges, errors and extent, before the parser, which reads every sheet
when it opens the file; .xls error cells come from xlrd (an .xls sheet cannot exceed 65,536 x
256 cells).
"""

from __future__ import annotations

import functools
import html
import os
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import numfmt
from .errors import first_line

#: The most cells a sheet's values may span (a 50,000-task tracker spans 5.6 million).
MAX_CELLS = 30_000_000
_CHUNK = 1 << 20
_MAX_TAG = 4096  # how far before an error mark its cell's tag may begin
_MAX_CELL = 1 << 20  # how long a cell, or a tag carried over to the next chunk, may be
_ERROR_MARK = b't="e"'
#: A cell whose place needs a closer look: its address is far (3 column letters, i.e. column 703 on;
#: 2 letters from L on, i.e. column 313 on; a row of 6 digits or more), missing (the parser then
#: counts cells and rows, so a few megabytes of unaddressed cells can span billions) or not first.
#: Any other cell lies within 312 x 99,999 cells. A match is measured exactly (rare in trackers; then
#: the cost is only time). The parser accepts either quote, any case and spaces around "=", so the
#: pattern does too, on text with tabs and line breaks turned into spaces.
_ODD_CELL = re.compile(rb'<c(?:>| (?! *r *= *["\'](?:[A-Za-z]|[A-Ka-k][A-Za-z])\d{1,5}["\']))')
_SPACES = bytes.maketrans(b"\t\r\n", b"   ")
_TAG = re.compile(rb"<(row|c)\b([^<>]*?)(/?)>")  # [^<>]: a broken tag stops at the next one (no quadratic scans)
_VALUED_CELL = re.compile(rb"<c\b([^<>]*)(?<!/)>")
_REF = re.compile(rb'(?<![\w:])r\s*=\s*["\']([A-Za-z]*)(\d*)["\']')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_CELL_OPENINGS = (b"<c ", b"<c\t", b"<c\n", b"<c\r")

MergedRange = tuple[tuple[int, int], tuple[int, int]]


class CellError(str):
    """A cell that shows a spreadsheet error instead of a value; the text is the error as shown (``#REF!``)."""

    __slots__ = ()


@dataclass
class SheetScan:
    """One sheet: its error cells (0-based row and column, error text), and why it must not be read, if so;
    ``percent``: the cells with a percent number format (see :mod:`numfmt`)."""

    errors: list[tuple[int, int, str]] = field(default_factory=list)
    refusal: str | None = None
    percent: list[tuple[int, int]] = field(default_factory=list)


class Scanner:
    """The scan of every sheet of one workbook; ``sheet(name)`` is that sheet's result (waiting for it if needed)."""

    def __init__(self, lookup: Callable[[str], SheetScan], merges: dict[str, list[MergedRange]] | None = None,
                 refusal: str | None = None, stop: threading.Event | None = None) -> None:
        self._lookup = lookup
        self.merges = merges  # .ods only; python-calamine reports the others'
        self.refusal = refusal  # refused before the parser opens the file (.ods: it parses every sheet on open)
        self._stop = stop

    def sheet(self, name: str) -> SheetScan:
        return self._lookup(name)

    def close(self) -> None:
        """Stop scanning (the reader gave up on the file): background threads end at their next chunk."""
        if self._stop is not None:
            self._stop.set()


def start_scan(path: Path, kind: str) -> Scanner:
    """Begin scanning the workbook at ``path``; ``kind`` ("xlsx", "ods", "xls") as :func:`safety.inspect_container` found it."""
    if kind == "xls":
        percent = numfmt.XlsPercentCells()
        refusal = _xls_refusal(path, percent.record)
        errors = _from_table(functools.cache(lambda: _xls_errors(path)))
        return Scanner(lambda name: _with_percent(errors(name), percent.cells.get(name)), refusal=refusal)
    return _scan_ods(path) if kind == "ods" else _scan_xlsx(path)


def _from_table(table: Callable[[], dict[str, SheetScan]]) -> Callable[[str], SheetScan]:
    return lambda name: table().get(name) or SheetScan()


def _with_percent(scan: SheetScan, percent: list[tuple[int, int]] | None) -> SheetScan:
    if percent:
        scan.percent = percent
    return scan


# --------------------------------------------------------------------------- xlsx / xlsm


def _scan_xlsx(path: Path) -> Scanner:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            percent_styles = numfmt.xlsx_percent_styles(archive)  # styles.xml, read once
            sizes = {name: archive.getinfo(part).file_size for name, part in parts.items() if part in archive.NameToInfo}
    except Exception:  # noqa: BLE001 - e.g. an XML declaration naming an unknown encoding (fuzz_bytes.py --mode xml)
        return _scan_blind(path)
    results: dict[str, Future[SheetScan]] = {name: Future() for name in sizes}
    order = sorted(sizes, key=sizes.__getitem__)
    stop = threading.Event()

    def run(names: list[str]) -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                for name in names:
                    try:
                        percent = numfmt.XlsxPercentCells(percent_styles) if percent_styles else None
                        results[name].set_result(_scan_part(archive, parts[name], name, stop, percent))
                    except Exception:  # noqa: BLE001 - a part that cannot be scanned is the parser's to report
                        results[name].set_result(SheetScan())
        except Exception:  # noqa: BLE001
            for name in names:
                if not results[name].done():
                    results[name].set_result(SheetScan())

    # The largest part (the task sheet) has a thread of its own, so that it is done before the
    # parser gets to it; the small ones are ready at once for the sheets the reader parses first.
    for names in (order[-1:], order[:-1]):
        threading.Thread(target=run, args=(names,), name="marketing-tracker-scan", daemon=True).start()
    return Scanner(lambda name: results[name].result() if name in results else SheetScan(), stop=stop)


def _scan_blind(path: Path) -> Scanner:
    """When the sheets cannot be told by name, every XML part is checked for far values before the parser.

    The parser may still read such a workbook (it ignores what it does not need); error cells cannot
    then be put on a named sheet and are not reported.
    """
    refusal = None
    try:
        with zipfile.ZipFile(path) as archive:
            parts = (info.filename for info in archive.infolist() if info.filename.endswith(".xml"))
            refusal = next(filter(None, (_scan_part(archive, part, part).refusal for part in parts)), None)
    except Exception:  # noqa: BLE001 - a part that cannot even be unpacked is the parser's to report
        refusal = None
    return Scanner(lambda _name: SheetScan(), refusal=refusal)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip part that holds it, from the workbook part and its relationships."""
    from defusedxml.ElementTree import fromstring

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(main + "sheet"):
        target = targets.get(sheet.get(rel_id))
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name", "")] = os.path.normpath(part).replace(os.sep, "/")
    return parts


def _scan_part(archive: zipfile.ZipFile, part: str, name: str, stop: threading.Event | None = None,
               percent: numfmt.XlsxPercentCells | None = None) -> SheetScan:
    """Error cells and a cheap look for cells that could lie far out, in one pass over the part, a chunk at a time.

    Every search is bounded (a tag of at most 4 KB, a cell of at most 1 MB: Excel's longest text and
    formula are far shorter), so a hostile part costs time in proportion to its size, never its square.
    """
    scan = SheetScan()
    far = False
    pending = b""
    with archive.open(part) as stream:
        while True:
            if stop is not None and stop.is_set():
                return scan
            chunk = stream.read(_CHUNK)
            data = pending + chunk if pending else chunk
            final = not chunk
            cut = _cut(data, final)
            position = data.find(_ERROR_MARK, 0, cut)
            while position != -1:
                start = data.rfind(b"<", max(position - _MAX_TAG, 0), position)
                tag_end = data.find(b">", position, position + _MAX_TAG)
                if (start == -1 or tag_end == -1 or data[start:start + 3] not in _CELL_OPENINGS
                        or b">" in data[start:position]):
                    position = data.find(_ERROR_MARK, position + 1, cut)  # not a cell's type: text, a broken tag
                    continue
                following = data.find(b"<c", tag_end)  # a cell ends before the next one begins
                end = data.find(b"</c>", tag_end, following if following != -1 else len(data))
                if end == -1 and following == -1 and not final and len(data) - start < _MAX_CELL:
                    cut = start  # the cell goes on in the next chunk
                    break
                found = _error_cell(data[start:end if end != -1 else following if following != -1 else len(data)])
                if found is not None:
                    scan.errors.append(found)
                position = data.find(_ERROR_MARK, tag_end, cut)
            if percent is not None:
                percent.feed(data, cut)
            if not far:
                spaced = data.translate(_SPACES) if b"\n" in data or b"\t" in data or b"\r" in data else data
                far = _ODD_CELL.search(spaced, 0, cut) is not None
            pending = data[cut:]
            if final:
                break
    if far:
        scan.refusal = _measure(archive, part, name)
    if percent is not None:
        scan.percent = percent.cells
    return scan


def _cut(data: bytes, final: bool) -> int:
    """Where to stop in this piece: before its last tag, which may go on in the next chunk, unless that
    tag is already longer than any real one (then the piece is taken whole, so nothing piles up)."""
    if final:
        return len(data)
    last = data.rfind(b"<", max(len(data) - _MAX_CELL, 0))
    return last if last != -1 else len(data)


def _error_cell(cell: bytes) -> tuple[int, int, str] | None:
    tag_end = cell.find(b">")
    ref = _REF.search(cell, 0, tag_end)
    if ref is None or not ref.group(1) or not ref.group(2):
        return None  # a cell without its address (allowed, rare): it cannot be pointed at
    value = _VALUE.search(cell, tag_end)
    text = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#N/A"
    return int(ref.group(2)) - 1, _column_number(ref.group(1).decode()) - 1, text or "#N/A"


def _measure(archive: zipfile.ZipFile, part: str, name: str) -> str | None:
    """How far the values of a sheet reach, the way the parser places them; the refusal when too far.

    Only cells that hold something count (formatting alone, ``<c .../>``, costs the parser nothing), so a
    million formatted rows are passed over by the pattern. A cell without an address is placed by
    counting, which needs every row and cell tag: then the sheet is walked tag by tag.
    """
    last_row = last_column = 0
    for data, cut in _pieces(archive, part):
        for match in _VALUED_CELL.finditer(data, 0, cut):
            ref = _REF.search(match.group(1))
            if ref is None or not ref.group(1) or not ref.group(2):
                return _measure_counting(archive, part, name)
            last_row = max(last_row, int(ref.group(2)))
            last_column = max(last_column, _column_number(ref.group(1).decode()))
    return _too_far(name, last_row, last_column)


def _measure_counting(archive: zipfile.ZipFile, part: str, name: str) -> str | None:
    last_row = last_column = row = column = 0
    for data, cut in _pieces(archive, part):
        for match in _TAG.finditer(data, 0, cut):
            ref = _REF.search(match.group(2))
            if match.group(1) == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                column = 0
                continue
            if ref and ref.group(1):
                column = _column_number(ref.group(1).decode())
                row = int(ref.group(2)) if ref.group(2) else row
            else:
                column += 1
            if not match.group(3):
                last_row, last_column = max(last_row, row), max(last_column, column)
    return _too_far(name, last_row, last_column)


def _pieces(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[bytes, int]]:
    """The part a megabyte at a time, each piece with where to stop in it (see :func:`_cut`)."""
    pending = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = pending + chunk
            cut = _cut(data, not chunk)
            yield data, cut
            pending = data[cut:]
            if not chunk:
                return


def _too_far(name: str, last_row: int, last_column: int) -> str | None:
    if last_row * last_column > MAX_CELLS:
        return (f"sheet {name!r} has values as far as row {last_row}, column {last_column}; "
                "delete the stray cells beyond the data and save again")
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter.upper()) - 64
    return number


# --------------------------------------------------------------------------- ods


def _scan_ods(path: Path) -> Scanner:
    """One pass over content.xml: merged ranges, error cells and how far each sheet's values reach."""
    from defusedxml.ElementTree import iterparse

    table = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    calcext = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
    office = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
    text_p = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
    merges: dict[str, list[MergedRange]] = {}
    scans: dict[str, SheetScan] = {}
    percent = numfmt.OdsPercentCells()
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            percent_styles = numfmt.OdsPercentStyles(archive)
            sheet, row, col, last_row, last_col, cell_end = "", -1, 0, 0, 0, 0
            error_at: tuple[int, int] | None = None
            for event, element in iterparse(content, events=("start", "end")):
                tag = element.tag
                if event == "start" and tag == table + "table":
                    sheet, row, last_row, last_col = element.get(table + "name", ""), -1, 0, 0
                    scans[sheet] = SheetScan()
                    percent = numfmt.OdsPercentCells()
                elif event == "end" and tag == table + "table":
                    scans[sheet].refusal = _too_far(sheet, last_row, last_col)
                    scans[sheet].percent = percent.cells
                    element.clear()
                elif event == "start" and tag == table + "table-row":
                    row, col = row + 1, 0
                elif event == "end" and tag == table + "table-row":
                    repeat = int(element.get(table + "number-rows-repeated", "1"))
                    percent.end_row(repeat)
                    if repeat > 1 and any(_holds_value(cell, office) for cell in element):
                        last_row = max(last_row, row + repeat)  # a repeated row of values reaches its last repeat
                    row += repeat - 1
                    element.clear()
                elif event == "start" and tag in (table + "table-cell", table + "covered-table-cell"):
                    rows = int(element.get(table + "number-rows-spanned", "1"))
                    cols = int(element.get(table + "number-columns-spanned", "1"))
                    repeat = int(element.get(table + "number-columns-repeated", "1"))
                    if tag == table + "table-cell" and (rows > 1 or cols > 1):
                        merges.setdefault(sheet, []).append(((row, col), (row + rows - 1, col + cols - 1)))
                    error_at = (row, col) if element.get(calcext + "value-type") == "error" else None
                    if percent_styles.shows_percent(element):
                        percent.cell(row, col, repeat)
                    cell_end = col + repeat
                    col += repeat
                elif event == "end" and tag == table + "table-cell" and _holds_value(element, office):
                    last_row, last_col = max(last_row, row + 1), max(last_col, cell_end)
                elif event == "end" and tag in numfmt.ODS_STYLE_TAGS:
                    percent_styles.see(element)
                elif event == "end" and tag == text_p and error_at is not None:
                    scans[sheet].errors.append((*error_at, (element.text or "#N/A").strip()))
                    error_at = None
    except Exception:  # noqa: BLE001 - damage of any kind (defusedxml's refusals, unknown encodings) is the parser's
        return Scanner(lambda _name: SheetScan(), {})
    refusal = next((scan.refusal for scan in scans.values() if scan.refusal), None)
    return Scanner(_from_table(lambda: scans), merges, refusal)


def _holds_value(cell: Any, office: str) -> bool:
    """A cell with a value type, or with text in it (the parser reads a paragraph without a type too)."""
    return cell.get(office + "value-type") is not None or len(cell) > 0


# --------------------------------------------------------------------------- xls


#: BIFF records that place a cell: row (2 bytes) and column (2 bytes) first; MULRK and MULBLANK end with
#: their last column. The parser places every one of them, and reads columns beyond 255 when a
#: damaged file has them (found by fuzz_bytes.py: a sheet of 65,536 x 65,536 cells, then an abort).
_XLS_CELLS = {0x0006, 0x0406, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0201, 0x00BD, 0x00BE}
_XLS_MULTI = {0x00BD, 0x00BE}
_XLS_BOF = 0x0809
_XLS_FILEPASS = 0x002F


def _xls_refusal(path: Path, record: Callable[[int, bytes, int], None] | None = None) -> str | None:
    """Why an .xls must not reach the parser: it is damaged, encrypted, or a sheet's cells reach beyond
    :data:`MAX_CELLS`.

    The parser reads every sheet of an .xls when it opens the file, so the file is walked first:
    its sector chains with xlrd's reader of the compound document (python-calamine follows a chain
    that loops back on itself until memory runs out, found by fuzz_bytes.py; xlrd notices every
    sector used twice), then the workbook stream's records, each also handed to ``record`` (kind,
    body, offset in the stream) when given (:class:`numfmt.XlsPercentCells`).
    """
    try:
        from xlrd.compdoc import CompDoc

        with open(os.devnull, "w", encoding="utf-8") as quiet:
            document = CompDoc(path.read_bytes(), logfile=quiet)
            stream, base, size = document.locate_named_stream("Workbook")
            if stream is None:
                stream, base, size = document.locate_named_stream("Book")
    except Exception as exc:  # noqa: BLE001 - xlrd says what is broken in several exception types
        return f"the file is damaged ({first_line(exc)})"
    if stream is None:
        return "the file is damaged (it holds no workbook)"
    last_row, last_column, at, end = 0, 0, base, base + size
    while at + 4 <= end:
        kind, length = int.from_bytes(stream[at:at + 2], "little"), int.from_bytes(stream[at + 2:at + 4], "little")
        body = stream[at + 4:at + 4 + length]
        if record is not None:
            record(kind, body, at - base)
        at += 4 + length
        if kind == _XLS_FILEPASS:  # the records after it are encrypted: nothing more can be read from them
            return "the workbook is encrypted with a password; save it without a password and try again"
        if kind == _XLS_BOF:
            if last_row * last_column > MAX_CELLS:
                break
            last_row, last_column = 0, 0
        elif kind in _XLS_CELLS and len(body) >= 4:
            column = int.from_bytes(body[-2:], "little") if kind in _XLS_MULTI else int.from_bytes(body[2:4], "little")
            last_row = max(last_row, int.from_bytes(body[0:2], "little") + 1)
            last_column = max(last_column, column + 1)
    if last_row * last_column > MAX_CELLS:
        return f"the file is damaged (a sheet has cells as far as row {last_row}, column {last_column})"
    return None


def _xls_errors(path: Path) -> dict[str, SheetScan]:
    try:
        import xlrd

        with open(os.devnull, "w", encoding="utf-8") as quiet:
            book = xlrd.open_workbook(os.fspath(path), on_demand=True, logfile=quiet, verbosity=0)
            scans: dict[str, SheetScan] = {}
            for index, name in enumerate(book.sheet_names()):
                sheet = book.sheet_by_index(index)
                errors = [(r, c, xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#N/A"))
                          for r in range(sheet.nrows) for c, kind in enumerate(sheet.row_types(r))
                          if kind == xlrd.XL_CELL_ERROR]
                scans[name] = SheetScan(errors)
                book.unload_sheet(index)
            return scans
    except Exception:  # noqa: BLE001 - xlrd refusing a file calamine read costs only the error cells
        return {}


__all__ = ["MAX_CELLS", "CellError", "Scanner", "SheetScan", "start_scan"]
