"""Parsing a workbook in a child process, where an abort of the parser costs only that child.

python-calamine allocates a sheet's whole rectangle before it hands anything back, and a failed
allocation in Rust aborts the process: no exception, no cleanup, and in a batch the other files'
results are lost with it. :mod:`sheetscan` measures every sheet before the parser sees it, in the
spellings of SpreadsheetML it knows; a sheet written otherwise (prefixed elements, a cell with two
addresses, cells placed by counting, .ods content the scan could not follow) is parsed here instead:
in a fresh interpreter with its address space limited to :data:`MEMORY_LIMIT`, which hands the grid
back through a pipe. If the parser aborts or runs out of memory, the child dies and the file is one
line ("cannot be read"); the process that asked carries on.

The child is a new interpreter (``subprocess``), not a fork: the reader runs threads, and a fork
of a threaded process may inherit a lock held by another thread.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marketing_tracker.core.errors import first_line
from marketing_tracker.reading.container import UnreadableFile

#: The child's address space: room for a sheet of :data:`sheetscan.MAX_CELLS` cells and the interpreter.
MEMORY_LIMIT = 1536 * 1024 * 1024
#: A parse that takes longer than this is given up on (a 50,000-task sheet takes about a second).
TIME_LIMIT = 120
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass
class IsolatedSheet:
    """A sheet as the child parsed it, answering as much of python-calamine's sheet as the reader uses."""

    rows: list[list[Any]]
    merged_cell_ranges: list[tuple[tuple[int, int], tuple[int, int]]] | None = None

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        return self.rows


@dataclass
class IsolatedWorkbook:
    """The sheets of a workbook parsed in a child process (all of them, or the ones asked for)."""

    sheet_names: list[str]
    sheets: dict[str, IsolatedSheet] = field(default_factory=dict)

    def get_sheet_by_name(self, name: str) -> IsolatedSheet:
        return self.sheets[name]


def load(path: Path, names: list[str] | None = None) -> IsolatedWorkbook:
    """Parse the sheets ``names`` of ``path`` (every sheet when None) in a child process.

    Raise :class:`UnreadableFile` when the parser refuses the file, aborts, or runs out of memory.
    """
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {_PACKAGE_ROOT!r}); "
               "from marketing_tracker.reading.isolated import main; main()", os.fspath(path), *(names or [])]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIME_LIMIT, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise UnreadableFile(f"not a readable workbook (the parser took more than {TIME_LIMIT} s)") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot be read (no child process to parse it in: {exc.strerror})") from None
    if done.returncode != 0:
        raise UnreadableFile(f"not a readable workbook ({_how_it_ended(done.returncode)})")
    answer = pickle.loads(done.stdout)  # noqa: S301 - written by our own child, from plain values
    if "error" in answer:
        raise UnreadableFile(f"not a readable workbook ({answer['error']})")
    return IsolatedWorkbook(answer["names"], {name: IsolatedSheet(rows, merged)
                                              for name, (rows, merged) in answer["sheets"].items()})


def _how_it_ended(code: int) -> str:
    if code == -signal.SIGABRT or code == 134:
        return "the parser aborted, out of memory: the sheets are far larger than their file"
    if code < 0:
        return f"the parser was ended by signal {-code}"
    return f"the parser failed, exit code {code}"


def main() -> None:
    """The child: limit the address space, parse, and write the sheets to standard output as one pickle."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit if soft == resource.RLIM_INFINITY else min(limit, soft), hard))
    path, names = sys.argv[1], sys.argv[2:]
    answer: dict[str, Any]
    try:
        import python_calamine

        from marketing_tracker.reading.scan import MAX_CELLS

        workbook = python_calamine.CalamineWorkbook.from_path(path)
        sheets = {}
        cells = 0
        for name in names or list(workbook.sheet_names):
            sheet = workbook.get_sheet_by_name(name)
            cells += sheet.height * sheet.width  # the workbook's budget holds here too, before the grid is built
            if cells > MAX_CELLS:
                raise ValueError(f"its sheets together span more than {MAX_CELLS:,} cells (sheet {name!r} reaches "
                                 f"{sheet.height} rows x {sheet.width} columns)")
            sheets[name] = (sheet.to_python(skip_empty_area=False), _merges(sheet))
        answer = {"names": list(workbook.sheet_names), "sheets": sheets}
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        answer = {"error": first_line(exc)}
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


def _merges(sheet: Any) -> list[tuple[tuple[int, int], tuple[int, int]]] | None:
    ranges = getattr(sheet, "merged_cell_ranges", None)
    return list(ranges) if ranges is not None else None


__all__ = ["IsolatedSheet", "IsolatedWorkbook", "load"]
