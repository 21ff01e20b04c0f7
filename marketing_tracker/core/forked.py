"""Work done in a forked child process, handed back through a pipe, pickled.

Python work holds one interpreter lock, so two threads of it do not use two cores: a thread
that unpacks a zip part beside one that searches it waits for the lock at every step (measured
on a 50,000-task sheet, the two together took nearly as long as one after the other). A child
process forked at the right moment has a lock of its own. ``snapshot`` reads its copies in one
while it opens the database (reading.ahead); the scan of a very large sheet part searches its
last rows in one (reading.scan).

A child is only ever a way to overlap: whatever it does not hand back, its caller does itself,
so the outcome is the same with or without it. A child is forked only from a process running
one thread (forking beside running threads can copy a lock one of them holds), never from a
child (it already has the other core, and a grandchild would outlive a killed child), and where
the system has fork and grants one. It ignores the signals that end a run and never runs the
parent's clean-up; the parent kills it and waits for it when it closes, however it stops.

Example::

    child = forked.start(lambda: (search(part) for part in parts))
    found = child.next() if child is not None else None   # None: do it here
    if child is not None:
        child.close()
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import IO, Generic, TypeVar

T = TypeVar("T")

#: The signals that end a run: the parent's to handle, never the child's.
_ENDING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_in_child = False  # set in a child: it forks no children of its own


def may_fork() -> bool:
    """Whether a child may be forked here: where fork exists, from a process running one thread, not from a child.

    Not on macOS, where system libraries can leave state a forked child must not touch (Python's
    own multiprocessing starts fresh interpreters there).
    """
    return hasattr(os, "fork") and sys.platform != "darwin" and not _in_child and threading.active_count() == 1


def start(work: Callable[[], Iterable[T]]) -> Child[T] | None:
    """A child doing ``work``, or ``None`` where none may be forked or the system refuses one.

    The caller then does the work itself: a child is never needed, only faster.
    """
    if not may_fork():
        return None
    try:
        return Child(work)
    except OSError:  # no process or pipe to be had (a process limit, no memory): the work is done here
        return None


class Child(Generic[T]):
    """The items of ``work()`` made in a forked child, taken in order with :meth:`next`; use as a context manager.

    Fork only where :func:`may_fork` says so (:func:`start` checks, and gives ``None`` where the
    system refuses a child). The items must pickle; the child stops at the first that does not,
    or at any exception ``work`` raises, and :meth:`next` then gives ``None``, as it does once the
    items are all taken: the caller does the rest itself.
    """

    def __init__(self, work: Callable[[], Iterable[T]]) -> None:
        self._lock = threading.Lock()  # close() may come from another thread than next()
        self._pid: int | None = None
        self._pipe: IO[bytes] | None = None
        read_end, write_end = os.pipe()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            # Held back across the fork: a signal must not reach the child before it ignores them (it
            # would run the parent's handlers, which clean up the parent's run). One that came
            # meanwhile is handled as the mask is restored, in the parent, with the child known.
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, _ENDING)
            try:
                pid = os.fork()
                if pid == 0:  # the child: work, hand over, end without running the parent's clean-up
                    _run(work, read_end, write_end, mask)
                self._pid = pid
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            self._pipe = os.fdopen(read_end, "rb")
        except BaseException:  # an interrupt as the child starts: it is ended, and nothing is left open
            if self._pipe is None:
                os.close(read_end)
            self.close()
            raise
        finally:
            os.close(write_end)

    def next(self) -> T | None:
        """The child's next item, or ``None`` when it has none to give (finished, stopped, or killed)."""
        pipe = self._pipe
        if pipe is None:
            return None
        try:
            given, item = pickle.load(pipe)  # noqa: S301 - our own child's, through our own pipe
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):  # ValueError: closed by close() meanwhile
            given, item = False, None
        if not given:
            self.close()
            return None
        result: T = item
        return result

    def close(self) -> None:
        """End the child at once (what it has not handed over is not needed) and wait for it."""
        with self._lock:
            pid, self._pid = self._pid, None
            pipe, self._pipe = self._pipe, None
        try:
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):  # reaped already (SIGCHLD ignored by the application)
                    os.waitpid(pid, 0)
        finally:
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> Child[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _run(work: Callable[[], Iterable[object]], read_end: int, write_end: int, mask: Iterable[int]) -> None:
    """In the child: send each item of ``work()`` as (True, item), or (False, None) for one that does not pickle."""
    global _in_child  # this process is a child from here on
    try:
        _in_child = True
        os.close(read_end)
        for number in _ENDING:
            signal.signal(number, signal.SIG_IGN)  # the parent ends the run, and this child with it
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # those sent meanwhile are dropped, being ignored
        gc.disable()  # a collection would touch, and so copy, every page of the parent's objects
        with os.fdopen(write_end, "wb") as out:
            for item in work():
                try:
                    data = pickle.dumps((True, item), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 - an item that does not pickle: the parent does the rest itself
                    out.write(pickle.dumps((False, None)))
                    break
                out.write(data)
                out.flush()
    except BaseException:  # noqa: BLE001, S110 - anything else: the parent does what is left itself
        pass
    finally:
        os._exit(0)


__all__ = ["Child", "may_fork", "start"]
