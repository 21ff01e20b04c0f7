"""Work in a forked child (core.forked): items handed back in order; whatever it cannot hand back is None."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from marketing_tracker.core import forked
from marketing_tracker.core.forked import Child

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


def test_the_items_come_back_in_order_then_none() -> None:
    with Child(lambda: ({"n": n, "square": n * n} for n in range(3))) as child:
        assert [child.next() for _ in range(4)] == [{"n": 0, "square": 0}, {"n": 1, "square": 1},
                                                    {"n": 2, "square": 4}, None]
        assert child._pid is None  # done, and waited for


def test_an_item_that_does_not_pickle_ends_the_items() -> None:
    with Child(lambda: iter([1, threading.Lock(), 3])) as child:
        assert (child.next(), child.next(), child.next()) == (1, None, None)


def test_work_that_raises_ends_the_items() -> None:
    def work() -> Iterator[int]:
        yield 1
        raise RuntimeError("a bug in the child")

    with Child(work) as child:
        assert (child.next(), child.next()) == (1, None)


def test_a_killed_child_gives_none_and_is_waited_for() -> None:
    with Child(lambda: iter([1])) as child:
        os.kill(child._pid or 0, signal.SIGKILL)
        assert child.next() is None
        assert child._pid is None


def test_closing_ends_the_child_at_once() -> None:
    def endless() -> Iterator[int]:
        while True:
            yield 1

    child = Child(endless)
    pid = child._pid
    assert pid is not None and child.next() == 1
    child.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert child.next() is None


def test_the_child_ignores_the_signals_that_end_a_run() -> None:
    release = os.pipe()

    def waits() -> Iterator[str]:
        os.read(release[0], 1)  # until the parent has sent the signals
        yield "still here"

    with Child(waits) as child:
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            os.kill(child._pid or 0, number)
        os.write(release[1], b"x")
        assert child.next() == "still here"


def test_no_child_when_the_system_refuses_one_and_nothing_left_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "may_fork", lambda: True)

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # fork's EAGAIN at a process limit

    monkeypatch.setattr(forked.os, "fork", refused)
    before = sorted(os.listdir("/proc/self/fd"))
    assert forked.start(lambda: iter([1])) is None
    assert sorted(os.listdir("/proc/self/fd")) == before


def test_a_child_forks_no_children_of_its_own() -> None:
    with Child(lambda: iter([forked.may_fork()])) as child:
        assert child.next() is False


def test_closing_from_another_thread_ends_a_wait_for_the_next_item() -> None:
    def slow() -> Iterator[int]:
        time.sleep(60)  # killed long before
        yield 1

    child = Child(slow)
    pid = child._pid
    got: list[object] = []
    waiting = threading.Thread(target=lambda: got.append(child.next()))
    waiting.start()
    time.sleep(0.2)  # the thread is waiting in next()
    child.close()
    waiting.join(5)
    assert not waiting.is_alive() and got == [None]
    with pytest.raises(ChildProcessError):
        os.waitpid(pid or 0, os.WNOHANG)


def test_an_interrupt_as_the_child_starts_ends_the_child_and_leaves_nothing_open(
        monkeypatch: pytest.MonkeyPatch) -> None:
    parent, forks = os.getpid(), []
    real_fork, real_mask = os.fork, signal.pthread_sigmask

    def fork() -> int:
        pid = real_fork()
        forks.append(pid)
        return pid

    def mask(how: int, signals: object) -> object:
        held = real_mask(how, signals)  # type: ignore[arg-type]
        if how == signal.SIG_SETMASK and os.getpid() == parent:
            raise KeyboardInterrupt  # as if Ctrl-C had come while held back
        return held

    monkeypatch.setattr(forked.os, "fork", fork)
    monkeypatch.setattr(forked.signal, "pthread_sigmask", mask)
    before = sorted(os.listdir("/proc/self/fd"))
    with pytest.raises(KeyboardInterrupt):
        Child(lambda: iter([1]))
    monkeypatch.undo()
    assert sorted(os.listdir("/proc/self/fd")) == before
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # killed and waited for


def test_a_child_reaped_elsewhere_closes_quietly() -> None:
    child = Child(lambda: iter([]))
    os.waitpid(child._pid or 0, 0)  # as an application that reaps its children itself
    child.close()
    assert child._pipe is None


def test_no_child_beside_running_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    assert forked.may_fork()
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)
    assert not forked.may_fork()
