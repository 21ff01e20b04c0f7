"""What ships: templates and the sample plan are inside the wheel, not only in a checkout."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

from marketing_tracker import Campaign
from marketing_tracker.core.resources import render, sample_plan, templates_dir

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_the_templates_and_the_sample_plan(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("marketing_tracker-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for template in (ROOT / "templates").iterdir():
        assert f"marketing_tracker/templates/{template.name}" in names
    assert "marketing_tracker/samples/618-anniversary.zh-CN.yaml" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_a_checkout_finds_its_templates() -> None:
    assert (templates_dir() / "demo_index.html.j2").is_file()
    assert sample_plan().is_file()


def test_templates_escape_user_text() -> None:
    campaign = Campaign("<script>alert(1)</script>", date(2025, 1, 1), date(2025, 1, 2))
    html = render("demo_index.html.j2", campaign=campaign, files=[('"><img src=x>', "&")])
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert '"><img' not in html


def test_the_package_exports_what_it_lists() -> None:
    import marketing_tracker

    exported = {name: getattr(marketing_tracker, name) for name in marketing_tracker.__all__}
    named = {name for name, thing in exported.items() if getattr(thing, "__name__", None) == name}
    assert set(exported) - named == {"CODES", "__version__"}  # every other name is the class or function of that name
    assert exported["__version__"] == importlib.metadata.version("marketing-tracker")
    assert sorted(exported["CODES"]) == sorted(code.code for code in exported["CODES"].values())
