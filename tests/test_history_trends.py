"""Trends in the recap (``recap --db``): one point per snapshot, in the JSON, the workbook's charts and the page's SVG.

The campaign is tests/history_weeks.py (copies of weeks 1-3, status dates 2025-03-07, 03-14, 03-21), in SQLite and
in a real PostgreSQL. The hand reckoning is beside each expected value.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine, text

from marketing_tracker.core.words import RECAP_SECTIONS, RECAP_TEXT
from marketing_tracker.history import History
from marketing_tracker.history.trends import campaign_trends, trend_source
from marketing_tracker.reports.recap import TrendPoint
from marketing_tracker.reports.run import run_recap

from .conftest import LibreOffice, run_cli
from .history_weeks import CAMPAIGN, PLAN, fill_openpyxl
from .pages import visit

# Tasks: M001 03-03..03-05, M002 ..03-09, E001 ..03-16, E002 ..03-18 (03-20 from week 2), E003 ..03-21, E004 ..03-20,
# C001 ..03-28 (03-29 in week 3).
EXPECTED_TRENDS: list[dict[str, Any]] = [
    # 03-07: M001 done (and the only one planned to end by then, 03-05); M002 (ends 03-09) is not due yet.
    {"snapshot": 1, "status_date": "2025-03-07", "tasks": 7, "done": 1, "planned_done": 1, "days_late": 0,
     "planned_finish": "2025-03-28"},
    # 03-14: M001 and M002 done, both planned by then; M002 finished 03-11, two days after its planned 03-09.
    {"snapshot": 2, "status_date": "2025-03-14", "tasks": 7, "done": 2, "planned_done": 2, "days_late": 2,
     "planned_finish": "2025-03-28"},
    # 03-21: + E004 done; planned by then: M001 M002 E001 E002 E003 E004 (6). Late: M002 2, E001 open since 03-16: 5,
    # E002 open since 03-20: 1 (E004 finished on its planned day): 8. C001 now ends 03-29.
    {"snapshot": 3, "status_date": "2025-03-21", "tasks": 7, "done": 3, "planned_done": 6, "days_late": 8,
     "planned_finish": "2025-03-29"},
]


def _recap_json(copy: Path, folder: Path, *db: str) -> dict[str, Any]:
    out = folder / "figures.json"
    done = run_cli("recap", str(copy), "--json", str(out), *(("--db", *db) if db else ()))
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def other_campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another campaign (same plan, another name), as of its first week."""
    folder = tmp_path_factory.mktemp("summer")
    plan = folder / "summer.yaml"
    plan.write_text(PLAN.replace(CAMPAIGN, "Week Test Summer"), encoding="utf-8")
    blank = folder / "summer.xlsx"
    assert run_cli("new", str(plan), "-o", str(blank)).returncode == 0
    return fill_openpyxl(blank, 1, folder / "summer-week1.xlsx")


@pytest.fixture(scope="module")
def stored(weeks: list[Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The three weeks in a SQLite history, for the tests that read it only."""
    url = f"sqlite:///{tmp_path_factory.mktemp('trends') / 'h.db'}"
    assert run_cli("snapshot", *map(str, weeks), "--db", url).returncode == 0
    return url


# --------------------------------------------------------------------------- the figures


def test_the_recap_json_has_a_point_per_snapshot(weeks: list[Path], history_url: str, tmp_path: Path) -> None:
    assert run_cli("snapshot", *map(str, weeks), "--db", history_url).returncode == 0
    assert _recap_json(weeks[2], tmp_path, history_url)["trends"] == EXPECTED_TRENDS


def test_the_command_says_how_many_snapshots_the_trends_come_from(weeks: list[Path], stored: str, tmp_path: Path) -> None:
    done = run_cli("recap", str(weeks[2]), "--json", str(tmp_path / "f.json"), "--db", stored)
    assert done.stdout.splitlines()[1] == "trends: 3 snapshots of the campaign in the history"


def test_a_recap_as_of_an_earlier_week_leaves_the_later_snapshots_out(weeks: list[Path], stored: str,
                                                                       tmp_path: Path) -> None:
    assert _recap_json(weeks[1], tmp_path, stored)["trends"] == EXPECTED_TRENDS[:2]  # as of 03-14: weeks 1 and 2


def test_the_python_api_gives_the_same_points(weeks: list[Path], stored: str) -> None:
    with History(stored, create=False) as history:
        points = campaign_trends(history, CAMPAIGN, date(2025, 3, 3))
        _written, figures = run_recap([weeks[2]], trends=trend_source(history))
    assert points[1] == TrendPoint(snapshot=2, status_date=date(2025, 3, 14), tasks=7, done=2, planned_done=2, days_late=2,
                                   planned_finish=date(2025, 3, 28))
    assert figures.trends == points
    assert figures.frames()["trends"]["done"].tolist() == [1, 2, 3]


def test_the_values_of_many_snapshots_are_the_values_they_load_with(weeks: list[Path], history_url: str) -> None:
    with History(history_url) as history:
        ids = [history.add(week).id for week in weeks]
        assert dict(history.table_values(ids, "tasks")) == {
            i: [r.values for r in history.load(i).records("tasks")] for i in ids}


def test_another_campaign_start_is_another_campaign(stored: str) -> None:
    with History(stored, create=False) as history:
        assert campaign_trends(history, CAMPAIGN, date(2025, 3, 4)) == []


def test_without_a_snapshot_of_the_campaign_the_outputs_are_as_without_a_history(
        weeks: list[Path], other_campaign: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    assert run_cli("snapshot", str(other_campaign), "--db", url).returncode == 0
    outputs = {}
    for name, db in (("plain", ()), ("db", ("--db", url))):
        folder = tmp_path / name
        folder.mkdir()
        done = run_cli("recap", str(weeks[2]), "-o", str(folder / "r.xlsx"), "--html", str(folder / "r.html"),
                       "--json", str(folder / "r.json"), *db)
        assert done.returncode == 0, done.stderr
        outputs[name] = [(folder / f).read_bytes() for f in ("r.xlsx", "r.html", "r.json")]
    assert outputs["db"] == outputs["plain"]
    assert "trends" not in json.loads(outputs["db"][2])


# --------------------------------------------------------------------------- bad input


def test_an_unreachable_database_is_one_line_and_writes_nothing(weeks: list[Path], tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@/mt?host={tmp_path}"
    done = run_cli("recap", str(weeks[2]), "--json", str(tmp_path / "f.json"), "--db", url)
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)
    shown = f"postgresql+psycopg://postgres@/mt?host={str(tmp_path).replace('/', '%2F')}"
    assert done.stderr.startswith(f"marketing-tracker: error: {shown}: cannot open the history database (connection is bad")
    assert not (tmp_path / "f.json").exists()


def test_a_missing_history_file_is_one_line_and_none_is_created(weeks: list[Path], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    done = run_cli("recap", str(weeks[2]), "--json", str(tmp_path / "f.json"), "--db", url)
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"marketing-tracker: error: {url}: no history there yet (store copies with: marketing-tracker snapshot FILE)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_database_of_a_newer_schema_is_one_line(weeks: list[Path], history_url: str, tmp_path: Path) -> None:
    assert run_cli("snapshot", str(weeks[0]), "--db", history_url).returncode == 0
    engine = create_engine(history_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    done = run_cli("recap", str(weeks[2]), "--json", str(tmp_path / "f.json"), "--db", history_url)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("marketing-tracker: error: the history database has schema version 0099_future, newer than "
                           "this marketing-tracker knows (0002_meta_once): upgrade marketing-tracker to use it\n")
    assert not (tmp_path / "f.json").exists()


# --------------------------------------------------------------------------- the workbook


@pytest.fixture(scope="module")
def outputs(weeks: list[Path], stored: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("trend-outputs")
    done = run_cli("recap", str(weeks[2]), "-o", str(folder / "recap.xlsx"), "--html", str(folder / "recap.html"),
                   "--db", stored)
    assert done.returncode == 0, done.stderr
    return {"xlsx": folder / "recap.xlsx", "html": folder / "recap.html"}


def test_the_workbook_gains_a_trends_sheet_after_the_summary(outputs: dict[str, Path]) -> None:
    names = openpyxl.load_workbook(outputs["xlsx"], read_only=True).sheetnames
    assert names[:3] == ["Summary", "Trends", "Phases"]
    assert len(names) == 11


def test_the_trends_sheet_lists_the_points(outputs: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(outputs["xlsx"])[RECAP_SECTIONS["trends"].en]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == RECAP_TEXT["status_date"].en)
    header = [c.value for c in sheet[header_row] if c.value]
    rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in sheet.iter_rows(min_row=header_row + 1)
            if row[0].value is not None]
    words = {key: RECAP_TEXT[key].en for key in ("status_date", "done", "planned_done", "days_late_total", "planned_finish")}
    assert [[r[words[k]] for k in words] for r in rows] == [
        [p["status_date"], p["done"], p["planned_done"], p["days_late"], p["planned_finish"]]
        for p in ({**e, "status_date": _dt(e["status_date"]), "planned_finish": _dt(e["planned_finish"])}
                  for e in EXPECTED_TRENDS)]


def _dt(day: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(day)


def test_the_trends_sheet_carries_three_native_charts(outputs: dict[str, Path]) -> None:
    with zipfile.ZipFile(outputs["xlsx"]) as archive:
        book = archive.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', book)
        trends = next(n for name, n in sheets if name == "Trends")
        rels = archive.read(f"xl/worksheets/_rels/sheet{trends}.xml.rels").decode()
        drawing = re.search(r'Target="../drawings/(drawing\d+\.xml)"', rels)
        assert drawing is not None
        chart_files = re.findall(r'Target="../charts/(chart\d+\.xml)"',
                                 archive.read(f"xl/drawings/_rels/{drawing.group(1)}.rels").decode())
        kinds = [re.findall(r"<c:(barChart|lineChart)>", archive.read(f"xl/charts/{c}").decode()) for c in chart_files]
        titles = [re.findall(r"<a:t>([^<]+)</a:t>", archive.read(f"xl/charts/{c}").decode())[0] for c in chart_files]
    assert kinds == [["lineChart"], ["barChart"], ["lineChart"]]  # burn-up, days late (columns), planned finish
    assert titles == [RECAP_TEXT[k].en for k in ("burnup_chart", "days_late_chart", "finish_chart")]


# --------------------------------------------------------------------------- the page in a real Chromium


def test_the_page_gains_a_trends_section_with_three_svg_charts(outputs: dict[str, Path]) -> None:
    page = outputs["html"].read_text(encoding="utf-8")
    assert re.findall(r'<svg class="chart trend" id="([a-z-]+)"', page) == ["burnup", "days-late", "planned-finish"]


@pytest.mark.chromium
def test_chromium_draws_the_trend_charts_with_no_errors_and_no_requests(outputs: dict[str, Path], chromium: Any) -> None:
    seen = visit(chromium, outputs["html"])
    tab = seen.tab
    assert seen.quiet == ([], [outputs["html"].as_uri()], 0)
    assert tab.locator("#trends h2").inner_text() == "Trends"
    # Each burn-up dot says its point; the dots go left to right and up (1, 2, 3 done of 7).
    dots = tab.locator("#burnup circle.done")
    assert [dots.nth(i).locator("title").text_content() for i in range(dots.count())] == [
        "2025-03-07: 1 Done / 1 Planned done", "2025-03-14: 2 Done / 2 Planned done", "2025-03-21: 3 Done / 6 Planned done"]
    boxes = [dots.nth(i).bounding_box() for i in range(dots.count())]
    assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
    assert boxes[0]["y"] > boxes[1]["y"] > boxes[2]["y"]
    # The days-late bars: 0, 2, 8 days, their heights in that proportion (8 is the tallest).
    bars = tab.locator("#days-late rect")
    assert [bars.nth(i).locator("title").text_content() for i in range(bars.count())] == [
        "2025-03-07: 0", "2025-03-14: 2", "2025-03-21: 8"]
    heights = [float(bars.nth(i).get_attribute("height") or "") for i in range(bars.count())]
    assert (heights[0], round(heights[2] / heights[1], 6)) == (0.0, 4.0)
    finish = tab.locator("#planned-finish circle title")
    assert [finish.nth(i).text_content() for i in range(finish.count())] == [
        "2025-03-07: 2025-03-28", "2025-03-14: 2025-03-28", "2025-03-21: 2025-03-29"]
    for chart in ("#burnup", "#days-late", "#planned-finish"):  # every chart drawn inside the page's width
        box = tab.locator(chart).bounding_box()
        assert box is not None and box["width"] > 300 and box["x"] + box["width"] <= 1000
    phone = chromium.new_page(viewport={"width": 390, "height": 844})
    phone.goto(outputs["html"].as_uri())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    tab.close()
    phone.close()


# --------------------------------------------------------------------------- on paper


@pytest.mark.libreoffice
def test_the_trends_sheet_prints_with_every_chart_whole(outputs: dict[str, Path], libreoffice: LibreOffice) -> None:
    from .test_printing import by_sheet, check_pages, pages

    texts = pages(libreoffice, outputs["xlsx"])
    check_pages(texts)  # no "###", no empty page
    counts = by_sheet(texts, CAMPAIGN, openpyxl.load_workbook(outputs["xlsx"], read_only=True).sheetnames)
    trend_pages = [t for t in texts if t.splitlines()[0].endswith("Trends")]
    titles = [RECAP_TEXT[k].en for k in ("burnup_chart", "days_late_chart", "finish_chart")]
    # The table and the burn-up on the first page; a break before the days-late chart, which would have been cut.
    # Each chart's title (at its top) and its date axis' last day (at its bottom) print on the same page.
    assert counts["Trends"] == 2
    assert [[title for title in titles if title in page] for page in trend_pages] == [titles[:1], titles[1:]]
    assert [page.count("3/21") for page in trend_pages] == [1, 2]
