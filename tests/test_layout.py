"""The package tree reads like the pipeline, and its imports point one way (docs/development.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "marketing_tracker"

#: Each stage and the stages it may import. The command and the demo (the package's top level) may import anything.
MAY_IMPORT = {
    "core": {"core"},
    "reading": {"core", "reading"},
    "workbook": {"core", "workbook"},
    "checks": {"core", "reading", "checks"},
    "loop": {"core", "reading", "workbook", "checks", "loop"},
    "reports": {"core", "reading", "workbook", "checks", "loop", "reports"},
    "history": {"core", "reading", "workbook", "checks", "loop", "reports", "history"},
}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "marketing_tracker" else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at the top or inside a function, as absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}:{node.lineno}: relative import (the tree uses absolute imports)"
            module = node.module or ""
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _modules() -> list[Path]:
    """The modules inside a stage's package (the top level's are the command and the demo)."""
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def test_every_stage_has_a_package_and_nothing_is_left_loose() -> None:
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    loose = {p.stem for p in PACKAGE.glob("*.py")}
    assert set(MAY_IMPORT) - {"history"} <= stages
    assert loose == {"__init__", "__main__", "_compat", "cli", "demo"}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_pipeline(path: Path) -> None:
    stage = path.relative_to(PACKAGE).parts[0]
    wrong = []
    for line, name in _imports(path):
        if name == "marketing_tracker.__version__":
            continue
        target = _stage(name)
        if name.startswith("marketing_tracker") and (target is None or target not in MAY_IMPORT[stage]):
            wrong.append(f"line {line}: {name}")
    assert wrong == [], f"{stage} may import only {sorted(MAY_IMPORT[stage])}"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_its_one_job_on_its_first_line(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring, "no module docstring"
    first = docstring.splitlines()[0]
    assert first.endswith((".", ":")) and len(first) > 20, first


def test_generating_a_tracker_loads_neither_the_reader_nor_pandas(tmp_path: Path) -> None:
    plan = Path(__file__).resolve().parent / "data" / "spring-launch.en.yaml"
    code = ("import sys, marketing_tracker.cli as c; c.main(['new', sys.argv[1], '-o', sys.argv[2]]); "
            "print(sorted(m for m in sys.modules if m.startswith(('python_calamine', 'pandas', "
            "'marketing_tracker.reading', 'marketing_tracker.checks', 'marketing_tracker.reports'))))")
    out = subprocess.run([sys.executable, "-c", code, str(plan), str(tmp_path / "t.xlsx")],
                         capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"


def test_the_old_module_paths_are_the_new_modules_with_a_warning() -> None:
    from importlib import import_module

    from marketing_tracker._compat import MOVED

    for old, new in MOVED.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            module = import_module(old)
        assert module is import_module(new)
        assert sys.modules[old] is module
    with pytest.warns(DeprecationWarning, match=r"marketing_tracker\.recap is now marketing_tracker\.reports\.recap"):
        sys.modules.pop("marketing_tracker.recap", None)
        from marketing_tracker.recap import recap  # noqa: F401


def layout_table() -> str:
    rows = ["| module | its one job |", "|---|---|"]
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        first = (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").splitlines()[0]
        job = first.replace("|", "\\|")
        rows.append(f"| `{name}` | {job} |")
    return "\n".join(rows) + "\n"


def test_the_development_guide_lists_every_module_with_its_job() -> None:
    from .test_docs import refresh_or_compare

    refresh_or_compare(Path(__file__).resolve().parent.parent / "docs" / "development.md", "layout", layout_table())
