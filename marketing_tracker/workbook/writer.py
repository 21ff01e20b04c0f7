"""Plan -> tracker workbook, with xlsxwriter.

Everything about a column (label, width, number format, validation, computed formula)
comes from :mod:`marketing_tracker.core.schema`; this module only decides where things go.
Formats, validations and conditional formats are laid over whole ranges, never cell by
cell, so a 5,000-task plan costs little more than writing its values.

The output is byte-for-byte reproducible for the same plan and options: the document
dates are the campaign's start, and nothing depends on the clock (TODAY() is evaluated
by the spreadsheet program, not here).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from marketing_tracker import __version__
from marketing_tracker.core.cells import cell_address, column_letters, quote_sheet
from marketing_tracker.core.dates import to_serial
from marketing_tracker.core.errors import TrackerError
from marketing_tracker.core.fileio import atomic_output, gc_paused
from marketing_tracker.core.issued import CAMPAIGN_ID_KEY, COPY_KEY, WHOLE, campaign_id, extra_header, is_extra, meta_rows
from marketing_tracker.core.plan import Plan, Task
from marketing_tracker.core.schema import (
    COMPUTED_FILL,
    DATE_WINDOW_DAYS,
    ENUMERATIONS,
    FIRST_DATA_ROW,
    GANTT_DAILY_MAX_DAYS,
    GANTT_LEGEND,
    GANTT_TITLE,
    GUIDE_LEGEND,
    GUIDE_SHEETS,
    GUIDE_STEPS,
    GUIDE_TITLE,
    HEADER_FILL,
    HEADER_ROW,
    HEALTH,
    INFO_FIELDS,
    INFO_GOALS,
    INFO_PEOPLE,
    INFO_PEOPLE_COLUMNS,
    INFO_PHASE_COLUMNS,
    INFO_PHASES,
    INFO_TITLE,
    ISSUE_STATES,
    LIST_SOURCES,
    MAX_SPARE_ROWS,
    MILESTONE_FLAG,
    MILESTONE_FLAG_LEGEND,
    MILESTONE_STATES,
    NOTE_ROW,
    NUMBER_FORMATS,
    OVERDUE_FILL,
    OVERDUE_LEGEND,
    RACI,
    RACI_RULE,
    RACI_RULE_LEGEND,
    RACI_SHEET,
    REPLANNED_FILL,
    REPLANNED_LEGEND,
    REPLANNED_RULE,
    SCHEMA_VERSION,
    SHEET_ORDER,
    STATUSES,
    TABLE_SHEETS,
    TASKS,
    TEMPLATE_NAME,
    TITLE_FONT,
    TITLE_ROW,
    VALIDATION_ERRORS,
    Column,
    Enumeration,
    Field,
    Limits,
    Locale,
    Sheet,
    Text,
    sheet_title,
)
from marketing_tracker.workbook import xlsxwriter_calls
from marketing_tracker.workbook.formats import FormatCache
from marketing_tracker.workbook.printing import (
    FIT_SHARE,
    Page,
    column_points,
    fit_scale,
    last_column_reached,
    printable_points,
    set_up,
    text_width,
)

_LEAP_BUG_END = date(1900, 3, 1)

PROTECT_OPTIONS = {
    "sort": True, "autofilter": True, "format_columns": True, "format_rows": True,
    "select_locked_cells": True, "select_unlocked_cells": True,
}
#: The width of one Gantt column, in characters: a day, or a week for long campaigns.
GANTT_DAY_WIDTH, GANTT_WEEK_WIDTH = 2.6, 4.5
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([A-Za-z_]+))?\}")


def write_tracker(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    locale: Locale | None = None,
    password: str | None = None,
    spare_rows: int | None = None,
    records: dict[str, list[dict[str, Any]]] | None = None,
    identity: dict[str, str] | None = None,
) -> Path:
    """Write the blank tracker workbook for ``plan`` to ``path`` and return the path.

    Args:
        plan: a checked plan (:func:`load_plan`) or one built in Python; it is checked
            again here, so a hand-built plan with problems raises :class:`PlanError`.
        path: the ``.xlsx`` file to write; it is replaced atomically.
        locale: ``"zh-CN"`` or ``"en"``; defaults to the plan's own.
        password: protects the sheets with a password; by default they are protected
            without one, which keeps honest people from breaking formulas by accident.
        spare_rows: empty rows under the planned tasks for work added mid-campaign
            (at least 200 by default, at most :data:`~marketing_tracker.core.schema.MAX_SPARE_ROWS`).
        records: filled rows to write instead of the plan's, by sheet key (``"tasks"``,
            ``"kpi_log"``, ...), each a dict of column key -> value (enumeration keys or
            labels, dates, numbers; text is kept as typed; ``extra:<header>`` is a column a team
            inserted, written after the template's). Used to merge, split and re-plan copies.
        identity: the copy's identity on the hidden meta sheet: ``copy`` (``all``, or the group
            of a split copy, e.g. ``department:市场部``) and ``campaign_id`` (carried from the
            tracker the copy comes from; a new campaign's is made from its name and start).

    Example::

        write_tracker(load_plan("618.yaml"), "618.xlsx", locale="en")
    """
    plan.check()
    if spare_rows is not None and spare_rows > MAX_SPARE_ROWS:
        raise TrackerError(f"at most {MAX_SPARE_ROWS:,} spare rows, not {spare_rows:,}")
    with gc_paused(), atomic_output(path) as staged:
        _TrackerWriter(plan, locale or plan.campaign.locale, password, spare_rows, records, identity).write(staged)
    return Path(path)


@dataclass
class _Table:
    """Where a table sheet's columns and rows landed."""

    sheet: Sheet
    columns: list[Column]
    first_row: int
    last_row: int
    title: str
    letters: dict[str, str] = field(default_factory=dict)
    rows_in_use: int = 0  # the rows filled when written: what prints

    def __post_init__(self) -> None:
        self.letters = {c.key: column_letters(i) for i, c in enumerate(self.columns)}

    def col(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)

    def area(self, key: str) -> str:
        """Absolute reference of a column's data rows on this sheet, for a defined name."""
        letter = self.letters[key]
        return f"{quote_sheet(self.title)}!${letter}${self.first_row + 1}:${letter}${self.last_row + 1}"


class _Sheet(Worksheet):  # type: ignore[misc]
    """A worksheet that writes a column of same-shaped formulas without re-parsing each one.

    xlsxwriter runs over a hundred regular expressions on every formula to add ``_xlfn.``
    prefixes for Excel's newer functions; ten thousand rows of one formula made that most
    of the writing time. :meth:`write_formula_column` checks the pattern once (the rows
    differ only in the row numbers of cell references, never in function names) and skips
    the rewrite for its rows when the pattern needs none.
    """

    _verbatim = False

    def _prepare_formula(self, formula: str, *args: Any, **kwargs: Any) -> str:
        # Any further parameter a newer xlsxwriter passes goes on to its own body untouched.
        if self._verbatim:
            return formula.removeprefix("=")
        prepared: str = super()._prepare_formula(formula, *args, **kwargs)
        return prepared

    def write_formula_column(self, first: int, last: int, col: int, pattern: str, cell_format: Any) -> None:
        """Write ``pattern.format(r=row_number)`` into ``col`` for rows ``first..last`` (0-based).

        Without xlsxwriter's private members (:mod:`.xlsxwriter_calls`) each row goes through
        the public ``write_formula`` and its full rewrite: the same cells, more slowly.
        """
        write = xlsxwriter_calls.cell_writers(self).formula
        if not xlsxwriter_calls.private_calls_usable():
            for row in range(first, last + 1):
                write(row, col, pattern.format(r=row + 1), cell_format, "")
            return
        example = pattern.format(r=first + 1)
        self._verbatim = super()._prepare_formula(example) == example.removeprefix("=")
        try:
            for row in range(first, last + 1):
                write(row, col, pattern.format(r=row + 1), cell_format, "")
        finally:
            self._verbatim = False


def raci_roles(task: Task) -> dict[str, str]:
    """A planned task's RACI letters by person (R the owner, A the accountable, R/A when one person is both)."""
    roles = {name: "C" for name in task.consulted} | {name: "I" for name in task.informed}
    if task.owner:
        roles[task.owner] = "R"
    if task.accountable:
        roles[task.accountable] = "RA" if roles.get(task.accountable) == "R" else "A"
    return roles


def _literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class _InfoFormats:
    """The formats the campaign-info sheet's blocks share."""

    label: Any
    text_in: Any
    date_in: Any
    date_out: Any
    section: Any


def _as_of_formula(as_of_input: str) -> str:
    """The status date: the one typed in ``as_of_input``, else today.

    A status date kept as text ("2024/11/15" where the locale does not take it for a date) is
    read as the ISO date it spells (which DATEVALUE takes in every locale); one that is no date
    falls back to today, so no formula counts delays from a text.
    """
    iso = f'TRIM({as_of_input})'
    for separator, replacement in (("/", "-"), (".", "-"), ("年", "-"), ("月", "-"), ("日", "")):
        iso = f'SUBSTITUTE({iso},"{separator}","{replacement}")'
    return (f'=IF({as_of_input}="",TODAY(),IF(ISNUMBER({as_of_input}),{as_of_input},'
            f'IFERROR(DATEVALUE({iso}),TODAY())))')


@dataclass(frozen=True)
class _GanttStrip:
    """Where the tasks sheet's Gantt strip goes: a column per day, or per week (from a Monday) for a long campaign."""

    days: list[date]  # the first day of each column
    weekly: bool
    first_col: int  # 0-based; one spacer column after the table
    last_col: int

    @classmethod
    def of(cls, plan: Plan, table: _Table) -> _GanttStrip:
        c = plan.campaign
        weekly = (c.end - c.start).days + 1 > GANTT_DAILY_MAX_DAYS
        begin = c.start - timedelta(days=c.start.weekday()) if weekly else c.start
        days = [begin + timedelta(days=i) for i in range(0, (c.end - begin).days + 1, 7 if weekly else 1)]
        first_col = len(table.columns) + 1
        return cls(days, weekly, first_col, first_col + len(days) - 1)


def _gantt_rules(table: _Table, strip: _GanttStrip) -> dict[str, str]:
    """The conditional-format formula of each Gantt legend key, for the strip's top-left cell (Excel shifts it)."""
    day_ref = f"{column_letters(strip.first_col)}${HEADER_ROW + 1}"
    until = f"{day_ref}+6" if strip.weekly else day_ref
    refs = {key: f"${table.letters[key]}{table.first_row + 1}" for key in
            ("planned_start", "planned_end", "actual_start", "actual_end", "progress")}
    in_plan = (f"AND(ISNUMBER({refs['planned_start']}),ISNUMBER({refs['planned_end']}),"
               f"{refs['planned_start']}<={until},{refs['planned_end']}>={day_ref})")
    in_actual = (f"AND(ISNUMBER({refs['actual_start']}),{refs['actual_start']}<={until},"
                 f"IF(ISNUMBER({refs['actual_end']}),{refs['actual_end']},mt_asof)>={day_ref})")
    done_until = (f"{refs['planned_start']}+({refs['planned_end']}-{refs['planned_start']}+1)"
                  f"*MIN(100,N({refs['progress']}))/100")
    return {
        "slip": f"AND({in_actual},NOT({in_plan}))",
        "progress": f"AND({in_plan},{day_ref}<{done_until})",
        "actual": f"AND({in_plan},{in_actual})",
        "planned": in_plan,
        "today": f"AND(mt_asof>={day_ref},mt_asof<={until})",
        "weekend": "" if strip.weekly else f"WEEKDAY({day_ref},2)>5",
    }


class _TrackerWriter:
    def __init__(self, plan: Plan, locale: Locale, password: str | None, spare_rows: int | None,
                 records: dict[str, list[dict[str, Any]]] | None = None,
                 identity: dict[str, str] | None = None) -> None:
        self.plan = plan
        self.records = records or {}
        self.identity = identity or {}
        self.issued: dict[str, list[dict[str, Any]]] = {}  # what each table was written with, for the meta sheet
        self.locale = locale
        self.password = password or ""
        self.spare_rows = spare_rows
        start, end = plan.campaign.start, plan.campaign.end
        dates = [d for t in plan.tasks for d in (t.start, t.end) if d] + [m.due for m in plan.milestones]
        self.window = (min([start, *dates]) - timedelta(days=DATE_WINDOW_DAYS),
                       max([end, *dates]) + timedelta(days=DATE_WINDOW_DAYS))
        self.tables: dict[str, _Table] = {}

    def t(self, text: Text) -> str:
        return text.get(self.locale)

    def fmt(self, **props: Any) -> Any:
        return self.formats(**props)

    # ------------------------------------------------------------------ the workbook

    def write(self, path: Path) -> None:
        c = self.plan.campaign
        self.book = xlsxwriter.Workbook(str(path), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_date_format": NUMBER_FORMATS["date"],
        })
        self.formats = FormatCache(self.book)
        stamp = datetime.combine(c.start, time())
        self.book.set_properties({
            "title": f"{c.name} · {self.t(TASKS.title)}", "subject": c.name, "author": c.exec_owner or c.plan_owner,
            "company": "", "comments": f"{TEMPLATE_NAME} {__version__}", "created": stamp,
        })
        self.book.set_custom_property("marketing_tracker_template", f"{TEMPLATE_NAME}/{SCHEMA_VERSION}")
        self.book.set_calc_mode("auto")
        sheets = {key: self.book.add_worksheet(sheet_title(key, self.locale), worksheet_class=_Sheet) for key in
                  SHEET_ORDER}
        self._define_tables()
        self._info(sheets["info"])
        self._tasks(sheets["tasks"])
        self._milestones(sheets["milestones"])
        self._kpis(sheets["kpis"])
        self._table(sheets["kpi_log"], self.tables["kpi_log"], [])
        self._issues(sheets["issues"])
        self._raci(sheets["raci"])
        self._lists(sheets["lists"])
        self._guide(sheets["guide"])
        self._meta(sheets["meta"])
        sheets["tasks"].activate()
        self.book.close()

    def _define_tables(self) -> None:
        """Fix every table's extent first: formulas on one sheet name ranges on another."""
        plan = self.plan
        people_columns = [Column(f"person:{name}", Text(name, name), "choice", max(6, len(name) * 1.6), choices="raci")
                          for name in plan.people_names()]
        counts = {"tasks": len(plan.tasks), "milestones": len(plan.milestones), "kpis": len(plan.kpis),
                  "kpi_log": 0, "issues": 0, "raci": len(plan.tasks)}
        counts.update({key: len(rows) for key, rows in self.records.items()})
        counts["raci"] = max(counts["raci"], counts["tasks"])
        for sheet in TABLE_SHEETS:
            spare = sheet.min_spare_rows if self.spare_rows is None or sheet.key not in ("tasks", "raci") \
                else max(self.spare_rows, 1)
            if sheet.key == "raci":
                spare = self.tables["tasks"].last_row - self.tables["tasks"].first_row + 1 - counts["raci"]
            columns = list(sheet.columns) + (people_columns if sheet is RACI_SHEET else []) + self._extra_columns(sheet)
            last = FIRST_DATA_ROW + counts[sheet.key] + spare - 1
            self.tables[sheet.key] = _Table(sheet, columns, FIRST_DATA_ROW, last, sheet_title(sheet.key, self.locale))
        tasks, log, ms = self.tables["tasks"], self.tables["kpi_log"], self.tables["milestones"]
        for name, table, key in (("mt_task_id", tasks, "task_id"), ("mt_task_name", tasks, "name"),
                                 ("mt_log_date", log, "date"), ("mt_log_kpi", log, "kpi"),
                                 ("mt_log_value", log, "value"), ("mt_ms_due", ms, "due")):
            self.book.define_name(name, "=" + table.area(key))

    def _extra_columns(self, sheet: Sheet) -> list[Column]:
        """Columns a team inserted (``extra:<header>`` keys of the records), kept after the template's."""
        keys = dict.fromkeys(k for record in self.records.get(sheet.key, []) for k in record if is_extra(k))
        return [Column(key, Text(extra_header(key), extra_header(key)), "text", 12) for key in keys]

    # ------------------------------------------------------------------ generic table

    def _table(self, ws: _Sheet, table: _Table, records: list[dict[str, Any]]) -> None:
        """Title, notes, headers, values, formulas, validation; the sheet-specific rest is the caller's."""
        records = self.records.get(table.sheet.key, records)
        sheet, locale = table.sheet, self.locale
        title_format = self.fmt(bold=True, font_size=14, font_color=TITLE_FONT)
        ws.write_string(TITLE_ROW, 0, f"{self.plan.campaign.name} · {table.title}", title_format)
        ws.write_string(NOTE_ROW, 0, self.t(sheet.help), self.fmt(italic=True, font_color="#595959"))
        ws.set_row(HEADER_ROW, 32)
        for index, column in enumerate(table.columns):
            fill = COMPUTED_FILL if column.computed or column.locked else HEADER_FILL
            ws.write_string(HEADER_ROW, index, column.label.get(locale),
                            self.fmt(bold=True, bg_color=fill, border=1, text_wrap=True, valign="vcenter", align="center"))
            ws.set_column(index, index, column.width, self._cell_format(column))
        cells = [(index, column.key, self._cell_writer(ws, column), self._cell_format(column))
                 for index, column in enumerate(table.columns)]
        for offset, record in enumerate(records):
            row = table.first_row + offset
            for index, key, write, cell_format in cells:
                value = record.get(key)
                if value is not None and value != "":
                    write(row, index, value, cell_format)
        for index, column in enumerate(table.columns):
            if column.formula:
                ws.write_formula_column(table.first_row, table.last_row, index, self._compile(column.formula, table),
                                        self._cell_format(column))
            elif not column.locked and not is_extra(column.key):
                self._validate(ws, table, index, column)
        self._record_issued(table, records)
        last_col = len(table.columns) - 1
        ws.autofilter(HEADER_ROW, 0, table.last_row, last_col)
        ws.freeze_panes(FIRST_DATA_ROW, sheet.freeze_columns)
        ws.protect(self.password, PROTECT_OPTIONS)
        table.rows_in_use = len(records)
        if sheet.key != "tasks":  # the tasks sheet prints with its Gantt strip (_gantt)
            set_up(ws, self._page(table, last_col))

    def _record_issued(self, table: _Table, records: list[dict[str, Any]]) -> None:
        """Keep the rows as written for the meta sheet's issued record (made canonical when read back)."""
        self.issued[table.sheet.key] = records

    def _cell_format(self, column: Column) -> Any:
        if column.locked:
            return self.fmt(locked=True, bg_color=COMPUTED_FILL, num_format=NUMBER_FORMATS.get(column.kind, "General"))
        if column.computed:
            return self.fmt(locked=True, bg_color=COMPUTED_FILL, num_format=column.num_format or "General")
        return self.fmt(locked=False, num_format=NUMBER_FORMATS.get(column.kind, "@"), valign="top")

    def _cell_writer(self, ws: _Sheet, column: Column) -> Callable[[int, int, Any, Any], Any]:
        """The typed xlsxwriter call for a column's values (user text never becomes a formula).

        Values of the wrong type (text in a date column, as a person left it) are kept as text.
        The calls go to the bodies of xlsxwriter's public write methods, without their
        A1-notation wrapper, where that version has them (:mod:`.xlsxwriter_calls`).
        """
        writers = xlsxwriter_calls.cell_writers(ws)
        write_string, write_number, write_datetime = writers.string, writers.number, writers.datetime
        if is_extra(column.key):
            def write_as_it_was(row: int, col: int, value: Any, fmt: Any) -> Any:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return write_number(row, col, value, fmt)
                if isinstance(value, date):
                    stamp = value if isinstance(value, datetime) else datetime.combine(value, time())
                    return write_datetime(row, col, stamp, self.fmt(locked=False, num_format=NUMBER_FORMATS["date"]))
                return write_string(row, col, str(value), fmt)
            return write_as_it_was
        if column.kind == "date":
            def write_date(row: int, col: int, value: Any, fmt: Any) -> Any:
                if value.__class__ is date and value >= _LEAP_BUG_END:
                    # The cell holds the serial number write_datetime would store (its conversion took
                    # 3 us a cell, 20,000 date cells in a 5,000-task tracker); before March 1900 Excel's
                    # calendar has its phantom leap day, which write_datetime alone gets right.
                    return write_number(row, col, to_serial(value), fmt)
                if isinstance(value, date):
                    return write_datetime(row, col, datetime.combine(value, time()), fmt)
                return write_string(row, col, str(value), fmt)
            return write_date
        if column.kind in ("percent", "money", "number"):
            def write_amount(row: int, col: int, value: Any, fmt: Any) -> Any:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return write_number(row, col, value, fmt)
                return write_string(row, col, str(value), fmt)
            return write_amount
        enumeration = ENUMERATIONS.get(column.choices or "")
        labels = {m.key: m.label.get(self.locale) for m in enumeration.members} if enumeration else {}
        if column.choices == "phase":
            labels = {p.key: p.label(self.locale) for p in self.plan.phases}
        if column.choices == "raci":
            labels = {m.key: m.label.get(self.locale) for m in RACI.members}

        def write_text(row: int, col: int, value: Any, fmt: Any) -> Any:
            if isinstance(value, list):
                value = ",".join(str(v) for v in value)
            return write_string(row, col, labels.get(value, str(value)) if labels else str(value), fmt)
        return write_text

    def _compile(self, template: str, table: _Table, absolute: bool = False) -> str:
        """A schema formula template -> a ``str.format`` pattern with ``{r}`` for the row."""
        person_letters = [table.letters[c.key] for c in table.columns if c.key.startswith("person:")]

        def replace(match: re.Match[str]) -> str:
            name, member = match.groups()
            if member is not None:
                return _literal(ENUMERATIONS[name].label(member, self.locale))
            if name == "asof":
                return "mt_asof"
            if name == "people":
                dollar = "$" if absolute else ""
                return (f"{dollar}{person_letters[0]}{{r}}:{dollar}{person_letters[-1]}{{r}}" if person_letters
                        else f"{dollar}A{{r}}:{dollar}A{{r}}")
            return ("$" if absolute else "") + table.letters[name] + "{r}"

        return "=" + _PLACEHOLDER.sub(replace, template)

    def _validate(self, ws: _Sheet, table: _Table, col: int, column: Column) -> None:
        """Excel data validation for one input column, from its kind."""
        first, last = table.first_row, table.last_row
        cell = cell_address(first, col)
        letter = table.letters[column.key]
        options: dict[str, Any]
        kind: str = column.kind
        limits = column.limits
        if kind == "id":
            column_range = f"${letter}${first + 1}:${letter}${last + 1}"
            options = {"validate": "custom",
                       "value": f"=AND(LEN({cell})<={limits.max_length},COUNTIF({column_range},{cell})=1)"}
        elif kind in ("text", "ids"):
            options = {"validate": "length", "criteria": "<=", "value": limits.max_length}
        elif kind == "date":
            low, high = (f"DATE({d.year},{d.month},{d.day})" for d in self.window)
            if column.after:
                start = f"{table.letters[column.after]}{first + 1}"
                options = {"validate": "custom",
                           "value": f"=AND(ISNUMBER({cell}),{cell}>={low},{cell}<={high},OR({start}=\"\",{cell}>={start}))"}
                kind = "date_after"
            else:
                options = {"validate": "date", "criteria": "between",
                           "minimum": datetime.combine(self.window[0], time()),
                           "maximum": datetime.combine(self.window[1], time())}
        elif kind in ("percent", "money", "number"):
            options = _bounds(limits)
        elif kind in ("choice", "person"):
            source = "=mt_task_id" if column.choices == "task" else f"=mt_list_{column.choices}"
            options = {"validate": "list", "source": source}
            if kind == "person" or column.choices in ("task", "kpi"):
                options["error_type"] = "warning"
        else:
            return
        title, message = VALIDATION_ERRORS[kind]
        after_label = table.sheet.column(column.after).label.get(self.locale) if column.after else ""
        options.update(
            ignore_blank=True,
            error_title=self.t(title)[:32],
            error_message=self.t(message).format(label=column.label.get(self.locale), max=limits.max_length,
                                                 first=self.window[0], last=self.window[1], after=after_label)[:255],
        )
        if column.help:
            options.update(input_title=column.label.get(self.locale)[:32], input_message=self.t(column.help)[:255])
        ws.data_validation(first, col, last, col, options)

    def _colour_rules(self, ws: _Sheet, table: _Table, key: str, enum: Enumeration) -> None:
        """Fill a choice column's cells with the colour of the value they hold."""
        col = table.col(key)
        for member in enum.members:
            if member.colour:
                ws.conditional_format(table.first_row, col, table.last_row, col, {
                    "type": "cell", "criteria": "==", "value": _literal(member.label.get(self.locale)),
                    "format": self.fmt(bg_color=member.colour, font_color=member.font or "#000000")})

    # ------------------------------------------------------------------ sheets

    def _page(self, table: _Table, last_col: int, **options: Any) -> Page:
        """A table sheet prints its title, notes, header and the rows in use, never the spare rows."""
        last_row = max(HEADER_ROW, table.first_row + table.rows_in_use - 1)
        return Page(self.plan.campaign.name, table.title, self.locale, area=(0, 0, last_row, last_col),
                             repeat_rows=(HEADER_ROW, HEADER_ROW), **options)

    def _tasks(self, ws: _Sheet) -> None:
        table = self.tables["tasks"]
        blank = TASKS.defaults
        records = []
        for t in self.plan.tasks:
            phase = self.plan.phase(t.phase)
            records.append({
                "task_id": t.id, "name": t.name, "description": t.description,
                "phase": phase.label(self.locale) if phase else t.phase, "owner": t.owner,
                "planned_start": t.start, "planned_end": t.end, "progress": blank["progress"],
                "status": STATUSES.label(str(blank["status"]), self.locale),
                "depends_on": ",".join(t.depends_on), "budget_planned": t.budget,
                "baseline_start": t.start, "baseline_end": t.end,
            })
        self._table(ws, table, records)
        first, last = table.first_row, table.last_row
        last_input = max(i for i, c in enumerate(table.columns) if not c.computed and not c.locked and not is_extra(c.key))
        self._colour_rules(ws, table, "status", STATUSES)
        self._colour_rules(ws, table, "health", HEALTH)
        progress = table.col("progress")
        ws.conditional_format(first, progress, last, progress, {
            "type": "data_bar", "bar_color": "#5B9BD5", "bar_solid": True,
            "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 100})
        delay = table.col("delay_days")
        ws.conditional_format(first, delay, last, delay, {
            "type": "cell", "criteria": ">", "value": 0, "format": self.fmt(bold=True, font_color="#C00000")})
        replanned = self._compile(REPLANNED_RULE, table, absolute=True).format(r=first + 1)
        ws.conditional_format(first, table.col("planned_start"), last, table.col("planned_end"), {
            "type": "formula", "criteria": replanned, "format": self.fmt(bg_color=REPLANNED_FILL)})
        overdue = self._compile('AND(ISNUMBER({planned_end}),{planned_end}<{asof},{status}<>{status:done},N({progress})<100)',
                                table, absolute=True).format(r=first + 1)
        ws.conditional_format(first, 0, last, last_input, {
            "type": "formula", "criteria": overdue, "format": self.fmt(bg_color=OVERDUE_FILL)})
        self._gantt(ws, table)

    def _gantt(self, ws: _Sheet, table: _Table) -> None:
        """A strip of day (or week) columns right of the table, drawn by conditional formats."""
        strip = _GanttStrip.of(self.plan, table)
        ws.set_column(strip.first_col - 1, strip.first_col - 1, 2, self.fmt(locked=True))
        ws.set_column(strip.first_col, strip.last_col, GANTT_WEEK_WIDTH if strip.weekly else GANTT_DAY_WIDTH,
                      self.fmt(locked=True))
        self._gantt_headers(ws, strip)
        rules = _gantt_rules(table, strip)
        for key, colour, _label in GANTT_LEGEND:
            if rules[key]:
                ws.conditional_format(table.first_row, strip.first_col, table.last_row, strip.last_col, {
                    "type": "formula", "criteria": "=" + rules[key], "format": self.fmt(bg_color=colour)})
        ws.conditional_format(HEADER_ROW, strip.first_col, HEADER_ROW, strip.last_col, {
            "type": "formula", "criteria": f"={rules['today']}",
            "format": self.fmt(bg_color=dict((k, c) for k, c, _ in GANTT_LEGEND)["today"], bold=True)})
        self._print_tasks(ws, table, strip.first_col, strip.days, strip.weekly)

    def _gantt_headers(self, ws: _Sheet, strip: _GanttStrip) -> None:
        """Above each column of the strip: the month where it changes, the day, and a flag where a milestone is due."""
        weekly = strip.weekly
        header = self.fmt(num_format="m/d" if weekly else "d", font_size=8, align="center", bg_color=HEADER_FILL,
                          border=1, rotation=90 if weekly else 0)
        month = self.fmt(bold=True, font_size=9, font_color=TITLE_FONT)
        flag = self.fmt(font_color="#C00000", align="center", bold=True)
        shown_month = None
        for index, day in enumerate(strip.days):
            col = strip.first_col + index
            if (day.year, day.month) != shown_month:
                shown_month = (day.year, day.month)
                ws.write_string(TITLE_ROW, col, f"{day.year}-{day.month:02d}", month)
            ws.write_datetime(HEADER_ROW, col, datetime.combine(day, time()), header)
            letter = column_letters(col)
            count = (f'COUNTIFS(mt_ms_due,">="&{letter}${HEADER_ROW + 1},mt_ms_due,"<="&{letter}${HEADER_ROW + 1}+6)'
                     if weekly else f"COUNTIF(mt_ms_due,{letter}${HEADER_ROW + 1})")
            ws.write_formula(NOTE_ROW, col, f'=IF({count}>0,"{MILESTONE_FLAG}","")', flag, "")

    def _print_tasks(self, ws: _Sheet, table: _Table, first_col: int, columns: list[date], weekly: bool) -> None:
        """The table on one page width, then the Gantt strip on pages of whole weeks, the task ID and name repeated."""
        widths = [c.width for c in table.columns]
        scale = fit_scale(widths, landscape=True)
        page_width = printable_points(True)[0] * FIT_SHARE * 100 / scale
        repeated = table.col("name")
        room = page_width - sum(column_points(w) for w in widths[: repeated + 1])
        per_page = max(1, int(room // column_points(GANTT_WEEK_WIDTH if weekly else GANTT_DAY_WIDTH)))
        if not weekly:
            per_page = max(7, per_page - per_page % 7)
        breaks = [first_col - 1] + [first_col + i for i in range(per_page, len(columns), per_page)]
        page = self._page(table, first_col + len(columns) - 1, scale=scale, column_breaks=breaks,
                          repeat_columns=(0, repeated))
        page.repeat_rows = (TITLE_ROW, HEADER_ROW)  # the months, the milestone flags and the days on every page
        set_up(ws, page)

    def _milestones(self, ws: _Sheet) -> None:
        table = self.tables["milestones"]
        records = []
        for m in self.plan.milestones:
            phase = self.plan.phase(m.phase)
            records.append({"milestone_id": m.id, "name": m.name, "phase": phase.label(self.locale) if phase else m.phase,
                            "due": m.due, "owner": m.owner, "impact": m.impact})
        self._table(ws, table, records)
        self._colour_rules(ws, table, "result", MILESTONE_STATES)
        due = table.col("due")
        soon = self._compile('AND(ISNUMBER({due}),{done}="",{due}>={asof},{due}-{asof}<=7)', table, True)
        ws.conditional_format(table.first_row, due, table.last_row, due, {
            "type": "formula", "criteria": soon.format(r=table.first_row + 1),
            "format": self.fmt(bg_color="#FFEB9C", bold=True)})

    def _kpis(self, ws: _Sheet) -> None:
        table = self.tables["kpis"]
        records = [{"kpi_key": k.key, "name": k.name, "unit": k.unit, "target": k.target,
                    "direction": ENUMERATIONS["direction"].label(k.direction, self.locale),
                    "aggregate": ENUMERATIONS["aggregate"].label(k.aggregate, self.locale)} for k in self.plan.kpis]
        self._table(ws, table, records)
        col = table.col("achievement")
        ws.conditional_format(table.first_row, col, table.last_row, col, {
            "type": "3_color_scale", "min_type": "num", "min_value": 0, "min_color": "#F8696B",
            "mid_type": "num", "mid_value": 0.8, "mid_color": "#FFEB84",
            "max_type": "num", "max_value": 1, "max_color": "#63BE7B"})

    def _issues(self, ws: _Sheet) -> None:
        table = self.tables["issues"]
        self._table(ws, table, [])
        self._colour_rules(ws, table, "status", ISSUE_STATES)

    def _raci(self, ws: _Sheet) -> None:
        table = self.tables["raci"]
        records = []
        for t in self.plan.tasks:
            record: dict[str, Any] = {"task_id": t.id}
            for name, role in raci_roles(t).items():
                record[f"person:{name}"] = RACI.label(role, self.locale)
            records.append(record)
        self._table(ws, table, records)
        col = table.col("task_id")
        ws.conditional_format(table.first_row, col, table.last_row, col, {
            "type": "formula", "criteria": self._compile(RACI_RULE, table, absolute=True).format(r=table.first_row + 1),
            "format": self.fmt(bg_color=STATUSES.member("delayed").colour, font_color=STATUSES.member("delayed").font)})

    def _list_values(self, key: str) -> list[str]:
        """A dropdown's values: the plan's own phases, people and KPIs; an enumeration's labels otherwise."""
        plan = self.plan
        from_plan: dict[str, Callable[[], list[str]]] = {
            "phase": lambda: [p.label(self.locale) for p in plan.phases],
            "person": plan.people_names,
            "kpi": lambda: [k.name for k in plan.kpis],
        }
        return from_plan[key]() if key in from_plan else ENUMERATIONS[key].labels(self.locale)

    def _lists(self, ws: _Sheet) -> None:
        values = {key: self._list_values(key) for key, _label in LIST_SOURCES}
        title = sheet_title("lists", self.locale)
        ws.write_string(TITLE_ROW, 0, self.t(Text("下拉列表来源（请勿修改）", "Dropdown sources (do not edit)")),
                        self.fmt(bold=True, font_size=14, font_color=TITLE_FONT))
        header = self.fmt(bold=True, bg_color=HEADER_FILL, border=1)
        for col, (key, label) in enumerate(LIST_SOURCES):
            ws.set_column(col, col, 16)
            ws.write_string(HEADER_ROW, col, self.t(label), header)
            items = values[key] or [""]
            for offset, item in enumerate(items):
                ws.write_string(FIRST_DATA_ROW + offset, col, item)
            letter = column_letters(col)
            self.book.define_name(f"mt_list_{key}", f"={quote_sheet(title)}!${letter}${FIRST_DATA_ROW + 1}:"
                                                    f"${letter}${FIRST_DATA_ROW + len(items)}")
        ws.protect(self.password, PROTECT_OPTIONS)
        ws.hide()  # the dropdowns' source: a helper, not a page anyone reads or prints

    def _info(self, ws: _Sheet) -> None:
        """The campaign-info sheet: the campaign's fields, its goals, its phases and its people, one block each."""
        c = self.plan.campaign
        widths = [20.0, 36.0, 14.0, 14.0, 14.0]
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        title_format = self.fmt(bold=True, font_size=14, font_color=TITLE_FONT)
        formats = _InfoFormats(
            label=self.fmt(bold=True, bg_color=HEADER_FILL, border=1),
            text_in=self.fmt(locked=False, border=1),
            date_in=self.fmt(locked=False, border=1, num_format=NUMBER_FORMATS["date"]),
            date_out=self.fmt(locked=True, border=1, bg_color=COMPUTED_FILL, num_format=NUMBER_FORMATS["date"]),
            section=self.fmt(bold=True, font_size=12, font_color=TITLE_FONT),
        )
        ws.write_string(TITLE_ROW, 0, f"{c.name} · {self.t(INFO_TITLE)}", title_format)
        row = self._info_fields(ws, FIRST_DATA_ROW - 1, formats)
        row = self._info_goals(ws, row + 1, formats)
        row = self._info_phases(ws, row + 1, formats)
        last_in_use = self._info_people(ws, row + 1, formats)
        ws.protect(self.password, PROTECT_OPTIONS)
        # Printed: every column of the blocks (the ID prefixes, the contacts) and the notes beside the
        # fields (column C) whole, down to the last person; the spare rows for more people are not.
        notes = max((text_width(self.t(info.help)) for info in INFO_FIELDS if info.help), default=0)
        last_col = max(len(INFO_PEOPLE_COLUMNS) - 1, last_column_reached(2, notes, widths))
        set_up(ws, Page(c.name, self.t(INFO_TITLE), self.locale, area=(0, 0, last_in_use, last_col), one_page=True))

    def _info_fields(self, ws: _Sheet, row: int, formats: _InfoFormats) -> int:
        """The campaign's fields, a label and a value each, from ``row``; returns the row after them."""
        c = self.plan.campaign
        values = {"name": c.name, "start": c.start, "end": c.end, "plan_owner": c.plan_owner, "exec_owner": c.exec_owner,
                  "as_of_input": c.status_date}
        as_of_input = None
        for info in INFO_FIELDS:
            ws.write_string(row, 0, self.t(info.label), formats.label)
            if info.computed:
                ws.write_formula(row, 1, _as_of_formula(str(as_of_input)), formats.date_out, "")
                self.book.define_name("mt_asof", f"={quote_sheet(ws.name)}!$B${row + 1}")
            elif info.kind == "date":
                self._info_date(ws, row, info, values.get(info.key), formats)
                if info.key == "as_of_input":
                    as_of_input = f"B{row + 1}"
            else:
                ws.write_string(row, 1, str(values.get(info.key, "")), formats.text_in)
            if info.help:
                ws.write_string(row, 2, self.t(info.help), self.fmt(italic=True, font_color="#595959"))
            row += 1
        return row

    def _info_date(self, ws: _Sheet, row: int, info: Field, value: Any, formats: _InfoFormats) -> None:
        """A date field's cell, validated to the dates the campaign can mean."""
        if isinstance(value, date):
            ws.write_datetime(row, 1, datetime.combine(value, time()), formats.date_in)
        else:
            ws.write_blank(row, 1, None, formats.date_in)
        low, high = (datetime.combine(d, time()) for d in self.window)
        title, message = VALIDATION_ERRORS["date"]
        ws.data_validation(row, 1, row, 1, {
            "validate": "date", "criteria": "between", "minimum": low, "maximum": high,
            "error_title": self.t(title), "input_title": self.t(info.label)[:32],
            "input_message": self.t(info.help)[:255] if info.help else "",
            "error_message": self.t(message).format(label=self.t(info.label), first=self.window[0],
                                                    last=self.window[1])[:255]})

    def _info_goals(self, ws: _Sheet, row: int, formats: _InfoFormats) -> int:
        """The numbered goals, with at least two empty lines to add more; returns the row after them."""
        goals = self.plan.campaign.goals
        ws.write_string(row, 0, self.t(INFO_GOALS), formats.section)
        row += 1
        for index, goal in enumerate([*goals, "", "", ""][: max(len(goals) + 2, 3)]):
            ws.write_number(row, 0, index + 1, self.fmt(align="center", border=1))
            ws.write_string(row, 1, goal, formats.text_in)
            row += 1
        return row

    def _info_phases(self, ws: _Sheet, row: int, formats: _InfoFormats) -> int:
        """The phases with their dates and ID prefixes; returns the row after them."""
        row = self._info_block(ws, row, INFO_PHASES, INFO_PHASE_COLUMNS, formats.section, formats.label)
        for p in self.plan.phases:
            ws.write_string(row, 0, p.label(self.locale), self.fmt(border=1))
            ws.write_datetime(row, 1, datetime.combine(p.start, time()), formats.date_in)
            ws.write_datetime(row, 2, datetime.combine(p.end, time()), formats.date_in)
            ws.write_string(row, 3, p.prefix or "", self.fmt(border=1, align="center"))
            row += 1
        return row

    def _info_people(self, ws: _Sheet, row: int, formats: _InfoFormats) -> int:
        """Everyone the plan names, with ten spare lines to add people; returns the last row naming someone."""
        plan = self.plan
        row = self._info_block(ws, row, INFO_PEOPLE, INFO_PEOPLE_COLUMNS, formats.section, formats.label)
        people = {p.name: p for p in plan.people}
        for name in plan.people_names():
            person = people.get(name)
            cells = [name, person.department, person.role, person.contact] if person else [name, "", "", ""]
            for col, value in enumerate(cells):
                ws.write_string(row, col, value, formats.text_in)
            row += 1
        last_in_use = row - 1
        for _spare in range(10):
            for col in range(len(INFO_PEOPLE_COLUMNS)):
                ws.write_blank(row, col, None, formats.text_in)
            row += 1
        return last_in_use

    def _info_block(self, ws: _Sheet, row: int, title: Text, headings: tuple[Text, ...], section: Any, label: Any) -> int:
        """A titled block with a header row on the info sheet; returns the first data row."""
        ws.write_string(row, 0, self.t(title), section)
        for col, heading in enumerate(headings):
            ws.write_string(row + 1, col, self.t(heading), label)
        return row + 2

    def _guide(self, ws: _Sheet) -> None:
        c = self.plan.campaign
        ws.set_column(0, 0, 4)
        ws.set_column(1, 1, 26)
        ws.set_column(2, 2, 90)
        ws.hide_gridlines(2)
        ws.write_string(0, 1, f"{c.name} · {self.t(GUIDE_TITLE)}", self.fmt(bold=True, font_size=16, font_color=TITLE_FONT))
        ws.write_string(1, 1, f"{c.start} – {c.end}", self.fmt(font_color="#595959"))
        section = self.fmt(bold=True, font_size=12, font_color=TITLE_FONT)
        wrap = self.fmt(text_wrap=True, valign="top")
        row = 3
        for index, step in enumerate(GUIDE_STEPS, start=1):
            ws.write_number(row, 0, index, self.fmt(bold=True, align="center", valign="top"))
            ws.merge_range(row, 1, row, 2, self.t(step), wrap)
            row += 1

        row += 1
        ws.write_string(row, 1, self.t(GUIDE_LEGEND), section)
        row += 1
        legend: list[tuple[str, str, str, str]] = []
        for enum in (STATUSES, HEALTH, MILESTONE_STATES):
            for member in enum.members:
                legend.append((member.colour or "#FFFFFF", member.font or "#000000", member.label.get(self.locale),
                               f"{self.t(enum.title)}: {member.label.get(self.locale)}"))
        legend.append((OVERDUE_FILL, "#000000", self.t(TASKS.title), self.t(OVERDUE_LEGEND)))
        legend.append((REPLANNED_FILL, "#000000", self.t(TASKS.title), self.t(REPLANNED_LEGEND)))
        for _key, colour, meaning in GANTT_LEGEND:
            legend.append((colour, "#000000", "", f"{self.t(GANTT_TITLE)}: {self.t(meaning)}"))
        legend.append(("#FFFFFF", "#C00000", MILESTONE_FLAG, self.t(MILESTONE_FLAG_LEGEND)))
        legend.append((STATUSES.member("delayed").colour or "#FFFFFF", STATUSES.member("delayed").font or "#000000", "",
                       self.t(RACI_RULE_LEGEND)))
        for colour, font, sample, text in legend:
            ws.write_string(row, 1, sample, self.fmt(bg_color=colour, font_color=font, border=1, align="center"))
            ws.write_string(row, 2, text)
            row += 1

        row += 1
        ws.write_string(row, 1, self.t(GUIDE_SHEETS), section)
        row += 1
        for key in ("info", "tasks", "milestones", "kpis", "kpi_log", "issues", "raci", "lists"):
            target = sheet_title(key, self.locale)
            ws.write_url(row, 1, f"internal:{quote_sheet(target)}!A1", string=target)
            sheet = next((s for s in TABLE_SHEETS if s.key == key), None)
            ws.write_string(row, 2, self.t(sheet.help) if sheet else "", wrap)
            row += 1
        ws.protect(self.password, PROTECT_OPTIONS)
        set_up(ws, Page(c.name, self.t(GUIDE_TITLE), self.locale, landscape=False, one_page=True))

    def _meta(self, ws: _Sheet) -> None:
        c, tasks = self.plan.campaign, self.tables["tasks"]
        rows = [
            ("template", TEMPLATE_NAME), ("schema_version", SCHEMA_VERSION), ("generator", __version__),
            ("locale", self.locale), ("campaign", c.name), ("start", c.start.isoformat()), ("end", c.end.isoformat()),
            ("planned_tasks", len(self.plan.tasks)), ("task_rows", tasks.last_row - tasks.first_row + 1),
            (CAMPAIGN_ID_KEY, self.identity.get(CAMPAIGN_ID_KEY) or campaign_id(c.name, c.start)),
            (COPY_KEY, self.identity.get(COPY_KEY) or WHOLE),
            *meta_rows({**self.issued, **{k: v for k, v in self.records.items() if k not in self.tables}},
                       {p.label(self.locale): p.key for p in self.plan.phases}),
        ]
        for row, (key, value) in enumerate(rows):
            ws.write_string(row, 0, key)
            if isinstance(value, int):
                ws.write_number(row, 1, value)
            else:
                ws.write_string(row, 1, value)
        ws.hide()
        ws.protect(self.password, PROTECT_OPTIONS)



def _bounds(limits: Limits) -> dict[str, Any]:
    """A decimal data validation from a column's bounds (the same bounds the validator checks)."""
    low, high = limits.minimum, limits.maximum
    if low is not None and high is not None:
        return {"validate": "decimal", "criteria": "between", "minimum": low, "maximum": high}
    if low is not None:
        return {"validate": "decimal", "criteria": ">=", "value": low}
    if high is not None:
        return {"validate": "decimal", "criteria": "<=", "value": high}
    return {"validate": "decimal", "criteria": "between", "minimum": -1e307, "maximum": 1e307}
