"""Benchmark the loop over weeks: merging 20 copies, and re-planning one tracker.

    python bench/bench_merge.py [--tasks 5000] [--copies 20] [--runs 3]

merge: a 5,000-task tracker is sent to 20 teams; each copy comes back filled on its own
250 tasks (actual dates, progress, status, notes), carrying the identity sheet of the
tracker it was issued as. Times, alternately, ``marketing-tracker merge`` of the 20 copies
(a merged tracker written) and ``marketing-tracker validate`` of the same 20 copies.
Target (issue 10): merge <= 1.5x validate.

update: the merged tracker carried to a changed plan (100 tasks moved by two days, 50
added, 50 dropped) with ``marketing-tracker update``, against ``validate`` of the tracker
plus ``new`` of the changed plan, each timed as its own process. Target: <= 2x.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_new import alternate, make_plan  # noqa: E402

AS_OF = "2024-05-20"


def team_rows(plan_data: dict[str, Any], team: int, copies: int) -> list[dict[str, Any]]:
    """Every task as issued; the team's own share (every ``copies``-th task) filled."""
    rows = []
    for index, task in enumerate(plan_data["tasks"]):
        row = {"task_id": task["id"], "name": task["name"], "phase": task["phase"], "owner": task["owner"],
               "planned_start": task["start"], "planned_end": task["end"], "depends_on": task.get("depends_on", []),
               "budget_planned": task["budget"], "baseline_start": task["start"], "baseline_end": task["end"],
               "progress": 0, "status": "not_started"}
        if index % copies == team:
            row.update(actual_start=task["start"], progress=60, status="in_progress", notes=f"team {team}",
                       budget_actual=task["budget"] * 0.5)
        rows.append(row)
    return rows


def make(folder: Path, tasks: int, copies: int) -> None:
    """The issued tracker, the 20 returned copies and the changed plan (in a child process)."""
    import yaml

    from marketing_tracker import plan_from_dict, write_tracker
    from marketing_tracker import writer as writer_module
    from marketing_tracker.core.issued import decode
    from marketing_tracker.reading.reader import read_tracker

    data = make_plan(tasks)
    plan = plan_from_dict(data)
    issued = write_tracker(plan, folder / "issued.xlsx", spare_rows=1)
    sent = decode(read_tracker(issued).meta)
    assert sent is not None
    # A copy as a team returns it: the identity sheet of the tracker it was sent, its own tasks filled
    # (as if typed in Excel); the writer is told to record what was sent, not what it writes now.
    original = writer_module._TrackerWriter._record_issued

    def as_sent(self: Any, table: Any, records: Any) -> None:
        original(self, table, records)
        self.issued[table.sheet.key] = sent.rows.get(table.sheet.key, [])

    writer_module._TrackerWriter._record_issued = as_sent  # type: ignore[method-assign]
    for team in range(copies):
        write_tracker(plan, folder / f"copy-{team:02d}.xlsx", records={"tasks": team_rows(data, team, copies)},
                      spare_rows=1)
    writer_module._TrackerWriter._record_issued = original  # type: ignore[method-assign]
    changed = dict(data)
    dropped = {t["id"] for t in data["tasks"][:50]}  # type: ignore[index]
    kept = [dict(t, depends_on=[d for d in t.get("depends_on", []) if d not in dropped])
            for t in data["tasks"][50:]]  # type: ignore[index]
    moved = [dict(t, start=t["start"] + timedelta(days=2), end=t["end"] + timedelta(days=2)) if i % 50 == 0 else t
             for i, t in enumerate(kept)]
    added = [dict(t, id=f"N{i:05d}", depends_on=[]) for i, t in enumerate(data["tasks"][:50])]  # type: ignore[index]
    changed["tasks"] = [*moved, *added]
    text = yaml.safe_dump(changed, allow_unicode=True, sort_keys=False)
    (folder / "changed.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--make", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make(Path(args.make), args.tasks, args.copies)
        return
    cli = [sys.executable, "-m", "marketing_tracker"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, __file__, "--make", tmp, "--tasks", str(args.tasks), "--copies",
                        str(args.copies)], check=True)
        copies = sorted(str(p) for p in folder.glob("copy-*.xlsx"))
        merged = folder / "merged.xlsx"
        timings, _memory = alternate({
            "merge": [*cli, "merge", *copies, "-o", str(merged)],
            "validate": [*cli, "validate", *copies, "--format", "json", "--as-of", AS_OF]}, args.runs, ok_codes=(0, 1))
        merge_s, validate_s = statistics.median(timings["merge"]), statistics.median(timings["validate"])
        update_times, _ = alternate({
            "update": [*cli, "update", str(merged), str(folder / "changed.yaml"), "-o", str(folder / "next.xlsx")],
            "validate": [*cli, "validate", str(merged), "--format", "json", "--as-of", AS_OF],
            "new": [*cli, "new", str(folder / "changed.yaml"), "-o", str(folder / "new.xlsx")]}, args.runs,
            ok_codes=(0, 1))
    update_s = statistics.median(update_times["update"])
    base_s = statistics.median(update_times["validate"]) + statistics.median(update_times["new"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"{args.copies} copies of a {args.tasks}-task tracker; {args.runs} alternating runs, medians of whole processes")
    print(f"merge {args.copies} copies      : {merge_s:6.2f} s")
    print(f"validate {args.copies} copies   : {validate_s:6.2f} s")
    print(f"ratio                  : {merge_s / validate_s:6.2f}  (target <= 1.5)")
    print(f"update                 : {update_s:6.2f} s")
    print(f"validate + new         : {base_s:6.2f} s  ({statistics.median(update_times['validate']):.2f} + "
          f"{statistics.median(update_times['new']):.2f})")
    print(f"ratio                  : {update_s / base_s:6.2f}  (target <= 2.0)")


if __name__ == "__main__":
    main()
