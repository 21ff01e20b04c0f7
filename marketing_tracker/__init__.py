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

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "TrackerError": "errors", "PlanError": "errors", "OutputError": "errors", "Problem": "errors",
    "CODES": "findings", "Finding": "findings",
    "Campaign": "plan", "Kpi": "plan", "Milestone": "plan", "Person": "plan", "Phase": "plan", "Plan": "plan",
    "Task": "plan", "load_plan": "plan", "plan_from_dict": "plan",
    "Tracker": "reader", "UnreadableFile": "safety", "read_tracker": "reader", "CellError": "sheetscan",
    "validate": "validate",
    "read_trackers": "frames", "with_labels": "frames",
    "write_tracker": "writer",
}

if TYPE_CHECKING:
    from .errors import OutputError, PlanError, Problem, TrackerError
    from .findings import CODES, Finding
    from .frames import read_trackers, with_labels
    from .plan import Campaign, Kpi, Milestone, Person, Phase, Plan, Task, load_plan, plan_from_dict
    from .reader import Tracker, read_tracker
    from .safety import UnreadableFile
    from .sheetscan import CellError
    from .validate import validate
    from .writer import write_tracker


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'marketing_tracker' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "CODES", "Campaign", "CellError", "Finding", "Kpi", "Milestone", "OutputError", "Person", "Phase", "Plan",
    "PlanError", "Problem", "Task", "Tracker", "TrackerError", "UnreadableFile", "__version__", "load_plan",
    "plan_from_dict", "read_tracker", "read_trackers", "validate", "with_labels", "write_tracker",
]
