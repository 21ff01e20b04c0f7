"""xlsxwriter's private members: used only where they are as we call them, else the public API, same file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from marketing_tracker import load_plan, read_tracker, write_tracker
from marketing_tracker.demo import SAMPLE_AS_OF, sample_records
from marketing_tracker.reports.recap import recap
from marketing_tracker.reports.xlsx import write_recap_xlsx
from marketing_tracker.workbook import xlsxwriter_calls
from marketing_tracker.workbook.writer import _Sheet

from .conftest import PLAN_618
from .test_golden import parts, xml_elements


@pytest.fixture
def fresh_check() -> Iterator[None]:
    """The check runs again in the test, and again for the next test (it is cached per process)."""
    xlsxwriter_calls.private_calls_usable.cache_clear()
    yield
    xlsxwriter_calls.private_calls_usable.cache_clear()


def without_private_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsxwriter_calls, "private_calls_usable", lambda: False)


def xml_of(path: Path) -> dict[str, list[str] | bytes]:
    return {name: xml_elements(data) if name.endswith((".xml", ".rels")) else data for name, data in parts(path).items()}


def test_the_pinned_xlsxwriter_has_every_private_member_as_we_call_it(fresh_check: None) -> None:
    assert xlsxwriter_calls.private_calls_usable() is True


def test_a_private_member_with_other_parameters_is_not_used(fresh_check: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def renamed(self: Any, row: int, column: int, string: str, cell_format: Any = None) -> int:
        return 0
    monkeypatch.setattr(Worksheet, "_write_string", renamed)
    assert xlsxwriter_calls.private_calls_usable() is False


def test_a_missing_private_member_is_not_used(fresh_check: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(Worksheet, "_prepare_formula")
    assert xlsxwriter_calls.private_calls_usable() is False


def test_without_private_members_the_cell_writers_are_the_public_methods(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = book.add_worksheet()
    fast = xlsxwriter_calls.cell_writers(ws)
    without_private_calls(monkeypatch)
    public = xlsxwriter_calls.cell_writers(ws)
    book.close()
    assert [fast.string, fast.number, fast.datetime, fast.formula] == [
        ws._write_string, ws._write_number, ws._write_datetime, ws._write_formula]
    assert [public.string, public.number, public.datetime, public.formula] == [
        ws.write_string, ws.write_number, ws.write_datetime, ws.write_formula]


def test_without_private_members_the_public_api_writes_the_same_tracker(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    plan = load_plan(PLAN_618)
    fast = write_tracker(plan, tmp_path / "fast.xlsx", records=sample_records(plan))
    without_private_calls(monkeypatch)
    public = write_tracker(plan, tmp_path / "public.xlsx", records=sample_records(plan))
    assert xml_of(public) == xml_of(fast)


def test_without_private_members_the_public_api_writes_the_same_recap_workbook(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    plan = load_plan(PLAN_618)
    figures = recap(read_tracker(write_tracker(plan, tmp_path / "filled.xlsx", records=sample_records(plan))),
                    as_of=SAMPLE_AS_OF)
    fast = write_recap_xlsx(figures, tmp_path / "fast.xlsx")
    without_private_calls(monkeypatch)
    public = write_recap_xlsx(figures, tmp_path / "public.xlsx")
    assert xml_of(public) == xml_of(fast)


def test_the_trackers_formula_override_passes_a_newer_xlsxwriters_arguments_on(monkeypatch: pytest.MonkeyPatch,
                                                                               tmp_path: Path) -> None:
    seen: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def newer(self: Any, formula: str, *args: Any, **kwargs: Any) -> str:
        seen.append((formula, args, kwargs))
        return formula.removeprefix("=")
    monkeypatch.setattr(Worksheet, "_prepare_formula", newer)
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = book.add_worksheet(worksheet_class=_Sheet)
    prepared = ws._prepare_formula("=SUM(A1:A3)", True, keep_spaces=True)
    book.close()
    assert (prepared, seen) == ("SUM(A1:A3)", [("=SUM(A1:A3)", (True,), {"keep_spaces": True})])
