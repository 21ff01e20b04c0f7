"""A small campaign filled week by week, for the history tests (figures worked out by hand in test_history*.py).

``make_tracker`` runs ``marketing-tracker new`` on the plan below; ``WEEKS`` says what the owners
typed each week (cumulative: week 2's copy is week 1's with week 2's edits). ``fill_openpyxl``
writes a week's copy with openpyxl; ``lo_edits`` gives the same edits as typing for a real
LibreOffice (tests/lo/uno_driver.py). Cells are found by their header labels in the blank tracker.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

from marketing_tracker.core.schema import HEADER_ROW, INFO_TITLE, TABLE_SHEETS

from .cells import info_cell
from .conftest import run_cli

PLAN = """\
campaign:
  name: Week Test Launch
  start: 2025-03-03
  end: 2025-03-30
  locale: en
  plan_owner: Ann Lead
  exec_owner: Ann Lead
  goals: [1,000 orders]
phases:
  - {key: prep, start: 2025-03-03, end: 2025-03-09}
  - {key: execution, start: 2025-03-10, end: 2025-03-23}
  - {key: wrapup, start: 2025-03-24, end: 2025-03-30}
people:
  - {name: Ann Lead, department: Marketing}
  - {name: Bob Art, department: Design}
  - {name: Cat Sales, department: Sales}
kpis:
  - {key: orders, name: Orders, unit: orders, target: 1000, direction: higher}
  - {key: signups, name: Sign-ups, unit: people, target: 400, direction: higher}
milestones:
  - {name: Assets ready, phase: prep, due: 2025-03-09, owner: Bob Art}
  - {name: Sales push done, phase: execution, due: 2025-03-25, owner: Cat Sales}
tasks:
  - {id: M001, name: Brief, phase: prep, owner: Ann Lead, accountable: Ann Lead, start: 2025-03-03, end: 2025-03-05}
  - {id: M002, name: Visuals, phase: prep, owner: Bob Art, accountable: Ann Lead, start: 2025-03-04, end: 2025-03-09}
  - {id: E001, name: Ads, phase: execution, owner: Cat Sales, accountable: Ann Lead, start: 2025-03-10, end: 2025-03-16}
  - {id: E002, name: Launch post, phase: execution, owner: Ann Lead, accountable: Ann Lead, start: 2025-03-12, end: 2025-03-18}
  - {id: E003, name: Store display, phase: execution, owner: Bob Art, accountable: Ann Lead, start: 2025-03-17, end: 2025-03-21}
  - {id: E004, name: Influencer posts, phase: execution, owner: Cat Sales, accountable: Ann Lead,
     start: 2025-03-10, end: 2025-03-20}
  - {id: C001, name: Recap, phase: wrapup, owner: Ann Lead, accountable: Ann Lead, start: 2025-03-24, end: 2025-03-28}
"""

CAMPAIGN = "Week Test Launch"
STATUS_DATES = {1: date(2025, 3, 7), 2: date(2025, 3, 14), 3: date(2025, 3, 21)}

#: What was typed each week: tasks and milestones by ID, new log and issue rows, as a person types them.
WEEKS: dict[int, dict[str, Any]] = {
    1: {
        "tasks": {"M001": {"status": "Done", "progress": 100, "actual_start": "2025-03-03", "actual_end": "2025-03-05"},
                  "M002": {"status": "In progress", "progress": 50, "actual_start": "2025-03-04"}},
        "kpi_log": [{"date": "2025-03-06", "kpi": "Orders", "value": 100},
                    {"date": "2025-03-07", "kpi": "Orders", "value": 50},
                    {"date": "2025-03-07", "kpi": "Sign-ups", "value": 40}],
        "issues": {},
        "milestones": {},
    },
    2: {
        "tasks": {"M002": {"status": "Done", "progress": 100, "actual_end": "2025-03-11",
                           "risk": "Late 2 days (printer queue)"},
                  "E001": {"status": "In progress", "progress": 40, "actual_start": "2025-03-10"},
                  "E002": {"planned_start": "2025-03-13", "planned_end": "2025-03-20"},
                  "E004": {"status": "In progress", "progress": 30, "actual_start": "2025-03-10"}},
        "kpi_log": [{"date": "2025-03-10", "kpi": "Orders", "value": 150},
                    {"date": "2025-03-13", "kpi": "Orders", "value": 200},
                    {"date": "2025-03-14", "kpi": "Sign-ups", "value": 60}],
        "issues": {"I001": {"raised": "2025-03-11", "description": "Printer delay", "task_id": "E003",
                            "owner": "Bob Art", "status": "To follow up"}},
        "milestones": {"MS01": {"done": "2025-03-11"}},
    },
    3: {
        "tasks": {"E001": {"progress": 80, "risk": "Late 5 days (ad account paused)"},
                  "E002": {"status": "In progress", "progress": 50, "actual_start": "2025-03-13"},
                  "E004": {"status": "Done", "progress": 100, "actual_end": "2025-03-20"},
                  "C001": {"planned_end": "2025-03-29"}},
        "kpi_log": [{"date": "2025-03-18", "kpi": "Orders", "value": 300},
                    {"date": "2025-03-20", "kpi": "Sign-ups", "value": 100}],
        "issues": {"I001": {"status": "Resolved", "resolved": "2025-03-19"},
                   "I002": {"raised": "2025-03-20", "description": "Ad account paused", "task_id": "E001",
                            "owner": "Cat Sales", "status": "To follow up"}},
        "milestones": {},
    },
}

_SHEETS = {sheet.key: sheet for sheet in TABLE_SHEETS}
_DATES = {sheet.key: {c.key for c in sheet.columns if c.kind == "date"} for sheet in TABLE_SHEETS}


def make_tracker(folder: Path, name: str = "week-test") -> Path:
    """The blank tracker, as ``marketing-tracker new`` writes it."""
    plan = folder / f"{name}.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    tracker = folder / f"{name}.xlsx"
    done = run_cli("new", str(plan), "-o", str(tracker))
    assert done.returncode == 0, done.stderr
    return tracker


def cell_edits(blank: Path, week: int) -> list[tuple[str, str, Any]]:
    """(sheet title, A1 cell, typed text or number) for every edit up to ``week``, found by header label."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(blank)
    edits: list[tuple[str, str, Any]] = []
    edits.append((INFO_TITLE.en, info_cell(book[INFO_TITLE.en], "as_of_input", "en"), STATUS_DATES[week].isoformat()))
    layout = {key: _layout(book[_SHEETS[key].title.en], _SHEETS[key]) for key in ("tasks", "milestones", "issues", "kpi_log")}
    for n in range(1, week + 1):
        for key, (column, ids, spare) in layout.items():
            sheet = _SHEETS[key]
            changes = WEEKS[n][key]
            rows = list(changes.items()) if isinstance(changes, dict) else [(None, values) for values in changes]
            for row_id, values in rows:
                if row_id is None or row_id not in ids:
                    row = spare.pop(0)
                    if row_id is not None:
                        ids[row_id] = row
                        values = {sheet.id_column: row_id, **values}
                else:
                    row = ids[row_id]
                for field, value in values.items():
                    edits.append((sheet.title.en, f"{get_column_letter(column[field])}{row}", value))
    return edits


def _layout(ws: Any, sheet: Any) -> tuple[dict[str, int], dict[str, int], list[int]]:
    """Columns by key (1-based, by header label), rows by ID, and the empty rows in order."""
    header = {ws.cell(HEADER_ROW + 1, c).value: c for c in range(1, ws.max_column + 1)}
    column = {col.key: header[col.label.en] for col in sheet.columns if col.label.en in header}
    first_column = column[sheet.id_column or sheet.columns[0].key]
    ids: dict[str, int] = {}
    spare: list[int] = []
    for row in range(HEADER_ROW + 2, HEADER_ROW + 40):
        value = ws.cell(row, first_column).value
        if value:
            ids[str(value)] = row
        else:
            spare.append(row)
    return column, ids, spare


def fill_openpyxl(blank: Path, week: int, out: Path) -> Path:
    """Week ``week``'s copy, written with openpyxl: dates as dates, numbers as numbers, the rest as text."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(blank)
    date_cells = _date_cells(blank, week)
    for title, ref, value in cell_edits(blank, week):
        if (title, ref) in date_cells or title == INFO_TITLE.en:
            value = datetime.fromisoformat(value)
        book[title][ref] = value
    book.save(out)
    return out


def _date_cells(blank: Path, week: int) -> set[tuple[str, str]]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(blank, read_only=True)
    found = set()
    for key, sheet in _SHEETS.items():
        ws = book[sheet.title.en]
        header = next(ws.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 1, values_only=True))
        for index, label in enumerate(header):
            column = next((c for c in sheet.columns if c.label.en == label), None)
            if column is not None and column.key in _DATES[key]:
                found.add((sheet.title.en, _letter(index)))
    edits = cell_edits(blank, week)
    return {(title, ref) for title, ref, _v in edits if (title, ref.rstrip("0123456789")) in found}


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def lo_job(blank: Path, week: int, saves: list[dict[str, str]]) -> dict[str, Any]:
    """The same edits typed into a real LibreOffice (setFormula: Calc's own type detection), then saved."""
    typed = [{"sheet": title, "cell": ref, "value": str(value)} for title, ref, value in cell_edits(blank, week)]
    sheets = sorted({edit["sheet"] for edit in typed})
    return {"input": str(blank), "unprotect": sheets, "type": typed, "save": saves}
