"""Number formats that change what a cell's number means: "100%" is stored as 1.

Excel, WPS, LibreOffice and Gnumeric all store a typed "100%" as the number 1 in a cell with a
percent number format ("150%" as 1.5, "60%" as 0.6, "4.2%" as 0.042). python-calamine hands back
the bare number, so the format is read here, from the file itself, for the cells that have one:

* .xlsx: the cell's ``s`` style index -> ``cellXfs`` -> ``numFmtId``; Excel's built-in ids 9 (``0%``)
  and 10 (``0.00%``) have no ``formatCode`` in styles.xml, the others are looked up in ``numFmts``.
  styles.xml is read once per file; each sheet part is searched for the few percent style indexes
  during the scan that :mod:`sheetscan` already makes (a ``bytes.find`` per index and chunk).
* .ods: the cell's ``office:value-type="percentage"`` (LibreOffice), or a ``float`` cell whose style's
  data style is a ``number:percentage-style`` (Gnumeric), seen by the scan's one pass over content.xml.
* .xls: the XF record's format index (9, 10, or a FORMAT record whose text has a ``%``), for the
  NUMBER, RK, MULRK and FORMULA records the scan already walks.

Dates need nothing here: python-calamine already turns a date-formatted number into a date (the
built-in date ids 14-22 and 45-47 included) and leaves a General number a number; what a number
in a date column means is :func:`coerce.make_date`'s.

A percent-formatted cell reaches the coercers as :class:`Percent`, a float that remembers its
format. Only the columns of :data:`PERCENT_AWARE` are marked; a percent elsewhere stays a number.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

#: Excel's built-in number format ids that are percentages (ECMA-376 part 1, 18.8.30).
BUILTIN_PERCENT_IDS = frozenset({9, 10})
#: Units of a KPI whose log values are percentages: a percent-formatted 4.2% of such a KPI is 4.2.
PERCENT_UNITS = frozenset({"%", "％", "百分比", "百分点", "pct", "percent", "percentage"})
#: (sheet key, column key) of the columns where a percent format changes the value.
PERCENT_AWARE = frozenset({("tasks", "progress"), ("kpi_log", "value")})
#: The most percent-formatted cells kept per sheet (a real tracker has a few hundred at most).
MAX_MARKED = 1_000_000

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')  # literal text, escapes, [colour]/[locale], padding
_REF = re.compile(rb'(?<![\w:])r\s*=\s*["\']([A-Za-z]+)(\d+)["\']')
_CELL_OPENINGS = (b"<c ", b"<c\t", b"<c\n", b"<c\r")
_MAX_TAG = 4096

Cell = tuple[int, int]  # 0-based row and column


class Percent(float):
    """A number shown with a percent format: ``Percent(1.0)`` is a cell showing 100 %."""

    __slots__ = ()


def is_percent_code(code: str) -> bool:
    """Whether a format code shows its number as a percentage (a ``%`` outside literal text)."""
    return "%" in _QUOTED.sub("", code)


# --------------------------------------------------------------------------- xlsx


def xlsx_percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The ``cellXfs`` indexes (a cell's ``s``) whose number format is a percentage; empty when none or unreadable."""
    from defusedxml.ElementTree import fromstring

    try:
        styles = fromstring(archive.read("xl/styles.xml"))
    except Exception:  # noqa: BLE001 - no styles, or damaged ones: every number is bare, as the parser reads it
        return frozenset()
    percent_ids = set(BUILTIN_PERCENT_IDS)
    for number_format in styles.iter(_MAIN + "numFmt"):
        identifier = number_format.get("numFmtId", "")
        if identifier.isdigit() and is_percent_code(number_format.get("formatCode", "")):
            percent_ids.add(int(identifier))
        elif identifier.isdigit():
            percent_ids.discard(int(identifier))  # a file may redefine a built-in id
    cell_xfs = next(styles.iter(_MAIN + "cellXfs"), None)
    if cell_xfs is None:
        return frozenset()
    return frozenset(index for index, xf in enumerate(cell_xfs.iter(_MAIN + "xf"))
                     if xf.get("numFmtId", "0").isdigit() and int(xf.get("numFmtId", "0")) in percent_ids)


class XlsxPercentCells:
    """Collects the cells of one sheet part whose style is a percent style, a chunk at a time.

    :meth:`feed` is given each piece of the part and where to stop in it (the scan's own pieces:
    a tag is never cut before ``cut``). It looks only for the literal ``s="N"`` of the percent
    styles, so a part with none costs one ``bytes.find`` per style and chunk (``s='N'`` is looked
    for only in a chunk that holds an apostrophe at all, a much cheaper ``memchr``).
    """

    def __init__(self, styles: Iterable[int]) -> None:
        self._needles = [b' s="%d"' % index for index in sorted(styles)]
        self._single = [b" s='%d'" % index for index in sorted(styles)]  # looked for only where a ' occurs (memchr)
        self.cells: list[Cell] = []

    def feed(self, data: bytes, cut: int) -> None:
        for needle in self._needles + self._single if b"'" in data else self._needles:
            position = data.find(needle, 0, cut)
            while position != -1 and len(self.cells) < MAX_MARKED:
                cell = _valued_cell_at(data, position)
                if cell is not None:
                    self.cells.append(cell)
                position = data.find(needle, position + 1, cut)


def _valued_cell_at(data: bytes, position: int) -> Cell | None:
    """The address of the ``<c>`` tag around ``position``, when it is a cell's opening tag with a value."""
    start = data.rfind(b"<", max(position - _MAX_TAG, 0), position)
    end = data.find(b">", position, position + _MAX_TAG)
    if start == -1 or end == -1 or data[start:start + 3] not in _CELL_OPENINGS or data[end - 1:end] == b"/":
        return None
    ref = _REF.search(data, start, end)
    if ref is None:
        return None  # a cell without its address cannot be pointed at (rare; it reads as a bare number)
    column = 0
    for letter in ref.group(1).upper():
        column = column * 26 + letter - 64
    return int(ref.group(2)) - 1, column - 1


# --------------------------------------------------------------------------- ods


_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
#: The elements of an .ods that say which cell styles show percentages.
ODS_STYLE_TAGS = frozenset({_NUMBER + "percentage-style", _STYLE + "style"})


class OdsPercentStyles:
    """Which cells of an .ods show a percentage.

    LibreOffice says so on the cell (``office:value-type="percentage"``); Gnumeric writes
    ``"float"`` with a cell style whose data style is a ``number:percentage-style`` (in styles.xml,
    or among content.xml's automatic styles, which come before the cells).
    """

    def __init__(self, archive: zipfile.ZipFile | None = None) -> None:
        self._data: set[str] = set()
        self._cells: set[str] = set()
        if archive is not None and "styles.xml" in archive.NameToInfo:
            from defusedxml.ElementTree import iterparse

            with contextlib.suppress(Exception), archive.open("styles.xml") as styles:  # damaged: the cells' own marks
                for _event, element in iterparse(styles):
                    if element.tag in ODS_STYLE_TAGS:
                        self.see(element)

    def see(self, element: Any) -> None:
        """A ``number:percentage-style`` or a ``style:style``, as it ends."""
        name = element.get(_STYLE + "name")
        if not name:
            return
        if element.tag == _NUMBER + "percentage-style":
            self._data.add(name)
        elif element.get(_STYLE + "data-style-name") in self._data:
            self._cells.add(name)

    def shows_percent(self, cell: Any) -> bool:
        kind = cell.get(_OFFICE + "value-type")
        return kind == "percentage" or (kind == "float" and cell.get(_TABLE + "style-name") in self._cells)


class OdsPercentCells:
    """Percentage cells of one .ods sheet, from the scan's pass over content.xml (rows repeated included)."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self._row: list[Cell] = []

    def cell(self, row: int, column: int, repeat: int) -> None:
        """A ``table:table-cell`` with ``office:value-type="percentage"`` at (row, column), repeated ``repeat`` times."""
        room = MAX_MARKED - len(self.cells) - len(self._row)
        self._row.extend((row, column + offset) for offset in range(max(0, min(repeat, room))))

    def end_row(self, repeat: int) -> None:
        """The row ends; it stands for ``repeat`` identical rows."""
        if self._row:
            self.cells.extend(self._row)
            for offset in range(1, repeat):
                if len(self.cells) + len(self._row) > MAX_MARKED:
                    break
                self.cells.extend((row + offset, column) for row, column in self._row)
            self._row = []


# --------------------------------------------------------------------------- xls

_XLS_FORMAT, _XLS_XF, _XLS_BOUNDSHEET, _XLS_BOF = 0x041E, 0x00E0, 0x0085, 0x0809
_XLS_NUMBER, _XLS_RK, _XLS_FORMULA, _XLS_MULRK = 0x0203, 0x027E, 0x0006, 0x00BD


class XlsPercentCells:
    """Percent-formatted number cells of an .xls, per sheet name, from the workbook stream's records.

    :meth:`record` is given every record in stream order, with its offset in the stream (the
    scan's walk of the file): FORMAT and XF records of the workbook globals say which XF indexes
    are percentages, BOUNDSHEET records where each sheet begins, and the cell records of a sheet
    which of them use such an XF.
    """

    def __init__(self) -> None:
        self.cells: dict[str, list[Cell]] = {}
        self._percent_formats = set(BUILTIN_PERCENT_IDS)
        self._percent_xfs: set[int] = set()
        self._xf_count = 0
        self._sheet_at: dict[int, str] = {}
        self._current: list[Cell] | None = None
        self._marked = 0

    def record(self, kind: int, body: bytes, offset: int) -> None:
        if kind in (_XLS_NUMBER, _XLS_RK, _XLS_FORMULA):
            if self._current is not None and len(body) >= 6 and int.from_bytes(body[4:6], "little") in self._percent_xfs:
                self._mark(int.from_bytes(body[0:2], "little"), int.from_bytes(body[2:4], "little"))
        elif kind == _XLS_MULRK:
            if self._current is not None and len(body) >= 6:
                row, first = int.from_bytes(body[0:2], "little"), int.from_bytes(body[2:4], "little")
                for index, at in enumerate(range(4, len(body) - 2 - 5, 6)):
                    if int.from_bytes(body[at:at + 2], "little") in self._percent_xfs:
                        self._mark(row, first + index)
        elif kind == _XLS_BOF:
            name = self._sheet_at.get(offset)
            self._current = self.cells.setdefault(name, []) if name is not None else None
        elif kind == _XLS_XF:
            if len(body) >= 4 and int.from_bytes(body[2:4], "little") in self._percent_formats:
                self._percent_xfs.add(self._xf_count)
            self._xf_count += 1
        elif kind == _XLS_FORMAT and len(body) >= 5:
            if is_percent_code(_xls_text(body[2:], 2)):
                self._percent_formats.add(int.from_bytes(body[0:2], "little"))
            else:
                self._percent_formats.discard(int.from_bytes(body[0:2], "little"))
        elif kind == _XLS_BOUNDSHEET and len(body) >= 8:
            self._sheet_at[int.from_bytes(body[0:4], "little")] = _xls_text(body[6:], 1)

    def _mark(self, row: int, column: int) -> None:
        if self._current is not None and self._marked < MAX_MARKED:
            self._current.append((row, column))
            self._marked += 1


def _xls_text(data: bytes, length_size: int) -> str:
    """A BIFF8 string: its length (1 or 2 bytes), an options byte (bit 0: UTF-16), the characters."""
    if len(data) < length_size + 1:
        return ""
    count = int.from_bytes(data[:length_size], "little")
    wide = data[length_size] & 1
    chars = data[length_size + 1:length_size + 1 + count * (2 if wide else 1)]
    return chars.decode("utf-16-le" if wide else "latin-1", "replace")


# --------------------------------------------------------------------------- marking the grid


def mark_percent(rows: list[list[Any]], cells: Sequence[Cell], columns: Iterable[int]) -> None:
    """Turn the numbers of the percent-formatted ``cells`` that lie in ``columns`` into :class:`Percent`."""
    wanted = set(columns)
    if not cells or not wanted:
        return
    for r, c in cells:
        if c in wanted and r < len(rows) and c < len(rows[r]):
            value = rows[r][c]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                rows[r][c] = Percent(value)


def percent_columns(sheet_key: str, columns: dict[str, int]) -> list[int]:
    """The file's column indexes, on a table sheet, where a percent format changes the value."""
    return [index for key, index in columns.items() if (sheet_key, key) in PERCENT_AWARE]


def is_percent_unit(unit: Any) -> bool:
    return isinstance(unit, str) and unit.strip().casefold() in PERCENT_UNITS


__all__ = ["ODS_STYLE_TAGS", "PERCENT_AWARE", "PERCENT_UNITS", "OdsPercentCells", "OdsPercentStyles", "Percent",
           "XlsPercentCells", "XlsxPercentCells", "is_percent_code", "is_percent_unit", "mark_percent", "percent_columns",
           "xlsx_percent_styles"]
