"""Exceptions for inputs that cannot be processed at all.

Problems *inside* a tracker are findings (values), never exceptions. These are for the
cases where there is nothing to check: a plan that makes no sense, a file that is not a
workbook, an output that cannot be written. Each inherits the matching builtin too, so
callers that already catch ``ValueError`` or ``OSError`` keep working.
"""

from __future__ import annotations

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
