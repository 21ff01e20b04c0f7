"""Baseline for bench_validate.py: load the tasks sheet of a tracker with python-calamine, nothing else.

    python bench/bare_calamine.py TRACKER.xlsx SHEET
"""

from __future__ import annotations

import sys

import python_calamine


def main(path: str, sheet: str) -> None:
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    print(len(rows))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
