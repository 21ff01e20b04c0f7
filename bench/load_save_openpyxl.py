"""Baseline for bench_annotate.py: load a workbook with openpyxl and save it again, nothing else.

    python bench/load_save_openpyxl.py TRACKER.xlsx OUT.xlsx
"""

from __future__ import annotations

import sys
import warnings

import openpyxl


def main(source: str, target: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same notes annotate silences
        book = openpyxl.load_workbook(source, keep_links=True)
    book.save(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
