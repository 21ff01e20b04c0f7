"""The Monday report: what changed between two snapshots of one campaign.

Between the latest snapshot and the one before (or the last one on or before ``since``): tasks
done since, tasks newly late, planned dates that slipped, progress per phase and owner then and
now, milestones at risk, KPI achievement then and now, issues opened and closed, and whom to chase.
Every figure follows the workbook's own rules (:mod:`marketing_tracker.core.derived`), each snapshot
judged as of its own status date.

Definitions (docs/history.md says them for users):
- late: open (not done, not at 100%) and past its planned end; ``days_late`` as the workbook counts them.
- slipped: a planned start or end later than it was (``days`` > 0).
- progress: the mean of the tasks' progress (0-100, blanks 0), as a fraction.
- a milestone is at risk when it is not done, due within ``RISK_DAYS`` days, and its phase's tasks are,
  on average, behind the progress they should have (their expected progress) on the status date.
- a KPI is on pace when its achievement is at least the share of the campaign elapsed (a total that
  adds up, higher is better), else at least 1.

Example::

    report = status_report(History(url), campaign="品牌618周年庆")
    print(report.to_dict()["done_since"])
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from marketing_tracker.core.derived import delay_days, expected_progress, finished, kpi_achievement, kpi_actual
from marketing_tracker.core.schema import Locale
from marketing_tracker.history.remind import DEFAULT_WITHIN, reminders
from marketing_tracker.history.store import History, HistoryError, Snapshot
from marketing_tracker.reading.reader import Record, Tracker

RISK_DAYS = 7
#: The sheets the report reads (the RACI matrix plays no part in it).
STATUS_TABLES = ("tasks", "milestones", "kpis", "kpi_log", "issues")


@dataclass
class StatusReport:
    """The report's figures as plain data; ``to_dict`` is the JSON of ``status --format json``."""

    campaign: str
    then: date
    now: date
    done_since: list[dict[str, Any]]
    newly_late: list[dict[str, Any]]
    slipped: list[dict[str, Any]]
    progress: dict[str, Any]
    milestones_at_risk: list[dict[str, Any]]
    kpis: list[dict[str, Any]]
    issues: dict[str, list[dict[str, Any]]]
    reminders: dict[str, list[dict[str, Any]]]
    snapshots: tuple[int, int]
    locale: Locale = "en"  # the newer copy's language: the workbook's "Page x of y" speaks it (not in the JSON)

    def to_dict(self) -> dict[str, Any]:
        return {"campaign": self.campaign, "from": self.then.isoformat(), "to": self.now.isoformat(),
                "snapshots": {"from": self.snapshots[0], "to": self.snapshots[1]},
                "done_since": self.done_since, "newly_late": self.newly_late, "slipped": self.slipped,
                "progress": self.progress, "milestones_at_risk": self.milestones_at_risk, "kpis": self.kpis,
                "issues": self.issues, "reminders": self.reminders}


# --------------------------------------------------------------------------- choosing the two snapshots


def pick_snapshots(history: History, *, campaign: str | None = None, since: date | None = None) -> tuple[Snapshot, Snapshot]:
    """The two snapshots to compare: the latest and the one before it, or the last on or before ``since``.

    Without ``campaign``, the campaign stored most recently. :class:`HistoryError` when the campaign is
    unknown or has a single snapshot.
    """
    every = history.snapshots()
    if not every:
        raise HistoryError(f"{history.url}: no snapshots yet (store copies with: marketing-tracker snapshot FILE)")
    if campaign is None:
        campaign = max(every, key=lambda s: s.id).campaign
    chosen = [s for s in every if s.campaign == campaign]
    if not chosen:
        known = ", ".join(sorted({s.campaign for s in every}))
        raise HistoryError(f"no campaign {campaign!r} in the history (it has: {known})")
    if len(chosen) < 2:
        raise HistoryError(f"{campaign}: one snapshot only ({chosen[0].status_date}); status compares two, "
                           "store the next copy with: marketing-tracker snapshot FILE")
    latest = chosen[-1]
    if since is None:
        return chosen[-2], latest
    before = [s for s in chosen[:-1] if s.status_date <= since]
    return (before[-1] if before else chosen[0]), latest


def status_report(history: History, *, campaign: str | None = None, since: date | None = None,
                  within: int = DEFAULT_WITHIN) -> StatusReport:
    """The Monday report of a campaign from its history."""
    first, last = pick_snapshots(history, campaign=campaign, since=since)
    then, now = history.load(first.id, tables=STATUS_TABLES), history.load(last.id, tables=STATUS_TABLES)
    return compare(then, now, first.status_date, last.status_date,
                   within=within, snapshots=(first.id, last.id))


def compare(then: Tracker, now: Tracker, then_day: date, now_day: date, *, within: int = DEFAULT_WITHIN,
            snapshots: tuple[int, int] = (0, 0)) -> StatusReport:
    """The report between two trackers of one campaign, each judged as of its own day."""
    before, after = _by_id(then.records("tasks"), "task_id"), _by_id(now.records("tasks"), "task_id")
    return StatusReport(
        campaign=now.campaign.name, then=then_day, now=now_day,
        done_since=_done_since(before, after),
        newly_late=_newly_late(before, after, then_day, now_day),
        slipped=_slipped(before, after),
        progress=_progress(then, now),
        milestones_at_risk=_milestones_at_risk(now, now_day),
        kpis=_kpis(then, now, then_day, now_day),
        issues=_issues(then, now),
        reminders=reminders(now, within=within, as_of=now_day).to_dict()["owners"],
        snapshots=snapshots,
        locale=now.locale,
    )


# --------------------------------------------------------------------------- the figures


def _by_id(records: Iterable[Record], key: str) -> dict[str, dict[str, Any]]:
    return {str(r.values[key]): r.values for r in records if r.values.get(key)}


def _done(values: dict[str, Any]) -> bool:
    return finished(values.get("status"), values.get("progress"))


def _days_late(values: dict[str, Any], day: date) -> int:
    """Days an open task is past its planned end as of ``day``; 0 when done or not yet due."""
    if _done(values):
        return 0
    return delay_days(values.get("planned_end"), values.get("actual_end"), values.get("status"),
                      values.get("progress"), day) or 0


def _done_since(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": task_id, "name": v.get("name", ""), "owner": v.get("owner", ""),
             "actual_end": _iso(v.get("actual_end"))}
            for task_id, v in sorted(after.items()) if _done(v) and not (task_id in before and _done(before[task_id]))]


def _newly_late(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], then_day: date,
                now_day: date) -> list[dict[str, Any]]:
    found = []
    for task_id, v in after.items():
        days = _days_late(v, now_day)
        if days > 0 and not (task_id in before and _days_late(before[task_id], then_day) > 0):
            found.append({"id": task_id, "name": v.get("name", ""), "days_late": days, "owner": v.get("owner", ""),
                          "planned_end": _iso(v.get("planned_end"))})
    return sorted(found, key=lambda item: (-item["days_late"], item["id"]))


def _slipped(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for task_id, v in sorted(after.items()):
        old = before.get(task_id)
        if old is None:
            continue
        for key in ("planned_start", "planned_end"):
            was, is_ = old.get(key), v.get(key)
            if isinstance(was, date) and isinstance(is_, date) and is_ > was:
                found.append({"id": task_id, "name": v.get("name", ""), "owner": v.get("owner", ""), "field": key,
                              "from": was.isoformat(), "to": is_.isoformat(), "days": (is_ - was).days})
    return found


def _progress_of(values: dict[str, Any]) -> float:
    return min(100.0, max(0.0, float(values.get("progress") or 0)))


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values) / 100, 4) if values else None


def _progress(then: Tracker, now: Tracker) -> dict[str, Any]:
    old, new = _groups(then.records("tasks")), _groups(now.records("tasks"))
    phases = [(key, label) for key, label, _s, _e in now.campaign.phases]
    phases += [(key, key) for key in new["phase"] if key and key not in {k for k, _l in phases}]
    return {
        "overall": {"from": _mean(old["all"][""]), "to": _mean(new["all"][""])},
        "phases": [{"key": key, "label": label, "from": _mean(old["phase"].get(key, [])),
                    "to": _mean(new["phase"].get(key, []))} for key, label in phases],
        "owners": [{"name": owner, "from": _mean(old["owner"].get(owner, [])), "to": _mean(new["owner"].get(owner, []))}
                   for owner in sorted(set(old["owner"]) | set(new["owner"]))],
    }


def _groups(records: Iterable[Record]) -> dict[str, dict[str, list[float]]]:
    """Every task's progress, overall and by phase and owner, in one pass over the tasks."""
    groups: dict[str, dict[str, list[float]]] = {"all": {"": []}, "phase": {}, "owner": {}}
    everything, phases, owners = groups["all"][""], groups["phase"], groups["owner"]
    for record in records:
        values = record.values
        progress = _progress_of(values)
        everything.append(progress)
        phases.setdefault(str(values.get("phase") or ""), []).append(progress)
        owners.setdefault(str(values.get("owner") or ""), []).append(progress)
    return groups


def _milestones_at_risk(now: Tracker, day: date) -> list[dict[str, Any]]:
    found = []
    for record in now.records("milestones"):
        v = record.values
        due = v.get("due")
        if not isinstance(due, date) or v.get("done") or not 0 <= (due - day).days <= RISK_DAYS:
            continue
        tasks = [r.values for r in now.records("tasks") if r.values.get("phase") == v.get("phase")]
        expected = [expected_progress(t.get("planned_start"), t.get("planned_end"), day) for t in tasks]
        known = [e for e in expected if e is not None]
        if not tasks or not known:
            continue
        should = round(sum(known) / len(known) / 100, 4)
        actual = round(sum(_progress_of(t) for t in tasks) / len(tasks) / 100, 4)
        if actual < should:
            found.append({"id": v.get("milestone_id", ""), "name": v.get("name", ""), "owner": v.get("owner", ""),
                          "phase": v.get("phase", ""), "due": due.isoformat(), "days_to_due": (due - day).days,
                          "expected_progress": should, "actual_progress": actual})
    return sorted(found, key=lambda m: (m["due"], m["id"]))


def _kpis(then: Tracker, now: Tracker, then_day: date, now_day: date) -> list[dict[str, Any]]:
    old_log = [r.values for r in then.records("kpi_log")]
    new_log = [r.values for r in now.records("kpi_log")]
    start, end = now.campaign.start, now.campaign.end
    span = (end - start).days + 1 if start and end else 0
    elapsed = min(span, max(0, (now_day - start).days + 1)) if start and span else 0
    found = []
    for record in now.records("kpis"):
        v = record.values
        name, key, target = str(v.get("name", "")), str(v.get("kpi_key", "")), v.get("target")
        if not name or not isinstance(target, (int, float)):
            continue
        aggregate, direction = v.get("aggregate") or "sum", v.get("direction") or "higher"
        actual_from = kpi_actual(old_log, name, key, aggregate)
        actual_to = kpi_actual(new_log, name, key, aggregate)
        achieved = kpi_achievement(actual_to, float(target), direction)
        expected = round(elapsed / span, 4) if aggregate == "sum" and direction == "higher" and span else 1.0
        found.append({"key": key, "name": name, "target": target, "actual_from": actual_from, "actual_to": actual_to,
                      "achievement_from": kpi_achievement(actual_from, float(target), direction),
                      "achievement_to": achieved, "expected": expected,
                      "on_pace": achieved is not None and achieved >= expected})
    return found


def _issues(then: Tracker, now: Tracker) -> dict[str, list[dict[str, Any]]]:
    before, after = _by_id(then.records("issues"), "issue_id"), _by_id(now.records("issues"), "issue_id")

    def item(issue_id: str, v: dict[str, Any]) -> dict[str, Any]:
        return {"id": issue_id, "description": v.get("description", ""), "owner": v.get("owner", ""),
                "task_id": v.get("task_id", ""), "raised": _iso(v.get("raised")), "resolved": _iso(v.get("resolved"))}

    opened = [item(i, v) for i, v in sorted(after.items()) if i not in before]
    closed = [item(i, v) for i, v in sorted(after.items())
              if v.get("status") == "resolved" and (before.get(i) or {}).get("status") != "resolved"]
    return {"opened": opened, "closed": closed}


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --------------------------------------------------------------------------- rendering


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def render_text(report: StatusReport, *, markdown: bool = False) -> str:
    """For a terminal, or (``markdown``) ready to paste into WeCom, Feishu or an e-mail."""
    h2 = "## " if markdown else ""
    h3 = "### " if markdown else ""
    bullet = "- " if markdown else "  "
    p = report.progress
    lines = [f"{h2}{report.campaign}: status {report.then.isoformat()} -> {report.now.isoformat()}", "",
             f"Progress: {_pct(p['overall']['from'])} -> {_pct(p['overall']['to'])}", ""]

    def section(title: str, rows: list[str]) -> None:
        lines.append(f"{h3}{title} ({len(rows)})")
        lines.extend(f"{bullet}{row}" for row in rows)
        if not rows:
            lines.append(f"{bullet}none")
        lines.append("")

    section("Done since", [f"{t['id']} {t['name']} ({t['owner']})" for t in report.done_since])
    section("Newly late", [f"{t['id']} {t['name']} ({t['owner']}): {t['days_late']} days late" for t in report.newly_late])
    section("Slipped", [f"{s['id']} {s['name']}: {s['field']} {s['from']} -> {s['to']} (+{s['days']} days)"
                        for s in report.slipped])
    section("Progress by phase", [f"{ph['label']}: {_pct(ph['from'])} -> {_pct(ph['to'])}" for ph in p["phases"]])
    section("Progress by owner", [f"{o['name']}: {_pct(o['from'])} -> {_pct(o['to'])}" for o in p["owners"]])
    section("Milestones at risk", [f"{m['id']} {m['name']} due {m['due']}: {_pct(m['actual_progress'])} done, "
                                   f"{_pct(m['expected_progress'])} expected" for m in report.milestones_at_risk])
    section("KPIs", [f"{k['name']}: {_pct(k['achievement_from'])} -> {_pct(k['achievement_to'])} "
                     f"({'on pace' if k['on_pace'] else 'behind pace'}, {_pct(k['expected'])} expected)"
                     for k in report.kpis])
    section("Issues opened", [f"{i['id']} {i['description']} ({i['owner']})" for i in report.issues["opened"]])
    section("Issues closed", [f"{i['id']} {i['description']} ({i['owner']})" for i in report.issues["closed"]])
    chase = [f"{owner}: " + ", ".join(f"{r['id']} ({r['days_overdue']} days overdue)" if r["days_overdue"] is not None
                                     else f"{r['id']} (due in {r['due_in']} days)" for r in items)
             for owner, items in report.reminders.items()]
    section("To chase", chase)
    return "\n".join(lines).rstrip() + "\n"


def render_json(report: StatusReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=1)


__all__ = ["RISK_DAYS", "StatusReport", "compare", "kpi_actual", "pick_snapshots", "render_json", "render_text",
           "status_report"]
