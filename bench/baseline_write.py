"""Baseline for bench_new.py: load the same YAML plan and write the same task cells, nothing else.

    python bench/baseline_write.py PLAN.yaml OUT.xlsx [--gc-paused]

``--gc-paused`` gives the baseline the same garbage-collector pause the generator uses,
for the stricter comparison.
"""

from __future__ import annotations

import gc
import sys
from datetime import datetime, time

import xlsxwriter
import yaml


def main(plan_path: str, out: str) -> None:
    with open(plan_path, "rb") as handle:
        plan = yaml.load(handle.read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet("Tasks")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for row, task in enumerate(plan["tasks"], start=3):
        ws.write_string(row, 0, str(task["id"]))
        ws.write_string(row, 1, task["name"])
        ws.write_string(row, 3, task["phase"])
        ws.write_string(row, 4, task.get("owner", ""))
        ws.write_datetime(row, 5, datetime.combine(task["start"], time()), date_format)
        ws.write_datetime(row, 6, datetime.combine(task["end"], time()), date_format)
        ws.write_number(row, 9, 0)
        ws.write_string(row, 10, "未开始")
        ws.write_string(row, 15, ",".join(task.get("depends_on", [])))
        if task.get("budget") is not None:
            ws.write_number(row, 16, task["budget"])
    book.close()


if __name__ == "__main__":
    if "--gc-paused" in sys.argv:
        gc.disable()
    main(sys.argv[1], sys.argv[2])
