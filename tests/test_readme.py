"""The README's two set-up commands are the ones that work, and CI runs the test one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))[:2]


def test_the_readme_opens_with_a_demo_command_and_a_test_command() -> None:
    demo, tests = readme_commands()
    assert demo.endswith("marketing-tracker demo")
    assert "python -m pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _demo, tests = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci
