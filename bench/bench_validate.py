"""Benchmark reading and validating a filled 50,000-task tracker against a bare python-calamine load.

    python bench/bench_validate.py [--tasks 50000] [--runs 5]

Makes a filled tracker (actual dates, progress, statuses, some text dates and synonyms
to normalise, a few mistakes), then times whole processes alternately:
`marketing-tracker validate FILE --format json` and bench/bare_calamine.py, which only
loads the same sheet. Prints both medians, the ratio and the peak memory of each.
Targets (issue 3): ratio <= 2.0, peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_new import alternate, make_plan  # noqa: E402

from marketing_tracker import plan_from_dict, write_tracker  # noqa: E402

AS_OF = date(2024, 5, 20)


def filled_rows(plan_data: dict[str, object], seed: int = 11) -> list[dict[str, object]]:
    """A campaign half-way through as of AS_OF: work due before it mostly done, a few slips and mistakes."""
    rng = random.Random(seed)
    rows = []
    for task in plan_data["tasks"]:  # type: ignore[attr-defined]
        row = {"task_id": task["id"], "name": task["name"], "phase": task["phase"], "owner": task["owner"],
               "planned_start": task["start"], "planned_end": task["end"], "depends_on": task.get("depends_on", []),
               "budget_planned": task["budget"]}
        due = task["end"] < AS_OF
        started = task["start"] <= AS_OF
        roll = rng.random()
        if due and roll < 0.95:
            late = rng.choice([0, 0, 0, 1, 2, 5])
            row.update(actual_start=task["start"], actual_end=task["end"] + timedelta(days=late), progress=100,
                       status="done", budget_actual=task["budget"] * rng.uniform(0.8, 1.2))
        elif started:
            row.update(actual_start=task["start"], progress=rng.randint(1, 99), status="in_progress",
                       summary="按计划推进", risk="" if rng.random() < 0.8 else "物料延误")
        else:
            row.update(progress=0, status="not_started")
        if rng.random() < 0.02:
            row["status"] = "完成" if row.get("status") == "done" else row["status"]  # a synonym to normalise
        if rng.random() < 0.01:
            row["actual_start"] = f"{task['start'].month}月{task['start'].day}日" if row.get("actual_start") else "下周"
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--make", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # in a child process, so that the parent stays small (a child's peak memory counts its parent's)
        data = make_plan(args.tasks)
        write_tracker(plan_from_dict(data), args.make, records={"tasks": filled_rows(data)}, spare_rows=1)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tracker = Path(tmp) / "filled.xlsx"
        subprocess.run([sys.executable, __file__, "--make", str(tracker), "--tasks", str(args.tasks)], check=True)
        size = tracker.stat().st_size
        ours = [sys.executable, "-m", "marketing_tracker", "validate", str(tracker), "--format", "json",
                "--as-of", AS_OF.isoformat()]
        base = [sys.executable, str(HERE / "bare_calamine.py"), str(tracker), "执行任务跟踪表"]
        timings, memory = alternate({"ours": ours, "base": base}, args.runs, ok_codes=(0, 1))  # 1: it has errors
    ours_s, base_s = statistics.median(timings["ours"]), statistics.median(timings["base"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"tracker: {args.tasks} filled tasks, {size / 1e6:.1f} MB; {args.runs} alternating runs, medians of whole processes")
    print(f"validate (read + rules) : {ours_s:6.2f} s  peak {max(memory['ours']) / 1024:6.0f} MiB")
    print(f"bare calamine load      : {base_s:6.2f} s  peak {max(memory['base']) / 1024:6.0f} MiB")
    print(f"ratio                   : {ours_s / base_s:6.2f}  (target <= 2.0; memory target < 500 MB)")


if __name__ == "__main__":
    main()
