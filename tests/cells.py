"""Cells found the way a person finds them: by the label in the header row, never by a fixed letter.

A table sheet's header row holds each column's label from ``marketing_tracker/core/schema.py`` in
the workbook's language (the RACI sheet's people columns hold the person's name, the Gantt
strip's the day it stands for); the campaign-info sheet holds a field's label in column A
and its value beside it. :func:`header` reads that row from the sheet itself, so a test says
"the status cell of row 12" and stays right when a column is inserted, the schema is
reordered or a sheet runs past column Z (``chr(ord("A") + i)`` does not).

    tasks = header(openpyxl.load_workbook(path)["执行任务跟踪表"], "tasks")
    tasks.cell("status", 12)   # -> "K12" in the generated layout
    headers(path)["raci"].cell("person:陈经理", 5)

Also usable from ``tests/lo/*.py`` scripts (``from tests.cells import headers``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from marketing_tracker.core.schema import HEADER_ROW, INFO_FIELDS, LOCALES, TABLE_SHEETS, Locale, Sheet, sheet_title

PERSON = "person:"  # the RACI sheet's key for a person's column, as the writer names it


@dataclass(frozen=True)
class Header:
    """The columns of one table sheet as its header row shows them."""

    sheet: Sheet
    locale: Locale
    numbers: dict[Any, int]  # header value (a label, a person, a Gantt day) -> 1-based column number

    def number(self, key: str) -> int:
        """The 1-based column of a schema column key (or ``person:NAME``), as openpyxl counts."""
        label: Any = key.removeprefix(PERSON) if key.startswith(PERSON) else self.sheet.column(key).label.get(self.locale)
        if label not in self.numbers:
            raise KeyError(f"no column headed {label!r} on the {self.sheet.key} sheet (headers: {list(self.numbers)})")
        return self.numbers[label]

    def letter(self, key: str) -> str:
        return str(get_column_letter(self.number(key)))

    def cell(self, key: str, row: int) -> str:
        """The A1 address of ``key``'s cell on ``row`` (1-based, as shown)."""
        return f"{self.letter(key)}{row}"

    def day(self, day: date) -> str:
        """The letter of the Gantt column headed with ``day`` (tasks sheet)."""
        return str(get_column_letter(self.numbers[datetime.combine(day, datetime.min.time())]))

    def key_at(self, cell: str) -> str:
        """The schema column key (or ``person:NAME``) headed above ``cell`` ("H12" -> "actual_start")."""
        number = column_index_from_string(coordinate_from_string(cell)[0])
        for key in [c.key for c in self.sheet.columns] + [PERSON + str(v) for v in self.numbers]:
            try:
                if self.number(key) == number:
                    return key
            except KeyError:
                continue
        raise KeyError(f"no schema column is headed above {cell} on the {self.sheet.key} sheet")

    @property
    def last(self) -> int:
        """The last column with a header (for a spare cell beyond the table)."""
        return max(self.numbers.values())


def _header_values(ws: Worksheet) -> dict[Any, int]:
    row = next(ws.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 1))
    values: dict[Any, int] = {}
    for cell in row:
        value = cell.value.strip() if isinstance(cell.value, str) else cell.value
        if value is not None and value != "":
            values.setdefault(value, cell.column)
    return values


def _table_sheet(key: str) -> Sheet:
    (sheet,) = [s for s in TABLE_SHEETS if s.key == key]
    return sheet


def header(ws: Worksheet, sheet_key: str, locale: Locale | None = None) -> Header:
    """Read ``ws``'s header row as the ``sheet_key`` table (locale: the one whose labels it shows)."""
    sheet, values = _table_sheet(sheet_key), _header_values(ws)

    def shown(candidate: Locale) -> int:
        return sum(column.label.get(candidate) in values for column in sheet.columns)

    return Header(sheet, max(LOCALES, key=shown) if locale is None else locale, values)


def _load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's note about data validation extensions
        return openpyxl.load_workbook(path)


def _book_locale(book: openpyxl.Workbook, sheet_key: str, locale: Locale | None) -> Locale:
    """``locale``, else the language whose tab name of ``sheet_key`` the workbook has."""
    if locale is not None:
        return locale
    (found,) = [lo for lo in LOCALES if sheet_title(sheet_key, lo) in book.sheetnames]
    return found


def headers(path: str | Path, locale: Locale | None = None) -> dict[str, Header]:
    """Every table sheet of an .xlsx file, by sheet key, found under its tab name in ``locale``."""
    book = _load(Path(path))
    found = _book_locale(book, "tasks", locale)
    return {s.key: header(book[sheet_title(s.key, found)], s.key, found) for s in TABLE_SHEETS}


def info_cell(ws: Worksheet, field_key: str, locale: Locale | None = None) -> str:
    """The value cell of a campaign-info field: column B beside the row labelled in column A."""
    (field,) = [f for f in INFO_FIELDS if f.key == field_key]
    labels = {field.label.get(locale)} if locale else {field.label.get(lo) for lo in LOCALES}
    found = [c for c in next(ws.iter_cols(min_col=1, max_col=1)) if c.value in labels]
    if len(found) != 1:
        raise KeyError(f"the campaign-info sheet has {len(found)} rows labelled {sorted(labels)}")
    return f"{get_column_letter(found[0].column + 1)}{found[0].row}"


def info_cells(path: str | Path, locale: Locale | None = None) -> dict[str, str]:
    """Every campaign-info field's value cell of an .xlsx file, by field key."""
    book = _load(Path(path))
    found = _book_locale(book, "info", locale)
    ws = book[sheet_title("info", found)]
    return {f.key: info_cell(ws, f.key, found) for f in INFO_FIELDS}
