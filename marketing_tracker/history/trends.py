"""The recap's trends: one point per stored snapshot of a campaign (burn-up, days late, planned finish).

A recap shows one moment; the history holds every week. For each snapshot of the campaign, judged
as of its own status date with the plan it held then:

- ``done``: tasks done (status Done, or progress 100%), against ``planned_done``: tasks whose
  planned end is on or before the status date (the burn-up);
- ``days_late``: the days late of every task, counted as the recap counts them (to the actual end
  when finished, to the status date while open);
- ``planned_finish``: the latest planned end of the campaign's tasks, which moves when the plan slips.

Plain data out (:class:`~marketing_tracker.reports.recap.TrendPoint`); the reports draw them and
never open the database. Example::

    with History("sqlite:///618.db") as history:
        points = campaign_trends(history, "品牌618周年庆", date(2024, 5, 20))
        run_recap(["618-final.xlsx"], html="recap.html", trends=trend_source(history))
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from marketing_tracker.core.derived import delay_days, finished
from marketing_tracker.history.store import History, Snapshot
from marketing_tracker.reports.recap import TrendPoint
from marketing_tracker.reports.run import TrendSource


def campaign_trends(history: History, campaign: str, start: date | None, *, until: date | None = None) -> list[TrendPoint]:
    """One point per snapshot of the campaign (its name and start, as the history tells campaigns apart).

    Oldest first; snapshots dated after ``until`` (the recap's as-of day) are left out, so that a recap
    as of a day shows the weeks up to that day. No snapshot of the campaign: an empty list.
    """
    chosen = [s for s in history.snapshots(campaign=campaign)
              if s.campaign_start == start and (until is None or s.status_date <= until)]
    by_id = {s.id: s for s in chosen}
    return [_point(by_id[snapshot_id], tasks) for snapshot_id, tasks in history.table_values(list(by_id), "tasks")]


def trend_source(history: History) -> TrendSource:
    """The trends of whichever campaign a recap turns out to be, for :func:`~marketing_tracker.reports.run.run_recap`."""

    def source(campaign: str, start: date | None, until: date) -> list[TrendPoint]:
        return campaign_trends(history, campaign, start, until=until)

    return source


def _point(snapshot: Snapshot, tasks: Iterable[dict[str, Any]]) -> TrendPoint:
    day = snapshot.status_date
    done = planned_done = days_late = count = 0
    finish: date | None = None
    for values in tasks:
        count += 1
        done += _done(values)
        end = values.get("planned_end")
        if isinstance(end, date):
            planned_done += end <= day
            finish = end if finish is None or end > finish else finish
            days_late += delay_days(end, _day(values.get("actual_end")), values.get("status"), _number(values), day) or 0
    return TrendPoint(snapshot=snapshot.id, status_date=day, tasks=count, done=done, planned_done=planned_done,
                      days_late=days_late, planned_finish=finish)


def _done(values: dict[str, Any]) -> bool:
    return finished(values.get("status"), _number(values))


def _number(values: dict[str, Any]) -> float | None:
    progress = values.get("progress")
    return float(progress) if isinstance(progress, (int, float)) else None


def _day(value: Any) -> date | None:
    return value if isinstance(value, date) else None


__all__ = ["campaign_trends", "trend_source"]
