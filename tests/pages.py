"""Opening a page the library wrote in the test's real Chromium, with what went wrong there kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Visit:
    """An open tab and what it reported: console errors and warnings, page errors, every request."""

    tab: Any
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def quiet(self) -> tuple[list[str], list[str], int]:
        """(problems, requests, scripts) as a page of ours must show them: none, only itself, none."""
        return self.problems, self.requests, self.tab.locator("script").count()


def visit(chromium: Any, page: Path) -> Visit:
    """``page`` opened in a 1000 x 1400 tab, listening from before it loads."""
    seen = Visit(chromium.new_page(viewport={"width": 1000, "height": 1400}))
    seen.tab.on("console", lambda m: seen.problems.append(m.text) if m.type in ("error", "warning") else None)
    seen.tab.on("pageerror", lambda e: seen.problems.append(str(e)))
    seen.tab.on("request", lambda r: seen.requests.append(r.url))
    seen.tab.goto(page.as_uri())
    return seen
