"""Shared fixtures: sample plans, a fixed "today", and a real headless LibreOffice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from marketing_tracker import Plan, load_plan
from marketing_tracker.core.resources import sample_plan

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


def readers_done() -> None:
    """Wait for the background threads of earlier reads, so that a test that forks does so from one thread."""
    for thread in threading.enumerate():
        if thread.name.startswith("marketing-tracker"):
            thread.join(10)


def _require(component: str, missing: str | None) -> None:
    """A real component the tests need: skipped where ``missing`` says it is not there, a failure under CI."""
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the {component} tests, but {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="session")
def libreoffice() -> LibreOffice:
    missing = _libreoffice_missing()
    _require("LibreOffice", missing)
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
    _require("Gnumeric", None if shutil.which("ssconvert") else "ssconvert is not installed (Debian: gnumeric)")
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
    _require("Chromium", missing)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --------------------------------------------------------------------------- a real PostgreSQL, started by the tests

def _postgres_bin() -> Path | None:
    """Debian's PostgreSQL programs (postgresql-15 or newer), else pg_ctl's folder on PATH."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True):
        return candidate.parent
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found and (Path(found).resolve().parent / "initdb").exists() else None


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root: run the cluster as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_server() -> Any:
    """A PostgreSQL cluster of its own in a temporary folder, on a unix socket there (no TCP), stopped at the end.

    Yields the socket folder. Skipped where PostgreSQL or psycopg is missing, except under CI (.ci/run installs
    Debian's postgresql; this fixture starts and stops the server itself).
    """
    import tempfile

    bindir = _postgres_bin()
    missing = None
    if bindir is None:
        missing = "PostgreSQL is not installed (Debian: postgresql)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            missing = "psycopg is not installed (pip install -e '.[test]')"
    _require("PostgreSQL", missing)
    assert bindir is not None
    folder = Path(tempfile.mkdtemp(prefix="mt-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, log = folder / "data", folder / "server.log"
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                 "--no-sync", "-E", "UTF8", "--locale", "C"]),
                   check=True, capture_output=True, cwd=folder)
    options = f"-c listen_addresses='' -k {folder} -c fsync=off -c full_page_writes=off"
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
                                 "start"]), check=True, capture_output=True, cwd=folder)
    try:
        yield folder
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       check=False, capture_output=True, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)


_DATABASES = iter(range(1, 1_000_000))


@pytest.fixture
def postgres_url(postgres_server: Path) -> str:
    """A new, empty database on the test server, as an SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    name = f"mt_{os.getpid()}_{next(_DATABASES)}"
    admin = create_engine(f"postgresql+psycopg://postgres@/postgres?host={postgres_server}", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@/{name}?host={postgres_server}"


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The history tests run on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The history tests' campaign (tests/history_weeks.py): its copies of weeks 1-3, filled as its owners would."""
    from .history_weeks import fill_openpyxl, make_tracker

    folder = tmp_path_factory.mktemp("weeks")
    blank = make_tracker(folder)
    return [fill_openpyxl(blank, week, folder / f"week{week}.xlsx") for week in (1, 2, 3)]
