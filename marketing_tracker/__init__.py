"""marketing_tracker: the campaign execution spreadsheet, without the hand work.

Generate a tracker workbook from a plan, read back the copies people fill in, check
them, and write the recap management reads.

Example::

    from marketing_tracker import load_plan, write_tracker
    write_tracker(load_plan("618.yaml"), "618-tracker.xlsx")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import OutputError, PlanError, Problem, TrackerError
from .findings import CODES, Finding
from .plan import Campaign, Kpi, Milestone, Person, Phase, Plan, Task, load_plan, plan_from_dict
from .reader import Tracker, UnreadableFile, read_tracker
from .validate import validate
from .writer import write_tracker

__all__ = [
    "CODES", "Campaign", "Finding", "Kpi", "Milestone", "OutputError", "Person", "Phase", "Plan", "PlanError", "Problem",
    "Task", "Tracker", "TrackerError", "UnreadableFile", "__version__", "load_plan", "plan_from_dict", "read_tracker",
    "validate", "write_tracker",
]
