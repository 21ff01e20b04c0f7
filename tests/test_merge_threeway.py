"""Three-way merge: each copy is compared with what it was issued with (the hidden identity sheet)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from marketing_tracker import load_plan, read_tracker, write_tracker
from marketing_tracker.checks.validate import validate
from marketing_tracker.core.issued import decode
from marketing_tracker.core.schema import TASKS
from marketing_tracker.loop.merge import Deleted, merge_trackers, write_merged
from marketing_tracker.reports.recap import recap

from .cells import headers
from .conftest import PLAN_618, run_cli
from .copies import Edits, fill

AS_OF = date(2024, 6, 30)


@pytest.fixture
def issued(tmp_path: Path) -> Path:
    return write_tracker(load_plan(PLAN_618), tmp_path / "618.xlsx")


def tasks_of(path: Path) -> dict[str, dict[str, Any]]:
    return {r.values["task_id"]: r.values for r in read_tracker(path).tables["tasks"].records}


def copy(issued: Path, name: str, **sheets: Edits) -> Path:
    return fill(issued, issued.with_name(name), sheets)


def test_the_identity_sheet_records_the_campaign_the_copy_and_every_issued_task(issued: Path) -> None:
    record = decode(read_tracker(issued).meta)
    assert record is not None
    plan = load_plan(PLAN_618)
    assert (record.copy, len(record.campaign_id)) == ("all", 12)
    assert [r["task_id"] for r in record.rows["tasks"]] == [t.id for t in plan.tasks]
    first = plan.tasks[0]
    assert record.rows["tasks"][0] == {
        "task_id": first.id, "name": first.name, "phase": first.phase, "owner": first.owner,
        "planned_start": first.start, "planned_end": first.end, "progress": 0.0, "status": "not_started",
        "budget_planned": first.budget or 0.0, "baseline_start": first.start, "baseline_end": first.end}


def test_a_value_changed_in_one_copy_wins_without_a_conflict(issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"progress": 50, "status": "进行中"}}))
    b = copy(issued, "b.xlsx", tasks=Edits({"E001": {"risk": "物流延误"}}))
    merged = merge_trackers([b, a])
    assert merged.findings == []
    rows = {r["task_id"]: r for r in merged.records["tasks"]}
    assert (rows["M001"]["progress"], rows["M001"]["status"], rows["E001"]["risk"]) == (50, "in_progress", "物流延误")


def test_a_value_changed_differently_in_two_copies_is_a_conflict_at_both_cells(issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"progress": 50}}))
    b = copy(issued, "b.xlsx", tasks=Edits(insert=(1, "优先级", {}), values={"M001": {"progress": 70}}))
    merged = merge_trackers([a, b])
    in_a, in_b = headers(a)["tasks"].cell("progress", 4), headers(b)["tasks"].cell("progress", 4)  # b's is one further
    assert [(f.code, f.sheet, f.cell, f.value, f.params["file"]) for f in merged.findings] == [
        ("merge-conflict", "执行任务跟踪表", in_a, 50, str(a)), ("merge-conflict", "执行任务跟踪表", in_b, 70, str(b))]
    assert merged.findings[1].message("en") == (f"Progress (%) differs between copies: a.xlsx!执行任务跟踪表!{in_a} has 50, "
                                                f"b.xlsx!执行任务跟踪表!{in_b} has 70; the first was kept")
    assert merged.records["tasks"][0]["progress"] == 50


def test_the_same_change_in_two_copies_is_no_conflict(issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"progress": 50}}))
    b = copy(issued, "b.xlsx", tasks=Edits({"M001": {"progress": 50}}))
    assert merge_trackers([a, b]).findings == []


def test_a_blank_cell_never_overwrites_a_value(issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"planned_end": None, "name": None}}))
    merged = merge_trackers([a, issued])
    first = merged.records["tasks"][0]
    assert (first["planned_end"], first["name"]) == (date(2024, 5, 5), "活动方案终稿确认")
    assert merged.findings == []


def test_a_task_deleted_in_one_copy_and_untouched_elsewhere_is_deleted_and_said(issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits(delete=["E002"]))
    b = copy(issued, "b.xlsx", tasks=Edits({"M001": {"progress": 20}}))
    merged = merge_trackers([b, a])
    assert "E002" not in [r["task_id"] for r in merged.records["tasks"]]
    assert "E002" not in [r["task_id"] for r in merged.records["raci"]]
    assert merged.deleted == [Deleted("tasks", "E002", str(a))]
    assert [(f.code, f.value) for f in merged.findings] == [("merge-deleted", "E002")]
    assert merged.findings[0].message("en") == ("'E002' was deleted in a.xlsx and left unchanged in the other "
                                                "copies: it is left out of the merged tracker")


def test_a_task_deleted_in_one_copy_but_filled_in_another_is_kept_with_a_warning(issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits(delete=["E002"]))
    b = copy(issued, "b.xlsx", tasks=Edits({"E002": {"progress": 30}}))
    merged = merge_trackers([a, b])
    assert {r["task_id"]: r for r in merged.records["tasks"]}["E002"]["progress"] == 30
    row = next(r.row for r in read_tracker(b).tables["tasks"].records if r.values["task_id"] == "E002")
    assert [(f.code, f.severity, f.value, f.cell) for f in merged.findings] == [
        ("merge-kept", "warning", "E002", f"A{row}")]
    assert merged.deleted == []


def test_rows_a_team_added_are_kept_after_the_issued_ones(issued: Path) -> None:
    added = {"task_id": "E009", "name": "加急：直播返场", "phase": "执行期", "owner": "孙运营",
             "planned_start": datetime(2024, 6, 10), "planned_end": datetime(2024, 6, 12), "status": "进行中"}
    a = copy(issued, "a.xlsx", tasks=Edits(add=[added]))
    merged = merge_trackers([issued, a])
    last_planned = load_plan(PLAN_618).tasks[-1].id
    assert [r["task_id"] for r in merged.records["tasks"]][-2:] == [last_planned, "E009"]
    assert merged.records["tasks"][-1]["name"] == "加急：直播返场"


def test_a_column_a_team_inserted_is_kept_after_the_templates_columns_with_its_values(tmp_path: Path,
                                                                                      issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits(insert=(3, "优先级", {"M001": "高", "E001": 2})))
    out = write_merged(merge_trackers([a, issued]), tmp_path / "merged.xlsx")
    table = read_tracker(out).tables["tasks"]
    assert table.extra == {"优先级": len(TASKS.columns)}
    assert {r.values["task_id"]: r.values.get("extra:优先级") for r in table.records if "extra:优先级" in r.values} == {
        "M001": "高", "E001": 2.0}


def test_the_merged_tracker_validates_clean_apart_from_the_teams_mistakes(tmp_path: Path, issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"actual_start": datetime(2024, 5, 1),
                                                     "actual_end": datetime(2024, 5, 4), "progress": 100,
                                                     "status": "已完成"}}))
    b = copy(issued, "b.xlsx", tasks=Edits({"M002": {"progress": 150}}, insert=(2, "优先级", {"M002": "低"})))
    out = write_merged(merge_trackers([a, b]), tmp_path / "merged.xlsx")
    day = date(2024, 5, 6)
    planned = {(f.code, f.cell) for f in validate(read_tracker(issued), as_of=day)}  # the plan's own warnings
    found = [(f.code, f.column) for f in validate(read_tracker(out), as_of=day)
             if f.severity != "info" and (f.code, f.cell) not in planned]
    assert found == [("out-of-range", "progress")]


def test_recap_takes_a_merge_result_and_gives_what_the_written_tracker_gives(tmp_path: Path, issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"progress": 50, "actual_start": datetime(2024, 5, 2)}}))
    b = copy(issued, "b.xlsx", tasks=Edits({"E001": {"progress": 10, "risk": "物流延误"}}))
    merged = merge_trackers([a, b])
    in_memory = recap(merged, as_of=AS_OF).to_dict()
    written = recap(read_tracker(write_merged(merged, tmp_path / "merged.xlsx")), as_of=AS_OF).to_dict()
    assert in_memory == written


def test_the_recap_of_conflicting_copies_counts_the_conflicts(issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"progress": 50}}))
    b = copy(issued, "b.xlsx", tasks=Edits({"M001": {"progress": 70}}))
    assert recap(merge_trackers([a, b]), as_of=AS_OF).findings["merge-conflict"] == 2


def test_the_recap_command_prints_the_conflicts_of_several_copies(tmp_path: Path, issued: Path) -> None:
    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"progress": 50}}))
    b = copy(issued, "b.xlsx", tasks=Edits({"M001": {"progress": 70}}))
    done = run_cli("recap", str(a), str(b), "--json", str(tmp_path / "f.json"), "--as-of", "2024-06-30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == "merged 2 copies: 2 conflicts (see the data-quality part of the recap)"


def test_the_recap_workbook_and_page_show_the_conflicts_in_their_data_quality_part(tmp_path: Path, issued: Path) -> None:
    import html as html_lib
    import re

    import openpyxl

    from marketing_tracker.reports.run import run_recap

    a = copy(issued, "a.xlsx", tasks=Edits({"M001": {"progress": 50}}))
    b = copy(issued, "b.xlsx", tasks=Edits({"M001": {"progress": 70}}))
    _written, figures = run_recap([a, b], xlsx=tmp_path / "recap.xlsx", html=tmp_path / "recap.html", as_of=AS_OF)
    progress = headers(a)["tasks"].cell("progress", 4)
    assert [(c["file"], c["cell"], c["value"]) for c in figures.conflicts] == [("a.xlsx", progress, 50),
                                                                              ("b.xlsx", progress, 70)]
    ws = openpyxl.load_workbook(tmp_path / "recap.xlsx")["数据质量"]
    rows = [tuple(c for c in row if c is not None) for row in ws.iter_rows(values_only=True)]
    assert ("merge-conflict", 2) in rows
    assert ("b.xlsx", "执行任务跟踪表", progress, figures.conflicts[1]["message"]) in rows
    page = html_lib.unescape((tmp_path / "recap.html").read_text(encoding="utf-8"))
    quality = page[page.index('<section id="quality">'):]
    quality = quality[:quality.index("</section>")]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", quality)
    assert cells[cells.index("merge-conflict") + 1] == "2"
    assert cells[-4:] == ["b.xlsx", "执行任务跟踪表", progress, figures.conflicts[1]["message"]]
