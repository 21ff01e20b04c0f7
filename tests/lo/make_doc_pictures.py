"""Render the pictures in docs/ (run by hand, results checked in).

    python tests/lo/make_doc_pictures.py

1. The tasks sheet: makes the 618 sample tracker, types a few days of progress into it in a
   real LibreOffice as an owner would, prints the sheet (with its Gantt strip) to PDF and
   turns that into a PNG with poppler's pdftoppm.
2. The recap: the demo's recap page in headless Chromium (Playwright), and the recap
   workbook's KPI sheet printed by LibreOffice.

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


def main() -> None:
    out = ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        tracker = write_tracker(load_plan(sample_plan()), Path(tmp) / "618.xlsx")
        pdf = Path(tmp) / "tasks.pdf"
        tasks = headers(tracker)["tasks"]
        job = {
            "input": str(tracker),
            "type": [{"sheet": INFO, "cell": info_cells(tracker)["as_of_input"], "value": "2024-05-22"}]
            + [{"sheet": TASKS, "cell": tasks.cell(key, row), "value": value}
               for row, values in TYPED.items() for key, value in values.items()],
            "recalc": True,
            "only_sheet": TASKS,
            "hide_columns": {"sheet": TASKS, "columns": [tasks.letter(key) for key in HIDDEN]},
            "print_area": {"sheet": TASKS, "range": f"A1:{get_column_letter(tasks.last)}14"},  # to the Gantt's last day
            "save": [{"path": str(pdf), "filter": "calc_pdf_Export"}],
        }
        driver = ROOT / "tests" / "lo" / "uno_driver.py"
        subprocess.run(["/usr/bin/python3", str(driver)], input=json.dumps(job), text=True, check=True,
                       capture_output=True)
        # crop the page to the table: the sheet is short and wide
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", "-x", "30", "-y", "60", "-W", "1700", "-H", "170",
                        str(pdf), str(out / "tasks-sheet")], check=True)
    print(f"wrote {out / 'tasks-sheet.png'}")
    recap_pictures(out)


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
        job = {"input": str(Path(tmp) / "618-recap.xlsx"), "only_sheet": "关键指标",
               "save": [{"path": str(pdf), "filter": "calc_pdf_Export"}]}
        driver_script = ROOT / "tests" / "lo" / "uno_driver.py"
        subprocess.run(["/usr/bin/python3", str(driver_script)], input=json.dumps(job), text=True, check=True,
                       capture_output=True)
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-singlefile", "-f", "1", "-l", "1", str(pdf),
                        str(out / "recap-workbook")], check=True)
    print(f"wrote {out / 'recap-html.png'} and {out / 'recap-workbook.png'}")


if __name__ == "__main__":
    main()
