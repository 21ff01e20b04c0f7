"""Cell formats of one xlsxwriter workbook, each made once however often it is asked for.

xlsxwriter adds a new format record for every ``add_format`` call, even for properties it
already has; a writer that asked for ``bold`` per sheet would grow the styles part with copies.
The tracker, the recap workbook and the history pages ask by properties and get the one format
made for them (polars' ``_XLFormatCache`` does the same for its xlsx writer).
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook


class FormatCache:
    """``formats(bold=True, border=1)``: the workbook's format with those properties, made on first use."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.made: dict[tuple[tuple[str, Any], ...], Format] = {}

    def __call__(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = self.book.add_format(props)
        return found
