"""Property test: trackers mutated the way careless or hostile editing would never crash the public API.

Random values of any type in random cells, deleted rows and columns, renamed sheets and
shuffled headers: reading and validating either answers with findings or refuses the
file with UnreadableFile; every finding has a known code and, when it names a cell, a
real address inside its sheet; no more tasks are read than the rows present.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

from marketing_tracker import CODES, load_plan, read_tracker, validate, write_tracker
from marketing_tracker.reading.container import UnreadableFile

from .conftest import PLAN_618

VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=40),
    st.sampled_from(["=1/0", "+cmd", "@SUM(A1)", "已完成", "Done", "60%", "5月1日", "#REF!", "下周"]),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 1, 1)), st.dates(date(1900, 3, 1), date(2100, 1, 1)),
)
EDIT = st.one_of(
    st.tuples(st.just("set"), st.integers(1, 40), st.integers(1, 30), VALUES),
    st.tuples(st.just("delete_rows"), st.integers(1, 20), st.integers(1, 5)),
    st.tuples(st.just("delete_cols"), st.integers(1, 25), st.integers(1, 3)),
    st.tuples(st.just("rename"), st.text(alphabet="abcXYZ数据表 ", min_size=1, max_size=20)),
    st.tuples(st.just("shuffle_headers"), st.randoms(use_true_random=False)),
)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tracker(load_plan(PLAN_618), tmp_path_factory.mktemp("fuzz") / "clean.xlsx")


def mutate(source: Path, target: Path, edits: list[tuple[Any, ...]], sheet_index: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source)
    sheet = book.worksheets[sheet_index % len(book.worksheets)]
    for edit in edits:
        if edit[0] == "set":
            cell = sheet.cell(edit[1], edit[2])
            if not isinstance(cell, MergedCell):  # a person types into a merged range's first cell only
                cell.value = edit[3]
        elif edit[0] == "delete_rows":
            sheet.delete_rows(edit[1], edit[2])
        elif edit[0] == "delete_cols":
            sheet.delete_cols(edit[1], edit[2])
        elif edit[0] == "rename":
            name = re.sub(r"[\[\]:*?/\\]", "", edit[1])[:31].strip() or "x"
            if name not in book.sheetnames:
                sheet.title = name
        elif edit[0] == "shuffle_headers":
            headers = [c.value for c in sheet[3]]
            edit[1].shuffle(headers)
            for cell, value in zip(sheet[3], headers, strict=True):
                if not isinstance(cell, MergedCell):
                    cell.value = value
    book.save(target)


@settings(max_examples=int(os.environ.get("MT_FUZZ_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(EDIT, min_size=1, max_size=8), st.integers(0, 9))
def test_mutated_trackers_never_crash_the_api(clean: Path, edits: list[tuple[Any, ...]], sheet_index: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.xlsx"
        mutate(clean, path, edits, sheet_index)
        try:
            tracker = read_tracker(path)
        except UnreadableFile:
            return
        findings = validate(tracker, as_of=date(2024, 6, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True)
        for finding in findings:
            assert finding.code in CODES
            if finding.cell:
                match = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", finding.cell)
                assert match, finding
                assert finding.sheet in book.sheetnames, finding
                assert int(match.group(2)) <= (book[finding.sheet].max_row or 0) + 1, finding
            assert finding.message("en") and finding.message("zh-CN")
        table = tracker.tables.get("tasks")
        if table is not None:
            assert len(table.records) <= (book[table.sheet].max_row or 0)
