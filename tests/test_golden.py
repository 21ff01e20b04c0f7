"""Golden workbooks: the generator's output for the sample plans, compared part by part.

Like XlsxWriter's own tests, each XML part is split at tag boundaries and compared as a
list, so a failure names the part and the first element that differs. The output is
byte-stable (fixed document dates, fixed zip timestamps), so nothing is masked.

To refresh after an intended change, regenerate and review the diff of the parts:

    MT_REFRESH_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from marketing_tracker import load_plan, write_tracker

from .conftest import GOLDEN, PLAN_618, PLAN_SPRING

CASES = {
    "618.zh-CN.xlsx": (PLAN_618, "zh-CN"),
    "618.en.xlsx": (PLAN_618, "en"),
    "spring-launch.en.xlsx": (PLAN_SPRING, "en"),
}


def xml_elements(data: bytes) -> list[str]:
    text = data.decode("utf-8").strip()
    return [e if e.startswith("<") else "<" + e for e in re.split(r">\s*<", text)]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_workbook_matches_the_golden_file(tmp_path: Path, name: str) -> None:
    plan_path, locale = CASES[name]
    got = write_tracker(load_plan(plan_path), tmp_path / name, locale=locale)  # type: ignore[arg-type]
    expected = GOLDEN / name
    if os.environ.get("MT_REFRESH_GOLDEN"):
        shutil.copyfile(got, expected)
    got_parts, expected_parts = parts(got), parts(expected)
    assert sorted(got_parts) == sorted(expected_parts)
    for part, data in expected_parts.items():
        if part.endswith((".xml", ".rels")):
            assert xml_elements(got_parts[part]) == xml_elements(data), part
        else:
            assert got_parts[part] == data, part


def test_the_same_plan_gives_the_same_bytes(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    first = write_tracker(plan, tmp_path / "a.xlsx").read_bytes()
    second = write_tracker(plan, tmp_path / "b.xlsx").read_bytes()
    assert first == second


def test_document_dates_are_the_campaign_start(tmp_path: Path) -> None:
    core = parts(write_tracker(load_plan(PLAN_618), tmp_path / "a.xlsx"))["docProps/core.xml"].decode()
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-05-01T00:00:00Z</dcterms:created>" in core
