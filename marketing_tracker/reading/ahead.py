"""Reading files in a forked child process while the caller does other work.

``snapshot`` must import SQLAlchemy and open the database (0.3 s) and read, validate and encode
each copy (longer, for a 5,000-task copy); both are Python work under one interpreter lock, so a
thread gains nothing (docs/performance.md). A child forked before SQLAlchemy is imported
(core.forked) reads the copies on the other core and hands back what it makes of each, in
parts, while the parent opens the database. What the child does with a file is the caller's
``read`` function, which gives its parts one after another: for ``snapshot``, history.prepared's
``prepare_in_parts`` (the records encoded, then the findings: the parent inserts the first while
the child makes the second). Parts are pickled through a pipe, so they should be plain: a whole
tracker takes as long to pickle and unpickle as to validate.

A file the child could not finish for a reason other than the file (it died, or a bug raised
something unexpected) is read again in the parent with the same ``read``, which then gives the
parts the child had not handed over, or fails, exactly as it would have without the child.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from marketing_tracker.core import forked
from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.fileio import gc_paused

_PART, _REFUSED, _END = "part", "refused", "end"

T = TypeVar("T")


class ReadAhead(Generic[T]):
    """The parts ``read`` gives for each of ``paths``, made in a child, taken in order with :meth:`take`.

    ``read`` must give parts that pickle, and raise :class:`TrackerError` for a file that cannot be
    used (its message is handed over as it is). Use as a context manager.

    Example::

        with ReadAhead(paths, lambda path: [read_tracker(path)]) as ahead:
            history = History(url)                # meanwhile, the child reads
            for path in paths:
                [tracker] = ahead.take(path)      # raises what read_tracker would
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]], read: Callable[[str], Iterable[T]]) -> None:
        self._paths = [os.fspath(p) for p in paths]
        self._read = read
        self._next = 0
        self._taking: Generator[T, None, None] | None = None
        self._unfinished = False  # the child has not yet said the current path's end
        self._child = forked.start(lambda: _outcomes(self._paths, read)) if self._paths else None

    def take(self, path: str | os.PathLike[str]) -> Iterator[T]:
        """The parts of the next path (which must be ``path``), as they come; raises the :class:`TrackerError`
        ``read`` raised. Whatever of the path before was not taken is passed over first."""
        name = os.fspath(path)
        if self._next >= len(self._paths) or self._paths[self._next] != name:
            raise ValueError(f"{name} is not the next file read ahead")
        self._next += 1
        self._pass_over()
        self._unfinished = self._child is not None
        self._taking = taking = self._parts(name)
        return taking

    def _pass_over(self) -> None:
        """What the child still has of the path before: its order is the paths', so that goes first (taken from
        the child only: what is not needed is never read here)."""
        if self._taking is not None:
            self._taking.close()
            self._taking = None
        while self._child is not None and self._unfinished:
            outcome = self._child.next()
            if outcome is None:
                self.close()
            elif outcome[0] != _PART:
                self._unfinished = False

    def _parts(self, name: str) -> Generator[T, None, None]:
        given = 0
        while self._child is not None:
            outcome = self._child.next()
            if outcome is None:  # the child stopped: the rest is read here
                self.close()
                break
            kind, value = outcome
            if kind != _PART:
                self._unfinished = False
                if kind == _REFUSED:
                    raise TrackerError(value)
                return
            given += 1
            yield value
        for number, part in enumerate(self._read(name)):
            if number >= given:
                yield part

    def close(self) -> None:
        """End the child (at once: what it had not handed over is not needed) and wait for it."""
        if self._child is not None:
            self._child.close()
            self._child = None

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _outcomes(paths: list[str], read: Callable[[str], Iterable[Any]]) -> Iterator[tuple[str, Any]]:
    """In the child: each path's parts, then its end; or the one-line reason it was refused."""
    for path in paths:
        try:
            with gc_paused():  # as the parent reads: what is read all lives until sent
                for part in read(path):
                    yield _PART, part
        except TrackerError as exc:
            yield _REFUSED, str(exc)
            continue
        yield _END, None
