"""Storing copies: each file read, validated and stored on its own, a bad one never stopping the rest."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.fileio import gc_paused
from marketing_tracker.history.prepared import Prepared
from marketing_tracker.history.store import History, Snapshot
from marketing_tracker.reading.reader import Tracker


@dataclass(frozen=True)
class Stored:
    """What became of one file: its snapshot, or the one-line reason it could not be stored."""

    path: str
    snapshot: Snapshot | None
    error: str | None = None


def snapshot_files(history: History, paths: Sequence[str | os.PathLike[str]], *,
                   read: Callable[[str | os.PathLike[str]], Tracker | Prepared] | None = None) -> list[Stored]:
    """Store each copy as a snapshot (one transaction per file); unreadable files are reported, not raised.

    ``read`` gives each path's tracker, or the copy already prepared, when the copies were read
    elsewhere (the command prepares them in a child process while the database opens: reading.ahead);
    by default ``History.add`` reads them.
    """
    results = []
    for path in paths:
        try:
            with gc_paused():  # as validate reads: what is read all lives until it is stored
                results.append(Stored(os.fspath(path), history.add(read(path) if read else path)))
        except TrackerError as exc:
            results.append(Stored(os.fspath(path), None, str(exc)))
    return results


__all__ = ["Stored", "snapshot_files"]
