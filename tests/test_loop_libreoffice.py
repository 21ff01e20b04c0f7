"""The tracker travels through a real LibreOffice: what it was issued with survives, copies merge and re-plan.

Copies are typed into with ``setFormula`` (as a person types) and saved as .xlsx, .ods and .xls.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from marketing_tracker import load_plan, read_tracker, write_tracker
from marketing_tracker.issued import decode
from marketing_tracker.schema import TASKS

from .conftest import PLAN_618, LibreOffice

FILTERS = {".xlsx": "Calc MS Excel 2007 XML", ".ods": "calc8", ".xls": "MS Excel 97"}
TASKS_SHEET = TASKS.title.zh


def letter(key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(TASKS.index(key) + 1)


@pytest.mark.parametrize("suffix", sorted(FILTERS))
def test_a_copy_edited_in_libreoffice_keeps_what_it_was_issued_with(tmp_path: Path, libreoffice: LibreOffice,
                                                                   suffix: str) -> None:
    issued = write_tracker(load_plan(PLAN_618), tmp_path / "618.xlsx")
    saved = tmp_path / f"edited{suffix}"
    libreoffice.run({"input": str(issued), "unprotect": [TASKS_SHEET],
                     "type": [{"sheet": TASKS_SHEET, "cell": f"{letter('progress')}4", "value": "60"},
                              {"sheet": TASKS_SHEET, "cell": f"{letter('risk')}4", "value": "物料延误(供应商)"}],
                     "save": [{"path": str(saved), "filter": FILTERS[suffix]}]})
    edited = read_tracker(saved)
    assert edited.tables["tasks"].records[0].values["progress"] == 60
    assert decode(edited.meta) == decode(read_tracker(issued).meta)
