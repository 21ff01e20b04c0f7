"""The tests' own helper (tests/cells.py) finds columns by their header labels, past column Z too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl.utils import get_column_letter

from marketing_tracker import Campaign, Person, Plan, Task, write_tracker
from marketing_tracker.core.schema import TASKS

from .cells import headers, info_cells

PEOPLE = [f"P{n:02d}" for n in range(30)]  # the RACI sheet's people columns run from C to AF


def test_columns_are_found_past_z_and_in_either_language(tmp_path: Path) -> None:
    plan = Plan(Campaign("Wide", date(2025, 3, 1), date(2025, 3, 31), locale="en"), people=[Person(p) for p in PEOPLE],
                tasks=[Task("M001", "Brief", "prep", "P00", "P01")])
    at = headers(write_tracker(plan, tmp_path / "wide.xlsx"))
    assert at["raci"].locale == "en"
    assert [at["raci"].letter(f"person:{p}") for p in ("P00", "P23", "P24", "P29")] == ["C", "Z", "AA", "AF"]
    assert at["raci"].key_at("AA7") == "person:P24"
    # the letters the schema's order gives (K12 and Y: 23 columns, the last two the baseline, a spacer, the strip)
    assert at["tasks"].cell("status", 12) == f"{get_column_letter([c.key for c in TASKS.columns].index('status') + 1)}12"
    assert at["tasks"].day(date(2025, 3, 1)) == get_column_letter(len(TASKS.columns) + 2)


def test_campaign_info_values_are_found_beside_their_labels(tmp_path: Path) -> None:
    plan = Plan(Campaign("Wide", date(2025, 3, 1), date(2025, 3, 31)), tasks=[])
    cells = info_cells(write_tracker(plan, tmp_path / "info.xlsx"))
    assert (cells["name"], cells["as_of_input"], cells["as_of"]) == ("B3", "B8", "B9")
