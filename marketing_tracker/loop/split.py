"""One tracker -> one tracker per department (or owner), to send out and merge back.

Each copy is a full tracker written by the generator (same dropdowns, formats, formulas and
protection) holding its group's tasks, with the milestones, issues and RACI rows that belong
to them; the campaign information, the KPIs and the KPI log go to every copy as they are.
Every task is in exactly one copy. Each copy records on its identity sheet the group it was
issued to, the rows it was issued with and their places in the whole tracker, and the task
IDs the other copies hold (so a dependency on another department's task is no unknown
reference); :func:`merge_trackers` of the copies gives the one tracker back, in its order.

Example::

    for part in split_tracker("618.xlsx", by="department", folder="out"):
        print(part.group, part.tasks, part.path)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.issued import CAMPAIGN_ID_KEY, COPY_KEY, POSITION
from marketing_tracker.core.schema import Text
from marketing_tracker.loop.merge import Merged, merge_read
from marketing_tracker.reading.reader import read_tracker

Grouping = Literal["department", "owner"]
GROUPINGS: tuple[Grouping, ...] = ("department", "owner")
UNASSIGNED = Text("未分配", "unassigned")
#: Issued with a split copy: the tasks the other copies hold (ID and name), for the reference checks.
ELSEWHERE = "elsewhere"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass
class SplitCopy:
    """One copy written: its group, how many tasks it holds, where it is."""

    group: str
    tasks: int
    path: Path


def safe_file_part(text: str) -> str:
    """A group name as part of a file name on every system: Chinese kept, separators and reserved names not."""
    cleaned = _UNSAFE.sub("_", text).strip(" ._")[:60].rstrip(" .")
    if not cleaned:
        return "_"
    return cleaned + "_" if cleaned.upper() in _RESERVED else cleaned


def split_tracker(path: str | os.PathLike[str], *, by: Grouping, folder: str | os.PathLike[str]) -> list[SplitCopy]:
    """Write one tracker per group of ``path``'s tasks into ``folder``; return the copies in the order of the groups."""
    if by not in GROUPINGS:
        raise TrackerError(f"split by {by!r}: choose one of {', '.join(GROUPINGS)}")
    source = Path(path)
    target = Path(folder)
    try:
        target.mkdir(exist_ok=True)
    except OSError as exc:
        raise TrackerError(f"{target}: cannot make the folder ({exc.strerror})") from None
    merged = merge_read([read_tracker(source)])
    groups = _groups(merged, by)
    names = _file_names(source, list(groups))
    written = []
    for group, records in groups.items():
        out = target / names[group]
        from marketing_tracker.core.fileio import refuse_inputs
        from marketing_tracker.workbook.writer import write_tracker

        refuse_inputs(out, (source,))
        identity = {COPY_KEY: f"{by}:{group}", **({CAMPAIGN_ID_KEY: merged.identity[CAMPAIGN_ID_KEY]}
                                                  if CAMPAIGN_ID_KEY in merged.identity else {})}
        write_tracker(merged.plan, out, locale=merged.locale, records=records, identity=identity)
        written.append(SplitCopy(group, len(records["tasks"]), out))
    return written


def _groups(merged: Merged, by: Grouping) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each group's records (rows numbered with their place in the whole tracker), in the order groups appear."""
    departments = {p.name: p.department for p in merged.plan.people}
    unassigned = UNASSIGNED.get(merged.locale)

    def group_of(owner: Any) -> str:
        name = str(owner or "").strip()
        found = departments.get(name, "") if by == "department" else name
        return found or unassigned

    records = {key: [{**row, POSITION: index} for index, row in enumerate(rows)] for key, rows in merged.records.items()}
    task_group = {str(row.get("task_id")): group_of(row.get("owner")) for row in records["tasks"]}
    order = list(dict.fromkeys([*task_group.values(), *(group_of(r.get("owner")) for r in records["milestones"])]))
    order = order or [unassigned]

    def home(row: dict[str, Any], by_owner: bool) -> str:
        """The copy a row goes to: its task's, else (milestones, issues) its owner's, else the first."""
        task = str(row.get("task_id") or "")
        if task in task_group:
            return task_group[task]
        group = group_of(row.get("owner")) if by_owner else order[0]
        return group if group in order else order[0]

    result: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for group in order:
        result[group] = {
            "tasks": [r for r in records["tasks"] if home(r, True) == group],
            "milestones": [r for r in records["milestones"] if home(r, True) == group],
            "issues": [r for r in records["issues"] if home(r, True) == group],
            "raci": [r for r in records["raci"] if home(r, False) == group],
            "kpis": records["kpis"], "kpi_log": records["kpi_log"],
            ELSEWHERE: [{"task_id": r.get("task_id"), "name": r.get("name")} for r in records["tasks"]
                        if home(r, True) != group],
        }
    return result


def _file_names(source: Path, groups: list[str]) -> dict[str, str]:
    """``618.市场部.xlsx``: the tracker's name and the group; names that clash once made safe get a number."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for group in groups:
        base = f"{source.stem}.{safe_file_part(group)}"
        name, number = f"{base}.xlsx", 2
        while name.casefold() in taken:
            name, number = f"{base}-{number}.xlsx", number + 1
        taken.add(name.casefold())
        names[group] = name
    return names


__all__ = ["GROUPINGS", "SplitCopy", "safe_file_part", "split_tracker"]
