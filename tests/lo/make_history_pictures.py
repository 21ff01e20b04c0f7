"""Render the pictures in docs/history.md (run by hand, results checked in).

    python tests/lo/make_history_pictures.py

The three-week test campaign of tests/history_weeks.py (and a second campaign's first week, so
that the archive compares two) is stored in a SQLite history; then, in headless Chromium
(Playwright, Debian's chromium):

1. ``docs/images/status-page.png``: the status page (``status --html``) of week 2 -> week 3;
2. ``docs/images/archive-page.png``: the archive page (``archive --html``);
3. ``docs/images/recap-trends.png``: the Trends section of the recap page (``recap --db``);

and ``docs/images/recap-trends-workbook.png``: the first page of the recap workbook's Trends sheet
as LibreOffice prints it, turned into a PNG with poppler's pdftoppm.

Needs chromium, libreoffice-calc-nogui, python3-uno and poppler-utils. Kept apart from
make_doc_pictures.py (the tracker's and the recap's pictures).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from marketing_tracker.cli import main as cli  # noqa: E402
from tests.history_weeks import CAMPAIGN, PLAN, fill_openpyxl, make_tracker  # noqa: E402

WIDTH = 900


def main() -> None:
    out = ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        weeks = _weeks(folder)
        url = f"sqlite:///{folder / 'history.db'}"
        _run("snapshot", *map(str, weeks), "--db", url)
        _run("status", "--db", url, "--html", str(folder / "status.html"))
        _run("recap", str(weeks[-1]), "--db", url, "--html", str(folder / "recap.html"), "-o", str(folder / "recap.xlsx"))
        _run("snapshot", str(_other_campaign(folder)), "--db", url)
        _run("archive", "--db", url, "--html", str(folder / "archive.html"))
        _screenshots(folder, out)
        _trends_sheet(folder / "recap.xlsx", out)
    for name in ("status-page", "archive-page", "recap-trends", "recap-trends-workbook"):
        print(f"wrote {out / name}.png")


def _run(*args: str) -> None:
    code = cli(list(args))
    if code != 0:
        raise SystemExit(f"marketing-tracker {args[0]} exited {code}")


def _weeks(folder: Path) -> list[Path]:
    blank = make_tracker(folder)
    return [fill_openpyxl(blank, week, folder / f"week{week}.xlsx") for week in (1, 2, 3)]


def _other_campaign(folder: Path) -> Path:
    plan = folder / "summer.yaml"
    plan.write_text(PLAN.replace(CAMPAIGN, "Week Test Summer"), encoding="utf-8")
    _run("new", str(plan), "-o", str(folder / "summer.xlsx"))
    return fill_openpyxl(folder / "summer.xlsx", 1, folder / "summer-week1.xlsx")


def _screenshots(folder: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": WIDTH, "height": 1250})
        for name, picture in (("status", "status-page"), ("archive", "archive-page")):
            page.goto((folder / f"{name}.html").as_uri())
            page.screenshot(path=str(out / f"{picture}.png"))
        page.goto((folder / "recap.html").as_uri())
        page.locator("#trends").screenshot(path=str(out / "recap-trends.png"))
        browser.close()


def _trends_sheet(workbook: Path, out: Path) -> None:
    from pypdf import PdfReader

    pdf = workbook.with_suffix(".pdf")
    job = {"input": str(workbook), "save": [{"path": str(pdf), "filter": "calc_pdf_Export"}]}
    subprocess.run(["/usr/bin/python3", str(ROOT / "tests" / "lo" / "uno_driver.py")], input=json.dumps(job), text=True,
                   check=True, capture_output=True)
    first = next(n for n, page in enumerate(PdfReader(pdf).pages, start=1)
                 if page.extract_text().splitlines()[0].endswith("Trends"))  # the page header names the sheet
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(first), "-l", str(first), str(pdf),
                    str(out / "recap-trends-workbook")], check=True)


if __name__ == "__main__":
    main()
