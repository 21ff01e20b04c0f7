"""Render the pictures in docs/ (run by hand, results checked in).

    python tests/lo/make_doc_pictures.py

Every picture is made from scratch in a temporary folder:

1. The tracker: makes the 618 sample tracker and types a few days of progress into it in a
   real LibreOffice as an owner would. ``tasks-sheet.png``: the tasks sheet with its Gantt
   strip, a few columns hidden to fit. ``tracker-print-table.png`` and
   ``tracker-print-gantt.png``: the first two pages LibreOffice prints the tasks sheet to with
   the tracker's own print set-up (the table, then the Gantt strip on its own page).
2. The recap: the demo's recap page in headless Chromium (``recap-html.png``, through
   Playwright, a test dependency, driving Debian's chromium), and the first page LibreOffice
   prints the recap workbook's KPI sheet to (``recap-workbook.png``).

PDF pages become PNGs with poppler's pdftoppm at a modest resolution, to keep them small.
Needs libreoffice-calc-nogui, python3-uno, poppler-utils, chromium, and fonts-noto-cjk for
the Chinese labels.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from marketing_tracker import load_plan, write_tracker  # noqa: E402
from marketing_tracker.core.resources import sample_plan  # noqa: E402
from tests.cells import headers, info_cells  # noqa: E402

TASKS, INFO = "执行任务跟踪表", "活动基本信息"
TYPED: dict[int, dict[str, str]] = {  # row -> column key -> what the owner typed
    4: {"actual_start": "2024-05-01", "actual_end": "2024-05-05", "progress": "100", "status": "已完成"},
    5: {"actual_start": "2024-05-03", "actual_end": "2024-05-10", "progress": "100", "status": "已完成"},
    6: {"actual_start": "2024-05-05", "progress": "80", "status": "进行中", "risk": "延期1天(服务器调试)"},
    7: {"actual_start": "2024-05-02", "progress": "60", "status": "进行中"},
    8: {"actual_start": "2024-05-21", "progress": "20", "status": "进行中"},
    10: {"status": "阻塞"},
}
#: Columns left out of the picture, to fit the page.
HIDDEN = ("description", "summary", "resolution", "notes", "depends_on", "budget_planned", "budget_actual")


#: pdftoppm's resolution for a printed page: the table readable, and a page under about 150 kB.
PAGE_DPI = 100
#: The printed tracker's pages are cut below the sample's last task, in pixels at PAGE_DPI.
TRACKER_PAGE_TOP = 190


def main() -> None:
    out = ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        tracker = write_tracker(load_plan(sample_plan()), Path(tmp) / "618.xlsx")
        tasks = headers(tracker)["tasks"]
        typed = {
            "input": str(tracker),
            "type": [{"sheet": INFO, "cell": info_cells(tracker)["as_of_input"], "value": "2024-05-22"}]
            + [{"sheet": TASKS, "cell": tasks.cell(key, row), "value": value}
               for row, values in TYPED.items() for key, value in values.items()],
            "recalc": True,
        }
        picture, printed = Path(tmp) / "tasks.pdf", Path(tmp) / "printed.pdf"
        run_libreoffice({**typed,
                         "hide_columns": {"sheet": TASKS, "columns": [tasks.letter(key) for key in HIDDEN]},
                         # to the Gantt's last day
                         "print_area": {"sheet": TASKS, "range": f"A1:{get_column_letter(tasks.last)}14"},
                         "save": [{"path": str(picture), "filter": "calc_pdf_Export"}]})
        # crop the page to the table: the sheet is short and wide
        page = sheet_pages(picture, TASKS)[0]
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", "-f", str(page), "-l", str(page), "-x", "30",
                        "-y", "60", "-W", "1700", "-H", "170", str(picture), str(out / "tasks-sheet")], check=True)
        run_libreoffice({**typed, "save": [{"path": str(printed), "filter": "calc_pdf_Export"}]})
        table, strip = sheet_pages(printed, TASKS)
        # the top of each page, down to the 618 sample's nine tasks (below them the page is blank)
        page_png(printed, table, out / "tracker-print-table", height=TRACKER_PAGE_TOP)
        page_png(printed, strip, out / "tracker-print-gantt", height=TRACKER_PAGE_TOP)
    print(f"wrote {out / 'tasks-sheet.png'}, {out / 'tracker-print-table.png'} and {out / 'tracker-print-gantt.png'}")
    recap_pictures(out)


def run_libreoffice(job: dict[str, object]) -> None:
    """One job for tests/lo/uno_driver.py, in the system Python that has python3-uno."""
    driver = ROOT / "tests" / "lo" / "uno_driver.py"
    subprocess.run(["/usr/bin/python3", str(driver)], input=json.dumps(job), text=True, check=True, capture_output=True)


def sheet_pages(pdf: Path, title: str) -> list[int]:
    """The pages (1-based) a sheet printed on, told by the page header: the campaign, then the sheet's title.

    The whole workbook is printed, as a person prints it (Calc prints a hidden sheet of a protected
    workbook all the same), and the pictures are taken from the sheet's own pages.
    """
    from pypdf import PdfReader

    return [number for number, page in enumerate(PdfReader(pdf).pages, start=1)
            if page.extract_text().splitlines()[0].endswith(title)]


def page_png(pdf: Path, number: int, target: Path, height: int | None = None) -> None:
    """Page ``number`` of ``pdf`` as ``target``.png at :data:`PAGE_DPI`: whole, or its top ``height`` pixels."""
    crop = ["-x", "0", "-y", "0", "-W", str(round(297 / 25.4 * PAGE_DPI)), "-H", str(height)] if height else []
    subprocess.run(["pdftoppm", "-png", "-r", str(PAGE_DPI), "-singlefile", "-f", str(number), "-l", str(number), *crop,
                    str(pdf), str(target)], check=True)


def recap_pictures(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from marketing_tracker.demo import run_demo

    with tempfile.TemporaryDirectory() as tmp:
        run_demo(tmp)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 900, "height": 1800})
            page.goto((Path(tmp) / "618-recap.html").as_uri())
            page.screenshot(path=str(out / "recap-html.png"))
            browser.close()
        pdf = Path(tmp) / "kpis.pdf"
        run_libreoffice({"input": str(Path(tmp) / "618-recap.xlsx"), "save": [{"path": str(pdf), "filter": "calc_pdf_Export"}]})
        page_png(pdf, sheet_pages(pdf, "关键指标")[0], out / "recap-workbook")
    print(f"wrote {out / 'recap-html.png'} and {out / 'recap-workbook.png'}")


if __name__ == "__main__":
    main()
