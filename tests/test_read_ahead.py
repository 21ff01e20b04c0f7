"""Copies read in a forked child while the snapshot opens its database: the same parts as made here."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from marketing_tracker import Tracker, load_plan, read_tracker, write_tracker
from marketing_tracker.core import forked
from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.resources import sample_plan
from marketing_tracker.reading.ahead import ReadAhead

from .conftest import readers_done

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


@pytest.fixture
def copies(tmp_path: Path) -> list[Path]:
    plan = load_plan(sample_plan())
    first = write_tracker(plan, tmp_path / "a.xlsx")
    second = write_tracker(plan, tmp_path / "b.xlsx", locale="en")
    missing = tmp_path / "gone.xlsx"
    return [first, missing, second]


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forked once the readers' threads of earlier tests are done (pytest may run others of its own)."""
    readers_done()
    monkeypatch.setattr(forked, "may_fork", lambda: True)


def whole(path: str) -> list[Tracker]:
    """One part: the tracker."""
    return [read_tracker(path)]


def in_parts(path: str) -> Iterator[object]:
    """Three parts, as a snapshot's child gives two: the first is made before the file is read at all."""
    yield f"about to read {Path(path).name}"
    tracker = read_tracker(path)
    yield tracker.campaign.name
    yield len(tracker.records("tasks"))


def test_the_child_hands_back_the_trackers_read_here(copies: list[Path], forking: None) -> None:
    with ReadAhead(copies, whole) as reading:
        assert reading._child is not None
        [first] = reading.take(copies[0])
        with pytest.raises(TrackerError) as refused:
            list(reading.take(copies[1]))
        [second] = reading.take(copies[2])
    assert first == read_tracker(copies[0])
    assert second == read_tracker(copies[2])
    assert str(refused.value) == f"{copies[1]}: no such file"


def test_files_the_child_did_not_hand_over_are_read_here(copies: list[Path], forking: None) -> None:
    with ReadAhead(copies, whole) as reading:
        assert reading._child is not None
        os.kill(reading._child._pid or 0, signal.SIGKILL)
        [first] = reading.take(copies[0])
        with pytest.raises(TrackerError):
            list(reading.take(copies[1]))
        [second] = reading.take(copies[2])
        assert reading._child is None  # waited for
    assert (first, second) == (read_tracker(copies[0]), read_tracker(copies[2]))


def test_parts_come_one_by_one_and_what_is_left_of_a_file_is_passed_over(copies: list[Path], forking: None) -> None:
    with ReadAhead([copies[0], copies[2]], in_parts) as reading:
        parts = reading.take(copies[0])
        assert next(parts) == "about to read a.xlsx"  # the rest of a.xlsx is never taken
        assert list(reading.take(copies[2])) == ["about to read b.xlsx", "品牌618周年庆", 9]
        assert reading._child is not None  # nothing was read here


def test_the_parts_the_child_did_not_hand_over_are_made_here(copies: list[Path], forking: None) -> None:
    parent = os.getpid()

    def stalls_in_the_child(path: str) -> Iterator[str]:
        yield f"first of {Path(path).name}"
        if os.getpid() != parent:
            time.sleep(60)  # killed long before
        yield "second"

    with ReadAhead([copies[0]], stalls_in_the_child) as reading:
        parts = reading.take(copies[0])
        assert next(parts) == "first of a.xlsx"
        assert reading._child is not None
        os.kill(reading._child._pid or 0, signal.SIGKILL)
        assert list(parts) == ["second"]  # made here, without the first again
        assert reading._child is None


def test_what_is_left_of_a_file_is_not_read_here_when_the_child_is_gone(copies: list[Path], forking: None) -> None:
    parent, read_here = os.getpid(), []

    def stalls_in_the_child(path: str) -> Iterator[str]:
        if os.getpid() == parent:
            read_here.append(Path(path).name)
        yield f"first of {Path(path).name}"
        if os.getpid() != parent:
            time.sleep(60)  # killed long before
        yield "second"

    with ReadAhead([copies[0], copies[2]], stalls_in_the_child) as reading:
        assert next(reading.take(copies[0])) == "first of a.xlsx"  # its second part is never asked for
        assert reading._child is not None
        os.kill(reading._child._pid or 0, signal.SIGKILL)
        assert list(reading.take(copies[2])) == ["first of b.xlsx", "second"]
    assert read_here == ["b.xlsx"]


def test_a_process_running_threads_reads_in_itself(copies: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)
    with ReadAhead(copies, whole) as reading:
        assert reading._child is None
        assert list(reading.take(copies[0])) == [read_tracker(copies[0])]


def test_the_child_is_gone_once_closed(copies: list[Path], forking: None) -> None:
    reading = ReadAhead(copies, whole)
    assert reading._child is not None
    pid = reading._child._pid
    assert pid is not None
    reading.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_files_are_taken_in_the_order_given(copies: list[Path], forking: None) -> None:
    with ReadAhead(copies, whole) as reading, pytest.raises(ValueError):
        reading.take(copies[2])
