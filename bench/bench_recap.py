"""Benchmark the recap of a filled 20,000-task tracker to both formats, and the size of the page.

    python bench/bench_recap.py [--tasks 20000] [--runs 3]

Times whole `marketing-tracker recap FILE -o recap.xlsx --html recap.html` processes (reading,
checking, computing, writing both) and prints the median, the peak memory and the HTML
size. Targets (issue 4): under 5 s, and an HTML page under 2 MB.
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
from bench_validate import AS_OF, filled_rows  # noqa: E402

from marketing_tracker import plan_from_dict, write_tracker  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--make", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # in a child process, so that the parent stays small
        data = make_plan(args.tasks)
        write_tracker(plan_from_dict(data), args.make, records={"tasks": filled_rows(data)}, spare_rows=1)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tracker, html = Path(tmp) / "filled.xlsx", Path(tmp) / "recap.html"
        subprocess.run([sys.executable, __file__, "--make", str(tracker), "--tasks", str(args.tasks)], check=True)
        command = [sys.executable, "-m", "marketing_tracker", "recap", str(tracker), "-o", str(Path(tmp) / "recap.xlsx"),
                   "--html", str(html), "--as-of", AS_OF.isoformat()]
        timings, memory = alternate({"recap": command}, args.runs)
        size = html.stat().st_size
    seconds = statistics.median(timings["recap"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"tracker: {args.tasks} filled tasks; {args.runs} runs, median wall time of whole processes")
    print(f"recap to xlsx + html : {seconds:6.2f} s  peak {max(memory['recap']) / 1024:6.0f} MiB  (target < 5 s)")
    print(f"html size            : {size / 1e6:6.2f} MB  (target < 2 MB)")


if __name__ == "__main__":
    main()
