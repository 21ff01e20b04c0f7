"""Shared fixtures: sample plans, a fixed "today", and a real headless LibreOffice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from marketing_tracker import Plan, load_plan
from marketing_tracker.resources import sample_plan

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
UNO_DRIVER = TESTS / "lo" / "uno_driver.py"
SYSTEM_PYTHON = "/usr/bin/python3"

PLAN_618 = sample_plan()
PLAN_SPRING = DATA / "spring-launch.en.yaml"


@pytest.fixture
def plan_618() -> Plan:
    return load_plan(PLAN_618)


@pytest.fixture
def plan_spring() -> Plan:
    return load_plan(PLAN_SPRING)


def _libreoffice_missing() -> str | None:
    if shutil.which("soffice") is None:
        return "soffice is not installed (Debian: libreoffice-calc-nogui)"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False) \
        if Path(SYSTEM_PYTHON).exists() else None
    if probe is None or probe.returncode != 0:
        return "python3-uno is not installed for /usr/bin/python3"
    return None


class LibreOffice:
    """Runs jobs through tests/lo/uno_driver.py in the system Python (see its docstring)."""

    def run(self, job: dict[str, Any], timeout: float = 240) -> dict[str, Any]:
        done = subprocess.run([SYSTEM_PYTHON, str(UNO_DRIVER)], input=json.dumps(job), capture_output=True,
                              text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise AssertionError(f"LibreOffice job failed ({done.returncode}): {done.stderr[-2000:]}")
        result: dict[str, Any] = json.loads(done.stdout)
        return result


@pytest.fixture(scope="session")
def libreoffice() -> LibreOffice:
    missing = _libreoffice_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the LibreOffice tests, but {missing}")
        pytest.skip(missing)
    return LibreOffice()


class Gnumeric:
    """Re-saves a workbook in Gnumeric (Debian's ``gnumeric``: ``ssconvert``), as a person opening and saving it."""

    def resave(self, source: Path, target: Path, exporter: str) -> Path:
        done = subprocess.run(["ssconvert", "-T", exporter, str(source), str(target)], capture_output=True, text=True,
                              timeout=240, check=False)
        if done.returncode != 0 or not target.is_file():
            raise AssertionError(f"ssconvert failed ({done.returncode}): {done.stderr[-2000:]}")
        return target


@pytest.fixture(scope="session")
def gnumeric() -> Gnumeric:
    """Gnumeric's ssconvert; skipped where missing, except under CI."""
    if shutil.which("ssconvert") is None:
        missing = "ssconvert is not installed (Debian: gnumeric)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Gnumeric tests, but {missing}")
        pytest.skip(missing)
    return Gnumeric()


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it: a separate process."""
    return subprocess.run([sys.executable, "-m", "marketing_tracker", *args], capture_output=True, text=True,
                          cwd=cwd, check=False, env={**os.environ, "PYTHONPATH": str(TESTS.parent)})


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium() -> Any:
    """A real headless Chromium (Debian's), driven by Playwright; skipped where missing, except under CI."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = "Debian's chromium is not installed"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Chromium tests, but {missing}")
        pytest.skip(missing)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
