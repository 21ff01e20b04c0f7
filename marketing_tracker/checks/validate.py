"""Rules over a read tracker -> findings. One function per finding code, registered by code.

Validation never raises for bad data: every rule yields findings with the sheet and cell
where the user has the value. Reading problems (missing sheets and columns, values that
are not dates, numbers or allowed choices, values that were normalised) come from the
reader and are passed through.

Example::

    findings = validate(read_tracker("618-filled.xlsx"), as_of=date(2024, 5, 24))
    errors = [f for f in findings if f.severity == "error"]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from typing import Any

from marketing_tracker.core.findings import CODES, ColumnLabel, Finding, MemberLabel, SheetLabel, Word, sort_findings
from marketing_tracker.core.numbers import as_found as _plain
from marketing_tracker.core.plan import find_cycle
from marketing_tracker.core.schema import PHASES, TABLE_SHEETS, Column, Locale
from marketing_tracker.reading.reader import Record, Table, Tracker

Rule = Callable[["Context"], Iterator[Finding]]
_SHEETS = {s.key: s for s in TABLE_SHEETS}
RULES: dict[str, Rule] = {}


def rule(code: str) -> Callable[[Rule], Rule]:
    """Register a rule under its finding code (one rule per code)."""
    if code not in CODES:
        raise KeyError(f"unknown finding code {code!r}")

    def register(function: Rule) -> Rule:
        RULES[code] = function
        return function

    return register


@dataclass
class Context:
    """What every rule needs: the tracker, the day it is judged on, and lookups built once.

    Rules never choose words: a finding names columns and members by key (and a detail
    code), and :meth:`Finding.message` puts them into the reader's language.
    """

    tracker: Tracker
    as_of: date

    def __post_init__(self) -> None:
        self.tasks = self.tracker.tables.get("tasks")
        self.task_ids: dict[str, Record] = {}
        for record in self.tracker.records("tasks"):
            task_id = record.values.get("task_id")
            if task_id and task_id not in self.task_ids:
                self.task_ids[task_id] = record
        self.people = set(self.tracker.campaign.people)
        self.phase_windows = {key: (start, end) for key, _label, start, end in self.tracker.campaign.phases}
        self.phase_labels = {key: label for key, label, _start, _end in self.tracker.campaign.phases}
        self._values: dict[tuple[str, bool], list[dict[str, Any]]] = {}

    def phase_word(self, key: str) -> Word | str:
        """A phase as the reader should see it: the standard label in their language, or the plan's own name."""
        label = self.phase_labels.get(key, "")
        member = PHASES.lookup(key)
        if member is not None and (not label or label in (member.label.zh, member.label.en)):
            return MemberLabel("phase", member.key)
        return label or key

    @property
    def elsewhere(self) -> set[str]:
        """Task IDs held by the other copies of a split tracker (its identity sheet lists them): known, not here."""
        if not hasattr(self, "_elsewhere"):
            from marketing_tracker.core.issued import decode

            issued = decode(self.tracker.meta)
            rows = issued.rows.get("elsewhere", []) if issued else []
            self._elsewhere = {str(r["task_id"]) for r in rows if r.get("task_id")}
        return self._elsewhere

    def at(self, table: Table, record: Record, key: str, code: str, *, detail: str = "", **params: Any) -> Finding:
        """A finding at a column's cell on a record's row; ``detail`` is a detail code of ``words.DETAILS``."""
        cell = table.cell(key, record.row) if key in table.columns else ""
        value = params.pop("value", record.shown(key))
        return Finding(code, table.sheet, cell, record.row, key, value, params, table=table.key, detail=detail)

    def values_of(self, table: Table, *, raw: bool = False) -> list[dict[str, Any]]:
        """The records' value (or raw) dicts of a table, listed once for the rules that scan whole columns."""
        key = (table.key, raw)
        if key not in self._values:
            self._values[key] = [record.raw if raw else record.values for record in table.records]
        return self._values[key]

    def tables(self) -> Iterator[Table]:
        yield from self.tracker.tables.values()

    def columns(self, wanted: Callable[[Column], bool]) -> Iterator[tuple[Table, Column]]:
        """Every (table, schema column) present in the file for which ``wanted(column)`` holds."""
        for table in self.tracker.tables.values():
            for column in _SHEETS[table.key].columns:
                if column.key in table.columns and wanted(column):
                    yield table, column


def validate(tracker: Tracker, *, as_of: date | None = None, lang: Locale | None = None) -> list[Finding]:
    """Every finding for a tracker: what reading found, then each registered rule's.

    ``as_of`` fixes "today" for the date rules; by default the workbook's own status date,
    else today. ``lang`` is accepted for compatibility and changes nothing: findings hold
    keys, and each renderer chooses the language (``Finding.message(locale)``).
    """
    del lang
    day = as_of or tracker.campaign.as_of or date.today()
    context = Context(tracker, day)
    findings = list(tracker.findings)
    for function in RULES.values():
        findings.extend(function(context))
    return sort_findings(findings)


# --------------------------------------------------------------------------- cell rules


@rule("required-missing")
def _required(ctx: Context) -> Iterator[Finding]:
    for table in ctx.tables():
        required = [c.key for c in _SHEETS[table.key].columns if c.required and not c.computed and c.key in table.columns]
        for record in table.records:
            values, raw = record.values, record.raw
            for key in required:
                if key not in values and key not in raw:
                    yield ctx.at(table, record, key, "required-missing", value=None)


@rule("out-of-range")
def _ranges(ctx: Context) -> Iterator[Finding]:
    """A number outside its column's bounds (``Column.limits``, the workbook's validation too)."""
    for table, column in ctx.columns(lambda c: not c.computed and (c.limits.minimum, c.limits.maximum) != (None, None)):
        low, high = column.limits.minimum, column.limits.maximum
        # A blank cell stands in as a bound itself; numbers columns hold floats once read.
        numbers = list(_column_values(ctx, table, column.key, low if low is not None else high))
        if not numbers or ((low is None or min(numbers) >= low) and (high is None or max(numbers) <= high)):
            continue  # the common case, decided without a Python loop over 50,000 rows
        allowed = _allowed(low, high)
        for record in table.records:
            value = record.values.get(column.key)
            if not isinstance(value, (int, float)):
                continue
            if (low is not None and value < low) or (high is not None and value > high):
                yield ctx.at(table, record, column.key, "out-of-range", value=_plain(value), allowed=allowed)


def _allowed(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{_plain(low)} - {_plain(high)}"
    return f">= {_plain(low)}" if low is not None else f"<= {_plain(high or 0)}"


@rule("too-long")
def _lengths(ctx: Context) -> Iterator[Finding]:
    """A text or ID longer than its column allows: pasted past the workbook's length check."""
    for table, column in ctx.columns(lambda c: not c.computed and c.limits.max_length is not None):
        limit = column.limits.max_length or 0
        # Task IDs are a list once read; the length limited is the cell's text, kept in ``raw``.
        ids = column.kind == "ids"
        cells = map(str, _column_values(ctx, table, column.key, "", raw=True)) if ids else \
            _column_values(ctx, table, column.key, "")
        if max(map(len, cells), default=0) <= limit:
            continue  # the common case, decided in C: nothing too long in this column
        for record in table.records:
            text = str(record.raw.get(column.key, "")) if ids else record.values.get(column.key)
            if isinstance(text, str) and len(text) > limit:
                yield ctx.at(table, record, column.key, "too-long", value=_excerpt(text), detail="characters",
                             length=len(text), limit=limit)


def _column_values(ctx: Context, table: Table, key: str, missing: Any, *, raw: bool = False) -> Iterator[Any]:
    """Every record's value (or raw cell) of a column, ``missing`` where blank, mapped in C rather than looped in Python."""
    return map(dict.get, ctx.values_of(table, raw=raw), repeat(key), repeat(missing))


def _excerpt(text: str) -> str:
    """A long value shown in a message: its start, so that a 30,000-character cell is not repeated whole."""
    return text if len(text) <= 60 else text[:57] + "..."


@rule("duplicate-id")
def _duplicates(ctx: Context) -> Iterator[Finding]:
    for table, column in ctx.columns(lambda c: c.unique):
        first: dict[Any, Record] = {}
        for record in table.records:
            value = record.values.get(column.key)
            if value in (None, ""):
                continue
            if value in first:
                yield ctx.at(table, record, column.key, "duplicate-id", value=value,
                             other=table.cell(column.key, first[value].row))
            else:
                first[value] = record


@rule("end-before-start")
def _order(ctx: Context) -> Iterator[Finding]:
    for table, column in ctx.columns(lambda c: c.after is not None):
        after = str(column.after)
        for record in table.records:
            end, start = record.values.get(column.key), record.values.get(after)
            if isinstance(end, date) and isinstance(start, date) and end < start:
                yield ctx.at(table, record, column.key, "end-before-start", value=end.isoformat(),
                             other_value=start.isoformat(), other_column=ColumnLabel(table.key, after))


@rule("end-without-start")
def _end_without_start(ctx: Context) -> Iterator[Finding]:
    table = ctx.tasks
    if table is None or "actual_start" not in table.columns:
        return
    for record in table.records:
        if record.filled("actual_end") and not record.filled("actual_start"):
            yield ctx.at(table, record, "actual_start", "end-without-start", value=None)


@rule("status-mismatch")
def _status(ctx: Context) -> Iterator[Finding]:
    table = ctx.tasks
    if table is None or "status" not in table.columns or "progress" not in table.columns:
        return
    done = MemberLabel("status", "done")
    for record in table.records:
        status, progress = record.values.get("status"), record.values.get("progress")
        if status == "done" and progress is not None and progress < 100:
            yield ctx.at(table, record, "progress", "status-mismatch", detail="done-below-100", done=done,
                         progress=_plain(progress))
        elif progress == 100 and status is not None and status != "done":  # above 100 is out-of-range
            yield ctx.at(table, record, "status", "status-mismatch", detail="full-not-done", done=done)


# --------------------------------------------------------------------------- cross-sheet rules


@rule("unknown-reference")
def _references(ctx: Context) -> Iterator[Finding]:
    if ctx.tasks is not None:
        for record in ctx.tasks.records:
            for dep in record.values.get("depends_on", []):
                if dep not in ctx.task_ids and dep not in ctx.elsewhere:
                    yield ctx.at(ctx.tasks, record, "depends_on", "unknown-reference", value=dep,
                                 detail="no-such-dependency")
    for key in ("issues", "raci"):
        table = ctx.tracker.tables.get(key)
        if table is None or ctx.tasks is None:
            continue
        for record in table.records:
            task_id = record.values.get("task_id")
            if task_id and task_id not in ctx.task_ids and task_id not in ctx.elsewhere:
                yield ctx.at(table, record, "task_id", "unknown-reference", value=task_id, detail="no-such-task")
    log, kpis = ctx.tracker.tables.get("kpi_log"), ctx.tracker.tables.get("kpis")
    if log is not None and kpis is not None:
        names = {r.values.get("name") for r in kpis.records} | {r.values.get("kpi_key") for r in kpis.records}
        for record in log.records:
            kpi = record.values.get("kpi")
            if kpi and kpi not in names:
                yield ctx.at(log, record, "kpi", "unknown-reference", value=kpi, detail="no-such-kpi")


@rule("dependency-cycle")
def _cycles(ctx: Context) -> Iterator[Finding]:
    if ctx.tasks is None:
        return
    # A task that waits for nothing closes no circle; an unknown ID is a dead end to find_cycle.
    graph = {task_id: deps for task_id, record in ctx.task_ids.items() if (deps := record.values.get("depends_on"))}
    cycle = find_cycle(graph)
    if cycle:
        record = ctx.task_ids[cycle[0]]
        yield ctx.at(ctx.tasks, record, "depends_on", "dependency-cycle", circle=" -> ".join([*cycle, cycle[0]]))


@rule("raci")
def _raci(ctx: Context) -> Iterator[Finding]:
    table = ctx.tracker.tables.get("raci")
    if table is None:
        return
    listed: set[str] = set()
    for record in table.records:
        task_id = record.values.get("task_id")
        if not task_id:
            continue
        listed.add(task_id)
        roles = list(record.values.values())  # the task ID and the person:NAME columns, counted in C
        both = roles.count("RA") - (task_id == "RA")  # ... less the task ID, should it read like a role
        r = roles.count("R") - (task_id == "R") + both
        a = roles.count("A") - (task_id == "A") + both
        if r != 1 or a != 1:
            yield ctx.at(table, record, "task_id", "raci", value=task_id, detail="role-count", r=r, a=a)


@rule("raci-missing")
def _raci_missing(ctx: Context) -> Iterator[Finding]:
    """A task added after the tracker went out has no RACI row: normal, its owner stands as R."""
    table = ctx.tracker.tables.get("raci")
    if table is None or ctx.tasks is None or not table.extra:
        return
    listed = {task_id for record in table.records if (task_id := record.values.get("task_id"))}
    for task_id, record in ctx.task_ids.items():
        if task_id not in listed:
            owner = record.values.get("owner")
            yield ctx.at(ctx.tasks, record, "task_id", "raci-missing", value=task_id, raci=SheetLabel("raci"),
                         detail="owner-stands-as-r" if owner else "no-owner", owner=owner or "")


# --------------------------------------------------------------------------- date and people rules


@rule("overdue")
def _overdue(ctx: Context) -> Iterator[Finding]:
    if ctx.tasks is None:
        return
    for record in ctx.tasks.records:
        end = record.values.get("planned_end")
        status = record.values.get("status")
        if (isinstance(end, date) and end < ctx.as_of and status not in ("done", "delayed", "blocked")
                and (record.values.get("progress") or 0) < 100 and "actual_end" not in record.values):
            yield ctx.at(ctx.tasks, record, "planned_end", "overdue", task=record.values.get("task_id", ""),
                         other_value=end.isoformat(), days=(ctx.as_of - end).days, delayed=MemberLabel("status", "delayed"))


@rule("outside-period")
def _outside(ctx: Context) -> Iterator[Finding]:
    campaign = ctx.tracker.campaign
    first, last = campaign.start, campaign.end
    if ctx.tasks is None or first is None or last is None:
        return
    period = f"{first}..{last}"
    for record in ctx.tasks.records:
        values = record.values
        for key in ("planned_start", "planned_end", "actual_start", "actual_end"):
            day = values.get(key)
            if day is None or not isinstance(day, date):
                continue
            if not first <= day <= last:
                yield ctx.at(ctx.tasks, record, key, "outside-period", value=day.isoformat(),
                             detail="campaign-period", other_value=period)
                continue
            if key[0] != "p":  # actual dates are held to the campaign only
                continue
            window = ctx.phase_windows.get(values.get("phase", ""))
            if window and window[0] and window[1] and not window[0] <= day <= window[1]:
                yield ctx.at(ctx.tasks, record, key, "outside-period", value=day.isoformat(), detail="phase-window",
                             phase=ctx.phase_word(values.get("phase", "")), other_value=f"{window[0]}..{window[1]}")


@rule("id-prefix")
def _prefix(ctx: Context) -> Iterator[Finding]:
    if ctx.tasks is None:
        return
    prefixes = {m.key: m.prefix for m in PHASES.members}
    for record in ctx.tasks.records:
        task_id, phase = record.values.get("task_id"), record.values.get("phase")
        prefix = prefixes.get(phase or "")
        if task_id and prefix and not task_id.upper().startswith(prefix):
            yield ctx.at(ctx.tasks, record, "task_id", "id-prefix", value=task_id, prefix=prefix,
                         other_value=ctx.phase_word(phase or ""))


@rule("unknown-owner")
def _owners(ctx: Context) -> Iterator[Finding]:
    if not ctx.people:
        return
    for key in ("tasks", "milestones", "issues"):
        table = ctx.tracker.tables.get(key)
        if table is None:
            continue
        for record in table.records:
            owner = record.values.get("owner")
            if owner and owner not in ctx.people:
                yield ctx.at(table, record, "owner", "unknown-owner", value=owner, info=SheetLabel("info"))


@rule("starts-before-dependency")
def _early_start(ctx: Context) -> Iterator[Finding]:
    if ctx.tasks is None:
        return
    for record in ctx.tasks.records:
        key = "actual_start" if "actual_start" in record.values else "planned_start"
        start = record.values.get(key)
        if not isinstance(start, date):
            continue
        for dep in record.values.get("depends_on", []):
            other = ctx.task_ids.get(dep)
            if other is None:
                continue
            end = other.values.get("actual_end") or other.values.get("planned_end")
            if isinstance(end, date) and start < end:
                yield ctx.at(ctx.tasks, record, key, "starts-before-dependency", task=record.values.get("task_id", ""),
                             other_value=start.isoformat(), dependency=f"{dep} ({end})")


@rule("milestone-missed")
def _missed(ctx: Context) -> Iterator[Finding]:
    table = ctx.tracker.tables.get("milestones")
    if table is None:
        return
    for record in table.records:
        due = record.values.get("due")
        if isinstance(due, date) and due < ctx.as_of and "done" not in record.values:
            yield ctx.at(table, record, "due", "milestone-missed", task=record.values.get("name", ""),
                         other_value=due.isoformat())
