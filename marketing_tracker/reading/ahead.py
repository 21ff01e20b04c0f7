"""Reading files in a forked child process while the caller does other work.

``snapshot`` must import SQLAlchemy and open the database (0.3 s) and read, validate and encode
each copy (longer, for a 5,000-task copy); both are Python work under one interpreter lock, so a
thread gains nothing (docs/performance.md). A child forked before SQLAlchemy is imported
(core.forked) reads the copies on the other core and hands each result back while the parent
opens the database. What the child does with a file is the caller's ``read`` function:
reading.reader's ``read_tracker``, or for ``snapshot`` history.prepared's ``prepare``, whose
result is strings (a whole tracker takes as long to pickle and unpickle as to validate).

A file the child could not read for a reason other than the file (it died, or a bug raised
something unexpected) is read again in the parent with the same ``read``, which then fails or
succeeds exactly as it would have without the child.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from marketing_tracker.core import forked
from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.fileio import gc_paused

_OK, _REFUSED = "ok", "refused"

T = TypeVar("T")


class ReadAhead(Generic[T]):
    """``read`` of each of ``paths``, done in a child, taken in order with :meth:`take`; use as a context manager.

    ``read`` must return something that pickles, and raise :class:`TrackerError` for a file that
    cannot be used (its message is handed over as it is).

    Example::

        with ReadAhead(paths, read_tracker) as ahead:
            history = History(url)          # meanwhile, the child reads
            for path in paths:
                tracker = ahead.take(path)  # raises what read_tracker would
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]], read: Callable[[str], T]) -> None:
        self._paths = [os.fspath(p) for p in paths]
        self._read = read
        self._next = 0
        self._child: forked.Child[tuple[str, Any]] | None = None
        if self._paths and forked.may_fork():
            self._child = forked.Child(lambda: _outcomes(self._paths, read))

    def take(self, path: str | os.PathLike[str]) -> T:
        """``read`` of the next path (which must be ``path``); raises the :class:`TrackerError` it raised."""
        name = os.fspath(path)
        if self._next >= len(self._paths) or self._paths[self._next] != name:
            raise ValueError(f"{name} is not the next file read ahead")
        self._next += 1
        outcome = self._child.next() if self._child is not None else None
        if outcome is None:  # the child stopped (or there is none): the rest are read here
            self.close()
            return self._read(name)
        if outcome[0] == _REFUSED:
            raise TrackerError(outcome[1])
        result: T = outcome[1]
        return result

    def close(self) -> None:
        """End the child (at once: what it had not handed over is not needed) and wait for it."""
        if self._child is not None:
            self._child.close()
            self._child = None

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _outcomes(paths: list[str], read: Callable[[str], Any]) -> Iterator[tuple[str, Any]]:
    """In the child: (ok, what ``read`` gave) or (refused, the one-line reason) for each path in turn."""
    for path in paths:
        try:
            with gc_paused():  # as the parent reads: what is read all lives until sent
                outcome: tuple[str, Any] = (_OK, read(path))
        except TrackerError as exc:
            outcome = (_REFUSED, str(exc))
        yield outcome
