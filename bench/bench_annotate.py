"""Benchmark annotating a 50,000-task tracker against validate plus a bare openpyxl load and save.

    python bench/bench_annotate.py [--tasks 50000] [--runs 3]

Writes the blank tracker of a 50,000-task plan with the tool itself and checks it as of a day
after the campaign, so that every task is a finding (overdue): the case of issue 14, where
annotate was quadratic in findings. Then times whole processes alternately:
`marketing-tracker annotate`, `marketing-tracker validate --format json` and
bench/load_save_openpyxl.py (openpyxl loads the same file and saves it, nothing else).
Target (issue 14): annotate <= 3 x (validate + load and save).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_new import alternate, make_plan  # noqa: E402

from marketing_tracker import plan_from_dict, write_tracker  # noqa: E402

AS_OF = "2024-12-31"  # after the campaign's last day: every task is overdue, one finding each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--make", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # in a child process, so that the parent stays small (a child's peak memory counts its parent's)
        write_tracker(plan_from_dict(make_plan(args.tasks)), args.make, spare_rows=1)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tracker = Path(tmp) / "tracker.xlsx"
        subprocess.run([sys.executable, __file__, "--make", str(tracker), "--tasks", str(args.tasks)], check=True)
        annotate = [sys.executable, "-m", "marketing_tracker", "annotate", str(tracker), "-o",
                    str(Path(tmp) / "checked.xlsx"), "--as-of", AS_OF]
        validate = [sys.executable, "-m", "marketing_tracker", "validate", str(tracker), "--format", "json",
                    "--as-of", AS_OF]
        base = [sys.executable, str(HERE / "load_save_openpyxl.py"), str(tracker), str(Path(tmp) / "base.xlsx")]
        timings, memory = alternate({"annotate": annotate, "validate": validate, "base": base}, args.runs,
                                    ok_codes=(0, 1))  # 1: the tracker has errors
        findings = _count_findings(validate)
    median = {name: statistics.median(values) for name, values in timings.items()}
    budget = median["validate"] + median["base"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"tracker: {args.tasks} tasks, {findings} findings as of {AS_OF}; {args.runs} alternating runs, "
          "medians of whole processes")
    for name, label in (("annotate", "annotate               "), ("validate", "validate --format json "),
                        ("base", "openpyxl load + save   ")):
        print(f"{label}: {median[name]:6.2f} s  peak {max(memory[name]) / 1024:6.0f} MiB")
    print(f"ratio annotate / (validate + load and save): {median['annotate'] / budget:5.2f}  (target <= 3.0)")


def _count_findings(validate: list[str]) -> int:
    import json

    done = subprocess.run(validate, capture_output=True, check=False)
    return sum(len(item.get("findings", [])) for item in json.loads(done.stdout)["files"])


if __name__ == "__main__":
    main()
