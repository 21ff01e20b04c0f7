"""The three weeks typed into a real LibreOffice (as a person types: setFormula) and saved as .xlsx, .ods and .xls,
then stored in SQLite and in PostgreSQL: status, remind and the recap's trends give the figures worked out by hand
in test_history.py and test_history_trends.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import LibreOffice, run_cli
from .history_weeks import lo_job, make_tracker
from .test_history import EXPECTED_STATUS
from .test_history_trends import EXPECTED_TRENDS

FORMATS = {1: ("xlsx", "Calc MS Excel 2007 XML"), 2: ("ods", "calc8"), 3: ("xls", "MS Excel 97")}


@pytest.fixture(scope="module")
def typed_weeks(libreoffice: LibreOffice, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("lo-weeks")
    blank = make_tracker(folder)
    copies = []
    for week, (suffix, name) in FORMATS.items():
        target = folder / f"week{week}.{suffix}"
        libreoffice.run(lo_job(blank, week, [{"path": str(target), "filter": name}]))
        copies.append(target)
    return copies


@pytest.mark.libreoffice
def test_status_of_weeks_typed_in_libreoffice(typed_weeks: list[Path], history_url: str) -> None:
    stored = run_cli("snapshot", *map(str, typed_weeks), "--db", history_url)
    assert stored.returncode == 0, stored.stderr
    done = run_cli("status", "--db", history_url, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == EXPECTED_STATUS


@pytest.mark.libreoffice
def test_remind_of_the_xls_saved_by_libreoffice(typed_weeks: list[Path]) -> None:
    done = run_cli("remind", str(typed_weeks[2]), "--format", "json")
    report: dict[str, Any] = json.loads(done.stdout)
    assert report == {"as_of": "2025-03-21", "owners": EXPECTED_STATUS["reminders"]}


@pytest.mark.libreoffice
def test_recap_trends_of_weeks_typed_in_libreoffice(typed_weeks: list[Path], history_url: str, tmp_path: Path) -> None:
    assert run_cli("snapshot", *map(str, typed_weeks), "--db", history_url).returncode == 0
    out = tmp_path / "figures.json"
    done = run_cli("recap", str(typed_weeks[2]), "--json", str(out), "--db", history_url)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["trends"] == EXPECTED_TRENDS
