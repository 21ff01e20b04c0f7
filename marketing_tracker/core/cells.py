"""Cell addresses: column letters and numbers, A1 addresses, quoted sheet names.

The writer, the reader, the sheet scanner and the merge all spell addresses; they spell them
here, so that "AA" follows "Z" in one place (XlsxWriter keeps its own in ``xlsxwriter.utility``;
this module serves the stages that must not load xlsxwriter to read a file). Indexes are
0-based, as xlsxwriter and python-calamine count; rows in an address are 1-based, as people
read them.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1024)
def column_letters(index: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA``, 16383 -> ``XFD`` (cached: a sheet has few columns)."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def column_index(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26 (either case): the inverse of :func:`column_letters`."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter.upper()) - 64
    return number - 1


def cell_address(row: int, col: int) -> str:
    """The A1 address of a 0-based row and column: ``(3, 1)`` -> ``B4``."""
    return f"{column_letters(col)}{row + 1}"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or a defined name refers to it: always quoted, quotes doubled.

    Quoting every name (xlsxwriter's ``quote_sheetname`` quotes only where needed) keeps the
    references the tracker writes the same whatever the sheet is called: ``'Tasks'``, ``'执行任务跟踪表'``.
    """
    return "'" + name.replace("'", "''") + "'"
