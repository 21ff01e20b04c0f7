"""The demo: the sample 618 campaign through every step the library has.

It writes into a folder (never elsewhere) and returns what it wrote, so the CLI can say
where things are and tests can check them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .fileio import atomic_output
from .plan import load_plan
from .resources import render, sample_plan
from .schema import LOCALES
from .writer import write_tracker


@dataclass(frozen=True)
class DemoFile:
    """One file the demo wrote, and what it is for."""

    path: Path
    what: str


def run_demo(folder: str | os.PathLike[str]) -> list[DemoFile]:
    """Write the demo campaign's files into ``folder`` (created if needed)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    plan_path = sample_plan()
    written: list[DemoFile] = []
    for locale in LOCALES:
        plan = load_plan(plan_path, locale=locale)
        target = out / f"618-tracker.{locale}.xlsx"
        write_tracker(plan, target, locale=locale)
        language = "Chinese" if locale == "zh-CN" else "English"
        written.append(DemoFile(target, f"blank tracker for the team, {language} labels"))
    plan_copy = out / plan_path.name
    with atomic_output(plan_copy) as staged:
        staged.write_bytes(plan_path.read_bytes())
    written.append(DemoFile(plan_copy, "the plan the trackers were made from"))
    index = out / "index.html"
    campaign = load_plan(plan_path).campaign
    html = render("demo_index.html.j2", campaign=campaign,
                  files=[(f.path.name, f.what) for f in written])
    with atomic_output(index) as staged:
        staged.write_text(html, encoding="utf-8")
    written.append(DemoFile(index, "this list, to open in a browser"))
    return written
