"""Several teams' copies of one campaign's tracker -> one tracker, merged three ways.

Every generated tracker records what it was issued with (:mod:`issued`): each row of
each table as written. Merging compares each copy with what that copy was issued with,
cell by cell: a value one copy changed and the others left wins without a conflict; two
copies changing a cell differently is a ``merge-conflict`` at both cells (the first file
given wins); a blank cell never overwrites a value; a row a copy deleted, which no other
copy changed, is left out (``merge-deleted``), and kept when another copy filled it
(``merge-kept``); rows a team added and columns a team inserted are kept, the columns
after the template's. Copies issued with different values, or made before trackers
recorded what they were issued with, fall back to comparing the copies with each other
(values the generator pre-fills, progress 0 and status not started, do not count).

The result is written anew from the schema (:func:`write_merged`), so the merged workbook
has every dropdown, format and formula of a fresh one, and is a tracker in memory too
(:meth:`Merged.tracker`), which validation and the recap take directly.
A copy of another campaign or template version is refused with the reason.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from marketing_tracker.core.cells import column_letters
from marketing_tracker.core.dates import parse_date
from marketing_tracker.core.errors import PlanError, TrackerError
from marketing_tracker.core.findings import Finding, MemberLabel
from marketing_tracker.core.issued import CAMPAIGN_ID_KEY, COPY_KEY, POSITION, WHOLE, Issued, decode, extra_header, is_extra
from marketing_tracker.core.plan import Campaign, Kpi, Person, Phase, Plan
from marketing_tracker.core.schema import (
    AGGREGATES,
    DIRECTIONS,
    ENUMERATIONS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    SCHEMA_VERSION,
    TABLE_SHEETS,
    TEMPLATE_NAME,
    Locale,
    sheet_title,
)
from marketing_tracker.reading.reader import CampaignInfo, Record, Table, Tracker, read_tracker
from marketing_tracker.reading.scan import CellError

#: What identifies a row in each table: the schema's ID column; a KPI-log row, its day, KPI and channel.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    **{sheet.key: (sheet.id_column,) for sheet in TABLE_SHEETS if sheet.id_column}, "kpi_log": ("date", "kpi", "channel"),
}
#: Values the generator pre-fills in every copy (the schema's column defaults): a copy still holding one has not
#: filled the field.
PREFILLED: dict[tuple[str, str], Any] = {(sheet.key, key): value for sheet in TABLE_SHEETS
                                         for key, value in sheet.defaults.items()}
_SHEETS = {sheet.key: sheet for sheet in TABLE_SHEETS}


class MergeRefused(TrackerError, ValueError):
    """The copies cannot be merged (another campaign, another template version, unreadable)."""


@dataclass
class Deleted:
    """A row a copy deleted and no other copy changed: left out of the merged tracker."""

    table: str
    id: str
    path: str  # the copy that deleted it


@dataclass
class Merged:
    """The merged rows, the campaign they belong to, the conflicts found and the rows deleted."""

    plan: Plan
    records: dict[str, list[dict[str, Any]]]
    findings: list[Finding] = field(default_factory=list)
    locale: Locale = "zh-CN"
    deleted: list[Deleted] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)  # the meta identity the merged tracker carries
    cells: dict[str, list[Record]] = field(default_factory=dict)  # each merged row as the copies read it
    source: str = "merged"  # how the merged tracker is named in messages: the copies' file names

    @property
    def conflicts(self) -> list[Finding]:
        return [f for f in self.findings if f.code == "merge-conflict"]

    def tracker(self) -> Tracker:
        """The merged tracker in memory, as reading the written merged workbook gives it (rows renumbered)."""
        return _in_memory(self)


@dataclass
class _Copy:
    """One copy being merged: what it holds and what it was issued with."""

    tracker: Tracker
    issued: Issued | None


@dataclass
class _Held:
    """One copy's row for a merged row identity."""

    copy: _Copy
    table: Table
    record: Record
    base: dict[str, Any] | None  # the row as this copy was issued with it; None: added, or no record


def merge_trackers(paths: list[str | os.PathLike[str]]) -> Merged:
    """Merge filled copies (in order of precedence). Raise :class:`MergeRefused` when they do not belong together."""
    if not paths:
        raise MergeRefused("no files to merge")
    from marketing_tracker.core.fileio import gc_paused

    with gc_paused():  # twenty copies are a million live objects: the collector would walk them again and again
        return merge_read([read_tracker(p) for p in paths])


def merge_read(trackers: list[Tracker]) -> Merged:
    """Merge copies already read (see :func:`merge_trackers`)."""
    _check_same_campaign(trackers)
    first = trackers[0]
    copies = [_Copy(t, decode(t.meta)) for t in trackers]
    records: dict[str, list[dict[str, Any]]] = {}
    cells: dict[str, list[Record]] = {}
    findings: list[Finding] = []
    deleted: list[Deleted] = []
    for sheet in TABLE_SHEETS:
        gone = {d.id for d in deleted if d.table == "tasks"} if sheet.key == "raci" else set()
        table = _merge_table(sheet.key, copies, gone)
        records[sheet.key] = [row for row, _record in table.rows]
        cells[sheet.key] = [record for _row, record in table.rows]
        findings += table.findings
        deleted += table.deleted
    try:
        plan = _scaffold(trackers, records)
    except PlanError as exc:
        raise MergeRefused(f"{first.path}: the campaign information does not add up: {exc}") from None
    ids = [c.issued.campaign_id for c in copies if c.issued and c.issued.campaign_id]
    identity = {COPY_KEY: WHOLE, **({CAMPAIGN_ID_KEY: ids[0]} if ids else {})}
    source = " + ".join(Path(t.path).name for t in trackers)
    return Merged(plan, records, findings, first.locale, deleted, identity, cells, source)


def write_merged(merged: Merged, path: str | os.PathLike[str], *, inputs: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """Write the merged tracker, freshly generated from the schema (atomically; never over one of ``inputs``)."""
    from marketing_tracker.core.fileio import refuse_inputs
    from marketing_tracker.workbook.writer import write_tracker

    refuse_inputs(path, inputs)
    return write_tracker(merged.plan, path, locale=merged.locale, records=merged.records, identity=merged.identity)


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


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or isinstance(value, CellError)  # an error shown is no value


@dataclass
class _TableMerge:
    """One table merged: each row (for the writer, and as the copies read it), what was found, what was deleted."""

    rows: list[tuple[dict[str, Any], Record]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    deleted: list[Deleted] = field(default_factory=list)


@dataclass
class _Rows:
    """Every copy's rows of one table by row identity, and what the copies were issued with."""

    held: dict[Any, list[_Held]] = field(default_factory=dict)
    bases: dict[Any, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # identity -> (position, issued row)
    deleters: dict[Any, _Held] = field(default_factory=dict)  # identity -> a copy issued with it that no longer has it
    appearance: dict[Any, int] = field(default_factory=dict)


def _collect(key: str, copies: list[_Copy]) -> _Rows:
    identity = ROW_KEYS[key]
    found = _Rows()
    indexes: dict[int, dict[tuple[Any, ...], tuple[int, dict[str, Any]]]] = {}  # copies of one tracker share rows
    for copy in copies:
        issued: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
        if copy.issued is not None:
            shared = id(copy.issued.rows.get(key))
            issued = indexes[shared] if shared in indexes else indexes.setdefault(shared, copy.issued.index(key, identity))
        for issued_ident, (position, row) in issued.items():
            found.bases.setdefault(issued_ident, (position, row))
        table = copy.tracker.tables.get(key)
        if table is None:
            continue
        seen: set[Any] = set()
        single = identity[0] if len(identity) == 1 else None
        for index, record in enumerate(table.records):
            if single is not None:
                value = record.values[single] if single in record.values else record.raw.get(single)
                ident: Any = (value,)
                blank = value is None or value == ""
            else:
                ident = tuple(_value(record, k) for k in identity)
                blank = all(v in (None, "") for v in ident)
            if blank:
                ident = (copy.tracker.path, "row", index)  # a row without an ID is kept as it is
            elif ident in seen:
                ident = (*ident, copy.tracker.path, "again", index)  # an ID used twice: both rows kept, as typed
            seen.add(ident)
            found.appearance.setdefault(ident, len(found.appearance))
            own = issued.get(ident)
            found.held.setdefault(ident, []).append(_Held(copy, table, record, own[1] if own else None))
        for ident in issued:
            if ident not in seen:
                found.deleters.setdefault(ident, _Held(copy, table, Record(0, {}, {}), issued[ident][1]))
    return found


def _merge_table(key: str, copies: list[_Copy], gone: set[str]) -> _TableMerge:
    """Merge one table's rows three ways; ``gone`` are task IDs deleted (their RACI rows go with them)."""
    found = _collect(key, copies)
    result = _TableMerge()
    order = sorted({*found.held, *found.bases},
                   key=lambda i: (0, found.bases[i][0], 0) if i in found.bases else (1, 0, found.appearance[i]))
    for ident in order:
        holders = found.held.get(ident, [])
        common = found.bases[ident][1] if ident in found.bases else None
        bases = [_base_of(h, common) for h in holders]
        deleted_here = ident in found.deleters or (key == "raci" and ident[0] in gone)
        changed = [h for h, base in zip(holders, bases, strict=True) if _changed(key, h.record, base)] \
            if deleted_here else []
        if deleted_here and not changed:
            if ident in found.deleters:
                result.deleted.append(Deleted(key, str(ident[0]), found.deleters[ident].copy.tracker.path))
                result.findings.append(_deletion("merge-deleted", found.deleters[ident], ident))
            continue
        if ident in found.deleters:
            result.findings.append(_deletion("merge-kept", found.deleters[ident], ident, changed[0]))
        holders, bases = _telling(holders, bases)
        result.rows.append(_merge_row(key, holders, bases, common, result.findings))
    return result


def _telling(holders: list[_Held], bases: list[dict[str, Any] | None]) -> tuple[list[_Held], list[dict[str, Any] | None]]:
    """The copies whose row can change the merged one: those that changed it, and the first that did not.

    When every copy was issued the same row, a copy still holding it exactly (a dict comparison, in C)
    adds nothing the first such copy does not; twenty copies each filled on its own share of the rows
    are merged at the cost of about two per row.
    """
    first = bases[0] if bases else None
    if first is None or len(holders) < 3 or any(b is not first and b != first for b in bases):
        return holders, bases
    base = {k: v for k, v in first.items() if k != POSITION} if POSITION in first else first
    kept: list[int] = []
    representative = False
    for index, held in enumerate(holders):
        record = held.record
        if record.values == base and record.raw.keys() <= record.values.keys():  # raw: labels as typed, read
            if representative:
                continue
            representative = True
        kept.append(index)
    return [holders[i] for i in kept], [bases[i] for i in kept]


def _base_of(held: _Held, common: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a copy's row is compared with: the row it was issued, or (a copy with no record) the others'."""
    return held.base if held.copy.issued is not None else common


def _unchanged(key: str, column: str, value: Any, base: dict[str, Any] | None) -> bool:
    expected = base.get(column) if base is not None else PREFILLED.get((key, column))
    return bool(value == expected)


def _changed(key: str, record: Record, base: dict[str, Any] | None) -> bool:
    return any(not _blank(v := _value(record, c)) and not _unchanged(key, c, v, base) for c in {*record.values, *record.raw})


def _merge_row(key: str, holders: list[_Held], bases: list[dict[str, Any] | None], common: dict[str, Any] | None,
               findings: list[Finding]) -> tuple[dict[str, Any], Record]:
    row: dict[str, Any] = {}
    merged = Record(0, {}, {})
    columns = dict.fromkeys(c for h in holders for c in (*h.record.values, *h.record.raw))
    for column in columns:
        winner = _winner(key, column, holders, bases, findings)
        if winner is not None:
            row[column] = _value(winner.record, column)
            if column in winner.record.values:
                merged.values[column] = winner.record.values[column]
            if column in winner.record.raw:
                merged.raw[column] = winner.record.raw[column]
    for column, value in (common or {}).items():  # blank in every copy: a blank never overwrites what was issued
        if column not in row and column != POSITION and value is not None:
            row[column] = merged.values[column] = value
    return row, merged


def _winner(key: str, column: str, holders: list[_Held], bases: list[dict[str, Any] | None],
            findings: list[Finding]) -> _Held | None:
    """The copy whose value a merged cell takes; a conflict for each copy that changed it otherwise."""
    prefilled = PREFILLED.get((key, column))
    filled: list[tuple[Any, _Held]] = []
    changes: list[tuple[Any, _Held]] = []
    for held, base in zip(holders, bases, strict=True):
        record = held.record
        value = record.values[column] if column in record.values else record.raw.get(column)
        if _blank(value):
            continue
        filled.append((value, held))
        if value != (base.get(column) if base is not None else prefilled):
            changes.append((value, held))
    if changes:
        kept_value, kept = changes[0]
        for value, other in changes[1:]:
            if value != kept_value:
                findings += _conflict(kept, other, column, kept_value, value)
        return kept
    # Unchanged everywhere, or copies issued with different values: the copies compared with each other.
    chosen: tuple[Any, _Held] | None = None
    for value, held in filled:
        if chosen is None or chosen[0] == prefilled:
            chosen = (value, held)
        elif value != chosen[0] and value != prefilled:
            findings += _conflict(chosen[1], held, column, chosen[0], value)
    return chosen[1] if chosen else None


def _cell(table: Table, column: str, row: int) -> str:
    """Where a column's cell of a row is in a copy: schema columns, inserted columns, RACI people."""
    if column in table.columns:
        return table.cell(column, row)
    header = extra_header(column) if is_extra(column) else column.removeprefix("person:")
    if header in table.extra:
        return f"{column_letters(table.extra[header])}{row}"
    return ""


def _label(table: Table, column: str, locale: Locale) -> str:
    sheet = _SHEETS[table.key]
    schema_column = next((c for c in sheet.columns if c.key == column), None)
    if schema_column is not None:
        return schema_column.label.get(locale)
    return extra_header(column) if is_extra(column) else column.removeprefix("person:")


def _conflict(kept: _Held, other: _Held, column: str, kept_value: Any, other_value: Any) -> list[Finding]:
    """A ``merge-conflict`` at both cells, each where its team saved it; the message says which value was kept."""
    def where(held: _Held) -> str:
        cell = _cell(held.table, column, held.record.row) or f"row {held.record.row}"
        return f"{Path(held.copy.tracker.path).name}!{held.table.sheet}!{cell}"

    schema_column = next((c for c in _SHEETS[kept.table.key].columns if c.key == column), None)
    choices = "raci" if column.startswith("person:") else (schema_column.choices if schema_column else None)
    enumeration = ENUMERATIONS.get(choices or "")
    members = {m.key for m in enumeration.members} if enumeration is not None else set()

    def shown(value: Any) -> Any:  # an enumeration member is named in the reader's language when rendered
        return MemberLabel(enumeration.key, value) if enumeration is not None and value in members else _shown(value)

    params = {"other": where(other), "other_value": shown(other_value), "kept_in": where(kept), "value": shown(kept_value)}
    return [Finding("merge-conflict", held.table.sheet, _cell(held.table, column, held.record.row), held.record.row,
                    column, _shown(value), {**params, "file": held.copy.tracker.path}, table=held.table.key)
            for held, value in ((kept, kept_value), (other, other_value))]


def _deletion(code: str, deleter: _Held, ident: Any, filled: _Held | None = None) -> Finding:
    """A row one copy deleted: left out (``merge-deleted``) or, filled in another copy, kept (``merge-kept``)."""
    id_column = ROW_KEYS[deleter.table.key][0]
    where = filled if filled is not None else None
    cell = _cell(where.table, id_column, where.record.row) if where else ""
    params = {"copy": Path(deleter.copy.tracker.path).name,
              "other": Path(where.copy.tracker.path).name if where else "", "file": deleter.copy.tracker.path}
    return Finding(code, where.table.sheet if where else deleter.table.sheet, cell, where.record.row if where else None,
                   id_column, _shown(ident[0]), params, table=deleter.table.key)


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
    departments: dict[str, str] = {}
    for tracker in trackers:
        people += tracker.campaign.people
        for name, department in tracker.campaign.departments.items():
            departments.setdefault(name, department)
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
    plan = Plan(campaign, phases, [Person(n, departments.get(n, "")) for n in dict.fromkeys(p for p in people if p)],
                unique_kpis)
    return plan.check(first.path)


def _in_memory(merged: Merged) -> Tracker:
    """The tracker :func:`write_merged` writes, as the reader would give it back: the same tables, columns,
    row numbers and reading findings (values that still need a person: text dates, unknown choices)."""
    from marketing_tracker.core.schema import Column, Text
    from marketing_tracker.reading.coerce import coercer_for
    from marketing_tracker.reading.reader import _coercion_finding

    locale, plan = merged.locale, merged.plan
    c = plan.campaign
    phases: list[tuple[str, str, date | None, date | None]] = [(p.key, p.label(locale), p.start, p.end)
                                                               for p in plan.phases]
    info = CampaignInfo(c.name, c.start, c.end, c.plan_owner, c.exec_owner, c.status_date, phases,
                        plan.people_names(), {p.name: p.department for p in plan.people if p.department}, list(c.goals))
    phase_labels = {label: key for key, label, _s, _e in phases}
    tables: dict[str, Table] = {}
    findings: list[Finding] = []
    for sheet in TABLE_SHEETS:
        rows = merged.cells.get(sheet.key, [])
        people = [f"person:{name}" for name in plan.people_names()] if sheet.key == "raci" else []
        inserted = list(dict.fromkeys(k for r in rows for k in r.values if is_extra(k)))
        keys = [col.key for col in sheet.columns] + people + inserted
        title = sheet_title(sheet.key, locale)
        table = Table(sheet.key, title, HEADER_ROW + 1, {k: i for i, k in enumerate(keys[:len(sheet.columns)])},
                      {(k.removeprefix("person:") if k in people else extra_header(k)): i
                       for i, k in enumerate(keys) if i >= len(sheet.columns)})
        for i, k in enumerate(inserted, start=len(sheet.columns) + len(people)):
            findings.append(Finding("extra-column", title, f"{column_letters(i)}{HEADER_ROW + 1}", HEADER_ROW + 1,
                                    value=extra_header(k)))
        for offset, record in enumerate(rows):
            row = FIRST_DATA_ROW + offset + 1
            table.records.append(Record(row, dict(record.values), dict(record.raw)))
            for key, raw in record.raw.items():
                column = next((col for col in sheet.columns if col.key == key), None) or \
                    Column(key, Text(key[7:], key[7:]), "choice", choices="raci")
                index = keys.index(key) if key in keys else None
                if index is None or isinstance(raw, CellError):
                    continue
                value, code, shown = coercer_for(column, c.start.year, phase_labels)(raw)
                if code is not None:
                    findings.append(_coercion_finding(code, sheet.key, title, index, row, column, raw, value, shown))
        tables[sheet.key] = table
    meta = {"template": TEMPLATE_NAME, "schema_version": SCHEMA_VERSION, "locale": locale, "campaign": c.name,
            "start": c.start.isoformat(), "end": c.end.isoformat(), **merged.identity}
    return Tracker(merged.source, locale, info, tables, findings, meta)
