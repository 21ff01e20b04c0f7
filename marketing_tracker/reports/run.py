"""From filled files to the recap outputs: read (merging several copies), check, compute, write.

Kept apart from the CLI so that Python callers and the demo run exactly what the command runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.fileio import atomic_output, gc_paused
from marketing_tracker.reading.reader import Tracker, read_tracker
from marketing_tracker.reports.recap import Recap, TrendPoint, recap

if TYPE_CHECKING:
    from marketing_tracker.loop.merge import Merged

#: Where a recap's trends come from: given the campaign's name, its start and the recap's as-of day, one point per
#: stored snapshot (``marketing_tracker.history.trends.trend_source`` reads them from a history database).
TrendSource = Callable[[str, "date | None", date], list[TrendPoint]]


def read_one(paths: list[str | os.PathLike[str]]) -> Tracker | Merged:
    """One tracker from one file, or the merge of several copies of one campaign (in memory, with its conflicts)."""
    if len(paths) == 1:
        return read_tracker(paths[0])
    from marketing_tracker.loop.merge import merge_trackers

    return merge_trackers(list(paths))


def _refuse_nothing_to_recap(tracker: Tracker) -> None:
    """A recap needs the tracker's own sheets and at least one task (issue 14: a KeyError otherwise)."""
    if any(f.code == "foreign-workbook" for f in tracker.findings):
        raise TrackerError(f"{tracker.path}: not a marketing_tracker workbook, so there is nothing to recap; "
                           "check it with 'marketing-tracker validate'")
    if not tracker.records("tasks"):
        raise TrackerError(f"{tracker.path}: the tracker has no tasks yet, so there is nothing to recap")


def run_recap(paths: list[str | os.PathLike[str]], *, xlsx: str | os.PathLike[str] | None = None,
              html: str | os.PathLike[str] | None = None, json_path: str | os.PathLike[str] | None = None,
              as_of: date | None = None, trends: TrendSource | None = None) -> tuple[list[Path], Recap]:
    """Compute the recap of ``paths`` and write each output asked for; return what was written and the figures.

    Several copies are merged first; the merge's conflicts count among the recap's findings. ``trends``,
    when given, supplies the campaign's snapshots from a history (``recap --db``): the outputs then carry
    the trend charts and the JSON a ``trends`` list. No snapshot of the campaign: no trends, as without it.
    """
    inputs = tuple(paths)
    with gc_paused():
        source = read_one(list(paths))
        _refuse_nothing_to_recap(source if isinstance(source, Tracker) else source.tracker())
        figures = recap(source, as_of=as_of)
        if trends is not None:
            figures.trends = trends(figures.campaign["name"], figures.campaign.get("start"), figures.campaign["as_of"])
    written: list[Path] = []
    if xlsx:
        from marketing_tracker.reports.xlsx import write_recap_xlsx

        written.append(write_recap_xlsx(figures, xlsx, inputs=inputs))
    if html:
        from marketing_tracker.reports.html import write_recap_html

        written.append(write_recap_html(figures, html, inputs=inputs))
    if json_path:
        with atomic_output(json_path, inputs=inputs) as staged:
            staged.write_text(json.dumps(figures.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(Path(json_path))
    return written, figures
