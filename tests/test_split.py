"""Splitting a tracker per department or owner, and merging the copies back."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from marketing_tracker import load_plan, read_tracker, write_tracker
from marketing_tracker.checks.validate import validate
from marketing_tracker.core.issued import decode
from marketing_tracker.loop.merge import merge_trackers
from marketing_tracker.loop.split import safe_file_part, split_tracker

from .conftest import PLAN_618, run_cli


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    return write_tracker(load_plan(PLAN_618), tmp_path / "618.xlsx")


def departments() -> dict[str, str]:
    plan = load_plan(PLAN_618)
    people = {p.name: p.department for p in plan.people}
    return {t.id: people[t.owner] for t in plan.tasks}


def values(path: Path, table: str) -> list[dict[str, Any]]:
    return [r.values for r in read_tracker(path).tables[table].records]


def test_each_department_gets_its_own_tasks_and_every_task_is_in_exactly_one_copy(tmp_path: Path, tracker: Path) -> None:
    copies = split_tracker(tracker, by="department", folder=tmp_path / "out")
    expected = departments()
    held = {v["task_id"]: part.group for part in copies for v in values(part.path, "tasks")}
    assert held == expected
    assert sum(part.tasks for part in copies) == len(expected)


def test_a_copy_knows_its_group_and_holds_the_raci_rows_of_its_tasks(tmp_path: Path, tracker: Path) -> None:
    part = split_tracker(tracker, by="department", folder=tmp_path / "out")[0]
    copy = read_tracker(part.path)
    record = decode(copy.meta)
    assert record is not None
    assert record.copy == f"department:{part.group}"
    mine = [v["task_id"] for v in values(part.path, "tasks")]
    assert [v["task_id"] for v in values(part.path, "raci")] == mine
    assert len(values(part.path, "kpis")) == len(load_plan(PLAN_618).kpis)


def test_a_milestone_goes_to_its_owners_department(tmp_path: Path, tracker: Path) -> None:
    plan = load_plan(PLAN_618)
    people = {p.name: p.department for p in plan.people}
    copies = split_tracker(tracker, by="department", folder=tmp_path / "out")
    held = {v["milestone_id"]: part.group for part in copies for v in values(part.path, "milestones")}
    assert held == {m.id: people[m.owner] for m in plan.milestones}


def test_each_copy_is_a_full_tracker_with_dropdowns_and_protection(tmp_path: Path, tracker: Path) -> None:
    part = split_tracker(tracker, by="owner", folder=tmp_path / "out")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(part.path)["执行任务跟踪表"]
    assert any(dv.formula1 == "mt_list_status" for dv in ws.data_validations.dataValidation)
    assert ws.protection.sheet is True


def test_a_copy_validates_without_unknown_references_to_the_other_copies(tmp_path: Path, tracker: Path) -> None:
    for part in split_tracker(tracker, by="department", folder=tmp_path / "out"):
        assert [f.code for f in validate(read_tracker(part.path)) if f.code == "unknown-reference"] == []


def test_the_file_names_say_the_group(tmp_path: Path, tracker: Path) -> None:
    copies = split_tracker(tracker, by="department", folder=tmp_path / "out")
    assert [p.path.name for p in copies] == [f"618.{p.group}.xlsx" for p in copies]


@pytest.mark.parametrize(("group", "part"), [("市场部", "市场部"), ("市场/媒介: 联合", "市场_媒介_ 联合"),
                                             ("CON", "CON_"), ("..", "_"), ("运营部 ", "运营部")])
def test_group_names_are_made_safe_for_file_names(group: str, part: str) -> None:
    assert safe_file_part(group) == part


def test_merging_the_copies_gives_the_one_tracker_again(tmp_path: Path, tracker: Path) -> None:
    copies = split_tracker(tracker, by="department", folder=tmp_path / "out")
    merged = merge_trackers([p.path for p in reversed(copies)])
    assert merged.findings == []
    for table in ("tasks", "milestones", "kpis", "raci"):
        assert merged.records[table] == values(tracker, table), table


def test_the_command_splits_and_lists_the_copies(tmp_path: Path, tracker: Path) -> None:
    done = run_cli("split", str(tracker), "--by", "owner", "-o", str(tmp_path / "by-owner"))
    assert done.returncode == 0, done.stderr
    owners = list(dict.fromkeys(t.owner for t in load_plan(PLAN_618).tasks))
    assert done.stdout.splitlines()[0] == f"split {tracker} by owner into {len(owners)} trackers:"
    assert sorted(p.name for p in (tmp_path / "by-owner").iterdir()) == sorted(f"618.{o}.xlsx" for o in owners)
