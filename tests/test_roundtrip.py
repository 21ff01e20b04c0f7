"""Property tests: a valid plan, filled consistently, reads back with no errors; one corrupted cell gives
exactly one error, at that cell."""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketing_tracker import Campaign, Finding, Person, Plan, Task, read_tracker, validate, write_tracker
from marketing_tracker.core.schema import FIRST_DATA_ROW, PHASES, TASKS

from .cells import Header, header, headers

PEOPLE = ["陈经理", "Dana", "林设计", "Ravi Web", "孙运营"]
NAMES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                max_size=30).filter(lambda s: s.strip() == s and s.strip() != "")


@st.composite
def filled_plans(draw: st.DrawFn) -> tuple[Plan, list[dict[str, Any]]]:
    start = draw(st.dates(date(2023, 1, 1), date(2027, 12, 31)))
    end = start + timedelta(days=draw(st.integers(12, 90)))
    people = draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=5, unique=True))
    plan = Plan(Campaign("Campaign", start, end, locale=draw(st.sampled_from(["zh-CN", "en"]))),
                people=[Person(p) for p in people])
    tasks: list[Task] = []
    rows: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 12))):
        phase = draw(st.sampled_from(plan.phases))
        prefix = PHASES.member(phase.key).prefix
        first = phase.start + timedelta(days=draw(st.integers(0, (phase.end - phase.start).days)))
        last = first + timedelta(days=draw(st.integers(0, (phase.end - first).days)))
        earlier = [t.id for t in tasks if t.end is not None and t.end < first]
        task = Task(f"{prefix}{index:03d}", draw(NAMES), phase.key, draw(st.sampled_from(people)),
                    draw(st.sampled_from(people)), start=first, end=last,
                    depends_on=draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)) if earlier else [],
                    budget=float(draw(st.integers(0, 100_000))))
        tasks.append(task)
        progress = draw(st.sampled_from([0, 0, 35, 60, 100]))
        row: dict[str, Any] = {"task_id": task.id, "name": task.name, "phase": task.phase, "owner": task.owner,
                               "planned_start": first, "planned_end": last, "progress": progress,
                               "status": {0: "not_started", 100: "done"}.get(progress, "in_progress"),
                               "depends_on": task.depends_on, "budget_planned": task.budget}
        if progress:
            row["actual_start"] = first
        if progress == 100:
            row["actual_end"] = last
        rows.append(row)
    plan.tasks = tasks
    return plan, rows


CORRUPTIONS = [
    ("planned_start", "not a date", "bad-date"),
    ("progress", 150, "out-of-range"),
    ("status", "???", "bad-choice"),
    ("budget_planned", -5, "out-of-range"),
    ("owner", "", "required-missing"),
    ("budget_planned", "lots", "bad-number"),
]


@dataclass(frozen=True)
class Checked:
    """A written tracker's findings, and its tasks sheet as the header row shows it."""

    findings: list[Finding]
    tasks: Header


def write_and_check(plan: Plan, rows: list[dict[str, Any]]) -> Checked:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_tracker(plan, Path(tmp) / "t.xlsx", records={"tasks": rows})
        return Checked(validate(read_tracker(path), as_of=plan.campaign.start), headers(path)["tasks"])


settings.register_profile("roundtrip", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(settings.get_profile("roundtrip"))
@given(filled_plans())
def test_a_consistently_filled_tracker_has_no_errors(case: tuple[Plan, list[dict[str, Any]]]) -> None:
    plan, rows = case
    errors = [f for f in write_and_check(plan, rows).findings if f.severity == "error"]
    assert errors == []


@settings(settings.get_profile("roundtrip"))
@given(filled_plans(), st.data())
def test_one_corrupted_cell_is_one_error_at_that_cell(case: tuple[Plan, list[dict[str, Any]]], data: st.DataObject) -> None:
    plan, rows = case
    index = data.draw(st.integers(0, len(rows) - 1))
    column, value, code = data.draw(st.sampled_from(CORRUPTIONS))
    rows[index] = {**rows[index], column: value}
    if value == "":
        del rows[index][column]
    checked = write_and_check(plan, rows)
    errors = [f for f in checked.findings if f.severity == "error"]
    assert [(f.code, f.cell) for f in errors] == [(code, checked.tasks.cell(column, FIRST_DATA_ROW + 1 + index))]


ERROR_COLUMNS = ["name", "phase", "owner", "planned_start", "planned_end", "actual_start", "progress", "status",
                 "budget_planned", "budget_actual", "risk"]


@settings(settings.get_profile("roundtrip"))
@given(filled_plans(), st.data())
def test_one_cell_showing_an_error_is_one_cell_error_at_that_cell(case: tuple[Plan, list[dict[str, Any]]],
                                                                  data: st.DataObject) -> None:
    import openpyxl

    plan, rows = case
    index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(ERROR_COLUMNS))
    shown = data.draw(st.sampled_from(["#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?"]))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_tracker(plan, Path(tmp) / "t.xlsx", records={"tasks": rows})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl drops Excel 2010 extensions it does not know; values stay
            book = openpyxl.load_workbook(path)
        sheet = book[TASKS.title.get(plan.campaign.locale)]
        cell = header(sheet, "tasks").cell(column, FIRST_DATA_ROW + 1 + index)
        sheet[cell] = shown  # openpyxl stores it as an error cell (t="e")
        book.save(path)
        errors = [f for f in validate(read_tracker(path), as_of=plan.campaign.start) if f.severity == "error"]
    assert [(f.code, f.cell, f.value) for f in errors] == [("cell-error", cell, shown)]
