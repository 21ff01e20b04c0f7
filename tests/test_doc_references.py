"""Docstrings and comments point at docs/ pages that exist, never at documents outside the repository."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "marketing_tracker"
#: A page of docs/ as code cites it: ``docs/cli.md``, ``docs/findings/bad-date.md``.
DOCS_PAGE = re.compile(r"(?<![\w./-])(docs/[\w./-]+?\.md)\b")
#: The design notes the project was started from; they are not shipped, so nothing may cite them.
OUTSIDE = re.compile(r"\b(?:DESIGN|DOMAIN)\.md\b")


def prose(path: Path) -> list[tuple[int, str]]:
    """The comments and string literals (docstrings among them) of a Python file, with their line."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [(t.start[0], t.string) for t in tokens if t.type in (tokenize.COMMENT, tokenize.STRING)]


def cited_pages(folder: Path) -> dict[str, list[str]]:
    """Each docs/ page cited in ``folder``'s Python files -> where (``file:line``)."""
    cited: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for line, text in prose(path):
            for match in DOCS_PAGE.finditer(text):
                at = line + text.count("\n", 0, match.start())
                cited.setdefault(match.group(1), []).append(f"{path.relative_to(ROOT)}:{at}")
    return cited


def test_the_scan_finds_the_pages_the_package_cites() -> None:
    # cli.py's module docstring sends the reader to the exit-code table of docs/cli.md
    assert "marketing_tracker/cli.py:3" in cited_pages(PACKAGE)["docs/cli.md"]


def test_every_docs_page_cited_in_the_package_exists() -> None:
    missing = {page: where for page, where in cited_pages(PACKAGE).items() if not (ROOT / page).is_file()}
    assert missing == {}


@pytest.mark.parametrize("folder", ["marketing_tracker", "tests", "bench"])
def test_nothing_cites_the_design_notes_outside_the_repository(folder: str) -> None:
    this_file = Path(__file__).resolve()
    citing = [f"{path.relative_to(ROOT)}:{line}" for path in sorted((ROOT / folder).rglob("*.py")) if path != this_file
              for line, text in prose(path) if OUTSIDE.search(text)]
    assert citing == []
