"""A filled tracker + a changed plan -> the tracker of the new plan, with nothing filled lost.

Half-way through a campaign the plan changes: an urgent task, a moved launch, a cancelled
activity. ``update`` writes the new plan's tracker and carries over every value the team
filled (actual dates, progress, status, risks, notes, costs, the KPI log, issues, RACI,
inserted columns, added rows). Planned values are merged three ways, against what the
filled tracker was issued with: the new plan's value is taken where the team left the
cell as issued; a planned value the team changed is kept where the new plan did not
change it; both changed is a conflict (the plan's value is taken, the conflict listed).
A task the new plan drops but that holds filled values is kept and listed in
``conflicts``, never dropped silently. The first plan's dates stay as the baseline.

Example::

    result = update_tracker("618-filled.xlsx", "618-v2.yaml", "618-v2.xlsx")
    print(result.to_dict()["moved"])
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.issued import CAMPAIGN_ID_KEY, COPY_KEY, POSITION, WHOLE, Issued, decode, is_extra
from marketing_tracker.core.plan import Kpi, Plan, load_plan
from marketing_tracker.core.schema import AGGREGATES, DIRECTIONS, TABLE_SHEETS, Locale
from marketing_tracker.loop.merge import PREFILLED, ROW_KEYS, merge_read
from marketing_tracker.reading.reader import Tracker, read_tracker

#: The columns a plan decides, by table; the others are the team's (RACI: every person column).
PLAN_FIELDS: dict[str, tuple[str, ...]] = {
    "tasks": ("name", "description", "phase", "owner", "planned_start", "planned_end", "depends_on", "budget_planned"),
    "milestones": ("name", "phase", "due", "owner", "impact"),
    "kpis": ("name", "unit", "target", "direction", "aggregate"),
}
MOVES = ("planned_start", "planned_end", "due")
BASELINE = {"baseline_start": "planned_start", "baseline_end": "planned_end"}
_LABELS = {(s.key, c.key): c.label for s in TABLE_SHEETS for c in s.columns}


@dataclass
class Moved:
    """A planned date the new plan moved: from the filled tracker's value to the plan's."""

    id: str
    field: str
    before: date | None
    after: date | None


@dataclass
class Updated:
    """What ``update`` did (``to_dict`` is the JSON of ``update --format json``, docs/distribution.md)."""

    path: Path
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    kept_values: int = 0
    conflicts: list[dict[str, str]] = field(default_factory=list)
    kept_added: list[str] = field(default_factory=list)  # rows the team added, not in the new plan: kept

    def to_dict(self) -> dict[str, Any]:
        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {"output": str(self.path), "added": self.added, "removed": self.removed,
                "moved": [{"id": m.id, "field": m.field, "from": day(m.before), "to": day(m.after)} for m in self.moved],
                "kept_values": self.kept_values, "conflicts": self.conflicts, "kept_added": self.kept_added}


def update_tracker(filled: str | os.PathLike[str], plan: str | os.PathLike[str] | Plan,
                   output: str | os.PathLike[str]) -> Updated:
    """Write the tracker of ``plan`` to ``output`` keeping everything filled in ``filled``.

    Raise :class:`TrackerError` (nothing written) when the plan is another campaign's.
    """
    from marketing_tracker.core.fileio import refuse_inputs
    from marketing_tracker.workbook.writer import write_tracker

    inputs = (filled,) if isinstance(plan, Plan) else (filled, plan)
    refuse_inputs(output, inputs)
    new_plan = plan if isinstance(plan, Plan) else load_plan(plan)
    tracker = read_tracker(filled)
    _check_campaign(tracker, new_plan, filled)
    merged = merge_read([tracker])
    issued = decode(tracker.meta)
    result = Updated(Path(output))
    planned = planned_rows(new_plan, tracker.locale)
    records = _replan(merged.records, planned, issued, result)
    people = {p.name for p in new_plan.people}
    new_plan.people = [*new_plan.people, *(p for p in merged.plan.people if p.name not in people)]
    kept_kpis = {k.name for k in new_plan.kpis}
    new_plan.kpis = [*new_plan.kpis, *(_kpi(r) for r in records["kpis"] if r.get("name") not in kept_kpis)]
    if new_plan.campaign.status_date is None:
        new_plan.campaign.status_date = tracker.campaign.as_of
    identity = {COPY_KEY: WHOLE, CAMPAIGN_ID_KEY: (issued.campaign_id if issued else "") or
                str(tracker.meta.get(CAMPAIGN_ID_KEY) or "")}
    write_tracker(new_plan, output, locale=tracker.locale, records=records,
                  identity={k: v for k, v in identity.items() if v})
    return result


def _check_campaign(tracker: Tracker, plan: Plan, filled: str | os.PathLike[str]) -> None:
    name = str(tracker.meta.get("campaign") or tracker.campaign.name)
    if plan.campaign.name != name:
        raise TrackerError(f"the plan is for campaign {plan.campaign.name!r} but {filled} tracks {name!r}; "
                           "nothing was written")


def planned_rows(plan: Plan, locale: Locale) -> dict[str, list[dict[str, Any]]]:
    """The rows a plan's tracker is issued with, in the reader's canonical form (enumeration keys, dates)."""
    from marketing_tracker.workbook.writer import raci_roles

    tasks = [{"task_id": t.id, "name": t.name, "description": t.description or None, "phase": t.phase,
              "owner": t.owner or None, "planned_start": t.start, "planned_end": t.end,
              "depends_on": list(t.depends_on) or None, "budget_planned": t.budget,
              "progress": 0.0, "status": "not_started"} for t in plan.tasks]
    milestones = [{"milestone_id": m.id, "name": m.name, "phase": m.phase, "due": m.due, "owner": m.owner or None,
                   "impact": m.impact or None} for m in plan.milestones]
    kpis = [{"kpi_key": k.key, "name": k.name, "unit": k.unit or None, "target": float(k.target),
             "direction": k.direction, "aggregate": k.aggregate} for k in plan.kpis]
    raci = [{"task_id": t.id, **{f"person:{name}": role for name, role in raci_roles(t).items()}} for t in plan.tasks]
    return {key: [{k: v for k, v in row.items() if v is not None} for row in rows]
            for key, rows in (("tasks", tasks), ("milestones", milestones), ("kpis", kpis), ("raci", raci))}


def _replan(filled: dict[str, list[dict[str, Any]]], planned: dict[str, list[dict[str, Any]]],
            issued: Issued | None, result: Updated) -> dict[str, list[dict[str, Any]]]:
    records: dict[str, list[dict[str, Any]]] = {}
    for key in ("tasks", "milestones", "kpis"):
        records[key] = _replan_table(key, filled.get(key, []), planned[key], issued, result,
                                     log=filled.get("kpi_log", []))
    tasks = {r.get("task_id") for r in records["tasks"]}
    records["raci"] = [r for r in _replan_table("raci", filled.get("raci", []), planned["raci"], issued, result)
                       if r.get("task_id") in tasks]
    for key in ("kpi_log", "issues"):
        records[key] = [_without_position(r) for r in filled.get(key, [])]
        result.kept_values += sum(len(r) for r in records[key])
    return records


def _without_position(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != POSITION}


def _replan_table(key: str, filled: list[dict[str, Any]], planned: list[dict[str, Any]], issued: Issued | None,
                  result: Updated, log: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One table's rows for the new plan: the plan's rows with the team's values, then the rows the plan drops
    but that hold the team's values."""
    id_column = ROW_KEYS[key][0]
    ours = {r.get(id_column): r for r in filled if r.get(id_column)}
    base = {ident[0]: row for ident, (_p, row) in issued.index(key, (id_column,)).items()} if issued else {}
    reporting = key != "raci"
    rows = []
    for theirs in planned:
        ident = theirs[id_column]
        if ident not in ours:
            if reporting:
                result.added.append(str(ident))
            rows.append(_with_baseline(key, dict(theirs), None, None))
            continue
        rows.append(_three_way(key, ours[ident], theirs, base.get(ident), result))
    in_plan = {r[id_column] for r in planned}
    for row in filled:
        ident = row.get(id_column)
        if ident in in_plan:
            continue
        if key == "raci":  # a kept task keeps its row; the rows of dropped tasks are left out with them
            rows.append(_without_position(row))
            continue
        if ident and ident not in base and issued is not None:
            if reporting:
                result.kept_added.append(str(ident))
        elif not _holds_filled_values(key, row, log or []):
            if reporting:
                result.removed.append(str(ident))
            continue
        elif reporting:
            result.conflicts.append({"id": str(ident), "reason": "not in the new plan, but it holds filled values: kept"})
        result.kept_values += _team_values(key, row)
        rows.append(_without_position(row))
    return rows


def _three_way(key: str, ours: dict[str, Any], theirs: dict[str, Any], base: dict[str, Any] | None,
               result: Updated) -> dict[str, Any]:
    """A row in both: the team's values, and each planned value merged against what was issued."""
    ident = str(theirs[ROW_KEYS[key][0]])
    row = _without_position(ours)
    fields = PLAN_FIELDS.get(key) or tuple(dict.fromkeys(k for k in (*ours, *theirs) if k.startswith("person:")))
    for name in fields:
        mine, plan_value = ours.get(name), theirs.get(name)
        was = base.get(name) if base is not None else mine
        if mine == plan_value:
            continue
        if mine is None or mine == was:  # left as issued: the plan decides
            _set(row, name, plan_value)
            if name in MOVES and mine is not None:
                result.moved.append(Moved(ident, name, mine, plan_value))
        elif plan_value == was:  # the team changed it, the plan did not: the team's value stays
            result.kept_values += 1
        else:
            _set(row, name, plan_value)
            label = _LABELS[(key, name)].en if (key, name) in _LABELS else name.removeprefix("person:")
            result.conflicts.append({"id": ident, "reason": f"{label}: the tracker had {_text(mine)}, the new plan says "
                                                             f"{_text(plan_value)}; the plan's value was taken"})
            if name in MOVES:
                result.moved.append(Moved(ident, name, mine, plan_value))
    result.kept_values += _team_values(key, row)
    return _with_baseline(key, row, ours, base)


def _with_baseline(key: str, row: dict[str, Any], ours: dict[str, Any] | None, base: dict[str, Any] | None) -> dict[str, Any]:
    """The first plan's dates: the tracker's baseline, else what it was issued with, else its planned dates."""
    if key != "tasks":
        return row
    for baseline, planned in BASELINE.items():
        sources = [ours.get(baseline) if ours else None, base.get(baseline) if base else None,
                   base.get(planned) if base else None, ours.get(planned) if ours else None, row.get(planned)]
        value = next((v for v in sources if v is not None), None)
        _set(row, baseline, value)
    return row


def _set(row: dict[str, Any], name: str, value: Any) -> None:
    if value is None:
        row.pop(name, None)
    else:
        row[name] = value


def _team_values(key: str, row: dict[str, Any]) -> int:
    """Cells of a row that are the team's: neither planned, pre-filled, the baseline, nor the ID."""
    planned = set(PLAN_FIELDS.get(key, ())) | {ROW_KEYS[key][0], POSITION, *BASELINE}
    return sum(1 for name, value in row.items()
               if name not in planned and not name.startswith("person:") and PREFILLED.get((key, name)) != value)


def _holds_filled_values(key: str, row: dict[str, Any], log: list[dict[str, Any]]) -> bool:
    if key == "kpis":
        return any(r.get("kpi") in (row.get("name"), row.get("kpi_key")) for r in log)
    return _team_values(key, row) > 0 or any(is_extra(k) for k in row)


def _kpi(row: dict[str, Any]) -> Kpi:
    """A KPI the new plan drops but the KPI log still counts, for the new tracker's lists."""
    direction = DIRECTIONS.lookup(str(row.get("direction", "")))
    aggregate = AGGREGATES.lookup(str(row.get("aggregate", "")))
    target = row.get("target")
    return Kpi(str(row.get("kpi_key") or row.get("name")), str(row.get("name") or row.get("kpi_key")),
               float(target) if isinstance(target, (int, float)) else 0.0, str(row.get("unit", "")),
               direction.key if direction else "higher", aggregate.key if aggregate else "")


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "(empty)" if value is None else str(value)


__all__ = ["PLAN_FIELDS", "Moved", "Updated", "planned_rows", "update_tracker"]
