"""Render the pictures in docs/ through a real LibreOffice (run by hand, results checked in).

    python tests/lo/make_doc_pictures.py

Makes the 618 sample tracker, types a few days of progress into it as an owner would,
prints the tasks sheet (with its Gantt strip) to PDF and turns that into a PNG with
poppler's pdftoppm. Needs libreoffice-calc-nogui, python3-uno and poppler-utils.
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


if __name__ == "__main__":
    main()
