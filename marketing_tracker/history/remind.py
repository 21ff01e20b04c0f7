"""The chase list: per owner, the open tasks overdue or due within a few days, from one copy.

No database is needed: a coordinator runs it on the copy in hand before the daily stand-up.
A task is open while it is neither done nor at 100%; overdue when its planned end has passed,
by the days since; due soon when its planned end is ``within`` days away or less (today is 0).

Example::

    chase = reminders(read_tracker("618-week3.xlsx"), within=3)
    for owner, items in chase.owners.items():
        print(owner, [i.id for i in items])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marketing_tracker.core.derived import finished
from marketing_tracker.core.schema import TASKS
from marketing_tracker.reading.reader import Tracker

DEFAULT_WITHIN = 3


@dataclass(frozen=True)
class Reminder:
    """One task to chase: ``days_overdue`` when late (else None), ``due_in`` days when due soon (else None)."""

    id: str
    name: str
    planned_end: date
    days_overdue: int | None
    due_in: int | None
    status: str


@dataclass
class Reminders:
    """The chase list as of a day: owners in name order, each with the most overdue first."""

    as_of: date
    within: int
    owners: dict[str, list[Reminder]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``remind --format json`` (docs/history.md)."""
        return {"as_of": self.as_of.isoformat(),
                "owners": {owner: [_item_json(r) for r in items] for owner, items in self.owners.items()}}


def reminders(tracker: Tracker, *, within: int = DEFAULT_WITHIN, as_of: date | None = None) -> Reminders:
    """Who must be chased as of ``as_of`` (default: the copy's status date, else today)."""
    day = as_of or tracker.campaign.as_of or date.today()
    found: dict[str, list[Reminder]] = {}
    for record in tracker.records("tasks"):
        item = _reminder(record.values, day, within)
        if item is not None:
            found.setdefault(str(record.values.get("owner") or ""), []).append(item)
    ordered = {owner: sorted(items, key=_urgency) for owner, items in sorted(found.items())}
    return Reminders(day, within, ordered)


def _reminder(values: dict[str, Any], day: date, within: int) -> Reminder | None:
    end, status, progress = values.get("planned_end"), values.get("status"), values.get("progress")
    if not isinstance(end, date) or finished(status, progress) or values.get("actual_end"):
        return None
    days = (day - end).days
    if days > 0:
        overdue, due_in = days, None
    elif -days <= within:
        overdue, due_in = None, -days
    else:
        return None
    return Reminder(str(values.get("task_id", "")), str(values.get("name", "")), end, overdue, due_in,
                    str(status or TASKS.defaults["status"]))  # a blank status is the one a new row starts with


def _urgency(item: Reminder) -> tuple[int, int, str]:
    return (-(item.days_overdue or 0), item.due_in if item.due_in is not None else -1, item.id)


def _item_json(item: Reminder) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "planned_end": item.planned_end.isoformat(),
            "days_overdue": item.days_overdue, "due_in": item.due_in, "status": item.status}


# --------------------------------------------------------------------------- rendering


def render_text(chase: Reminders, *, markdown: bool = False) -> str:
    """For a terminal, or (``markdown``) to paste into a chat or an e-mail."""
    lines = [f"{'## ' if markdown else ''}Chase list as of {chase.as_of.isoformat()} (due within {chase.within} days)", ""]
    if not chase.owners:
        lines.append("Nothing overdue or due soon.")
    for owner, items in chase.owners.items():
        lines.append(f"**{owner or '(no owner)'}**" if markdown else f"{owner or '(no owner)'}:")
        for item in items:
            when = (f"{item.days_overdue} days overdue" if item.days_overdue is not None
                    else "due today" if item.due_in == 0 else f"due in {item.due_in} days")
            bullet = "- " if markdown else "  "
            lines.append(f"{bullet}{item.id} {item.name}: {when} (planned end {item.planned_end.isoformat()}, {item.status})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_json(chase: Reminders) -> str:
    return json.dumps(chase.to_dict(), ensure_ascii=False, indent=1)


__all__ = ["DEFAULT_WITHIN", "Reminder", "Reminders", "reminders", "render_json", "render_text"]
