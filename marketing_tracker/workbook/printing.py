"""How each sheet we write prints: paper, orientation, fit, repeated headers, page headers and footers.

Managers print the recap and pin the Gantt strip on a wall, so every workbook the library
writes (tracker, annotated copy, merged tracker, recap, status) prints without blank pages,
cut tables or lost headers. The layout arithmetic is here, once: how wide a sheet is on
paper, what scale fits it to the page width, how many rows a page holds, and where a page
must break so that a chart is never cut.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from marketing_tracker.core.schema import Locale
from marketing_tracker.core.words import PAGE_OF

#: A4 (xlsxwriter's paper 9), in points, and the margins we print with, in inches.
A4_POINTS = (595.0, 842.0)
MARGIN_SIDES = 0.3
MARGIN_TOP = 0.6
MARGIN_BOTTOM = 0.6
#: The default row height in points and the pixels of one character of column width (Calibri 11).
ROW_POINTS = 15.0
CHAR_PIXELS = 7.0
DEFAULT_COLUMN_WIDTH = 8.43
COLUMN_PADDING_PIXELS = 5.0
#: Spreadsheet programs measure fonts a little differently; a sheet is fitted into this share of the page.
FIT_SHARE = 0.94
#: Below this scale a table is unreadable on paper; a wider one prints over several pages instead.
MIN_SCALE = 40


@dataclass
class Page:
    """What one sheet needs to print well; :func:`set_up` applies it to an xlsxwriter worksheet.

    ``area`` is (first_row, first_col, last_row, last_col), 0-based and inclusive; ``scale`` a print
    scale in percent (default: fit to the page width); ``row_breaks`` the rows that must start a page
    (a chart below a table), ``column_breaks`` the columns that must start one. A spreadsheet program
    ignores manual breaks under "fit to page", so a sheet with breaks needs its ``scale``.
    """

    campaign: str
    sheet: str
    locale: Locale
    area: tuple[int, int, int, int] | None = None
    scale: int | None = None
    landscape: bool = True
    repeat_rows: tuple[int, int] | None = None
    repeat_columns: tuple[int, int] | None = None
    row_breaks: list[int] = field(default_factory=list)
    column_breaks: list[int] = field(default_factory=list)
    one_page: bool = False  # fit the whole sheet on one page (a short form, a guide)


def printable_points(landscape: bool) -> tuple[float, float]:
    """The width and height a page leaves for the sheet, in points, at 100 %."""
    short, long = A4_POINTS
    width, height = (long, short) if landscape else (short, long)
    return width - 2 * MARGIN_SIDES * 72, height - (MARGIN_TOP + MARGIN_BOTTOM) * 72 - 36  # header and footer lines


def column_points(width: float) -> float:
    """A column of ``width`` characters on paper, in points (as Excel converts widths to pixels)."""
    return (math.floor(width * CHAR_PIXELS + 0.5) + COLUMN_PADDING_PIXELS) * 0.75


def fit_scale(widths: list[float], landscape: bool) -> int:
    """The print scale (percent) at which columns of these widths fill one page width, at most 100."""
    total = sum(column_points(w) for w in widths)
    if total <= 0:
        return 100
    return max(MIN_SCALE, min(100, math.floor(printable_points(landscape)[0] * FIT_SHARE / total * 100)))


def rows_per_page(scale: int, landscape: bool, row_points: float = ROW_POINTS) -> int:
    """How many rows of ``row_points`` a page holds at ``scale``."""
    return max(1, math.floor(printable_points(landscape)[1] / (row_points * scale / 100)))


def text_width(text: str) -> int:
    """How many characters of column width a text takes on screen (a CJK character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def last_column_reached(first_col: int, width: float, widths: list[float]) -> int:
    """The column (0-based) where a text ``width`` characters wide, starting in ``first_col``, ends.

    ``widths`` are the sheet's column widths from column A; a column past them has the default width.
    A note that runs on to the right of its cell is printed whole when the print area reaches there.
    """
    col, left = first_col, width
    while True:
        left -= widths[col] if col < len(widths) else DEFAULT_COLUMN_WIDTH
        if left <= 0:
            return col
        col += 1


def header_text(text: str) -> str:
    """Text for a page header or footer: ``&`` starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")[:100]


def set_up(ws: Any, page: Page) -> None:
    """Paper, orientation, scale, print area, repeated headers, breaks, page header and footer."""
    ws.set_paper(9)
    if page.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=MARGIN_SIDES, right=MARGIN_SIDES, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
    ws.set_header(f"&L{header_text(page.campaign)}&R{header_text(page.sheet)}")
    ws.set_footer(f"&C{PAGE_OF.get(page.locale)}")
    if page.area is not None:
        ws.print_area(*page.area)
    if page.repeat_rows is not None:
        ws.repeat_rows(*page.repeat_rows)
    if page.repeat_columns is not None:
        ws.repeat_columns(*page.repeat_columns)
    if page.one_page:
        ws.fit_to_pages(1, 1)
    elif page.scale is not None:
        ws.set_print_scale(page.scale)
    else:
        ws.fit_to_pages(1, 0)
    if page.row_breaks:
        ws.set_h_pagebreaks(sorted(set(page.row_breaks)))
    if page.column_breaks:
        ws.set_v_pagebreaks(sorted(set(page.column_breaks)))


def set_up_openpyxl(ws: Any, page: Page) -> None:
    """The same set-up on a sheet openpyxl writes (the annotated copy's findings sheet)."""
    from openpyxl.utils import get_column_letter

    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "landscape" if page.landscape else "portrait"
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDES
    ws.page_margins.top, ws.page_margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    ws.oddHeader.left.text = header_text(page.campaign)
    ws.oddHeader.right.text = header_text(page.sheet)
    ws.oddFooter.center.text = PAGE_OF.get(page.locale)
    if page.area is not None:
        first_row, first_col, last_row, last_col = page.area
        ws.print_area = f"{get_column_letter(first_col + 1)}{first_row + 1}:{get_column_letter(last_col + 1)}{last_row + 1}"
    if page.repeat_rows is not None:
        ws.print_title_rows = f"{page.repeat_rows[0] + 1}:{page.repeat_rows[1] + 1}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
