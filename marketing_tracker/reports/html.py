"""Recap figures -> one self-contained HTML page (jinja2 template ``templates/recap.html.j2``).

Inline CSS and inline SVG charts: nothing is fetched from the network, so the page opens
from an e-mail attachment and prints to A4. This module only turns figures into chart
geometry (plain numbers); the template lays out the page and escapes every text that
came from a spreadsheet. The numbers are the recap's, the same ones the workbook shows.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from marketing_tracker import __version__
from marketing_tracker.core.fileio import atomic_output
from marketing_tracker.core.resources import render
from marketing_tracker.core.schema import ENUMERATIONS, HEALTH, MILESTONE_STATES, RECAP_TASKS, STATUSES, Locale
from marketing_tracker.core.words import RECAP_SECTIONS, RECAP_TEXT, report_label
from marketing_tracker.reports.recap import Recap

WORST_DELAYS = 20  # the page shows the worst delays first
#: The page's collapsed task table stops here (late and open tasks first), so that a 20,000-task campaign
#: still gives a page that opens on a phone; the recap workbook and the JSON hold every task.
TASK_TABLE_LIMIT = 1500


def write_recap_html(figures: Recap, path: str | os.PathLike[str], *, inputs: tuple[str | os.PathLike[str], ...] = ()
                     ) -> Path:
    """Write the HTML recap for ``figures`` to ``path`` (atomically; never over one of ``inputs``)."""
    html = recap_html(figures)
    with atomic_output(path, inputs=inputs) as staged:
        staged.write_text(html, encoding="utf-8")
    return Path(path)


def recap_html(figures: Recap) -> str:
    """The HTML recap as text."""
    locale: Locale = figures.campaign["locale"]
    text = {key: value.get(locale) for key, value in RECAP_TEXT.items()}
    sections = {key: value.get(locale) for key, value in RECAP_SECTIONS.items()}
    labels = {name: {m.key: m.label.get(locale) for m in enumeration.members}
              for name, enumeration in ENUMERATIONS.items()}
    colours = {m.key: m.colour for m in (*STATUSES.members, *HEALTH.members, *MILESTONE_STATES.members)}
    tasks = sorted(figures.tasks, key=lambda r: (r["status"] == "done", -r["days_late"], r["id"]))[:TASK_TABLE_LIMIT]
    return render("recap.html.j2", f=figures, t=text, sections=sections, labels=labels, colours=colours,
                  lang="zh-CN" if locale == "zh-CN" else "en", version=__version__,
                  worst=figures.delays[:WORST_DELAYS], charts=_charts(figures), tasks=tasks,
                  task_columns=[(c, report_label(c, locale)) for c in RECAP_TASKS if c.page])


def _charts(f: Recap) -> dict[str, Any]:
    start, end = f.campaign.get("start"), f.campaign.get("end")
    pace = ([_pace(k, start, end) for k in f.kpis if k["aggregate"] == "sum" and k["series"]]
            if isinstance(start, date) and isinstance(end, date) else [])
    return {"kpis": _kpi_bars(f), "pace": pace,
            "gantt": _gantt(f), "pareto": _pareto(f), "budget": _budget(f), "trends": _trends(f)}


#: The trend charts' size and margins (the page's other charts are 560 wide too).
_TREND = {"width": 560, "height": 200, "left": 48, "right": 20, "top": 24, "bottom": 34}


def _trends(f: Recap) -> dict[str, Any] | None:
    """Geometry of the three trend charts (recap --db); None when the recap has no snapshots to show.

    Each snapshot is a point at its status date along the x axis (one snapshot: the middle).
    """
    points = f.trends
    if not points:
        return None
    width, height, left, right = _TREND["width"], _TREND["height"], _TREND["left"], _TREND["right"]
    top, bottom = _TREND["top"], height - _TREND["bottom"]
    first, last = points[0].status_date, points[-1].status_date
    span = (last - first).days

    inset = 18  # the first and last snapshot (and their bars) stand clear of the chart's edges

    def x(day: date) -> float:
        share = (day - first).days / span if span else 0.5
        return round(left + inset + share * (width - left - right - 2 * inset), 1)

    def y(value: float, low: float, high: float) -> float:
        share = (value - low) / (high - low) if high > low else 0.5
        return round(bottom - share * (bottom - top), 1)

    most = max([p.tasks for p in points] + [1])
    burnup = [{"x": x(p.status_date), "done": y(p.done, 0, most), "planned": y(p.planned_done, 0, most),
               "day": p.status_date, "done_n": p.done, "planned_n": p.planned_done} for p in points]
    late_top = max([p.days_late for p in points] + [1])
    bar = round(min(28.0, (width - left - right - 2 * inset) / len(points) * 0.6), 1)
    bars = [{"x": round(x(p.status_date) - bar / 2, 1), "w": bar, "y": y(p.days_late, 0, late_top),
             "h": round(bottom - y(p.days_late, 0, late_top), 1), "days": p.days_late, "day": p.status_date,
             "mid": x(p.status_date)} for p in points]
    dated = [(p.status_date, p.planned_finish) for p in points if p.planned_finish is not None]
    finish: dict[str, Any] | None = None
    if dated:
        low, high = min(end for _d, end in dated), max(end for _d, end in dated)
        spread = (high - low).days + 2  # a day of room below the earliest and above the latest
        finish = {"points": [{"x": x(day), "y": y((end - low).days + 1, 0, spread), "day": day, "finish": end}
                             for day, end in dated],
                  "low": low, "high": high, "low_y": y(1, 0, spread), "high_y": y(spread - 1, 0, spread)}
    return {**_TREND, "axis_y": bottom, "first": first, "last": last, "first_x": x(first), "last_x": x(last),
            "most": most, "most_y": y(most, 0, most), "late_top": late_top, "late_top_y": y(late_top, 0, late_top),
            "burnup": burnup, "done_line": " ".join(f"{b['x']},{b['done']}" for b in burnup),
            "planned_line": " ".join(f"{b['x']},{b['planned']}" for b in burnup), "bars": bars, "finish": finish,
            "finish_line": " ".join(f"{q['x']},{q['y']}" for q in finish["points"]) if finish else ""}


def _kpi_bars(f: Recap) -> dict[str, Any]:
    width, row, left, room = 560, 30, 150, 60  # room: space right of the longest bar for its label
    scale_max = max([1.0, *[min(k["achievement"] or 0, 2.0) for k in f.kpis]])
    span = width - left - room
    bars = []
    for i, k in enumerate(f.kpis):
        achievement = k["achievement"] or 0
        bars.append({"y": 10 + i * row, "label": k["name"], "w": round(min(achievement, 2.0) / scale_max * span, 1),
                     "value": achievement, "met": bool(k["met"]), "missing": k["achievement"] is None})
    return {"width": width, "height": 20 + row * len(bars), "bars": bars, "target_x": round(left + span / scale_max, 1)}


def _pace(k: dict[str, Any], start: date, end: date) -> dict[str, Any]:
    """Cumulative actual by date from zero at the start, against the straight line to the target at the end."""
    width, height, pad = 560, 200, 40
    series = k["series"]
    target = k["target"] or 0
    top = max([s["cumulative"] for s in series] + [target]) or 1
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return round(pad + max(0, min(span, (day - start).days)) / span * (width - 2 * pad), 1)

    def y(value: float) -> float:
        return round(height - pad - value / top * (height - 2 * pad), 1)

    points = [(x(start), y(0))] + [(x(s["date"]), y(s["cumulative"])) for s in series]
    return {"name": k["name"], "width": width, "height": height, "pad": pad,
            "actual": " ".join(f"{px},{py}" for px, py in points), "dots": points[1:],
            "pace": f"{x(start)},{y(0)} {x(end)},{y(target)}", "first": start, "last": end,
            "target_y": y(target)}


def _gantt(f: Recap) -> dict[str, Any]:
    start, end, as_of = f.campaign.get("start"), f.campaign.get("end"), f.campaign.get("as_of")
    if not isinstance(start, date) or not isinstance(end, date):
        return {"rows": []}
    width, left, row = 560, 90, 34
    span = max((end - start).days + 1, 1)

    def x(day: date) -> float:
        return round(left + max(0, min(span, (day - start).days)) / span * (width - left - 10), 1)

    rows = []
    for i, p in enumerate(f.phases):
        entry: dict[str, Any] = {"y": 10 + i * row, "label": p["label"], "planned": None, "actual": None}
        if p["planned_start"] and p["planned_end"]:
            entry["planned"] = (x(p["planned_start"]), max(2.0, x(p["planned_end"]) - x(p["planned_start"]) + 1))
        if p["actual_start"]:
            a_end: date = p["actual_end"] or as_of or end
            entry["actual"] = (x(p["actual_start"]), max(2.0, x(a_end) - x(p["actual_start"]) + 1))
        rows.append(entry)
    return {"width": width, "height": 30 + row * len(rows), "rows": rows, "today": x(as_of) if as_of else None,
            "left": left, "start": start, "end": end}


def _pareto(f: Recap) -> dict[str, Any]:
    causes = f.delay_causes[:10]
    width, height, pad = 560, 220, 36
    if not causes:
        return {"bars": []}
    top = max(c["days"] for c in causes) or 1
    step = (width - 2 * pad) / len(causes)
    bars, points = [], []
    for i, c in enumerate(causes):
        h = c["days"] / top * (height - 2 * pad)
        bars.append({"x": round(pad + i * step + step * 0.15, 1), "w": round(step * 0.7, 1),
                     "y": round(height - pad - h, 1), "h": round(h, 1), "label": c["cause"], "days": c["days"]})
        points.append(f"{pad + i * step + step / 2:.1f},{height - pad - c['cumulative_share'] * (height - 2 * pad):.1f}")
    return {"width": width, "height": height, "pad": pad, "bars": bars, "line": " ".join(points)}


def _budget(f: Recap) -> dict[str, Any]:
    phases = f.budget["by_phase"]
    width, row, left = 560, 30, 90
    top = max([abs(p["variance"]) for p in phases] + [1])
    middle = left + (width - left - 10) / 2
    bars = []
    for i, p in enumerate(phases):
        w = abs(p["variance"]) / top * (width - left - 10) / 2
        bars.append({"y": 10 + i * row, "label": p["label"], "x": round(middle - w if p["variance"] < 0 else middle, 1),
                     "w": round(w, 1), "value": p["variance"], "over": p["variance"] > 0})
    return {"width": width, "height": 20 + row * len(bars), "bars": bars, "middle": round(middle, 1)}
