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
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from marketing_tracker.core import forked
from marketing_tracker.core.cells import column_index
from marketing_tracker.core.errors import first_line
from marketing_tracker.reading import numfmt

#: The most cells the values of a workbook may span, all parsed sheets together (a 50,000-task tracker's
#: sheets span 7.7 million; 16 million cost the parser and the grids about 600 MB at the peak).
MAX_CELLS = 16_000_000
_CHUNK = 1 << 20
#: A part this large (unpacked) has its last rows searched in a forked child (see :func:`_fork_tail`): the
#: task sheet of a campaign of some 7,000 tasks or more. The scan itself takes the first ``_HEAD_SHARE``:
#: the child also unpacks what comes before its own rows.
_SPLIT_FROM = 8 << 20
_HEAD_SHARE = 0.58
_ROW_END = b"</row>"
_SCAN_AFTER_LARGEST = 4 << 20  # a part this large (unpacked) is scanned after the largest (see _scan_xlsx)
_MAX_TAG = 4096  # how far before an error mark its cell's tag may begin
_MAX_CELL = 1 << 20  # how long a cell, or a tag carried over to the next chunk, may be
_ERROR_MARK = b't="e"'
#: Cells are looked at in a text whose tabs and line breaks are spaces (the parser takes any whitespace
#: between attributes and around "="); a cell needs a closer look when it is not in the plainest
#: spelling or lies outside its sheet's box (see :func:`_near_pattern`): then it is measured exactly.
_SPACES = bytes.maketrans(b"\t\r\n", b"   ")
#: The parser takes an element by its local name, whatever its prefix: ``<x:c>`` is a cell, ``<x:row>`` a row.
#: (A prefix is any name, not only ASCII: the parser reads ``<前缀:c>`` as a cell too.)
_PREFIX = rb"""(?:[^\s<>/!?:="']+:)"""
_CELL_START = re.compile(rb"<(" + _PREFIX + rb"?)c[ \t\r\n]")
_PREFIXED = re.compile(rb"<" + _PREFIX + rb"(?:c|row|v|sheetData|dimension)[ />]")
_DIMENSION = re.compile(rb"<" + _PREFIX + rb"?dimension +ref *= *"
                        rb"""["'](?:[A-Za-z]{1,3}\d{1,7}:)?([A-Z]{1,3})([1-9]\d{0,6})["']""")
#: A sheet without a (believable) ``<dimension>`` is measured whenever a value lies beyond AZ9999.
_DEFAULT_END = (b"AZ", b"9999")
#: An ``r`` attribute that is not the first of its tag (after a quoted value, or after two spaces): a second
#: address, which the parser takes over the first. A search for the letter first, so it runs at the speed
#: of a find; a false alarm (such text in a formula) costs only the exact measure.
_SECOND_ADDRESS = re.compile(rb"""r(?:(?<=["' ] r)|(?<=["']r)) *=""")
#: Where a prefixed cell or row may be: a cheap search before :data:`_PREFIXED` (rows say spans="1:21").
_PREFIX_HINT = re.compile(rb":(?:c|row)[ />]")
#: A whole cell or row tag, prefixed or not, its attributes in group 3: what the parser reads as one.
_FULL_TAG = re.compile(rb"<(" + _PREFIX + rb"""?)(row|c)((?: +[^\s<>/=]+ *= *(?:"[^"<]*"|'[^'<]*'))*) *(/?)>"""
                       rb"|<" + _PREFIX + rb"?(?:row|c)[ >]")
_REF_ANY = re.compile(rb"""(?<![^ "'])r *= *(?:"([^"<]*)"|'([^'<]*)')""")
_CANONICAL_REF = re.compile(rb"[A-Z]{1,3}[1-9]\d{0,6}")
_U32 = 0xFFFFFFFF

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
    #: the most cells the parser can allocate for the sheet (rows x columns from A1), for the workbook's budget
    extent: int = 0
    #: False when the sheet is written in a dialect the scan does not read exactly as the parser does (prefixed
    #: elements, a cell with two addresses, addresses spelled oddly, cells placed by counting, XML the scan
    #: could not follow): the reader then parses it in a child process, where an abort costs only that child
    vouched: bool = True


class Scanner:
    """The scan of every sheet of one workbook; ``sheet(name)`` is that sheet's result (waiting for it if needed)."""

    def __init__(self, lookup: Callable[[str], SheetScan], merges: dict[str, list[MergedRange]] | None = None,
                 refusal: str | None = None, stop: threading.Event | None = None, isolate: bool = False,
                 child: forked.Child[Any] | None = None) -> None:
        self._lookup = lookup
        self._child = child  # the child searching the last rows of the largest part, if any
        self.merges = merges  # .ods only; python-calamine reports the others'
        self.refusal = refusal  # refused before the parser opens the file (.ods: it parses every sheet on open)
        self._stop = stop
        #: the scan cannot vouch for the file as a whole (.ods content it could not follow): the parser opens
        #: it in a child process (the parser of an .ods reads every sheet on open)
        self.isolate = isolate

    def sheet(self, name: str) -> SheetScan:
        return self._lookup(name)

    def close(self) -> None:
        """Stop scanning (the reader gave up on the file): background threads end at their next chunk, a child at once."""
        if self._stop is not None:
            self._stop.set()
        if self._child is not None:
            self._child.close()


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
    tail = _fork_tail(path, parts[order[-1]], sizes[order[-1]], percent_styles) if order else None

    def run(names: list[str], after: Future[SheetScan] | None) -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                for name in names:
                    if after is not None and sizes[name] > _SCAN_AFTER_LARGEST:
                        after.exception()  # waits for the largest: see below
                    results[name].set_result(_scan_guarded(archive, parts[name], name, stop, percent_styles,
                                                           tail if after is None else None))
        except Exception:  # noqa: BLE001 - the zip opened a moment ago: what is left is the parser's, in a child
            for name in names:
                if not results[name].done():
                    results[name].set_result(SheetScan(vouched=False))
        finally:
            if after is None and tail is not None:
                tail.child.close()

    # The largest part (the task sheet) has a thread of its own, so that it is done before the
    # parser gets to it; the small ones are ready at once for the sheets the reader parses first.
    # A second large one (the RACI matrix of a big campaign) waits until the largest is scanned:
    # both searches would share one interpreter lock, and the parser waits for the largest, so
    # the one that matters would take nearly twice as long.
    largest = results[order[-1]] if order else None
    try:
        for names, after in ((order[-1:], None), (order[:-1], largest)):
            threading.Thread(target=run, args=(names, after), name="marketing-tracker-scan", daemon=True).start()
    except BaseException:  # no thread to be had (or an interrupt): the tail's child ends with the scan
        if tail is not None:
            tail.child.close()
        raise
    # A sheet the parser lists and the scan did not find (a workbook part it reads otherwise) is not vouched for.
    return Scanner(lambda name: results[name].result() if name in results else SheetScan(vouched=False), stop=stop,
                   child=tail.child if tail is not None else None)


@dataclass
class _Found:
    """What a search of a part, or of a stretch of it, found (see :func:`_search`)."""

    errors: list[tuple[int, int, str]] = field(default_factory=list)
    percent: list[numfmt.Cell] = field(default_factory=list)
    #: a cell that needs the exact measure (beyond the box, or spelled in a dialect)
    far: bool = False
    #: the part holds a cell (known at once when it has a ``<dimension>``)
    has_cells: bool = True
    #: the cells the sheet spans when no cell is far (its ``<dimension>`` rounded up, see :func:`_near_pattern`)
    box: int = 0

    def then(self, rest: _Found) -> _Found:
        """This stretch followed by the rest of the part."""
        return _Found(self.errors + rest.errors, (self.percent + rest.percent)[:numfmt.MAX_MARKED],
                      self.far or rest.far, self.has_cells or rest.has_cells, self.box)


@dataclass
class _Tail:
    """The last rows of a very large part, searched in a forked child while the scan searches the rest."""

    child: forked.Child[_Found]
    #: where the stretches meet: after the first ``</row>`` from this offset of the unpacked part on
    split: int


def _fork_tail(path: Path, part: str, size: int, styles: frozenset[int]) -> _Tail | None:
    """The search of ``part`` from :data:`_HEAD_SHARE` of its size on, in a child, when it is large enough to pay.

    Searching is Python under one interpreter lock and unpacking a thread would wait for it; in
    a child (core.forked) the last part of the rows is searched on the other core, unpacked there
    from the start (a deflate stream cannot be entered half-way). What the child does not hand
    back, the scan searches itself (see :func:`_scan_part`).
    """
    if size < _SPLIT_FROM:
        return None
    split = int(size * _HEAD_SHARE)

    def search() -> list[_Found]:
        with zipfile.ZipFile(path) as archive:
            found = _search(archive, part, None, styles, begin=split)
        return [found] if found is not None else []

    child = forked.start(search)
    return _Tail(child, split) if child is not None else None


def _scan_guarded(archive: zipfile.ZipFile, part: str, name: str, stop: threading.Event | None = None,
                  styles: frozenset[int] = frozenset(), tail: _Tail | None = None) -> SheetScan:
    """:func:`_scan_part`, with damage to the zip (a wrong CRC-32, found at the part's end; a broken stream) a
    refusal, and anything else the scan could not follow a sheet the reader parses apart (not vouched for)."""
    try:
        return _scan_part(archive, part, name, stop, styles, tail)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        return SheetScan(refusal=f"the file is damaged ({part} cannot be unpacked: {first_line(exc)})")
    except Exception:  # noqa: BLE001 - e.g. a part the zip lists and does not hold
        return SheetScan(vouched=False)


def _scan_blind(path: Path) -> Scanner:
    """When the sheets cannot be told by name, every XML part is checked for far values before the parser.

    The parser may still read such a workbook (it ignores what it does not need); error cells cannot
    then be put on a named sheet and are not reported.
    """
    refusal = None
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for part in (info.filename for info in archive.infolist() if info.filename.endswith(".xml")):
                scan = _scan_guarded(archive, part, part)
                total += scan.extent
                refusal = refusal or scan.refusal or _over_budget(total)
    except Exception:  # noqa: BLE001 - the zip opened a moment ago: what is left is the parser's, in a child
        refusal = None
    return Scanner(lambda _name: SheetScan(vouched=False), refusal=refusal)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip part that holds it, from the workbook part and its relationships."""
    from defusedxml.ElementTree import fromstring

    # By local names, as the parser finds them: any prefix, any namespace (strict OOXML declares another one).
    workbook = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: dict[str, str] = {}
    for sheet in (e for e in workbook.iter() if isinstance(e.tag, str) and e.tag.rpartition("}")[2] == "sheet"):
        rel_id = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), None)
        target = targets.get(rel_id)
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name", "")] = os.path.normpath(part).replace(os.sep, "/")
    return parts


def _scan_part(archive: zipfile.ZipFile, part: str, name: str, stop: threading.Event | None = None,
               styles: frozenset[int] = frozenset(), tail: _Tail | None = None) -> SheetScan:
    """Error cells and a cheap look for cells that could lie beyond the sheet's ``<dimension>`` (:func:`_search`);
    the sheet's extent for the workbook's budget, measured exactly when a cell needs it; the cells in percent styles.

    With a ``tail``, the last rows are the child's to search; what it does not hand back is searched here.
    """
    found = _search(archive, part, stop, styles, end=tail.split if tail else None)
    if found is not None and tail is not None:
        rest = tail.child.next()
        tail.child.close()
        if rest is None:
            rest = _search(archive, part, stop, styles, begin=tail.split)
        found = found.then(rest) if rest is not None else None
    if found is None:  # stopped: the reader gave up on the file
        return SheetScan()
    scan = SheetScan(errors=found.errors, percent=found.percent)
    scan.extent = found.box if found.has_cells else 0  # a part with no cell (styles, a chart: the blind scan sees all) costs none
    if found.far:
        rows, columns, scan.vouched = _measure(archive, part)
        scan.extent = rows * columns
        scan.refusal = _too_far(name, rows, columns)
    return scan


def _search(archive: zipfile.ZipFile, part: str, stop: threading.Event | None, styles: frozenset[int],
            begin: int | None = None, end: int | None = None) -> _Found | None:
    """One pass over the part (or the stretch between two row ends), a chunk at a time; ``None`` when stopped.

    Every search is bounded (a tag of at most 4 KB, a cell of at most 1 MB: Excel's longest text and
    formula are far shorter), so a hostile part costs time in proportion to its size, never its square.
    A search to the end reads the part through zipfile, which checks its CRC-32 there (see
    :func:`_scan_guarded`). With ``begin``, the stretch begins after the first ``</row>`` from that
    offset of the unpacked part; with ``end``, it ends after the first from there: two searches split
    at one offset meet at one row end, and between rows no cell or tag is cut in two.
    """
    found = _Found()
    percent = numfmt.XlsxPercentCells(styles) if styles else None
    odd: re.Pattern[bytes] | None = None
    pending = b""
    offset = 0  # where ``data`` begins in the unpacked part
    skipping = begin is not None
    with archive.open(part) as stream:
        while True:
            if stop is not None and stop.is_set():
                return None
            chunk = stream.read(_CHUNK)
            data = pending + chunk if pending else chunk
            final = not chunk
            if odd is None:
                odd, found.box, found.has_cells = _near_pattern(data)
            if skipping:  # the stretch begins at a row end: until then, only unpacked
                start = _row_end(data, (begin or 0) - offset)
                if start is None:
                    if final:
                        break
                    pending = data[-len(_ROW_END) + 1:]
                    offset += len(data) - len(pending)
                    continue
                data, offset, skipping = data[start:], offset + start, False
            if end is not None and (stop_at := _row_end(data, end - offset)) is not None:
                data, final = data[:stop_at], True
            cut = _cut(data, final)
            if not found.has_cells:
                found.has_cells = _CELL_START.search(data, 0, cut) is not None
            cut = _find_errors(data, cut, final, found.errors)
            if percent is not None:
                percent.feed(data, cut)
            if not found.far:
                spaced = data.translate(_SPACES) if b"\n" in data or b"\t" in data or b"\r" in data else data
                found.far = (odd.search(spaced, 0, cut) is not None or _SECOND_ADDRESS.search(spaced, 0, cut) is not None
                             or (_PREFIX_HINT.search(spaced, 0, cut) is not None
                                 and _PREFIXED.search(spaced, 0, cut) is not None))
            pending = data[cut:]
            offset += cut
            if final:
                break
    if percent is not None:
        found.percent = percent.cells
    return found


def _row_end(data: bytes, start: int) -> int | None:
    """Where two stretches of a part meet: no cell spans a row end (in a comment or CDATA one may: then
    the cell's error shows as ``#N/A``; the place of every cell is still found, tags being whole)."""
    position = data.find(_ROW_END, max(start, 0))
    return None if position == -1 else position + len(_ROW_END)


def _cut(data: bytes, final: bool) -> int:
    """Where to stop in this piece: before its last tag, which may go on in the next chunk, unless that
    tag is already longer than any real one (then the piece is taken whole, so nothing piles up)."""
    if final:
        return len(data)
    last = data.rfind(b"<", max(len(data) - _MAX_CELL, 0))
    return last if last != -1 else len(data)


def _find_errors(data: bytes, cut: int, final: bool, errors: list[tuple[int, int, str]]) -> int:
    """Add the error cells of one piece to ``errors``; where the piece must be cut instead (a cell goes on)."""
    position = data.find(_ERROR_MARK, 0, cut)
    while position != -1:
        start = data.rfind(b"<", max(position - _MAX_TAG, 0), position)
        tag_end = data.find(b">", position, position + _MAX_TAG)
        opening = _CELL_START.match(data, start) if start != -1 else None
        if opening is None or tag_end == -1 or b">" in data[start:position]:
            position = data.find(_ERROR_MARK, position + 1, cut)  # not a cell's type: text, a broken tag
            continue
        prefix = opening.group(1)
        following = data.find(b"<" + prefix + b"c", tag_end)  # a cell ends before the next one begins
        end = data.find(b"</" + prefix + b"c>", tag_end, following if following != -1 else len(data))
        if end == -1 and following == -1 and not final and len(data) - start < _MAX_CELL:
            return start  # the cell goes on in the next chunk
        found = _error_cell(data[start:end if end != -1 else following if following != -1 else len(data)], prefix)
        if found is not None:
            errors.append(found)
        position = data.find(_ERROR_MARK, tag_end, cut)
    return cut


def _near_pattern(start: bytes) -> tuple[re.Pattern[bytes], int, bool]:
    """The pattern of a cell that needs a closer look, how many cells the sheet spans when none does, and
    whether the part has a ``<dimension>`` at all (a part without one may hold no cell).

    The sheet's ``<dimension>`` (at its start) is only a claim: it sets the box, rounded up to two
    leading digits and letters (A1:DH50004 gives DZ50999), and every cell is then checked against the
    box in the one pass. A cell is near only in the plainest spelling: an unprefixed ``<c``, its
    address first and only once, in double quotes right after one space, the column in capitals, the
    row without leading zeros, inside the box; any other cell has the sheet measured exactly.
    """
    found = _DIMENSION.search(start[:1 << 16].translate(_SPACES))
    letters, digits = (found.group(1), found.group(2)) if found else _DEFAULT_END
    columns, rows = _bound(letters, 26), _bound(digits, 10)
    if columns * rows > MAX_CELLS:  # a claim beyond the budget (formatting to XFD1048576): the values decide
        letters, digits = _DEFAULT_END
        columns, rows = _bound(letters, 26), _bound(digits, 10)
    return _odd_cell(letters, digits), columns * rows, found is not None


def _bound(text: bytes, base: int) -> int:
    """The largest number that keeps the first two digits (or letters) of ``text`` and its length."""
    top = b"Z" if base == 26 else b"9"
    rounded = text[:2] + top * (len(text) - 2)
    return column_index(rounded.decode()) + 1 if base == 26 else int(rounded)


@functools.lru_cache(maxsize=64)
def _odd_cell(letters: bytes, digits: bytes) -> re.Pattern[bytes]:
    column = _up_to(letters.decode(), "A", "Z", "[A-Z]")
    row = _up_to(digits.decode(), "0", "9", r"\d")
    return re.compile(rb'<c(?:>| (?!r="(?:%s)(?:%s)"))' % (column.encode(), row.encode()))


def _up_to(bound: str, low: str, high: str, any_one: str) -> str:
    """A pattern for the numbers (``low`` "0") or column letters (``low`` "A") from 1 (A) to :func:`_bound` of
    ``bound``: shorter ones (no leading zero), as long ones with a smaller first character, or with the same
    first and a second no greater. ``high`` is the last character ("9", "Z")."""
    one = "1" if low == "0" else "A"
    n = len(bound)
    if n == 1:
        return f"[{one}-{bound[0]}]"
    first_lower = f"[{one}-{chr(ord(bound[0]) - 1)}]" if bound[0] > one else None
    same_first = f"{bound[0]}[{low}-{bound[1]}]{any_one}{{{n - 2}}}"
    if n == 2 and low == "A" and first_lower:  # [A-C]?[A-Z]|D[A-H]: one letter, or two up to DH (the common case)
        return f"{first_lower}?{any_one}|{same_first}"
    shorter = f"{'[1-9]' if low == '0' else any_one}{any_one}{{0,{n - 2}}}"
    return "|".join(filter(None, [shorter, f"{first_lower}{any_one}{{{n - 1}}}" if first_lower else None, same_first]))


def _error_cell(cell: bytes, prefix: bytes = b"") -> tuple[int, int, str] | None:
    tag_end = cell.find(b">")
    place = _address_of(cell[:tag_end])
    if place is None:
        return None  # a cell without its address (allowed, rare): it cannot be pointed at
    value = re.search(rb"<" + re.escape(prefix) + rb"v>([^<]*)</" + re.escape(prefix) + rb"v>", cell[tag_end:])
    text = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#N/A"
    row, column = place
    if row < 1 or column < 1:
        return None
    return row - 1, column - 1, text or "#N/A"


def _address_of(attributes: bytes) -> tuple[int, int] | None:
    """Where the parser places a cell tag's cell: by its last ``r`` attribute, read as the parser reads it."""
    refs = _REF_ANY.findall(attributes.translate(_SPACES))
    if not refs:
        return None
    double, single = refs[-1]
    return _parse_address(double or single)


def _parse_address(raw: bytes) -> tuple[int, int] | None:
    """(row, column), 1-based, computed as python-calamine does: from the last character back, in 32-bit
    arithmetic that wraps (so leading zeros change nothing and 4,400 digits are no trouble); None where
    the parser refuses the address (then it reads nothing of the sheet). Row or column 0 stand for
    "beyond any sheet": the parser's 0-based index wraps round for them."""
    row = column = 0
    power = 1
    in_row = True
    for byte in reversed(raw):
        if 48 <= byte <= 57:
            if not in_row:
                return None
            row = (row + (byte - 48) * power) & _U32
            power = (power * 10) & _U32
        elif 65 <= byte <= 90 or 97 <= byte <= 122:
            if in_row:
                power, in_row = 1, False
            column = (column + ((byte & ~32) - 64) * power) & _U32
            power = (power * 26) & _U32
        else:
            return None
    return row or _U32 + 1, column or _U32 + 1


def _measure(archive: zipfile.ZipFile, part: str) -> tuple[int, int, bool]:
    """How far the values of a sheet reach, the way the parser places them: (rows, columns, vouched).

    Only cells that hold something count (formatting alone, ``<c .../>``, costs the parser nothing).
    A cell is placed by its last address; a cell without one by counting, from its row's number (or the
    row after the last) and the cell before it. ``vouched`` is False when the sheet uses a dialect the
    plain pattern does not (a prefix, a second address, an odd spelling, counting, a tag not understood).
    """
    last_row = last_column = row = 0
    following = 1  # the column an unaddressed cell goes to
    vouched = True
    for data, cut in _pieces(archive, part):
        spaced = data.translate(_SPACES)
        for match in _FULL_TAG.finditer(spaced, 0, cut):
            if match.group(2) is None:
                vouched = False  # a cell or row tag the pattern does not follow: the parser may read it otherwise
                continue
            prefix, element, attributes, empty = match.group(1), match.group(2), match.group(3), match.group(4)
            if empty:
                continue  # the parser passes over an empty element (formatting alone) without counting it
            refs = [double or single for double, single in _REF_ANY.findall(attributes)]
            if prefix or len(refs) > 1 or (element == b"c" and not (refs and _CANONICAL_REF.fullmatch(refs[0]))):
                vouched = False
            if element == b"row":  # the parser reads a row's first address; without one, the row after the last
                place = _parse_address(refs[0]) if refs else None
                row, following = (place[0] if place else row + 1), 1
                continue
            if refs:  # a cell's last address
                place = _parse_address(refs[-1])
                if place is None:
                    continue  # the parser refuses the address, and with it the sheet
                cell_row, following = place[0], place[1] + 1
                cell_column = place[1]
            else:
                cell_row, cell_column, following = max(row, 1), following, following + 1
            last_row, last_column = max(last_row, cell_row), max(last_column, cell_column)
    return last_row, last_column, vouched


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


def _over_budget(total: int) -> str | None:
    """The refusal for a workbook whose sheets together span more than :data:`MAX_CELLS`."""
    if total > MAX_CELLS:
        return (f"its sheets together have values over {total:,} cells, more than {MAX_CELLS:,}; "
                "delete stray cells and unused sheets and save again")
    return None


def _too_far(name: str, last_row: int, last_column: int) -> str | None:
    if last_row * last_column > MAX_CELLS:
        return (f"sheet {name!r} has values as far as row {last_row}, column {last_column}; "
                "delete the stray cells beyond the data and save again")
    return None


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
                    scans[sheet].extent = last_row * last_col
                    element.clear()
                elif event == "start" and tag == table + "table-row":
                    row, col = row + 1, 0
                elif event == "end" and tag == table + "table-row":
                    repeat = _count(element.get(table + "number-rows-repeated", "1"))
                    percent.end_row(repeat)
                    if repeat > 1 and any(_holds_value(cell, office) for cell in element):
                        last_row = max(last_row, row + repeat)  # a repeated row of values reaches its last repeat
                    row += repeat - 1
                    element.clear()
                elif event == "start" and tag in (table + "table-cell", table + "covered-table-cell"):
                    rows = _count(element.get(table + "number-rows-spanned", "1"))
                    cols = _count(element.get(table + "number-columns-spanned", "1"))
                    repeat = _count(element.get(table + "number-columns-repeated", "1"))
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
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a wrong CRC-32 is found at the part's end
        return Scanner(lambda _name: SheetScan(), {}, f"the file is damaged (content.xml cannot be unpacked: "
                                                      f"{first_line(exc)})")
    except Exception:  # noqa: BLE001 - XML the scan cannot follow (defusedxml's refusals, unknown encodings,
        # a number the scan cannot read): the parser may still read it, in a child process (see :mod:`isolated`)
        return Scanner(lambda _name: SheetScan(vouched=False), {}, isolate=True)
    # The parser reads every sheet when it opens the file: the budget holds for all of them together.
    refusal = next((scan.refusal for scan in scans.values() if scan.refusal), None) or _over_budget(
        sum(scan.extent for scan in scans.values()))
    return Scanner(_from_table(lambda: scans), merges, refusal)


def _count(value: str) -> int:
    """A repeat or span count as the scan can vouch for it: plain digits. Anything else (a sign, spaces, other
    digits, thousands of digits) raises ValueError, and the file is parsed in a child process: Python's int()
    and the parser could read it differently (a negative count would make the scan undercount)."""
    if not (value.isascii() and value.isdigit() and len(value.lstrip("0")) <= 9):
        raise ValueError(f"a count the scan does not read as the parser does: {value[:20]!r}")
    return int(value)


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
    last_row, last_column, at, end, total = 0, 0, base, base + size, 0
    while at + 4 <= end:
        kind, length = int.from_bytes(stream[at:at + 2], "little"), int.from_bytes(stream[at + 2:at + 4], "little")
        body = stream[at + 4:at + 4 + length]
        if record is not None:
            record(kind, body, at - base)
        at += 4 + length
        if kind == _XLS_FILEPASS:  # the records after it are encrypted: nothing more can be read from them
            return "the workbook is encrypted with a password; save it without a password and try again"
        if kind == _XLS_BOF:  # a sheet begins: the one before it is added to the workbook's total
            if last_row * last_column > MAX_CELLS:
                break
            total += last_row * last_column
            last_row, last_column = 0, 0
        elif kind in _XLS_CELLS and len(body) >= 4:
            column = int.from_bytes(body[-2:], "little") if kind in _XLS_MULTI else int.from_bytes(body[2:4], "little")
            last_row = max(last_row, int.from_bytes(body[0:2], "little") + 1)
            last_column = max(last_column, column + 1)
    if last_row * last_column > MAX_CELLS:
        return f"the file is damaged (a sheet has cells as far as row {last_row}, column {last_column})"
    return _over_budget(total + last_row * last_column)  # the parser reads every sheet on open


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
