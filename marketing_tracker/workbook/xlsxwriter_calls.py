"""The xlsxwriter calls we make past its public API, each checked once, with a public fallback.

xlsxwriter's public ``write_*`` methods are thin wrappers (A1-notation parsing, then the
private ``_write_*`` body), and its formula writer runs its ``_xlfn.`` rewrite on every
formula. The tracker writer and the recap workbook call the private bodies directly, and the
tracker's sheets override ``_prepare_formula``: through the public methods alone a 5,000-task
tracker takes about 3.5 times as long. Private members may change in any release that
``xlsxwriter>=3.2,<4`` allows, so :func:`private_calls_usable` checks, the first time a
workbook is written, that each one exists with the parameters we call it with; when one does
not, every call goes through the public methods instead, which give the same file, only
slower (``tests/test_xlsxwriter_calls.py`` forces that path and compares the XML). The
versions the private path is tested with are listed in ``docs/development.md``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from xlsxwriter.worksheet import Worksheet

#: The private members we use and the leading parameters we pass, by name, in order.
PRIVATE_SIGNATURES: dict[str, tuple[str, ...]] = {
    "_write_string": ("self", "row", "col", "string", "cell_format"),
    "_write_number": ("self", "row", "col", "number", "cell_format"),
    "_write_datetime": ("self", "row", "col", "date", "cell_format"),
    "_write_formula": ("self", "row", "col", "formula", "cell_format", "value"),
    "_prepare_formula": ("self", "formula", "expand_future_functions"),
}


def _has_signature(name: str, parameters: tuple[str, ...]) -> bool:
    """``Worksheet.name`` takes ``parameters`` first, and nothing more that lacks a default."""
    member = getattr(Worksheet, name, None)
    if not callable(member):
        return False
    try:
        found = list(inspect.signature(member).parameters.values())
    except (TypeError, ValueError):
        return False
    leading = tuple(p.name for p in found[:len(parameters)])
    rest_optional = all(p.default is not inspect.Parameter.empty for p in found[len(parameters):])
    return leading == parameters and rest_optional


@cache
def private_calls_usable() -> bool:
    """Whether every member of :data:`PRIVATE_SIGNATURES` is there, called as we call it."""
    return all(_has_signature(name, parameters) for name, parameters in PRIVATE_SIGNATURES.items())


@dataclass(frozen=True)
class CellWriters:
    """The typed cell writes of one worksheet, with numeric row and column: ``(row, col, value, format)``."""

    string: Callable[[int, int, str, Any], Any]
    number: Callable[[int, int, float, Any], Any]
    datetime: Callable[[int, int, Any, Any], Any]
    formula: Callable[[int, int, str, Any, Any], Any]


def cell_writers(ws: Worksheet) -> CellWriters:
    """The fast private bodies of ``ws``'s write methods when usable, else its public methods."""
    if private_calls_usable():
        return CellWriters(ws._write_string, ws._write_number, ws._write_datetime, ws._write_formula)
    return CellWriters(ws.write_string, ws.write_number, ws.write_datetime, ws.write_formula)
