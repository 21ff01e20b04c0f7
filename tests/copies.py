"""Copies of an issued tracker, filled the way a team does it (cells found by their header label).

openpyxl keeps the hidden identity sheet as it is, like an office program; the real-office
round trips are in tests/test_loop_libreoffice.py.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from marketing_tracker.core.schema import HEADER_ROW, TABLE_SHEETS, sheet_title

_SHEETS = {s.key: s for s in TABLE_SHEETS}


@dataclass
class Edits:
    """What a team does to its copy of one sheet: values by row ID, rows deleted, rows added, a column inserted."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # row ID -> column key -> value (None clears)
    delete: list[str] = field(default_factory=list)
    add: list[dict[str, Any]] = field(default_factory=list)
    insert: tuple[int, str, dict[str, Any]] | None = None  # (1-based column, header, row ID -> value)


def column_of(ws: Worksheet, label: str) -> int:
    """The 1-based column whose header is ``label``."""
    for cell in ws[HEADER_ROW + 1]:
        if cell.value == label:
            return int(cell.column)
    raise KeyError(label)


def row_of(ws: Worksheet, id_column: int, value: str) -> int:
    for row in range(HEADER_ROW + 2, ws.max_row + 1):
        if ws.cell(row, id_column).value == value:
            return row
    raise KeyError(value)


def fill(issued: Path, out: Path, sheets: dict[str, Edits], locale: str = "zh-CN") -> Path:
    """A copy of ``issued`` with each sheet's edits made, saved as ``out``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(issued)
    for key, edits in sheets.items():
        sheet = _SHEETS[key]
        ws = book[sheet_title(key, locale)]  # type: ignore[arg-type]
        ws.protection.sheet = False
        labels = {c.key: c.label.get(locale) for c in sheet.columns}  # type: ignore[arg-type]
        id_col = column_of(ws, labels[sheet.id_column or sheet.columns[0].key])
        for row_id, values in edits.values.items():
            row = row_of(ws, id_col, row_id)
            for column, value in values.items():
                ws.cell(row, column_of(ws, labels[column])).value = value
        for row_id in edits.delete:
            ws.delete_rows(row_of(ws, id_col, row_id))
        for values in edits.add:
            row = next(r for r in range(HEADER_ROW + 2, ws.max_row + 2) if ws.cell(r, id_col).value in (None, ""))
            for column, value in values.items():
                ws.cell(row, column_of(ws, labels[column])).value = value
        if edits.insert is not None:
            index, header, by_id = edits.insert
            ws.insert_cols(index)
            ws.cell(HEADER_ROW + 1, index).value = header
            id_col = column_of(ws, labels[sheet.id_column or sheet.columns[0].key])
            for row_id, value in by_id.items():
                ws.cell(row_of(ws, id_col, row_id), index).value = value
    book.save(out)
    return out
