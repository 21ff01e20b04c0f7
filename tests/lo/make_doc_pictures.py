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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from marketing_tracker import load_plan, write_tracker  # noqa: E402
from marketing_tracker.resources import sample_plan  # noqa: E402

TASKS, INFO = "执行任务跟踪表", "活动基本信息"
TYPED = {  # cell -> what the owner typed
    "H4": "2024-05-01", "I4": "2024-05-05", "J4": "100", "K4": "已完成",
    "H5": "2024-05-03", "I5": "2024-05-10", "J5": "100", "K5": "已完成",
    "H6": "2024-05-05", "J6": "80", "K6": "进行中", "M6": "延期1天(服务器调试)",
    "H7": "2024-05-02", "J7": "60", "K7": "进行中",
    "H8": "2024-05-21", "J8": "20", "K8": "进行中",
    "K10": "阻塞",
}


def main() -> None:
    out = ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        tracker = write_tracker(load_plan(sample_plan()), Path(tmp) / "618.xlsx")
        pdf = Path(tmp) / "tasks.pdf"
        job = {
            "input": str(tracker),
            "type": [{"sheet": INFO, "cell": "B8", "value": "2024-05-22"}]
            + [{"sheet": TASKS, "cell": cell, "value": value} for cell, value in TYPED.items()],
            "recalc": True,
            "only_sheet": TASKS,
            "hide_columns": {"sheet": TASKS, "columns": ["C", "L", "N", "O", "P", "Q", "R"]},
            "print_area": {"sheet": TASKS, "range": "A1:CE14"},
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
