"""Several teams' copies of one campaign's tracker -> one tracker.

Each team fills its own rows of the same generated workbook. Rows are matched by their ID
(task, milestone, KPI, issue; a KPI-log row by day, KPI and channel), values are taken
from whichever copy filled them, and the result is written anew from the schema, so the
merged workbook has every dropdown, format and formula of a fresh one. Values a copy left
as the generator pre-filled them (progress 0, status not started) do not count as filled.
A field filled differently in two copies is a ``merge-conflict`` finding naming both files
and cells; the first file given wins. A copy of another campaign or template version is
refused with the reason.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .dates import parse_date
from .errors import PlanError, TrackerError
from .findings import Finding, MemberLabel
from .plan import Campaign, Kpi, Person, Phase, Plan
from .reader import Record, Table, Tracker, read_tracker
from .schema import AGGREGATES, DIRECTIONS, ENUMERATIONS, SCHEMA_VERSION, TABLE_SHEETS, TEMPLATE_NAME, Locale
from .sheetscan import CellError

#: What identifies a row in each table: the schema's ID column; a KPI-log row, its day, KPI and channel.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    **{sheet.key: (sheet.id_column,) for sheet in TABLE_SHEETS if sheet.id_column}, "kpi_log": ("date", "kpi", "channel"),
}
#: Values the generator pre-fills in every copy: a copy still holding one has not filled the field.
PREFILLED: dict[tuple[str, str], Any] = {("tasks", "progress"): 0.0, ("tasks", "status"): "not_started"}


class MergeRefused(TrackerError, ValueError):
    """The copies cannot be merged (another campaign, another template version, unreadable)."""


@dataclass
class Merged:
    """The merged rows, the campaign they belong to, and the conflicts found."""

    plan: Plan
    records: dict[str, list[dict[str, Any]]]
    findings: list[Finding] = field(default_factory=list)
    locale: Locale = "zh-CN"


def merge_trackers(paths: list[str | os.PathLike[str]]) -> Merged:
    """Merge filled copies (in order of precedence). Raise :class:`MergeRefused` when they do not belong together."""
    if not paths:
        raise MergeRefused("no files to merge")
    trackers = [read_tracker(p) for p in paths]
    _check_same_campaign(trackers)
    first = trackers[0]
    records: dict[str, list[dict[str, Any]]] = {}
    findings: list[Finding] = []
    for sheet in TABLE_SHEETS:
        rows, conflicts = _merge_table(sheet.key, trackers)
        records[sheet.key] = rows
        findings += conflicts
    try:
        plan = _scaffold(trackers, records)
    except PlanError as exc:
        raise MergeRefused(f"{first.path}: the campaign information does not add up: {exc}") from None
    return Merged(plan, records, findings, first.locale)


def write_merged(merged: Merged, path: str | os.PathLike[str], *, inputs: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """Write the merged tracker, freshly generated from the schema (atomically; never over one of ``inputs``)."""
    from .fileio import refuse_inputs
    from .writer import write_tracker

    refuse_inputs(path, inputs)
    return write_tracker(merged.plan, path, locale=merged.locale, records=merged.records)


def _check_same_campaign(trackers: list[Tracker]) -> None:
    first = trackers[0]
    for tracker in trackers:
        name = tracker.path
        if tracker.meta.get("template") != TEMPLATE_NAME:
            raise MergeRefused(f"{name}: not a marketing_tracker workbook, so its rows cannot be matched; "
                               "check it with 'marketing-tracker validate'")
        if str(tracker.meta.get("schema_version")) != str(SCHEMA_VERSION):
            raise MergeRefused(f"{name}: made with template version {tracker.meta.get('schema_version')}, "
                               f"this is version {SCHEMA_VERSION}")
        for key in ("campaign", "start", "end"):
            if tracker.meta.get(key) != first.meta.get(key):
                raise MergeRefused(f"{name}: belongs to campaign {tracker.meta.get('campaign')!r} "
                                   f"({tracker.meta.get('start')}..{tracker.meta.get('end')}), not to "
                                   f"{first.meta.get('campaign')!r} ({first.meta.get('start')}..{first.meta.get('end')})")


def _value(record: Record, key: str) -> Any:
    """The typed value when it could be read, else the raw one (kept as the person typed it)."""
    if key in record.values:
        return record.values[key]
    raw = record.raw.get(key)
    if isinstance(raw, float) and not math.isfinite(raw):
        return str(raw)  # a cell holding 1E400 or NaN: kept as text, which no writer refuses ("inf", "nan")
    return raw


def _merge_table(key: str, trackers: list[Tracker]) -> tuple[list[dict[str, Any]], list[Finding]]:
    identity = ROW_KEYS[key]
    merged: dict[Any, dict[str, Any]] = {}
    origin: dict[tuple[Any, str], tuple[Tracker, Table, Record]] = {}
    order: list[Any] = []
    findings: list[Finding] = []
    for tracker in trackers:
        table = tracker.tables.get(key)
        if table is None:
            continue
        for index, record in enumerate(table.records):
            ident = tuple(_value(record, k) for k in identity)
            if all(v in (None, "") for v in ident):
                ident = (tracker.path, "row", index)  # a row without an ID is kept as it is
            if ident not in merged:
                merged[ident] = {}
                order.append(ident)
            row = merged[ident]
            for column in {*record.values, *record.raw}:
                value = _value(record, column)
                if value in (None, "", []) or isinstance(value, CellError):  # an error shown is no value to keep
                    continue
                if PREFILLED.get((key, column)) == value and column in row:
                    continue
                if column not in row or PREFILLED.get((key, column)) == row[column]:
                    row[column] = value
                    origin[(ident, column)] = (tracker, table, record)
                elif row[column] != value:
                    findings.append(_conflict(origin[(ident, column)], (tracker, table, record), column, row[column], value))
    return [merged[i] for i in order], findings


def _conflict(kept: tuple[Tracker, Table, Record], other: tuple[Tracker, Table, Record], column: str,
              kept_value: Any, other_value: Any) -> Finding:
    tracker, table, record = kept
    o_tracker, o_table, o_record = other

    def where(t: Tracker, tb: Table, r: Record) -> str:
        cell = tb.cell(column, r.row) if column in tb.columns else f"row {r.row}"
        return f"{Path(t.path).name}!{tb.sheet}!{cell}"

    schema_column = next((c for s in TABLE_SHEETS if s.key == table.key for c in s.columns if c.key == column), None)
    choices = schema_column.choices if schema_column else "raci" if column.startswith("person:") else None
    enumeration = ENUMERATIONS.get(choices or "")
    members = {m.key for m in enumeration.members} if enumeration is not None else set()

    def shown(value: Any) -> Any:  # an enumeration member is named in the reader's language when rendered
        return MemberLabel(enumeration.key, value) if enumeration is not None and value in members else _shown(value)

    return Finding(
        "merge-conflict", table.sheet, table.cell(column, record.row) if column in table.columns else "", record.row,
        column, _shown(enumeration.label(kept_value, tracker.locale) if enumeration and kept_value in members else kept_value),
        {"other": where(o_tracker, o_table, o_record), "other_value": shown(other_value),
         "kept_in": where(tracker, table, record), "value": shown(kept_value)},
        table=table.key,
    )


def _shown(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _scaffold(trackers: list[Tracker], records: dict[str, list[dict[str, Any]]]) -> Plan:
    """The campaign around the merged rows: period, phases, people, KPI list, from the copies."""
    first = trackers[0]
    info = first.campaign
    start = info.start or parse_date(first.meta.get("start"))
    end = info.end or parse_date(first.meta.get("end"))
    if start is None or end is None:
        raise MergeRefused(f"{first.path}: the campaign's start and end dates cannot be read, neither on its "
                           "information sheet nor in the workbook's identity")
    people: list[str] = []
    for tracker in trackers:
        people += tracker.campaign.people
        raci = tracker.tables.get("raci")
        if raci is not None:
            people += list(raci.extra)
    phases = [Phase(key, s, e, label) for key, label, s, e in info.phases if s and e]
    kpis = []
    for row in records.get("kpis", []):
        if row.get("kpi_key") and isinstance(row.get("target"), float):
            direction = DIRECTIONS.lookup(str(row.get("direction", "")))
            aggregate = AGGREGATES.lookup(str(row.get("aggregate", "")))
            kpis.append(Kpi(str(row["kpi_key"]), str(row.get("name") or row["kpi_key"]), row["target"],
                            str(row.get("unit", "")), direction.key if direction else "higher",
                            aggregate.key if aggregate else ""))
    status_dates = [t.campaign.as_of for t in trackers if t.campaign.as_of]
    campaign = Campaign(info.name or str(first.meta.get("campaign", "")), start, end, first.locale, info.plan_owner,
                        info.exec_owner, info.goals, max(status_dates) if status_dates else None)
    unique_kpis = list({k.name: k for k in kpis}.values())
    plan = Plan(campaign, phases, [Person(n) for n in dict.fromkeys(p for p in people if p)], unique_kpis)
    return plan.check(first.path)
