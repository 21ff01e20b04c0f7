"""marketing_tracker: the campaign execution spreadsheet, without the hand work.

Generate a tracker workbook from a plan, read back the copies people fill in, check
them, and write the recap management reads.

Example::

    from marketing_tracker import load_plan, write_tracker
    write_tracker(load_plan("618.yaml"), "618-tracker.xlsx")

Names are imported on first use, so a command loads only what it needs (the generator
does not load the reader, the reader does not load xlsxwriter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from marketing_tracker import _compat
from marketing_tracker.core import lazy

__version__ = "0.1.0"

_compat.install()  # the module paths of 0.1 (marketing_tracker.schema, ...) still import, with a warning

_EXPORTS = {
    "TrackerError": "core.errors", "PlanError": "core.errors", "OutputError": "core.errors", "Problem": "core.errors",
    "CODES": "core.findings", "Finding": "core.findings",
    "Campaign": "core.plan", "Kpi": "core.plan", "Milestone": "core.plan", "Person": "core.plan", "Phase": "core.plan",
    "Plan": "core.plan", "Task": "core.plan", "load_plan": "core.plan", "plan_from_dict": "core.plan",
    "Tracker": "reading.reader", "read_tracker": "reading.reader", "UnreadableFile": "reading.container",
    "CellError": "reading.scan",
    "validate": "checks.validate",
    "read_trackers": "reading.frames", "with_labels": "reading.frames",
    "write_tracker": "workbook.writer",
}

if TYPE_CHECKING:
    from marketing_tracker.checks.validate import validate
    from marketing_tracker.core.errors import OutputError, PlanError, Problem, TrackerError
    from marketing_tracker.core.findings import CODES, Finding
    from marketing_tracker.core.plan import Campaign, Kpi, Milestone, Person, Phase, Plan, Task, load_plan, plan_from_dict
    from marketing_tracker.reading.container import UnreadableFile
    from marketing_tracker.reading.frames import read_trackers, with_labels
    from marketing_tracker.reading.reader import Tracker, read_tracker
    from marketing_tracker.reading.scan import CellError
    from marketing_tracker.workbook.writer import write_tracker


__getattr__ = lazy.exports(__name__, _EXPORTS, globals())

__all__ = [
    "CODES", "Campaign", "CellError", "Finding", "Kpi", "Milestone", "OutputError", "Person", "Phase", "Plan",
    "PlanError", "Problem", "Task", "Tracker", "TrackerError", "UnreadableFile", "__version__", "load_plan",
    "plan_from_dict", "read_tracker", "read_trackers", "validate", "with_labels", "write_tracker",
]
