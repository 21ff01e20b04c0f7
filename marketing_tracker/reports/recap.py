"""Tracker -> the recap figures management asks for (pure computation with pandas, no I/O).

The recap (复盘) looks along time, responsibility and resources, and at the results against
the goals (docs/recap.md). Every figure is computed from the typed tables and the same rules
the workbook shows (:mod:`derived`), never from a cached cell. Rates are fractions 0-1,
days are whole days. A task still open past its planned end counts its days late up to
the as-of date.

Example::

    figures = recap(read_tracker("618-merged.xlsx"), as_of=date(2024, 6, 30))
    print(figures.overall["completion_rate"], figures.to_dict()["kpis"])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import pandas as pd

from marketing_tracker.core.derived import (
    actual_of,
    delay_days,
    expected_progress,
    finished,
    health,
    kpi_achievement,
    kpi_days,
    milestone_result,
)
from marketing_tracker.core.findings import Finding
from marketing_tracker.core.schema import PHASES, RECAP_TASKS, Locale, ReportColumn, Text
from marketing_tracker.reading.reader import Tracker

if TYPE_CHECKING:
    from marketing_tracker.loop.merge import Merged

UNSPECIFIED = Text("未说明原因", "no reason given")
_CAUSE_IN_BRACKETS = re.compile(r"[(（]([^()（）]+)[)）]")


@dataclass(frozen=True)
class TrendPoint:
    """One stored snapshot of the campaign, as the recap's trend charts show it.

    Computed from the history database (:mod:`marketing_tracker.history.trends`) and handed to the
    recap as plain data, so that the reports never open a database. Each snapshot is judged as of
    its own status date, with the plan it held then.
    """

    snapshot: int
    status_date: date
    tasks: int
    done: int  # done (status Done, or progress 100%)
    planned_done: int  # planned to be finished by the status date (planned end on or before it)
    days_late: int  # the days late of every task, as the recap counts them (to the actual end, or the status date)
    planned_finish: date | None  # the latest planned end of the campaign's tasks


@dataclass
class Recap:
    """The figures of one campaign's recap, as plain data (``to_dict`` gives the JSON of ``--json``)."""

    campaign: dict[str, Any]
    overall: dict[str, Any]
    phases: list[dict[str, Any]]
    owners: list[dict[str, Any]]
    departments: list[dict[str, Any]]
    delays: list[dict[str, Any]]
    delay_causes: list[dict[str, Any]]
    pushed: list[dict[str, Any]]
    milestones: dict[str, Any]
    kpis: list[dict[str, Any]]
    budget: dict[str, Any]
    issues: dict[str, Any]
    findings: dict[str, int]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    #: Of several copies merged: each conflicting cell (file, sheet, cell, value, message), for the data-quality part.
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    #: Re-planning against the first plan's dates: tasks re-planned, days moved, by phase (see :func:`_baseline`).
    baseline: dict[str, Any] = field(default_factory=dict)
    #: One point per snapshot of the campaign in a history database (``recap --db``), oldest first; empty without one.
    trends: list[TrendPoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO text. ``trends`` is there only when the recap has some (``recap --db``)."""
        data = asdict(self)
        if not self.trends:
            del data["trends"]
        return _jsonable(data)  # type: ignore[no-any-return]

    def frames(self) -> dict[str, pd.DataFrame]:
        """The recap's tables as DataFrames, one row per item of the JSON's lists, dates as datetime64.

        Names: phases, owners, departments, delays, delay_causes, pushed, kpis, tasks, milestones, issues,
        budget_phases, budget_tasks, findings (code, count), and trends when the recap has some.
        """
        tables: dict[str, list[dict[str, Any]]] = {
            "phases": self.phases, "owners": self.owners, "departments": self.departments, "delays": self.delays,
            "delay_causes": self.delay_causes, "pushed": self.pushed, "kpis": self.kpis, "tasks": self.tasks,
            "milestones": self.milestones.get("items", []), "issues": self.issues.get("items", []),
            "budget_phases": self.budget.get("by_phase", []), "budget_tasks": self.budget.get("by_task", []),
            "findings": [{"code": code, "count": count} for code, count in self.findings.items()],
        }
        if self.trends:
            tables["trends"] = [asdict(point) for point in self.trends]
        return {name: _frame(rows) for name, rows in tables.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        present = frame[column].dropna()
        if len(present) and all(isinstance(v, date) for v in present):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _rate(part: float, whole: float) -> float | None:
    """A share; None when there is nothing to measure (no finished task for an on-time rate)."""
    return round(part / whole, 4) if whole else None


def _average(values: Iterable[float]) -> float | None:
    """A mean to one decimal, rounded half up as people round (2.45 -> 2.5, not Python's half-to-even)."""
    items = [float(v) for v in values]
    if not items:
        return None
    mean = Decimal(repr(sum(items))) / Decimal(len(items))
    return float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _cause(text: str, locale: Locale) -> str:
    """The reason in a risk note: the words in brackets (延期1天(服务器调试) -> 服务器调试), else the note."""
    text = (text or "").strip()
    if not text:
        return UNSPECIFIED.get(locale)
    found = _CAUSE_IN_BRACKETS.search(text)
    return found.group(1).strip() if found else text


def recap(tracker: Tracker | Merged, *, as_of: date | None = None, findings: list[Finding] | None = None) -> Recap:
    """Compute every recap figure of a read tracker as of a day (default: its status date, else today).

    ``tracker`` may be a merge result (:func:`merge_trackers`): its tracker in memory is recapped, and its
    conflicts and deletions count among the findings (the data-quality part of the recap shows them).
    """
    from marketing_tracker.checks.validate import validate

    merge_findings: list[Finding] = []
    if not isinstance(tracker, Tracker):
        merge_findings = tracker.findings
        tracker = tracker.tracker()
    info = tracker.campaign
    day = as_of or info.as_of or date.today()
    locale = tracker.locale
    if findings is None:
        findings = validate(tracker, as_of=day) + merge_findings
    tasks = _tasks_frame(tracker, day)
    phase_labels = {key: label for key, label, _s, _e in info.phases}
    kpis = _kpis(tracker, day)
    return Recap(
        campaign={"name": info.name, "start": info.start, "end": info.end, "as_of": day, "locale": locale,
                  "goals": list(info.goals), "plan_owner": info.plan_owner, "exec_owner": info.exec_owner,
                  "verdicts": _verdicts(info.goals, kpis)},
        overall=_overall(tasks, day),
        phases=_phases(tasks, info.phases, locale),
        owners=_groups(tasks, tracker, "owner"),
        departments=_groups(tasks, tracker, "department"),
        delays=_delays(tasks, phase_labels),
        delay_causes=_pareto(tasks, locale),
        pushed=_pushed(tasks),
        milestones=_milestones(tracker, day, phase_labels),
        kpis=kpis,
        budget=_budget(tasks, phase_labels),
        issues=_issues(tracker),
        findings=dict(sorted(Counter(f.code for f in findings).items())),
        tasks=_task_rows(tasks, phase_labels),
        conflicts=[{"file": PurePath(f.params.get("file", "")).name, "sheet": f.sheet, "cell": f.cell, "value": f.value,
                    "message": f.message(locale)} for f in merge_findings if f.code == "merge-conflict"],
        baseline=_baseline(tracker, phase_labels),
    )


#: The recap's own view of a task; a column the task list declares beyond these is read from the tasks sheet.
_TASK_COLUMNS = ("id", "name", "phase", "owner", "department", "planned_start", "planned_end", "actual_start",
                 "actual_end", "progress", "status", "done", "days_late", "late", "on_time", "expected", "health",
                 "cause", "depends_on", "budget_planned", "budget_actual")


def _tasks_frame(tracker: Tracker, day: date) -> pd.DataFrame:
    sourced = [c for c in RECAP_TASKS if c.key not in _TASK_COLUMNS]
    departments = tracker.campaign.departments
    issue_text: dict[str, str] = {}  # a task's first logged issue explains its delay when the row gives no risk
    for record in tracker.records("issues"):
        task_id, text = record.values.get("task_id"), record.values.get("description")
        if task_id and text:
            issue_text.setdefault(task_id, text)
    rows = []
    for record in tracker.records("tasks"):
        v = record.values
        status, progress = v.get("status"), v.get("progress")
        start, end, actual_end = v.get("planned_start"), v.get("planned_end"), v.get("actual_end")
        done = finished(status, progress)
        late = delay_days(end, actual_end, status, progress, day) or 0
        effective = "done" if done else status or "not_started"
        if not done and effective not in ("blocked", "delayed") and end is not None and day > end:
            effective = "delayed"  # past its planned end and not done: delayed, whatever it says
        owner = v.get("owner", "")
        rows.append({
            "id": v.get("task_id", ""), "name": v.get("name", ""), "phase": v.get("phase", ""), "owner": owner,
            "department": departments.get(owner, ""), "planned_start": start, "planned_end": end,
            "actual_start": v.get("actual_start"), "actual_end": actual_end, "progress": float(progress or 0),
            "status": effective, "done": done, "days_late": int(late), "late": late > 0,
            "on_time": done and late == 0, "expected": expected_progress(start, end, day),
            "health": health(status, progress, start, end, day),
            "cause": v.get("risk") or issue_text.get(v.get("task_id", ""), ""),
            "depends_on": list(v.get("depends_on", [])),
            "budget_planned": float(v.get("budget_planned") or 0), "budget_actual": float(v.get("budget_actual") or 0),
            **{c.key: v.get(c.source) for c in sourced if c.source},
        })
    return pd.DataFrame(rows, columns=[*_TASK_COLUMNS, *(c.key for c in sourced)])


def _overall(tasks: pd.DataFrame, day: date) -> dict[str, Any]:
    total = len(tasks)
    counts = tasks["status"].value_counts()
    done = int(tasks["done"].sum())
    late = tasks[tasks["late"]]
    expected = [e for e in tasks["expected"] if e is not None]
    return {
        "tasks": total, "done": done,
        **{key: int(counts.get(key, 0)) for key in ("in_progress", "not_started", "delayed", "blocked")},
        "completion_rate": _rate(done, total),
        "on_time_rate": _rate(int(tasks["on_time"].sum()), done),
        "late_tasks": len(late),
        "avg_delay_days": _average(late["days_late"]) if len(late) else 0.0,
        "max_delay_days": int(late["days_late"].max()) if len(late) else 0,
        "expected_progress": round(sum(expected) / len(expected) / 100, 4) if expected else 0.0,
        "actual_progress": round(float(tasks["progress"].clip(0, 100).mean()) / 100, 4) if total else 0.0,
        "health": {key: int((tasks["health"] == key).sum()) for key in ("done", "on_track", "at_risk", "late")},
    }


def _phases(tasks: pd.DataFrame, phases: list[tuple[str, str, date | None, date | None]],
            locale: Locale) -> list[dict[str, Any]]:
    known = [(key, label, start, end) for key, label, start, end in phases]
    for key in tasks["phase"].unique():
        if key and key not in {k for k, *_ in known}:
            member = PHASES.lookup(key)
            known.append((key, member.label.get(locale) if member else key, None, None))
    result = []
    for key, label, start, end in known:
        group = tasks[tasks["phase"] == key]
        done = int(group["done"].sum())
        actual_starts = [d for d in group["actual_start"] if d is not None]
        actual_ends = [d for d in group["actual_end"] if d is not None]
        result.append({
            "key": key, "label": label, "planned_start": start, "planned_end": end,
            "actual_start": min(actual_starts) if actual_starts else None,
            "actual_end": max(actual_ends) if actual_ends else None,
            "tasks": len(group), "done": done, "completion_rate": _rate(done, len(group)),
            "on_time_rate": _rate(int(group["on_time"].sum()), done), "delay_days": int(group["days_late"].sum()),
        })
    return result


def _groups(tasks: pd.DataFrame, tracker: Tracker, by: str) -> list[dict[str, Any]]:
    open_issues: Counter[str] = Counter()
    for record in tracker.records("issues"):
        if record.values.get("status") != "resolved" and record.values.get("owner"):
            owner = record.values["owner"]
            open_issues[owner if by == "owner" else tracker.campaign.departments.get(owner, "")] += 1
    result = []
    for name, group in tasks.groupby(by, sort=True):
        late = group[group["late"]]
        result.append({
            "name": name, "tasks": len(group), "done": int(group["done"].sum()), "on_time": int(group["on_time"].sum()),
            "late": len(late), "avg_delay_days": _average(late["days_late"]) if len(late) else 0.0,
            "open_issues": open_issues.get(str(name), 0),
        })
    return sorted(result, key=lambda r: (-r["late"], -r["tasks"], r["name"]))


def _delays(tasks: pd.DataFrame, phase_labels: dict[str, str]) -> list[dict[str, Any]]:
    late = tasks[tasks["late"]].sort_values(["days_late", "id"], ascending=[False, True])
    return [{"id": r.id, "name": r.name, "phase": r.phase, "phase_label": phase_labels.get(r.phase, r.phase),
             "owner": r.owner, "planned_end": r.planned_end, "actual_end": r.actual_end, "days": int(r.days_late),
             "cause": r.cause, "open": not r.done} for r in late.itertuples()]


def _pareto(tasks: pd.DataFrame, locale: Locale) -> list[dict[str, Any]]:
    late = tasks[tasks["late"]]
    if late.empty:
        return []
    causes = late.assign(cause_word=[_cause(c, locale) for c in late["cause"]])
    grouped = causes.groupby("cause_word").agg(days=("days_late", "sum"), tasks=("id", "count")).reset_index()
    grouped = grouped.sort_values(["days", "cause_word"], ascending=[False, True])
    total = int(grouped["days"].sum())  # a numpy integer would make numpy shares, which the workbook wrote as text
    cumulative = 0
    result = []
    for row in grouped.itertuples():
        cumulative += int(row.days)
        result.append({"cause": row.cause_word, "days": int(row.days), "tasks": int(row.tasks),
                       "share": _rate(int(row.days), total), "cumulative_share": _rate(cumulative, total)})
    return result


def _pushed(tasks: pd.DataFrame) -> list[dict[str, Any]]:
    late = {r.id: r for r in tasks[tasks["late"]].itertuples()}
    dependents: dict[str, list[str]] = {}
    for row in tasks.itertuples():
        for dep in row.depends_on:
            if dep in late:
                dependents.setdefault(dep, []).append(row.id)
    return [{"id": task_id, "name": late[task_id].name, "days": int(late[task_id].days_late), "dependents": ids}
            for task_id, ids in sorted(dependents.items())]


def _milestones(tracker: Tracker, day: date, phase_labels: dict[str, str]) -> dict[str, Any]:
    items = []
    for record in tracker.records("milestones"):
        v = record.values
        result = milestone_result(v.get("due"), v.get("done"), day)
        if result is None:
            continue
        items.append({"id": v.get("milestone_id", ""), "name": v.get("name", ""),
                      "phase": phase_labels.get(v.get("phase", ""), v.get("phase", "")),
                      "due": v.get("due"), "done": v.get("done"), "owner": v.get("owner", ""), "result": result,
                      "impact": v.get("impact", "")})
    counts = Counter(i["result"] for i in items)
    return {**{key: counts.get(key, 0) for key in ("met", "met_late", "missed", "pending")}, "items": items}


def _kpis(tracker: Tracker, day: date) -> list[dict[str, Any]]:
    info = tracker.campaign
    log = [r.values for r in tracker.records("kpi_log")]
    result = []
    for record in tracker.records("kpis"):
        v = record.values
        name, key = v.get("name", ""), v.get("kpi_key", "")
        target = v.get("target")
        if not name or target is None:
            continue
        aggregate, direction = v.get("aggregate") or "sum", v.get("direction") or "higher"
        daily = kpi_days(log, name, key, aggregate)
        actual = actual_of(daily, aggregate)
        achievement = kpi_achievement(actual, target, direction)
        series, running = [], 0.0
        start, end = info.start, info.end
        span = (end - start).days + 1 if start and end else 0
        for logged in daily:
            running += logged.value
            pace = (target * (((logged.day - start).days + 1) / span)) if start and span and aggregate == "sum" else target
            series.append({"date": logged.day, "value": logged.value,
                           "cumulative": running if aggregate == "sum" else logged.value, "pace": round(pace, 4)})
        forecast = None
        if aggregate == "sum" and actual is not None and start and end and start <= day < end:
            elapsed = (min(day, end) - start).days + 1
            forecast = round(actual / elapsed * span, 4)
        result.append({"key": key, "name": name, "unit": v.get("unit", ""), "target": target, "actual": actual,
                       "achievement": achievement, "direction": direction, "aggregate": aggregate,
                       "met": achievement is not None and achievement >= 1, "series": series, "forecast": forecast})
    return result


def _verdicts(goals: list[str], kpis: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each goal with the KPI it names (by KPI name or code, e.g. "GMV 同比提升30%" -> gmv) and whether it was met."""
    result = []
    for goal in goals:
        text = goal.casefold()
        kpi = next((k for k in kpis if k["name"] and k["name"].casefold() in text), None) or next(
            (k for k in kpis if k["key"] and re.search(rf"(?<![a-z]){re.escape(k['key'].casefold())}(?![a-z])", text)),
            None)
        result.append({"goal": goal, "kpi": kpi["key"] if kpi else None,
                       "met": None if kpi is None or kpi["achievement"] is None else bool(kpi["met"]),
                       "achievement": kpi["achievement"] if kpi else None})
    return result


def _budget(tasks: pd.DataFrame, phase_labels: dict[str, str]) -> dict[str, Any]:
    planned, actual = float(tasks["budget_planned"].sum()), float(tasks["budget_actual"].sum())
    by_phase = []
    for key, group in tasks.groupby("phase", sort=False):
        p, a = float(group["budget_planned"].sum()), float(group["budget_actual"].sum())
        by_phase.append({"phase": key, "label": phase_labels.get(str(key), str(key)), "planned": p, "actual": a,
                         "variance": a - p, "share": _rate(a, actual)})
    spent = tasks[(tasks["budget_planned"] > 0) | (tasks["budget_actual"] > 0)]
    by_task = [{"id": r.id, "name": r.name, "planned": r.budget_planned, "actual": r.budget_actual,
                "variance": r.budget_actual - r.budget_planned, "share": _rate(r.budget_actual, actual)}
               for r in spent.sort_values("budget_planned", ascending=False).itertuples()]
    return {"planned": planned, "actual": actual, "variance": actual - planned,
            "variance_rate": _rate(actual - planned, planned), "by_phase": by_phase, "by_task": by_task}


def _issues(tracker: Tracker) -> dict[str, Any]:
    records = tracker.records("issues")
    statuses = Counter(r.values.get("status") or "follow_up" for r in records)
    durations = [(r.values["resolved"] - r.values["raised"]).days for r in records
                 if isinstance(r.values.get("resolved"), date) and isinstance(r.values.get("raised"), date)]
    items = [{"id": r.values.get("issue_id", ""), "description": r.values.get("description", ""),
              "impact": r.values.get("impact", ""), "task_id": r.values.get("task_id", ""),
              "owner": r.values.get("owner", ""), "status": r.values.get("status", ""),
              "raised": r.values.get("raised"), "resolved": r.values.get("resolved")} for r in records]
    return {"total": len(records), "open": len(records) - statuses.get("resolved", 0),
            "resolved": statuses.get("resolved", 0), "by_status": dict(sorted(statuses.items())),
            "avg_days_to_resolve": _average(durations), "items": items}


def _baseline(tracker: Tracker, phase_labels: dict[str, str]) -> dict[str, Any]:
    """Plan slippage: tasks whose planned dates moved from the baseline (the first plan's), and by how many days.

    ``days_moved`` adds up the end dates' moves (later is positive); a task without a baseline (added
    after the first plan) is not counted.
    """
    moved: list[dict[str, Any]] = []
    by_phase: dict[str, dict[str, Any]] = {}
    with_baseline = 0
    for record in tracker.records("tasks"):
        v = record.values
        start, end = v.get("baseline_start"), v.get("baseline_end")
        if not isinstance(start, date) and not isinstance(end, date):
            continue
        with_baseline += 1
        start_days = _days(start, v.get("planned_start"))
        end_days = _days(end, v.get("planned_end"))
        phase = v.get("phase", "")
        group = by_phase.setdefault(phase, {"phase": phase, "label": phase_labels.get(phase, phase), "tasks": 0,
                                            "replanned": 0, "days_moved": 0})
        group["tasks"] += 1
        if start_days or end_days:
            group["replanned"] += 1
            group["days_moved"] += end_days
            moved.append({"id": v.get("task_id", ""), "name": v.get("name", ""), "phase": phase,
                          "baseline_start": start, "baseline_end": end, "planned_start": v.get("planned_start"),
                          "planned_end": v.get("planned_end"), "start_days": start_days, "end_days": end_days})
    return {"tasks": with_baseline, "replanned": len(moved), "days_moved": sum(m["end_days"] for m in moved),
            "by_phase": list(by_phase.values()), "moved": moved}


def _days(baseline: Any, planned: Any) -> int:
    return (planned - baseline).days if isinstance(baseline, date) and isinstance(planned, date) else 0


def _task_rows(tasks: pd.DataFrame, phase_labels: dict[str, str]) -> list[dict[str, Any]]:
    """The task list of the JSON, the workbook and the page: the columns ``schema.RECAP_TASKS`` declares."""
    def shown(value: Any, column: ReportColumn) -> Any:
        if isinstance(value, float) and value != value:
            return None  # pandas' missing text (NaN in a str column): nothing, as the cell was
        if column.shows == "phase":
            return phase_labels.get(value, value)
        if column.shows == "days":
            return int(value)
        return value

    return [{c.key: shown(row[c.key], c) for c in RECAP_TASKS} for row in tasks.to_dict("records")]


__all__ = ["Recap", "TrendPoint", "recap"]
