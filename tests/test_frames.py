"""Trackers and recaps as pandas DataFrames (docs/python-api.md, "pandas")."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from marketing_tracker import Plan, read_tracker, read_trackers, with_labels, write_tracker
from marketing_tracker.core.schema import PHASES, RACI, STATUSES
from marketing_tracker.reports.recap import recap

DOCS = Path(__file__).resolve().parent.parent / "docs"

FILLED = {"M001": {"actual_start": date(2025, 3, 1), "actual_end": date(2025, 3, 5), "progress": 100, "status": "done"},
          "M002": {"actual_start": date(2025, 3, 4), "progress": 60, "status": "in_progress", "budget_actual": 7200.5}}
KPI_LOG = [{"date": date(2025, 3, 22), "kpi": "Pairs sold", "channel": "Tmall", "value": 1200},
           {"date": date(2025, 3, 23), "kpi": "signups", "value": 300}]


def _records(plan: Plan, filled: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    tasks = [{"task_id": t.id, "name": t.name, "phase": t.phase, "owner": t.owner, "planned_start": t.start,
              "planned_end": t.end, "progress": 0, "status": "not_started", "depends_on": t.depends_on,
              "budget_planned": t.budget, **filled.get(t.id, {})} for t in plan.tasks]
    return {"tasks": tasks, "kpi_log": KPI_LOG}


@pytest.fixture
def spring(plan_spring: Plan, tmp_path: Path) -> Path:
    return write_tracker(plan_spring, tmp_path / "spring.xlsx", records=_records(plan_spring, FILLED))


def test_a_task_frame_has_one_row_per_task_with_its_row_in_the_file(spring: Path) -> None:
    frame = read_tracker(spring).frame("tasks")
    tracker = read_tracker(spring)
    assert list(frame["task_id"]) == ["M001", "M002", "M003", "E001", "C001"]
    assert list(frame["row"]) == [r.row for r in tracker.records("tasks")]
    assert list(frame.columns[:3]) == ["row", "task_id", "name"]


def test_dates_are_datetime64_and_numbers_floats(spring: Path) -> None:
    frame = read_tracker(spring).frame("tasks")
    assert str(frame["planned_start"].dtype) == "datetime64[ns]"
    assert frame.loc[0, "actual_end"] == pd.Timestamp("2025-03-05")
    assert pd.isna(frame.loc[2, "actual_end"])
    assert str(frame["progress"].dtype) == "float64"
    assert list(frame["progress"]) == [100.0, 60.0, 0.0, 0.0, 0.0]
    assert frame.loc[1, "budget_actual"] == 7200.5
    assert frame.loc[1, "depends_on"] == ["M001"]


def test_statuses_and_phases_are_keys_with_a_categorical_dtype(spring: Path) -> None:
    frame = read_tracker(spring).frame("tasks")
    assert list(frame["status"].cat.categories) == [m.key for m in STATUSES.members]
    assert list(frame["status"]) == ["done", "in_progress", "not_started", "not_started", "not_started"]
    assert list(frame["phase"].cat.categories) == ["prep", "execution", "wrapup"]


def test_labels_are_one_call_away_in_either_language(spring: Path) -> None:
    frame = read_tracker(spring).frame("tasks")
    assert list(with_labels(frame)["status"][:2]) == ["Done", "In progress"]
    assert list(with_labels(frame, "zh-CN")["status"][:2]) == [STATUSES.label("done", "zh-CN"),
                                                               STATUSES.label("in_progress", "zh-CN")]
    assert with_labels(frame, "zh-CN")["phase"][0] == PHASES.label("prep", "zh-CN")


def test_the_kpi_log_names_each_kpi_by_its_code(spring: Path) -> None:
    log = read_tracker(spring).frame("kpi_log")
    assert list(log["kpi"]) == ["units", "signups"]
    assert list(log["value"]) == [1200.0, 300.0]


def test_the_raci_matrix_has_a_categorical_column_per_person(spring: Path) -> None:
    raci = read_tracker(spring).frame("raci")
    assert list(raci["task_id"]) == ["M001", "M002", "M003", "E001", "C001"]
    assert list(raci["Dana Marketing"].cat.categories) == [m.key for m in RACI.members]
    assert raci.loc[0, "Dana Marketing"] == "R"  # M001's owner
    assert raci.loc[0, "Lee Director"] == "A"  # and its accountable


def test_every_table_has_a_frame(spring: Path) -> None:
    frames = read_tracker(spring).frames()
    assert {name: len(frame) for name, frame in frames.items()} == {
        "tasks": 5, "milestones": 0, "kpis": 3, "kpi_log": 2, "issues": 0, "raci": 5}


def test_an_unknown_table_is_refused_with_the_names_there_are(spring: Path) -> None:
    with pytest.raises(KeyError, match="tasks, milestones, kpis, kpi_log, issues, raci"):
        read_tracker(spring).frame("gantt")


def test_copies_in_two_languages_concatenate_with_their_source(plan_spring: Plan, spring: Path, tmp_path: Path) -> None:
    chinese = write_tracker(plan_spring, tmp_path / "spring.zh.xlsx", locale="zh-CN",
                            records=_records(plan_spring, {"C001": {"progress": 50, "status": "blocked"}}))
    tasks = read_trackers([spring, chinese])["tasks"]
    assert list(tasks["source"]) == [str(spring)] * 5 + [str(chinese)] * 5
    assert str(tasks["status"].dtype) == "category"
    assert tasks.groupby("status", observed=True).size().to_dict() == {"not_started": 7, "in_progress": 1,
                                                                        "done": 1, "blocked": 1}


def test_the_recap_tables_are_frames(spring: Path) -> None:
    figures = recap(read_tracker(spring), as_of=date(2025, 3, 20))
    frames = figures.frames()
    assert list(frames["phases"]["key"]) == ["prep", "execution", "wrapup"]
    assert list(frames["phases"]["done"]) == [1, 0, 0]
    assert str(frames["tasks"]["planned_end"].dtype) == "datetime64[ns]"
    assert frames["findings"].set_index("code")["count"].to_dict() == figures.findings


def _python_blocks(page: Path, marker: str) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index(marker)
    return "\n".join(re.findall(r"```python\n(.*?)```", text[start:], re.S)[:1])


def test_the_pandas_example_of_the_python_api_page_runs(plan_spring: Plan, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Three weekly copies -> the per-owner delay table the page shows, worked out by hand below."""
    weeks = {
        "week1.xlsx": {"M001": {"actual_end": date(2025, 3, 6), "progress": 100, "status": "done"}},
        "week2.xlsx": {"M001": {"actual_end": date(2025, 3, 6), "progress": 100, "status": "done"},
                       "M002": {"actual_end": date(2025, 3, 15), "progress": 100, "status": "done"}},
        "week3.xlsx": {"M001": {"actual_end": date(2025, 3, 6), "progress": 100, "status": "done"},
                       "M002": {"actual_end": date(2025, 3, 15), "progress": 100, "status": "done"},
                       "M003": {"actual_end": date(2025, 3, 19), "progress": 100, "status": "done"}},
    }
    for name, filled in weeks.items():
        write_tracker(plan_spring, tmp_path / name, records=_records(plan_spring, filled))
    monkeypatch.chdir(tmp_path)
    scope: dict[str, Any] = {}
    exec(_python_blocks(DOCS / "python-api.md", "## pandas"), scope)
    delays = scope["delays"]
    # Latest copy (week3): M001 planned 03-04 done 03-06 -> 2 days (Dana); M002 03-12 -> 03-15: 3 (Sam);
    # M003 03-19 -> 03-19: 0 (Ravi). Dana's C001 and Mia's E001 are not finished and not in the table.
    assert delays.to_dict("index") == {"Dana Marketing": {"tasks": 1, "days_late": 2.0},
                                       "Ravi Web": {"tasks": 1, "days_late": 0.0},
                                       "Sam Design": {"tasks": 1, "days_late": 3.0}}
    assert list(scope["weekly"]) == [1, 2, 3]
