"""Reading files in a forked child process while the caller does other work.

``snapshot`` must import SQLAlchemy and open the database (0.3 s) and read, validate and encode
each copy (longer, for a 5,000-task copy); both are Python work under one interpreter lock, so a
thread gains nothing (docs/performance.md). A child forked before SQLAlchemy is imported reads
the copies on the other core and hands each result back through a pipe, pickled, while the parent
opens the database. What the child does with a file is the caller's ``read`` function: reading.reader's
``read_tracker``, or for ``snapshot`` history.prepared's ``prepare``, whose result is strings (a
whole tracker takes as long to pickle and unpickle as to validate).

The child is only a way to overlap: whatever it cannot do, the parent does itself as before. It
is forked only from a process with one thread (forking beside running threads can copy a lock
held by one of them); a file the child could not read for a reason other than the file (it died,
or a bug raised something unexpected) is read again in the parent, with the same ``read``, which then fails or succeeds
exactly as it would have without the child. The child ignores the signals that end a run: the
parent kills it when it stops, however it stops.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import IO, Any, Generic, TypeVar

from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.fileio import gc_paused

_OK, _REFUSED, _GAVE_UP = "ok", "refused", "gave-up"

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
        self._pid: int | None = None
        self._pipe: IO[bytes] | None = None
        if self._paths and _may_fork():
            self._start()

    def _start(self) -> None:
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: read, hand over, end without running the parent's clean-up
            os.close(read_end)
            _child(self._paths, self._read, write_end)
        os.close(write_end)
        self._pid, self._pipe = pid, os.fdopen(read_end, "rb")

    def take(self, path: str | os.PathLike[str]) -> T:
        """``read`` of the next path (which must be ``path``); raises the :class:`TrackerError` it raised."""
        name = os.fspath(path)
        if self._next >= len(self._paths) or self._paths[self._next] != name:
            raise ValueError(f"{name} is not the next file read ahead")
        self._next += 1
        outcome = self._receive()
        if outcome is not None and outcome[0] == _OK:
            result: T = outcome[1]
            return result
        if outcome is not None and outcome[0] == _REFUSED:
            raise TrackerError(outcome[1])
        return self._read(name)  # the child could not say: read it here, as without the child

    def _receive(self) -> tuple[str, Any] | None:
        if self._pipe is None:
            return None
        try:
            outcome: tuple[str, Any] = pickle.load(self._pipe)  # noqa: S301 - our own child's, through our own pipe
        except (EOFError, OSError, pickle.UnpicklingError):
            outcome = (_GAVE_UP, None)
        if outcome[0] == _GAVE_UP:  # the child stopped: the rest are read here
            self.close()
            return None
        return outcome

    def close(self) -> None:
        """End the child (at once: what it had not handed over is not needed) and wait for it."""
        if self._pipe is not None:
            self._pipe.close()
            self._pipe = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _may_fork() -> bool:
    """Whether a child may be forked here: where fork exists, and from a process running one thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _child(paths: list[str], read: Callable[[str], Any], write_end: int) -> None:
    """Read each path and send (ok, what ``read`` gave) or (refused, one-line reason); then end the process."""
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_IGN)  # the parent ends the run, and this child with it
    try:

        with os.fdopen(write_end, "wb") as out:
            for path in paths:
                try:
                    with gc_paused():  # as the parent reads: what is read all lives until sent
                        outcome: tuple[str, Any] = (_OK, read(path))
                except TrackerError as exc:
                    outcome = (_REFUSED, str(exc))
                try:
                    data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 - a result that does not pickle: the parent reads the rest itself
                    out.write(pickle.dumps((_GAVE_UP, None)))
                    break
                out.write(data)
                out.flush()
    except BaseException:  # noqa: BLE001, S110 - anything else: the parent reads what is left itself
        pass
    finally:
        os._exit(0)
