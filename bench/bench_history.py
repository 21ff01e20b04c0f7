"""Benchmark the history: status with 52 weekly snapshots of a 5,000-task campaign, snapshot, and the SQLite size.

    python bench/bench_history.py [--tasks 5000] [--weeks 52] [--runs 5]

Makes a filled tracker (bench_validate's), then a history of ``--weeks`` weekly snapshots of it
(each week a new status date and a few percent of the tasks moved on) and one of the last two
weeks only. Then times whole processes in turn, in one run:
`validate COPY --format json`, `status --format json` on 52 and on 2 snapshots, and `snapshot COPY`
into an empty (already created) database. Prints medians, the ratios and the SQLite file's size.
Targets (issue 11): status <= 1.5x validate, status(52) ~ status(2), snapshot <= 1.5x validate,
the SQLite file under 20 MB per 10 snapshots.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_new import make_plan, measure  # noqa: E402
from bench_validate import AS_OF, filled_rows  # noqa: E402

from marketing_tracker import plan_from_dict, write_tracker  # noqa: E402


def make_history(copy: Path, url: str, weeks: int, keep_last: int | None = None) -> None:
    """``weeks`` snapshots of ``copy``, one a week up to AS_OF, each a little further on (``keep_last``: only the last ones)."""
    from marketing_tracker.history import History
    from marketing_tracker.reading.reader import read_tracker

    rng = random.Random(5)
    tracker = read_tracker(copy)
    tasks = tracker.tables["tasks"].records
    with History(url) as history:
        for week in range(weeks):
            for record in rng.sample(tasks, len(tasks) // 20):  # 5% of the tasks move each week
                record.values["progress"] = float(min(100, (record.values.get("progress") or 0) + 10))
            tracker.campaign.as_of = AS_OF - timedelta(days=7 * (weeks - 1 - week))
            if keep_last is None or week >= weeks - keep_last:
                history.add(tracker)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--make", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        folder = Path(args.make)
        data = make_plan(args.tasks)
        write_tracker(plan_from_dict(data), folder / "copy.xlsx", records={"tasks": filled_rows(data)}, spare_rows=1)
        make_history(folder / "copy.xlsx", f"sqlite:///{folder / 'weeks.db'}", args.weeks)
        make_history(folder / "copy.xlsx", f"sqlite:///{folder / 'two.db'}", args.weeks, keep_last=2)
        from marketing_tracker.history import History

        History(f"sqlite:///{folder / 'empty.db'}").close()
        return
    env_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure([sys.executable, __file__, "--make", str(folder), "--tasks", str(args.tasks), "--weeks", str(args.weeks)])
        copy, weeks_db, two_db = folder / "copy.xlsx", folder / "weeks.db", folder / "two.db"
        cli = [sys.executable, "-m", "marketing_tracker"]
        commands = {
            "validate": [*cli, "validate", str(copy), "--format", "json", "--as-of", AS_OF.isoformat()],
            "status52": [*cli, "status", "--db", f"sqlite:///{weeks_db}", "--format", "json"],
            "status2": [*cli, "status", "--db", f"sqlite:///{two_db}", "--format", "json"],
        }
        timings: dict[str, list[float]] = {name: [] for name in [*commands, "snapshot"]}
        for run in range(args.runs + 1):  # the first round warms the caches and is not counted
            for name, command in commands.items():
                seconds, _peak = measure(command, ok_codes=(0, 1))
                if run:
                    timings[name].append(seconds)
            target = folder / f"run{run}.db"
            shutil.copyfile(folder / "empty.db", target)
            seconds, _peak = measure([*cli, "snapshot", str(copy), "--db", f"sqlite:///{target}"])
            if run:
                timings["snapshot"].append(seconds)
            target.unlink()
        median = {name: statistics.median(values) for name, values in timings.items()}
        size = weeks_db.stat().st_size
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"campaign: {args.tasks} tasks, {args.weeks} weekly snapshots; {args.runs} rounds, medians of whole processes")
    for name in ("validate", "status52", "status2", "snapshot"):
        print(f"{name:<9}: {median[name]:6.2f} s   ({', '.join(f'{v:.2f}' for v in timings[name])})")
    print(f"status(52) / validate : {median['status52'] / median['validate']:5.2f}  (target <= 1.5)")
    print(f"status(52) / status(2): {median['status52'] / median['status2']:5.2f}  (target ~ 1)")
    print(f"snapshot / validate   : {median['snapshot'] / median['validate']:5.2f}  (target <= 1.5)")
    print(f"SQLite file: {size / 1e6:.1f} MB for {args.weeks} snapshots = {size / 1e6 / args.weeks * 10:.1f} MB "
          "per 10 snapshots (target < 20)")


if __name__ == "__main__":
    main()
