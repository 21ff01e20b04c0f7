"""Exceptions for inputs that cannot be processed at all.

Problems *inside* a tracker are findings (values), never exceptions. These are for the
cases where there is nothing to check: a plan that makes no sense, a file that is not a
workbook, an output that cannot be written. Each inherits the matching builtin too, so
callers that already catch ``ValueError`` or ``OSError`` keep working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class TrackerError(Exception):
    """Base class of every error this library raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan, at a place such as ``tasks[3].end``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PlanError(TrackerError, ValueError):
    """A plan was refused; ``problems`` lists every reason, each with its place."""

    def __init__(self, problems: list[Problem], source: str = "plan") -> None:
        self.problems = list(problems)
        self.source = source
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{source}: {count} {noun}: " + "; ".join(str(p) for p in self.problems))


class OutputError(TrackerError, OSError):
    """An output file could not be written (and nothing half-written was left)."""


def first_line(exc: BaseException) -> str:
    """What a parser said when it gave up, as one line fit for a message (its type when it said nothing)."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


SHOWN_LENGTH = 80


def shown(value: object, limit: int = SHOWN_LENGTH) -> str:
    """A value from a file as a message shows it: quoted, and cut to ``limit`` characters.

    A message never formats a whole value (issue 14: a YAML alias bomb used as a date was
    expanded by ``repr`` into gigabytes); a list or a mapping is named, not shown.
    """
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit] + "…")
    try:
        text = repr(value)
    except ValueError:  # an int too long for str()
        return f"a {type(value).__name__} too long to show"
    return text if len(text) <= limit else text[:limit] + "…"


# C0 and C1 control characters, DEL, and the marks that reorder text on screen (bidirectional
# overrides, line and paragraph separators): shown as escapes in text meant for a terminal.
_INVISIBLE = [*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]
_VISIBLE = {code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") for code in _INVISIBLE}
_VISIBLE.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in _INVISIBLE if code >= 0x7F}
_JSON_RAW = re.compile("[" + "".join(re.escape(chr(code)) for code in _JSON_ESCAPES) + "]")


def visible(text: str) -> str:
    """``text`` from a file made safe for a terminal: control characters shown as escapes.

    A cell can hold ESC sequences (stored as ``_x001B_`` in an .xlsx) that would set the
    terminal's title, or a newline that would forge an ``error A1 ...`` line of our report
    (issue 14). ``\\x1b``, ``\\n`` and the like are printed instead, so every line printed is
    one line of ours.
    """
    return text.translate(_VISIBLE)


def json_visible(document: str) -> str:
    """A JSON document with the controls JSON lets through raw (DEL, C1, bidi marks) escaped.

    Still the same JSON (``\\u009b`` is the character U+009B), but safe on a terminal too. The
    search runs first: ``str.translate`` looks up every character in Python (0.9 s for the
    8 MB report of a 50,000-task tracker), the search runs in C and nearly always finds none.
    """
    return document.translate(_JSON_ESCAPES) if _JSON_RAW.search(document) else document
