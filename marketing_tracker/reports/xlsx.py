"""Recap figures -> the recap workbook, with native Excel charts (xlsxwriter).

One sheet per section of the recap, each a formatted table, with charts drawn by the
spreadsheet program from those tables: KPI target against actual, cumulative actual
against the target pace, planned against actual phases (a stacked-bar Gantt), days late by
cause (Pareto), budget variance. Labels are in the tracker's language; every text cell is
written as a string, so text from the spreadsheet never becomes a formula.

The workbook prints: each sheet is laid out top to bottom, tables and charts one after the
other, and a page break goes before any block that would otherwise be cut by a page edge
(:mod:`marketing_tracker.workbook.printing` knows how many rows a page holds at the sheet's scale).
Every figure has a number format, columns are as wide as their longest value, and the helper
columns the charts read are hidden.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import xlsxwriter

from marketing_tracker.core.dates import to_serial
from marketing_tracker.core.fileio import atomic_output
from marketing_tracker.core.schema import (
    ENUMERATIONS,
    HEADER_FILL,
    MILESTONE_STATES,
    RECAP_TASKS,
    TITLE_FONT,
    Locale,
    ReportColumn,
)
from marketing_tracker.core.words import RECAP_SECTIONS, RECAP_TEXT, report_label
from marketing_tracker.reports.recap import Recap
from marketing_tracker.workbook import xlsxwriter_calls
from marketing_tracker.workbook.formats import FormatCache
from marketing_tracker.workbook.printing import Page, column_points, fit_scale, rows_per_page, set_up, text_width

#: The budget sheet lists the tasks with the largest variances; every task's budget is on the tasks sheet.
BUDGET_TASKS = 30

#: Number formats by what a figure is: rates as percentages, money with thousands separators, days
#: as whole numbers or one decimal (averages), amounts of any unit with one decimal when they have one.
RATE, RATE1, MONEY, DAYS, DAYS1, DATE = "0%", "0.0%", "#,##0", "0", "0.0", "yyyy-mm-dd"
AMOUNT, WHOLE = "#,##0.0", "#,##0"
#: Figures that can have nothing to measure (a rate of no finished task, an average of nothing), and their dash.
MEASURED, NOTHING = frozenset({RATE, RATE1, DAYS1}), "–"
#: How the task list shows each kind of column (schema.RECAP_TASKS).
SHOWN_AS = {"date": DATE, "percent": RATE, "days": DAYS, "money": MONEY}
#: xlsxwriter's chart size in pixels, and the height of a table's header row (wrapped text) in rows.
CHART_PIXELS = (480, 288)
CHART_TOP = 4  # pixels between a chart and the top of its first row (see _RecapBook.chart)
HEADER_ROWS = 2
#: Over, under: the colours of a variance bar.
OVER, UNDER = "#C00000", "#70AD47"


def amount_format(value: Any) -> str:
    """A whole number shows as one (12,000), any other with one decimal (1,136.4)."""
    return WHOLE if isinstance(value, (int, float)) and float(value).is_integer() else AMOUNT


def shown_width(value: Any, number_format: str | None) -> float:
    """How many characters a value takes on screen (a CJK character counts two), to size its column."""
    if value is None or value == "":
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            return len(f"{value * 100:.1f}%")
        return len(f"{value:,.1f}") + 1
    return text_width(str(value))


@dataclass
class _Layout:
    """What one recap sheet holds, top to bottom, so that its pages can be cut between blocks."""

    widths: dict[int, float] = field(default_factory=dict)  # column -> characters
    blocks: list[tuple[int, int]] = field(default_factory=list)  # (first row, rows) of each table or chart
    chart_right: float = 0.0  # the right edge of the widest chart, in points at 100 %
    row: int = 2  # the next free row
    repeat: tuple[int, int] | None = None

    def need(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0.0), width)

    def place(self, rows: int, gap: int = 1) -> int:
        first = self.row
        self.blocks.append((first, rows))
        self.row = first + rows + gap
        return first

    def column_list(self) -> list[float]:
        return [self.widths.get(col, 8.43) for col in range(max(self.widths, default=-1) + 1)]

    def scale(self) -> int:
        widths = self.column_list()
        table = sum(column_points(w) for w in widths)
        if self.chart_right > table:  # a chart reaches further than the tables: fit it instead
            widths = [*widths, (self.chart_right - table) / 0.75 / 7]
        return fit_scale(widths, landscape=True)

    def breaks(self) -> list[int]:
        """A break before each block that would run over the page it starts on (and fits on one)."""
        page_rows = rows_per_page(self.scale(), landscape=True)
        result: list[int] = []
        page_start = 0
        for first, rows in self.blocks:
            while first - page_start >= page_rows:  # the page filled up before this block
                page_start += page_rows
            if first + rows - page_start > page_rows and rows <= page_rows and first > page_start:
                result.append(first)
                page_start = first
        return result


def write_recap_xlsx(figures: Recap, path: str | os.PathLike[str], *, inputs: tuple[str | os.PathLike[str], ...] = ()
                     ) -> Path:
    """Write the recap workbook for ``figures`` to ``path`` (atomically; never over one of ``inputs``)."""
    with atomic_output(path, inputs=inputs) as staged:
        _RecapBook(figures, staged).write()
    return Path(path)


def _day_step(serials: list[int]) -> int:
    """Whole days between the gridlines of a date axis: about six lines whatever the range."""
    return max(1, math.ceil((max(serials) - min(serials) + 2) / 6))


class _RecapBook:
    def __init__(self, figures: Recap, path: Path) -> None:
        self.f = figures
        self.locale: Locale = figures.campaign["locale"]
        self.path = path
        self.layouts: dict[str, _Layout] = {}

    def t(self, key: str) -> str:
        return RECAP_TEXT[key].get(self.locale)

    def fmt(self, **props: Any) -> Any:
        return self.formats(**props)

    def write(self) -> None:
        start = self.f.campaign.get("start")
        self.book = xlsxwriter.Workbook(str(self.path), {"strings_to_formulas": False, "strings_to_urls": False,
                                                         "strings_to_numbers": False})
        self.formats = FormatCache(self.book)
        if isinstance(start, date):
            self.book.set_properties({"title": f"{self.f.campaign['name']} · {self.t('title')}",
                                      "created": datetime.combine(start, time())})
        self.summary()
        self.trends()
        self.phases()
        self.people()
        self.delays()
        self.milestones()
        self.kpis()
        self.budget()
        self.issues()
        self.quality()
        self.all_tasks()
        for ws in self.book.worksheets():
            self.print_set_up(ws)
        self.book.close()

    # ------------------------------------------------------------------ helpers

    def sheet(self, key: str) -> Any:
        ws = self.book.add_worksheet(RECAP_SECTIONS[key].get(self.locale)[:31])
        ws.write_string(0, 0, f"{self.f.campaign['name']} · {RECAP_SECTIONS[key].get(self.locale)}",
                        self.fmt(bold=True, font_size=14, font_color=TITLE_FONT))
        ws.hide_gridlines(2)
        self.layouts[ws.name] = _Layout()
        return ws

    def layout(self, ws: Any) -> _Layout:
        return self.layouts[ws.name]

    def table(self, ws: Any, row: int | None, headers: list[str], rows: list[list[Any]],
              widths: list[float] | None = None, formats: dict[int, str] | None = None, *, col: int = 0,
              cell_formats: list[dict[int, str]] | None = None, title: str | None = None) -> tuple[int, int]:
        """A header row and data rows (at ``row``, or at the sheet's next free row); returns the first and
        last data row (0-based). Each column is made as wide as its widest value; ``cell_formats`` gives a
        row's own number formats where a column mixes kinds of figures; a ``title`` goes on the row above,
        on the same page as the table."""
        layout = self.layout(ws)
        if row is None:
            row = layout.place(len(rows) + HEADER_ROWS + (1 if title else 0))
            if title:
                ws.write_string(row, col, title, self.fmt(bold=True))
                row += 1
        else:
            layout.blocks.append((row, len(rows) + HEADER_ROWS))
            layout.row = max(layout.row, row + len(rows) + HEADER_ROWS + 1)
        header = self.fmt(bold=True, bg_color=HEADER_FILL, border=1, text_wrap=True, valign="vcenter")
        formats = formats or {}
        for offset, text in enumerate(headers):
            ws.write_string(row, col + offset, text, header)
            width = widths[offset] if widths else 0
            shown = max([shown_width(r[offset], formats.get(offset)) for r in rows if offset < len(r)], default=0)
            layout.need(col + offset, min(48.0, max(width, shown + 2, min(shown_width(text, None) / 2 + 2, 14), 8)))
        plain = self.fmt(border=1)
        by_column = [self.fmt(border=1, num_format=formats[c]) if c in formats else plain for c in range(len(headers))]
        put, writers = self.put, xlsxwriter_calls.cell_writers(ws)
        for offset, values in enumerate(rows, start=1):
            own = cell_formats[offset - 1] if cell_formats else {}
            for c, value in enumerate(values):
                number_format = own.get(c, formats.get(c))
                if value is None and number_format in MEASURED:
                    value = NOTHING  # a rate or an average with nothing to measure shows a dash, not a blank
                cell_format = self.fmt(border=1, num_format=own[c]) if c in own else by_column[c]
                put(ws, row + offset, col + c, value, cell_format, writers)
        return row + 1, row + max(len(rows), 1)

    def chart(self, ws: Any, chart: Any, *, col: int = 0, x_scale: float = 1.0, y_scale: float = 1.0,
              beside: int | None = None) -> None:
        """Insert a chart below what the sheet holds (or ``beside`` a block starting on that row)."""
        layout = self.layout(ws)
        rows = math.ceil(CHART_PIXELS[1] * y_scale / 20)
        if beside is None:
            row = layout.place(rows)
        else:
            row = beside
            layout.blocks[-1] = (beside, max(layout.blocks[-1][1], rows)) if layout.blocks else (beside, rows)
            layout.row = max(layout.row, beside + rows + 1)
        left = sum(column_points(w) for w in layout.column_list()[:col])
        layout.chart_right = max(layout.chart_right, left + CHART_PIXELS[0] * x_scale * 0.75)
        # A few pixels below the row that starts its page: LibreOffice prints a chart whose top lies on a page
        # break on the page above too (its border and text, cut).
        ws.insert_chart(row, col, chart, {"x_scale": x_scale, "y_scale": y_scale, "object_position": 1, "y_offset": CHART_TOP})

    def helper_columns(self, ws: Any, first: int, last: int) -> None:
        """Columns only a chart reads: hidden (the chart is told to show hidden data)."""
        ws.set_column(first, last, None, None, {"hidden": True})
        for col in range(first, last + 1):
            self.layout(ws).widths.pop(col, None)

    def print_set_up(self, ws: Any) -> None:
        layout = self.layouts[ws.name]
        widths = layout.column_list()
        for col, width in enumerate(widths):
            if col in layout.widths:
                ws.set_column(col, col, width)
        last_row = max([first + rows - 1 for first, rows in layout.blocks], default=2)
        last_col = max(len(widths) - 1, 0)
        if layout.chart_right > sum(column_points(w) for w in widths):
            extra, col = layout.chart_right - sum(column_points(w) for w in widths), len(widths)
            while extra > 0:
                extra -= column_points(8.43)
                col += 1
            last_col = col - 1
        set_up(ws, Page(self.f.campaign["name"], ws.name, self.locale, area=(0, 0, last_row, last_col),
                        scale=layout.scale(), repeat_rows=layout.repeat, row_breaks=layout.breaks()))

    @staticmethod
    def put(ws: Any, row: int, col: int, value: Any, cell_format: Any,
            writers: xlsxwriter_calls.CellWriters | None = None) -> None:
        # Typed writes through the bodies of xlsxwriter's public methods where usable (rows and columns are numbers).
        kind = value.__class__
        if value is None or value == "":
            return  # an empty cell is not written: 20,000-row tables stay small
        write = writers or xlsxwriter_calls.cell_writers(ws)
        if kind is str:
            write.string(row, col, value, cell_format)
        elif kind is bool:
            write.string(row, col, "✓" if value else "", cell_format)
        elif kind is int or kind is float:
            write.number(row, col, value, cell_format)
        elif isinstance(value, date):
            write.datetime(row, col, datetime.combine(value, time()), cell_format)
        else:
            write.string(row, col, str(value), cell_format)

    def label(self, enumeration: str, key: str) -> str:
        try:
            return ENUMERATIONS[enumeration].label(key, self.locale)
        except KeyError:
            return key

    def ref(self, ws: Any, first: int, last: int, col: int) -> list[Any]:
        return [ws.name, first, col, last, col]

    # ------------------------------------------------------------------ sheets

    def summary(self) -> None:
        ws = self.sheet("summary")
        c, o = self.f.campaign, self.f.overall
        layout = self.layout(ws)
        facts = [(self.t("period"), f"{c['start']} – {c['end']}"), (self.t("as_of"), str(c["as_of"]))]
        for offset, (label, value) in enumerate(facts, start=2):
            ws.write_string(offset, 0, label, self.fmt(bold=True))
            ws.write_string(offset, 1, value)
            layout.need(0, shown_width(label, None) + 2)
            layout.need(1, shown_width(value, None) + 2)
        layout.row = 5
        if c.get("verdicts"):
            verdicts = [[v["goal"], v["achievement"],
                         self.t("no_data") if v["met"] is None else self.t("met" if v["met"] else "not_met")]
                        for v in c["verdicts"]]
            first, last = self.table(ws, None, [self.t("goals"), self.t("achievement"), self.t("verdict")], verdicts,
                                     formats={1: RATE1})
            self.verdict_colours(ws, first, last, 2)
        headline = [
            ("tasks", o["tasks"], DAYS), ("done", o["done"], DAYS), ("completion_rate", o["completion_rate"], RATE1),
            ("on_time_rate", o["on_time_rate"], RATE1), ("late_tasks", o["late_tasks"], DAYS),
            ("avg_delay_days", o["avg_delay_days"], DAYS1), ("max_delay_days", o["max_delay_days"], DAYS),
            ("expected_progress", o["expected_progress"], RATE), ("actual_progress", o["actual_progress"], RATE),
        ]
        self.table(ws, None, [self.t("name"), self.t("value")], [[self.t(k), v] for k, v, _f in headline],
                   cell_formats=[{1: number_format} for _k, _v, number_format in headline])
        verdicts = [[k["name"], k["target"], k["actual"], k["achievement"],
                     self.t("no_data") if k["achievement"] is None else self.t("met" if k["met"] else "not_met")]
                    for k in self.f.kpis]
        first, last = self.table(ws, None, [self.t("kpi"), self.t("target"), self.t("actual"), self.t("achievement"),
                                            self.t("verdict")], verdicts, formats={3: RATE1},
                                 cell_formats=[{1: amount_format(k["target"]), 2: amount_format(k["actual"])}
                                               for k in self.f.kpis])
        if verdicts:
            self.verdict_colours(ws, first, last, 4)
        ws.activate()

    def verdict_colours(self, ws: Any, first: int, last: int, col: int) -> None:
        for word, fill, font in (("met", "#C6EFCE", "#006100"), ("not_met", "#FFC7CE", "#9C0006")):
            ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "==", "value": f'"{self.t(word)}"',
                                                          "format": self.fmt(bg_color=fill, font_color=font)})

    def trends(self) -> None:
        """One row per stored snapshot (recap --db), and the burn-up, days-late and planned-finish charts.

        No snapshot of the campaign: no sheet, so the workbook is the same as without a history."""
        points = self.f.trends
        if not points:
            return
        ws = self.sheet("trends")
        ws.write_string(1, 0, self.t("trends_note"), self.fmt(italic=True))
        keys = ("status_date", "tasks", "done", "planned_done", "days_late_total", "planned_finish")
        rows = [[p.status_date, p.tasks, p.done, p.planned_done, p.days_late, p.planned_finish] for p in points]
        first, last = self.table(ws, None, [self.t(k) for k in keys], rows, [12, 8, 8, 13, 15, 14],
                                 {0: DATE, 1: DAYS, 2: DAYS, 3: DAYS, 4: DAYS, 5: DATE})
        dates = self.ref(ws, first, last, 0)
        burnup = self.book.add_chart({"type": "line"})
        burnup.add_series({"name": self.t("done"), "categories": dates, "values": self.ref(ws, first, last, 2),
                           "marker": {"type": "circle"}, "line": {"color": "#2E75B6", "width": 2.25}})
        burnup.add_series({"name": self.t("planned_done"), "categories": dates, "values": self.ref(ws, first, last, 3),
                           "line": {"color": "#7F7F7F", "dash_type": "dash"}})
        burnup.set_title({"name": self.t("burnup_chart")})
        burnup.set_x_axis({"date_axis": True, "num_format": "m/d"})
        burnup.set_y_axis({"min": 0, "max": max(p.tasks for p in points) or 1})
        burnup.set_legend({"position": "bottom"})
        self.chart(ws, burnup, x_scale=1.2)
        late = self.book.add_chart({"type": "column"})
        late.add_series({"name": self.t("days_late_total"), "categories": dates, "values": self.ref(ws, first, last, 4),
                         "fill": {"color": "#C00000"}, "data_labels": {"value": True}})
        late.set_title({"name": self.t("days_late_chart")})
        late.set_x_axis({"date_axis": True, "num_format": "m/d"})
        late.set_y_axis({"min": 0})
        late.set_legend({"none": True})
        self.chart(ws, late, x_scale=1.2)
        finishes = [to_serial(p.planned_finish) for p in points if p.planned_finish is not None]
        if finishes:  # a date on the value axis: its serial number, shown as a date, a day either side
            finish = self.book.add_chart({"type": "line"})
            finish.add_series({"name": self.t("planned_finish"), "categories": dates,
                               "values": self.ref(ws, first, last, 5), "marker": {"type": "circle"},
                               "line": {"color": "#B26A00", "width": 2.25}})
            finish.set_title({"name": self.t("finish_chart")})
            finish.set_x_axis({"date_axis": True, "num_format": "m/d"})
            finish.set_y_axis({"min": min(finishes) - 1, "max": max(finishes) + 1, "major_unit": _day_step(finishes),
                               "num_format": "m/d"})
            finish.set_legend({"none": True})
            self.chart(ws, finish, x_scale=1.2)

    def phases(self) -> None:
        ws = self.sheet("phases")
        headers = [self.t(k) for k in ("phase", "planned_start", "planned_end", "actual_start", "actual_end", "tasks",
                                       "done", "completion_rate", "on_time_rate", "delay_days")]
        rows = [[p["label"], p["planned_start"], p["planned_end"], p["actual_start"], p["actual_end"], p["tasks"],
                 p["done"], p["completion_rate"], p["on_time_rate"], p["delay_days"]] for p in self.f.phases]
        first, last = self.table(ws, None, headers, rows, [12, 12, 12, 12, 12, 8, 8, 10, 10, 10],
                                 {1: DATE, 2: DATE, 3: DATE, 4: DATE, 5: DAYS, 6: DAYS, 7: RATE, 8: RATE, 9: DAYS})
        if not rows:
            return
        # Gantt helper columns (hidden): start, planned days, actual start, actual days (a stacked bar needs offsets)
        helper = 12
        quiet_date, quiet = self.fmt(num_format=DATE), self.fmt(num_format=DAYS)
        for offset, p in enumerate(self.f.phases):
            r = first + offset
            start, end = p["planned_start"], p["planned_end"]
            a_start, a_end = p["actual_start"], p["actual_end"] or self.f.campaign["as_of"]
            self.put(ws, r, helper, start, quiet_date)
            ws.write_number(r, helper + 1, (end - start).days + 1 if start and end else 0, quiet)
            self.put(ws, r, helper + 2, a_start, quiet_date)
            ws.write_number(r, helper + 3, (a_end - a_start).days + 1 if a_start and a_end else 0, quiet)
        self.helper_columns(ws, helper, helper + 3)
        categories = self.ref(ws, first, last, 0)
        start = self.f.campaign.get("start")
        for offset_col, key, colour, title in ((helper, "planned", "#9DC3E6", self.t("gantt_chart")),
                                               (helper + 2, "actual", "#F4B183",
                                                f"{self.t('gantt_chart')} ({self.t('actual')})")):
            chart = self.book.add_chart({"type": "bar", "subtype": "stacked"})
            chart.add_series({"name": "offset", "categories": categories, "values": self.ref(ws, first, last, offset_col),
                              "fill": {"none": True}, "border": {"none": True}})
            chart.add_series({"name": self.t(key), "categories": categories,
                              "values": self.ref(ws, first, last, offset_col + 1), "fill": {"color": colour}})
            chart.set_title({"name": title})
            chart.set_y_axis({"reverse": True})
            if isinstance(start, date):
                chart.set_x_axis({"min": to_serial(start), "date_axis": False, "num_format": "m/d"})
            chart.set_legend({"delete_series": [0]})
            chart.show_hidden_data()
            self.chart(ws, chart, x_scale=1.6, y_scale=1.1)

    def people(self) -> None:
        ws = self.sheet("people")
        keys = ("tasks", "done", "on_time", "late_tasks", "avg_delay_days", "open_issues")
        formats = {1: DAYS, 2: DAYS, 3: DAYS, 4: DAYS, 5: DAYS1, 6: DAYS}
        for title, group in ((self.t("owner"), self.f.owners), (self.t("department"), self.f.departments)):
            rows = [[g["name"], g["tasks"], g["done"], g["on_time"], g["late"], g["avg_delay_days"], g["open_issues"]]
                    for g in group]
            self.table(ws, None, [title, *(self.t(k) for k in keys)], rows, [16, 8, 8, 8, 10, 12, 12], formats)

    def delays(self) -> None:
        ws = self.sheet("delays")
        headers = [self.t(k) for k in ("id", "name", "phase", "owner", "planned_end", "actual_end", "days", "cause")]
        rows = [[d["id"], d["name"], d["phase_label"], d["owner"], d["planned_end"], d["actual_end"], d["days"],
                 d["cause"]] for d in self.f.delays]
        self.table(ws, None, headers, rows, [8, 26, 10, 10, 12, 12, 8, 30], {4: DATE, 5: DATE, 6: DAYS})
        causes = [[c["cause"], c["days"], c["tasks"], c["share"], c["cumulative_share"]] for c in self.f.delay_causes]
        first, last = self.table(ws, None, [self.t(k) for k in ("cause", "days", "tasks", "share", "cumulative_share")],
                                 causes, formats={1: DAYS, 2: DAYS, 3: RATE, 4: RATE})
        if causes:
            chart = self.book.add_chart({"type": "column"})
            chart.add_series({"name": self.t("days"), "categories": self.ref(ws, first, last, 0),
                              "values": self.ref(ws, first, last, 1), "fill": {"color": "#C00000"}})
            line = self.book.add_chart({"type": "line"})
            line.add_series({"name": self.t("cumulative_share"), "categories": self.ref(ws, first, last, 0),
                             "values": self.ref(ws, first, last, 4), "y2_axis": True, "marker": {"type": "circle"}})
            chart.combine(line)
            chart.set_title({"name": self.t("pareto_chart")})
            line.set_y2_axis({"min": 0, "max": 1, "num_format": "0%"})
            self.chart(ws, chart, x_scale=1.4)
        pushed = [[p["id"], p["name"], p["days"], ", ".join(p["dependents"])] for p in self.f.pushed]
        self.table(ws, None, [self.t(k) for k in ("id", "name", "days", "dependents")], pushed, formats={2: DAYS})
        if self.f.baseline.get("replanned"):  # plan slippage: the re-planned tasks against the first plan's dates
            moved = [[m["id"], m["name"], m["baseline_end"], m["planned_end"], m["end_days"]]
                     for m in self.f.baseline["moved"]]
            self.table(ws, None, [self.t(k) for k in ("id", "name", "baseline_end", "planned_end", "days")], moved,
                       formats={2: DATE, 3: DATE, 4: DAYS}, title=self.t("replanned"))

    def milestones(self) -> None:
        ws = self.sheet("milestones")
        headers = [self.t(k) for k in ("id", "name", "phase", "due", "done_on", "owner", "result", "impact")]
        rows = [[m["id"], m["name"], m["phase"], m["due"], m["done"], m["owner"],
                 self.label("milestone_state", m["result"]), m["impact"]] for m in self.f.milestones["items"]]
        first, last = self.table(ws, None, headers, rows, [8, 24, 10, 12, 12, 10, 10, 24], {3: DATE, 4: DATE})
        for member in MILESTONE_STATES.members:
            ws.conditional_format(first, 6, last, 6, {"type": "cell", "criteria": "==",
                                                      "value": f'"{member.label.get(self.locale)}"',
                                                      "format": self.fmt(bg_color=member.colour, font_color=member.font)})

    def kpis(self) -> None:
        ws = self.sheet("kpis")
        headers = [self.t(k) for k in ("kpi", "unit", "target", "actual", "achievement", "forecast")]
        rows = [[k["name"], k["unit"], k["target"], k["actual"], k["achievement"], k["forecast"]] for k in self.f.kpis]
        first, last = self.table(ws, None, headers, rows, [16, 8, 14, 14, 10, 14], {4: RATE1},
                                 cell_formats=[{2: amount_format(k["target"]), 3: amount_format(k["actual"]),
                                                5: amount_format(k["forecast"])} for k in self.f.kpis])
        if not rows:
            return
        # Target against actual on one scale: each KPI's target is 100 %, its actual is its achievement.
        helper = 7
        for r in range(first, last + 1):
            ws.write_number(r, helper, 1, self.fmt(num_format=RATE))
        self.helper_columns(ws, helper, helper)
        chart = self.book.add_chart({"type": "bar"})
        chart.add_series({"name": self.t("target"), "categories": self.ref(ws, first, last, 0),
                          "values": self.ref(ws, first, last, helper), "fill": {"color": "#BFBFBF"}})
        chart.add_series({"name": self.t("actual"), "categories": self.ref(ws, first, last, 0),
                          "values": self.ref(ws, first, last, 4), "data_labels": {"value": True, "num_format": "0%"},
                          "fill": {"color": "#2E75B6"}})
        chart.set_title({"name": self.t("kpi_chart")})
        chart.set_x_axis({"num_format": "0%", "min": 0})
        chart.set_legend({"position": "bottom"})
        chart.show_hidden_data()
        self.chart(ws, chart)
        for kpi in self.f.kpis:
            if kpi["aggregate"] != "sum" or not kpi["series"]:
                continue
            series_rows = [[s["date"], s["value"], s["cumulative"], s["pace"]] for s in kpi["series"]]
            amounts = [{1: amount_format(s["value"]), 2: amount_format(s["cumulative"]), 3: amount_format(s["pace"])}
                       for s in kpi["series"]]
            s_first, s_last = self.table(ws, None, [self.t(k) for k in ("date", "value", "cumulative", "pace")],
                                         series_rows, formats={0: DATE}, cell_formats=amounts,
                                         title=f"{kpi['name']} · {self.t('pace_chart')}")
            line = self.book.add_chart({"type": "line"})
            line.add_series({"name": self.t("cumulative"), "categories": self.ref(ws, s_first, s_last, 0),
                             "values": self.ref(ws, s_first, s_last, 2), "marker": {"type": "circle"}})
            line.add_series({"name": self.t("pace"), "categories": self.ref(ws, s_first, s_last, 0),
                             "values": self.ref(ws, s_first, s_last, 3), "line": {"dash_type": "dash"}})
            line.set_title({"name": f"{kpi['name']}: {self.t('pace_chart')}"})
            line.set_x_axis({"num_format": "m/d"})
            self.chart(ws, line, col=5, beside=s_first - 2)

    def budget(self) -> None:
        ws = self.sheet("budget")
        b = self.f.budget
        headers = [self.t(k) for k in ("phase", "budget_planned", "budget_actual", "variance", "share")]
        rows = [[p["label"], p["planned"], p["actual"], p["variance"], p["share"]] for p in b["by_phase"]]
        rows.append([self.t("cumulative"), b["planned"], b["actual"], b["variance"], 1.0 if b["actual"] else 0.0])
        first, last = self.table(ws, None, headers, rows, [14, 14, 14, 14, 10],
                                 {1: MONEY, 2: MONEY, 3: MONEY, 4: RATE})
        chart = self.book.add_chart({"type": "column"})
        # Over budget red, under green: each bar coloured by its sign.
        points = [{"fill": {"color": OVER if p["variance"] > 0 else UNDER}} for p in b["by_phase"]]
        chart.add_series({"name": self.t("variance"), "categories": self.ref(ws, first, last - 1, 0),
                          "values": self.ref(ws, first, last - 1, 3), "points": points})
        chart.set_title({"name": self.t("budget_chart")})
        chart.set_legend({"none": True})
        chart.set_y_axis({"num_format": MONEY})
        self.chart(ws, chart, x_scale=1.2)
        largest = sorted(b["by_task"], key=lambda t: (-abs(t["variance"]), t["id"]))[:BUDGET_TASKS]
        tasks = [[t["id"], t["name"], t["planned"], t["actual"], t["variance"], t["share"]] for t in largest]
        self.table(ws, None, [self.t(k) for k in ("id", "name", "budget_planned", "budget_actual", "variance", "share")],
                   tasks, formats={2: MONEY, 3: MONEY, 4: MONEY, 5: RATE}, title=self.t("largest_variances"))

    def issues(self) -> None:
        ws = self.sheet("issues")
        i = self.f.issues
        facts = [(self.t("open"), i["open"], DAYS), (self.t("resolved"), i["resolved"], DAYS),
                 (self.t("avg_days_to_resolve"), i["avg_days_to_resolve"], DAYS1)]
        self.table(ws, None, [self.t("name"), self.t("value")], [[k, v] for k, v, _f in facts], [20, 12],
                   cell_formats=[{1: number_format} for _k, _v, number_format in facts])
        headers = [self.t(k) for k in ("id", "name", "impact", "owner", "status", "raised", "resolved")]
        rows = [[it["id"], it["description"], it["impact"], it["owner"], self.label("issue_state", it["status"]),
                 it["raised"], it["resolved"]] for it in i["items"]]
        self.table(ws, None, headers, rows, [8, 28, 22, 10, 10, 12, 12], {5: DATE, 6: DATE})

    def all_tasks(self) -> None:
        ws = self.sheet("tasks")
        headers = [report_label(c, self.locale) for c in RECAP_TASKS]
        rows = [[self.task_cell(r[c.key], c) for c in RECAP_TASKS] for r in self.f.tasks]
        formats = {i: SHOWN_AS[c.shows] for i, c in enumerate(RECAP_TASKS) if c.shows in SHOWN_AS}
        _first, last = self.table(ws, None, headers, rows, [c.width for c in RECAP_TASKS], formats)
        ws.autofilter(2, 0, last, len(headers) - 1)
        ws.freeze_panes(3, 2)
        layout = self.layout(ws)
        layout.repeat = (2, 2)  # the header row on every printed page
        layout.blocks = [(2, 1)] + [(r, 1) for r in range(3, last + 1)]  # a long table breaks anywhere

    def task_cell(self, value: Any, column: ReportColumn) -> Any:
        if column.shows == "percent":
            return value / 100
        if column.shows in ("status", "health"):
            return self.label(column.shows, value)
        if column.shows == "money":
            return value or None  # no budget: an empty cell, not a 0
        return value

    def quality(self) -> None:
        ws = self.sheet("quality")
        ws.merge_range(1, 0, 1, 1, self.t("findings_note"), self.fmt(italic=True, text_wrap=True, valign="top"))
        ws.set_row(1, 48)
        self.layout(ws).row = 3
        rows = [[code, count] for code, count in self.f.findings.items()] or [[self.t("no_findings"), 0]]
        self.table(ws, None, [self.t("code"), self.t("count")], rows, [28, 10], {1: DAYS})
        if self.f.conflicts:  # several copies merged: where they disagree, cell by cell
            self.table(ws, None, [self.t("file"), self.t("sheet"), self.t("cell"), self.t("message")],
                       [[c["file"], c["sheet"], c["cell"], c["message"]] for c in self.f.conflicts],
                       [28, 16, 8, 90], title=self.t("conflicts"))

