"""Benchmark `marketing-tracker new` on a 5,000-task plan against a bare xlsxwriter baseline.

    python bench/bench_new.py [--tasks 5000] [--runs 7]

Both sides are whole processes (interpreter start, imports, YAML load, write), run
alternately so that machine noise hits both alike; the medians and their ratio are
printed with the peak memory of each. Target (issue 2): ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def make_plan(tasks: int, seed: int = 7) -> dict[str, object]:
    """A plausible large campaign: 90 days, four phases, 40 people, dependencies and budgets."""
    rng = random.Random(seed)
    start = date(2024, 4, 1)
    phases = [("prep", "M", 0, 26), ("warmup", "P", 27, 44), ("execution", "E", 45, 76), ("wrapup", "C", 77, 89)]
    people = [{"name": f"Person {i:02d}", "department": f"Dept {i % 7}"} for i in range(40)]
    rows = []
    for i in range(tasks):
        key, prefix, first, last = phases[i * len(phases) // tasks]
        begin = start + timedelta(days=rng.randint(first, last))
        end = min(begin + timedelta(days=rng.randint(0, 6)), start + timedelta(days=last))
        task: dict[str, object] = {
            "id": f"{prefix}{i:05d}", "name": f"Task number {i} for the big campaign", "phase": key,
            "owner": people[rng.randrange(40)]["name"], "accountable": people[rng.randrange(40)]["name"],
            "start": begin, "end": end, "budget": rng.randint(0, 50) * 1000,
        }
        if i and rng.random() < 0.5:  # wait for a recent task that ends before this one starts, as plans do
            earlier = [r for r in rows[max(0, i - 50):i] if r["end"] < begin]  # type: ignore[operator]
            if earlier:
                task["depends_on"] = [rng.choice(earlier)["id"]]
        rows.append(task)
    return {
        "campaign": {"name": "Big campaign", "start": start, "end": start + timedelta(days=89), "locale": "zh-CN"},
        "phases": [{"key": k, "start": start + timedelta(days=a), "end": start + timedelta(days=b)} for k, _p, a, b in phases],
        "people": people,
        "tasks": rows,
    }


@functools.cache
def _bytecode_cache() -> str:
    """Where measured processes keep their bytecode: as an installed package runs, compiled once.

    pip compiles a package's modules when it installs it, and a first run writes the cache of an
    editable install; a machine that sets PYTHONDONTWRITEBYTECODE (this project's sandboxes do)
    would otherwise have every run of ours compile some fifty modules again (0.02-0.1 s a command),
    which no user pays and the baselines (xlsxwriter, python-calamine: compiled) do not either.
    The cache is a temporary folder of this run, filled by the warm-up runs; the tree stays clean.
    """
    folder = tempfile.mkdtemp(prefix="mt-bench-pycache-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def measure(command: list[str], ok_codes: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one whole process (bytecode cached: see _bytecode_cache)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = _bytecode_cache()
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) not in ok_codes:
        raise SystemExit(f"failed: {' '.join(command)}: {process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss


def alternate(commands: dict[str, list[str]], runs: int, ok_codes: tuple[int, ...] = (0,)
              ) -> tuple[dict[str, list[float]], dict[str, list[int]]]:
    """Run each command once to warm caches, then ``runs`` times in turn; wall seconds and peak KiB of each."""
    env_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
    for command in commands.values():
        measure(command, ok_codes)
    timings: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            seconds, peak = measure(command, ok_codes)
            timings[name].append(seconds)
            memory[name].append(peak)
    return timings, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline-gc-paused", action="store_true",
                        help="pause the baseline's garbage collector too, as the generator does (stricter)")
    parser.add_argument("--make", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # in a child process, so that the parent stays small (a child's peak memory counts its parent's)
        Path(args.make).write_text(yaml.safe_dump(make_plan(args.tasks), allow_unicode=True, sort_keys=False),
                                   encoding="utf-8")
        return
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.yaml"
        subprocess.run([sys.executable, __file__, "--make", str(plan), "--tasks", str(args.tasks)], check=True)
        ours = [sys.executable, "-m", "marketing_tracker", "new", str(plan), "-o", str(Path(tmp) / "ours.xlsx")]
        base = [sys.executable, str(HERE / "baseline_write.py"), str(plan), str(Path(tmp) / "base.xlsx")]
        if args.baseline_gc_paused:
            base.append("--gc-paused")
        timings, memory = alternate({"ours": ours, "base": base}, args.runs)
    ours_s, base_s = statistics.median(timings["ours"]), statistics.median(timings["base"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"plan: {args.tasks} tasks; {args.runs} alternating runs each, median wall time of whole processes")
    print(f"marketing-tracker new : {ours_s:6.2f} s  peak {max(memory['ours']) / 1024:6.0f} MiB")
    label = "baseline, gc paused" if args.baseline_gc_paused else "baseline (xlsxwriter)"
    print(f"{label:<22}: {base_s:6.2f} s  peak {max(memory['base']) / 1024:6.0f} MiB")
    print(f"ratio                 : {ours_s / base_s:6.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
