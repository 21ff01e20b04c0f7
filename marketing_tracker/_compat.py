"""The module paths of release 0.1 (``marketing_tracker.schema``, ``.recap``, ...), kept importable.

Release 0.2 moved the modules into packages named after the pipeline's stages
(docs/development.md). Code that imports an old path gets the very same module object
(so a monkeypatch or an ``isinstance`` check sees one module, not a copy) and a
``DeprecationWarning`` naming the new path. The old paths go away in 0.3.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

#: 0.1 path -> the module's home since 0.2. ``marketing_tracker.validate`` is not among them: that name is
#: the package's ``validate`` function, which importing a module of that name would replace.
MOVED = {
    "marketing_tracker.schema": "marketing_tracker.core.schema",
    "marketing_tracker.plan": "marketing_tracker.core.plan",
    "marketing_tracker.findings": "marketing_tracker.core.findings",
    "marketing_tracker.dates": "marketing_tracker.core.dates",
    "marketing_tracker.derived": "marketing_tracker.core.derived",
    "marketing_tracker.errors": "marketing_tracker.core.errors",
    "marketing_tracker.fileio": "marketing_tracker.core.fileio",
    "marketing_tracker.resources": "marketing_tracker.core.resources",
    "marketing_tracker.safety": "marketing_tracker.reading.container",
    "marketing_tracker.sheetscan": "marketing_tracker.reading.scan",
    "marketing_tracker.coerce": "marketing_tracker.reading.coerce",
    "marketing_tracker.reader": "marketing_tracker.reading.reader",
    "marketing_tracker.writer": "marketing_tracker.workbook.writer",
    "marketing_tracker.annotate": "marketing_tracker.workbook.annotate",
    "marketing_tracker.merge": "marketing_tracker.loop.merge",
    "marketing_tracker.recap": "marketing_tracker.reports.recap",
    "marketing_tracker.report_xlsx": "marketing_tracker.reports.xlsx",
    "marketing_tracker.report_html": "marketing_tracker.reports.html",
    "marketing_tracker.report_text": "marketing_tracker.reports.text",
    "marketing_tracker.recap_run": "marketing_tracker.reports.run",
}


class _MovedModules:
    """Answers an old path with the module at its new home (a meta path finder and loader by their methods:
    importing ``importlib.abc`` for the base classes cost every command a hundredth of a second)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("Loader", self))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        home = MOVED[spec.name]
        warnings.warn(f"{spec.name} is now {home}; the old path goes away in 0.3", DeprecationWarning, stacklevel=2)
        return importlib.import_module(home)

    def exec_module(self, module: ModuleType) -> None:
        """The module at its new home is already executed."""


def install() -> None:
    """Put the finder on ``sys.meta_path`` once (importing the package calls this)."""
    if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModules())
