"""Lessons across every campaign in the history, from each campaign's latest snapshot.

The recap (:mod:`marketing_tracker.reports.recap`) gives each campaign's figures; this adds them up:
the on-time rate per department (tasks done on time / tasks done), the delay causes as one
Pareto (days late per cause), typical planned and actual durations per phase (medians, in days,
both ends counted), and each KPI's achievement per campaign with the mean.

Example::

    lessons = archive(History(url))
    print(lessons.to_dict()["departments"])
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any

from marketing_tracker.core.schema import PHASES
from marketing_tracker.history.store import History, HistoryError
from marketing_tracker.reading.reader import Tracker
from marketing_tracker.reports.recap import Recap, recap


@dataclass
class ArchiveReport:
    """The lessons as plain data; ``to_dict`` is the JSON of ``archive --format json``."""

    campaigns: list[dict[str, Any]]
    departments: list[dict[str, Any]]
    delay_causes: list[dict[str, Any]]
    durations: list[dict[str, Any]]
    kpis: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"campaigns": self.campaigns, "departments": self.departments, "delay_causes": self.delay_causes,
                "durations": self.durations, "kpis": self.kpis}


def archive(history: History) -> ArchiveReport:
    """The lessons of every campaign stored; :class:`HistoryError` when the history is empty."""
    latest: dict[str, Any] = {}
    for snap in history.snapshots():  # oldest first: the last one seen per campaign is its latest
        latest[snap.campaign] = snap
    if not latest:
        raise HistoryError(f"{history.url}: no snapshots yet (store copies with: marketing-tracker snapshot FILE)")
    loaded = [(snap, history.load(snap.id)) for snap in latest.values()]
    figures = [(snap, tracker, recap(tracker, as_of=snap.status_date, findings=[])) for snap, tracker in loaded]
    return ArchiveReport(
        campaigns=[{"name": snap.campaign, "status_date": snap.status_date.isoformat(), "snapshot": snap.id,
                    "tasks": snap.tasks} for snap, _t, _f in figures],
        departments=_departments([f for _s, _t, f in figures]),
        delay_causes=_causes([f for _s, _t, f in figures]),
        durations=_durations([t for _s, t, _f in figures]),
        kpis=_kpis([(s.campaign, f) for s, _t, f in figures]),
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _departments(figures: list[Recap]) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for f in figures:
        for group in f.departments:
            name = str(group["name"])
            entry = totals.setdefault(name, {"name": name, "campaigns": 0, "tasks": 0, "done": 0, "on_time": 0})
            entry["campaigns"] += 1
            for key in ("tasks", "done", "on_time"):
                entry[key] += int(group[key])
    result = [{**entry, "on_time_rate": _rate(entry["on_time"], entry["done"])} for entry in totals.values()]
    return sorted(result, key=lambda e: (e["on_time_rate"] if e["on_time_rate"] is not None else 2, e["name"]))


def _causes(figures: list[Recap]) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for f in figures:
        for cause in f.delay_causes:
            entry = totals.setdefault(cause["cause"], {"cause": cause["cause"], "days": 0, "tasks": 0, "campaigns": 0})
            entry["days"] += int(cause["days"])
            entry["tasks"] += int(cause["tasks"])
            entry["campaigns"] += 1
    ordered = sorted(totals.values(), key=lambda e: (-e["days"], e["cause"]))
    whole = sum(e["days"] for e in ordered)
    running = 0
    result = []
    for entry in ordered:
        running += entry["days"]
        result.append({**entry, "share": _rate(entry["days"], whole), "cumulative_share": _rate(running, whole)})
    return result


def _days(start: Any, end: Any) -> int | None:
    if isinstance(start, date) and isinstance(end, date) and end >= start:
        return (end - start).days + 1
    return None


def _durations(trackers: list[Tracker]) -> list[dict[str, Any]]:
    planned: dict[str, list[int]] = {}
    actual: dict[str, list[int]] = {}
    for tracker in trackers:
        for record in tracker.records("tasks"):
            v = record.values
            phase = str(v.get("phase") or "")
            plan_days = _days(v.get("planned_start"), v.get("planned_end"))
            if plan_days is not None:
                planned.setdefault(phase, []).append(plan_days)
            done_days = _days(v.get("actual_start"), v.get("actual_end"))
            if done_days is not None:
                actual.setdefault(phase, []).append(done_days)
    order = [m.key for m in PHASES.members] + sorted(set(planned) | set(actual))
    result = []
    for key in dict.fromkeys(order):
        if key not in planned and key not in actual:
            continue
        member = PHASES.lookup(key)
        result.append({"phase": key, "label": member.label.en if member else key,
                       "planned_days": _median(planned.get(key, [])), "planned_tasks": len(planned.get(key, [])),
                       "actual_days": _median(actual.get(key, [])), "actual_tasks": len(actual.get(key, []))})
    return result


def _median(values: list[int]) -> float | None:
    return float(median(values)) if values else None


def _kpis(figures: list[tuple[str, Recap]]) -> list[dict[str, Any]]:
    by_name: dict[str, list[dict[str, Any]]] = {}
    for campaign, f in figures:
        for kpi in f.kpis:
            by_name.setdefault(kpi["name"], []).append({"campaign": campaign, "achievement": kpi["achievement"]})
    result = []
    for name, items in by_name.items():
        known = [i["achievement"] for i in items if i["achievement"] is not None]
        result.append({"name": name, "campaigns": items,
                       "mean_achievement": round(sum(known) / len(known), 4) if known else None,
                       "met": sum(1 for a in known if a >= 1)})
    return result


# --------------------------------------------------------------------------- rendering


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def render_text(report: ArchiveReport) -> str:
    lines = [f"Archive of {len(report.campaigns)} campaign{'s' if len(report.campaigns) != 1 else ''}: "
             + ", ".join(f"{c['name']} ({c['status_date']})" for c in report.campaigns), "", "On time per department:"]
    lines += [f"  {d['name'] or '(none)'}: {_pct(d['on_time_rate'])} ({d['on_time']} of {d['done']} done on time)"
              for d in report.departments]
    lines += ["", "Delay causes (days late):"]
    lines += [f"  {c['cause']}: {c['days']} days, {c['tasks']} tasks ({_pct(c['share'])}, "
              f"cumulative {_pct(c['cumulative_share'])})" for c in report.delay_causes] or ["  none"]
    lines += ["", "Typical durations per phase (median days, planned / actual):"]
    lines += [f"  {d['label']}: {_num(d['planned_days'])} / {_num(d['actual_days'])}" for d in report.durations]
    lines += ["", "KPI achievement:"]
    lines += [f"  {k['name']}: mean {_pct(k['mean_achievement'])} over {len(k['campaigns'])} campaigns, met in {k['met']}"
              for k in report.kpis]
    return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def render_json(report: ArchiveReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=1)


__all__ = ["ArchiveReport", "archive", "render_json", "render_text"]
