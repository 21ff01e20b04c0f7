"""Checking many files: each read and validated on its own, so a bad file never stops the others.

One that cannot be read at all becomes a one-line error with exit code 2 (docs/cli.md).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from marketing_tracker.checks.validate import validate
from marketing_tracker.core.fileio import gc_paused
from marketing_tracker.core.findings import Finding
from marketing_tracker.core.schema import Locale
from marketing_tracker.reading.reader import Tracker, read_tracker


@dataclass
class CheckedFile:
    """One input file's outcome: its tracker and findings, or why it could not be read."""

    path: str
    tracker: Tracker | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    @property
    def locale(self) -> Locale:
        return self.tracker.locale if self.tracker else "en"


def check_file(path: str | os.PathLike[str], *, as_of: date | None = None, lang: Locale | None = None) -> CheckedFile:
    """Read and validate one file; unreadable files are reported, not raised."""
    from marketing_tracker.core.errors import TrackerError

    name = os.fspath(path)
    with gc_paused():
        try:
            tracker = read_tracker(name)
        except TrackerError as exc:
            return CheckedFile(name, error=str(exc))
        return CheckedFile(name, tracker, validate(tracker, as_of=as_of, lang=lang))


def check_files(paths: Sequence[str | os.PathLike[str]], *, as_of: date | None = None, lang: Locale | None = None,
                progress: bool = False) -> list[CheckedFile]:
    """Check each file in turn; ``progress`` shows a bar on the terminal (tqdm)."""
    items: Sequence[str | os.PathLike[str]] = paths
    if progress:
        from tqdm import tqdm

        items = tqdm(paths, desc="checking", unit="file", leave=False)
    return [check_file(p, as_of=as_of, lang=lang) for p in items]
