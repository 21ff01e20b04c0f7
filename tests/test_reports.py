"""The recap workbook and the HTML recap: same figures, native charts, nothing fetched, text escaped."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from marketing_tracker import Plan, load_plan, read_tracker, write_tracker
from marketing_tracker.core.words import RECAP_TEXT
from marketing_tracker.demo import SAMPLE_AS_OF, sample_records
from marketing_tracker.reports.html import recap_html, write_recap_html
from marketing_tracker.reports.recap import Recap, recap
from marketing_tracker.reports.xlsx import write_recap_xlsx

from .conftest import PLAN_618, LibreOffice, run_cli
from .pages import visit

HOSTILE = '<script>alert("x")</script>'


def figures_of(plan: Plan, folder: Path, **changes: Any) -> Recap:
    records = sample_records(plan)
    for row in records["tasks"]:
        row.update(changes.get(row["task_id"], {}))
    path = write_tracker(plan, folder / "filled.xlsx", records=records)
    return recap(read_tracker(path), as_of=SAMPLE_AS_OF)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Recap:
    return figures_of(load_plan(PLAN_618), tmp_path_factory.mktemp("figures"))


@pytest.fixture(scope="module")
def workbook(figures: Recap, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_recap_xlsx(figures, tmp_path_factory.mktemp("xlsx") / "recap.xlsx")


@pytest.fixture(scope="module")
def page(figures: Recap, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_recap_html(figures, tmp_path_factory.mktemp("html") / "recap.html")


def test_the_workbook_has_a_sheet_per_section_in_the_trackers_language(workbook: Path) -> None:
    names = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    assert names == ["复盘概览", "阶段", "负责人与部门", "延期分析", "里程碑", "关键指标", "预算", "问题", "数据质量", "全部任务"]


def test_the_workbook_carries_native_charts(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        charts = [n for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
        kinds = [re.findall(r"<c:(barChart|lineChart|areaChart)>", archive.read(n).decode()) for n in charts]
    # phases: planned and actual Gantt (stacked bars); delays: Pareto (columns + line); KPIs: achievement bars
    # and a cumulative-vs-pace line per summed KPI with data (3); budget: variance columns
    assert len(charts) == 8
    assert sum("lineChart" in k for k in kinds) == 4


def test_the_workbook_numbers_are_the_figures(workbook: Path, figures: Recap) -> None:
    book = openpyxl.load_workbook(workbook)
    summary = book["复盘概览"]
    values = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, 30)}
    assert values["完成率"] == figures.overall["completion_rate"]
    assert values["按时完成率"] == 0.75
    assert values["最长延期(天)"] == 5
    assert (values["平均延期(天)"], summary.cell(next(r for r in range(1, 30) if summary.cell(r, 1).value == "平均延期(天)"),
                                              2).number_format) == (2.3, "0.0")
    kpis = book["关键指标"]
    actual = [c.value for c in kpis[3]].index(RECAP_TEXT["actual"].get("zh-CN")) + 1  # the column headed 实际
    assert [kpis.cell(r, actual).value for r in range(4, 8)] == [k["actual"] for k in figures.kpis]


def test_the_delay_causes_shares_are_numbers_shown_as_percentages(workbook: Path, figures: Recap) -> None:
    sheet = openpyxl.load_workbook(workbook)["延期分析"]
    header = next(r for r in range(1, 40) if sheet.cell(r, 1).value == RECAP_TEXT["cause"].get("zh-CN"))
    share = [c.value for c in sheet[header]].index(RECAP_TEXT["share"].get("zh-CN")) + 1
    cells = [sheet.cell(r, share) for r in range(header + 1, header + 1 + len(figures.delay_causes))]
    # 5 + 1 + 1 days late: 5/7, 1/7, 1/7 (numbers, not the text "0.7143" a numpy share was written as)
    assert [(c.value, c.number_format) for c in cells] == [(0.7143, "0%"), (0.1429, "0%"), (0.1429, "0%")]


def test_spreadsheet_text_never_becomes_a_formula(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    figures = figures_of(plan, tmp_path, M003={"name": "=HYPERLINK(\"http://x\",\"y\")", "risk": "+cmd|' /C calc'!A0"})
    book = openpyxl.load_workbook(write_recap_xlsx(figures, tmp_path / "r.xlsx"))
    delays = book["延期分析"]
    cells = [(c.coordinate, c.value, c.data_type) for row in delays.iter_rows() for c in row
             if isinstance(c.value, str) and c.value[:1] in "=+"]
    # M003's name and risk in the delay list (row 5), its cause in the Pareto (A11), its name among the pushed tasks (B32)
    assert cells == [("B5", '=HYPERLINK("http://x","y")', "s"), ("H5", "+cmd|' /C calc'!A0", "s"),
                     ("A11", "+cmd|' /C calc'!A0", "s"), ("B32", '=HYPERLINK("http://x","y")', "s")]


def test_the_json_figures_have_the_documented_keys(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    filled = write_tracker(plan, tmp_path / "filled.xlsx", records=sample_records(plan))
    out = tmp_path / "figures.json"
    done = run_cli("recap", str(filled), "--json", str(out), "--as-of", "2024-06-30")
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    # the keys of the table in docs/recap.md, no more and no fewer
    assert set(data) == {"campaign", "overall", "phases", "owners", "departments", "delays", "delay_causes", "pushed",
                         "milestones", "kpis", "budget", "issues", "findings", "tasks", "conflicts", "baseline"}
    assert set(data["overall"]) == {"tasks", "done", "in_progress", "not_started", "delayed", "blocked",
                                    "completion_rate", "on_time_rate", "late_tasks", "avg_delay_days", "max_delay_days",
                                    "expected_progress", "actual_progress", "health"}
    assert set(data["phases"][0]) == {"key", "label", "planned_start", "planned_end", "actual_start", "actual_end", "tasks",
                                      "done", "completion_rate", "on_time_rate", "delay_days"}
    assert set(data["owners"][0]) == {"name", "tasks", "done", "on_time", "late", "avg_delay_days", "open_issues"}
    assert set(data["delays"][0]) == {"id", "name", "phase", "phase_label", "owner", "planned_end", "actual_end", "days",
                                      "cause", "open"}
    assert set(data["kpis"][0]) == {"key", "name", "unit", "target", "actual", "achievement", "direction", "aggregate",
                                    "met", "series", "forecast"}
    assert set(data["budget"]) == {"planned", "actual", "variance", "variance_rate", "by_phase", "by_task"}
    assert data["delays"][0] == {**data["delays"][0], "id": "C001", "days": 5, "actual_end": None}
    # As of 2024-06-30 C001 (due 06-25) is still open; M002, M003 and M004 started before the task they wait for ended.
    assert data["findings"] == {"overdue": 1, "starts-before-dependency": 3}


def test_the_command_writes_every_output_and_says_so(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    filled = write_tracker(plan, tmp_path / "filled.xlsx", records=sample_records(plan))
    done = run_cli("recap", str(filled), "-o", str(tmp_path / "r.xlsx"), "--html", str(tmp_path / "r.html"),
                   "--as-of", "2024-06-30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "recap of 品牌618周年庆 as of 2024-06-30: 9 tasks, 89% done, 75% on time, 3 late"
    assert (tmp_path / "r.xlsx").is_file() and (tmp_path / "r.html").is_file()
    nothing = run_cli("recap", str(filled))
    assert nothing.returncode == 2
    assert nothing.stderr == ("marketing-tracker: error: say what to write: -o recap.xlsx, --html recap.html and/or "
                              "--json figures.json\n")


def test_several_copies_are_merged_before_the_recap(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618)
    records = sample_records(plan)
    first = {**records, "tasks": [dict(t) for t in records["tasks"]]}
    for row in first["tasks"][4:]:
        row.update(progress=0, status="not_started", actual_start=None, actual_end=None)
    second = write_tracker(plan, tmp_path / "b.xlsx", records=records)
    a = write_tracker(plan, tmp_path / "a.xlsx", records={k: ([{k2: v for k2, v in r.items() if v is not None}
                                                               for r in rows] if k == "tasks" else rows)
                                                          for k, rows in first.items()})
    done = run_cli("recap", str(a), str(second), "--json", str(tmp_path / "f.json"), "--as-of", "2024-06-30")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))["overall"]["done"] == 8


def test_the_page_escapes_spreadsheet_text(tmp_path: Path) -> None:
    figures = figures_of(load_plan(PLAN_618), tmp_path, M003={"name": HOSTILE, "risk": "<b>bold</b> & co"})
    html = recap_html(figures)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html


def test_the_page_names_nothing_to_fetch(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html
    assert "default-src 'none'" in html


class _Tables(HTMLParser):
    """The text of every table row of a page, cell by cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    tables = _Tables()
    tables.feed(html)
    return tables.rows


def test_the_page_shows_the_same_numbers(page: Path, figures: Recap) -> None:
    html = page.read_text(encoding="utf-8")
    cards = dict((label, value) for value, label in
                 re.findall(r'<div class="card"><div class="v">([^<]*)</div><div class="k">([^<]*)</div>', html))
    assert cards["完成率"] == f"{figures.overall['completion_rate'] * 100:.1f}%" == "88.9%"  # 8 of 9 tasks done
    assert cards["按时完成率"] == "75.0%"  # 6 of the 8 done tasks on time (M003 and P002 a day late)
    rows = table_rows(html)
    kpis = rows[rows.index(["指标", "目标", "实际", "达成率", "结论", "按当前速度预计"]) + 1:][:4]
    assert kpis == [["销售额 (万元)", "500", "480", "96.0%", "未达成", "–"],          # 480 / 500
                    ["新增会员 (人)", "10,000", "12,000", "120.0%", "达成", "–"],
                    ["品牌曝光量 (次)", "10,000,000", "6,000,000", "60.0%", "未达成", "–"],
                    ["直播转化率 (%)", "3", "3.50", "116.7%", "达成", "–"]]           # 3.5 / 3
    assert ["M003", "电商平台活动页搭建", "筹备期", "吴技术", "2024-05-12", "2024-05-13", "1", "延期1天(服务器调试)"] in rows
    assert '<div class="v">2.3 / 5</div>' in html  # the average days late, to one decimal


def test_a_rate_with_nothing_to_measure_is_a_dash_on_the_page(page: Path) -> None:
    rows = re.findall(r"<tr><td>收尾期</td>.*?</tr>", page.read_text(encoding="utf-8"))
    phase_row = rows[0]  # the phases table comes before the budget's
    assert re.findall(r'<td class="n">([^<]*)</td>', phase_row) == ["1", "0.0%", "–", "5"]


def test_a_rate_with_nothing_to_measure_is_a_dash_in_the_workbook(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["阶段"]
    header = [c.value for c in sheet[3]]
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == "收尾期")
    assert (row[header.index("完成率")], row[header.index("按时完成率")]) == (0, "–")


@pytest.mark.chromium
def test_chromium_renders_the_page_with_no_errors_and_no_requests(page: Path, chromium: Any, tmp_path: Path) -> None:
    seen = visit(chromium, page)
    tab = seen.tab
    assert seen.problems == []
    assert seen.requests == [page.as_uri()]
    # every SVG chart the page carries is drawn (seven for the sample)
    assert tab.locator("svg.chart").count() == len(re.findall(r'<svg[^>]* class="chart"', page.read_text("utf-8"))) == 7
    assert tab.locator("section").count() == 10
    shot = tmp_path / "recap.png"
    tab.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    tab.close()


@pytest.mark.chromium
def test_a_hostile_task_name_runs_nothing_in_chromium(chromium: Any, tmp_path: Path) -> None:
    figures = figures_of(load_plan(PLAN_618), tmp_path, M003={"name": HOSTILE})
    page = write_recap_html(figures, tmp_path / "r.html")
    tab = chromium.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.goto(page.as_uri())
    assert dialogs == []
    assert HOSTILE in tab.inner_text("body")
    tab.close()


@pytest.mark.chromium
def test_the_page_fits_a_phone_and_prints_to_a4(page: Path, chromium: Any, tmp_path: Path) -> None:
    phone = chromium.new_page(viewport={"width": 390, "height": 844})
    phone.goto(page.as_uri())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    pdf = tmp_path / "recap.pdf"
    phone.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
    phone.close()


@pytest.mark.libreoffice
def test_libreoffice_opens_the_recap_workbook_with_its_figures(workbook: Path, libreoffice: LibreOffice,
                                                               figures: Recap) -> None:
    kpi_sheet = openpyxl.load_workbook(workbook)["关键指标"]
    header = {c.value: c.column_letter for c in kpi_sheet[3]}
    first_actual = f"{header[RECAP_TEXT['actual'].get('zh-CN')]}4"  # the column headed 实际, the first KPI's row
    result = libreoffice.run({"input": str(workbook), "read": [{"sheet": "复盘概览", "cell": "A1"},
                                                               {"sheet": "关键指标", "cell": first_actual}]})
    assert result["sheets"][0] == "复盘概览"
    assert result["read"]["复盘概览!A1"]["string"] == "品牌618周年庆 · 复盘概览"
    assert result["read"][f"关键指标!{first_actual}"]["value"] == figures.kpis[0]["actual"]
    assert result["charts"]["阶段"] == 2 and result["charts"]["延期分析"] == 1 and result["charts"]["预算"] == 1
    assert result["charts"]["关键指标"] == 4


def test_an_english_tracker_gives_an_english_recap(tmp_path: Path) -> None:
    plan = load_plan(PLAN_618, locale="en")
    path = write_tracker(plan, tmp_path / "en.xlsx", locale="en", records=sample_records(plan))
    figures = recap(read_tracker(path), as_of=date(2024, 6, 30))
    assert "Campaign recap" in recap_html(figures)
    assert openpyxl.load_workbook(write_recap_xlsx(figures, tmp_path / "r.xlsx"), read_only=True).sheetnames[0] == "Summary"


def test_a_tracker_nobody_filled_yet_still_gives_a_recap(tmp_path: Path) -> None:
    blank = write_tracker(load_plan(PLAN_618), tmp_path / "blank.xlsx")
    figures = recap(read_tracker(blank), as_of=date(2024, 4, 1))
    assert figures.overall["done"] == 0 and figures.delays == []
    assert len(re.findall(r'<svg[^>]* class="chart"', recap_html(figures))) == 3  # the charts that need no done task
    book = openpyxl.load_workbook(write_recap_xlsx(figures, tmp_path / "r.xlsx"), read_only=True)
    assert book.sheetnames == ["复盘概览", "阶段", "负责人与部门", "延期分析", "里程碑", "关键指标", "预算", "问题", "数据质量",
                               "全部任务"]


@pytest.fixture
def risk_in_the_task_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """One more entry in schema.RECAP_TASKS, as a developer adding a column to the recap would write it."""
    import sys

    from marketing_tracker.core import schema

    declared = schema.RECAP_TASKS
    extended = (*declared, schema.ReportColumn("risk", "text", 22, "risk", page=True))
    for name, module in list(sys.modules.items()):
        if name.startswith("marketing_tracker") and getattr(module, "RECAP_TASKS", None) is declared:
            monkeypatch.setattr(module, "RECAP_TASKS", extended)


def test_a_column_declared_for_the_task_list_reaches_the_json_the_workbook_and_the_page(
        risk_in_the_task_list: None, tmp_path: Path) -> None:
    from marketing_tracker.core.words import RECAP_SECTIONS
    from marketing_tracker.reports.run import run_recap

    plan = load_plan(PLAN_618)
    filled = write_tracker(plan, tmp_path / "filled.xlsx", records=sample_records(plan))
    (xlsx, html), figures = run_recap([filled], xlsx=tmp_path / "r.xlsx", html=tmp_path / "r.html", as_of=SAMPLE_AS_OF)
    risky = next(t for t in figures.to_dict()["tasks"] if t["id"] == "P002")
    assert risky["risk"] == "延期1天(物流延误)"  # the sample's risk note on P002
    sheet = openpyxl.load_workbook(xlsx)[RECAP_SECTIONS["tasks"].get("zh-CN")]
    header = [c.value for c in sheet[3]]
    assert header[-1] == "风险/问题"  # no recap word declared: the tasks sheet's own header
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == "P002")
    assert row[-1] == "延期1天(物流延误)"
    assert "<th>风险/问题" in html.read_text(encoding="utf-8")
