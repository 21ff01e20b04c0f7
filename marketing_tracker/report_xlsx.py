"""Recap figures -> the recap workbook, with native Excel charts (xlsxwriter).

One sheet per section of the recap, each a formatted table, with charts drawn by the
spreadsheet program from those tables: KPI target against actual, cumulative actual
against the target pace, planned against actual phases (a stacked-bar Gantt), days late by
cause (Pareto), budget variance. Labels are in the tracker's language; every text cell is
written as a string, so text from the spreadsheet never becomes a formula.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import xlsxwriter

from .fileio import atomic_output
from .recap import Recap
from .schema import ENUMERATIONS, HEADER_FILL, MILESTONE_STATES, RECAP_SECTIONS, RECAP_TEXT, TITLE_FONT, Locale

#: The budget sheet lists the tasks with the largest variances; every task's budget is on the tasks sheet.
BUDGET_TASKS = 30


def write_recap_xlsx(figures: Recap, path: str | os.PathLike[str], *, inputs: tuple[str | os.PathLike[str], ...] = ()
                     ) -> Path:
    """Write the recap workbook for ``figures`` to ``path`` (atomically; never over one of ``inputs``)."""
    with atomic_output(path, inputs=inputs) as staged:
        _RecapBook(figures, staged).write()
    return Path(path)


class _RecapBook:
    def __init__(self, figures: Recap, path: Path) -> None:
        self.f = figures
        self.locale: Locale = figures.campaign["locale"]
        self.path = path
        self.formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def t(self, key: str) -> str:
        return RECAP_TEXT[key].get(self.locale)

    def fmt(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.formats:
            self.formats[key] = self.book.add_format(props)
        return self.formats[key]

    def write(self) -> None:
        start = self.f.campaign.get("start")
        self.book = xlsxwriter.Workbook(str(self.path), {"strings_to_formulas": False, "strings_to_urls": False,
                                                         "strings_to_numbers": False})
        if isinstance(start, date):
            self.book.set_properties({"title": f"{self.f.campaign['name']} · {self.t('title')}",
                                      "created": datetime.combine(start, time())})
        self.summary()
        self.phases()
        self.people()
        self.delays()
        self.milestones()
        self.kpis()
        self.budget()
        self.issues()
        self.quality()
        self.all_tasks()
        self.book.close()

    # ------------------------------------------------------------------ helpers

    def sheet(self, key: str) -> Any:
        ws = self.book.add_worksheet(RECAP_SECTIONS[key].get(self.locale)[:31])
        ws.write_string(0, 0, f"{self.f.campaign['name']} · {RECAP_SECTIONS[key].get(self.locale)}",
                        self.fmt(bold=True, font_size=14, font_color=TITLE_FONT))
        ws.hide_gridlines(2)
        return ws

    def table(self, ws: Any, row: int, headers: list[str], rows: list[list[Any]], widths: list[float] | None = None,
              formats: dict[int, str] | None = None) -> tuple[int, int]:
        """A header row and data rows from ``row``; returns the first and last data row (0-based)."""
        header = self.fmt(bold=True, bg_color=HEADER_FILL, border=1, text_wrap=True, valign="vcenter")
        for col, text in enumerate(headers):
            ws.write_string(row, col, text, header)
            if widths:
                ws.set_column(col, col, widths[col])
        plain = self.fmt(border=1)
        cell_formats = [self.fmt(border=1, num_format=(formats or {})[col]) if col in (formats or {}) else plain
                        for col in range(len(headers))]
        put = self.put
        for offset, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                put(ws, row + offset, col, value, cell_formats[col])
        return row + 1, row + max(len(rows), 1)

    @staticmethod
    def put(ws: Any, row: int, col: int, value: Any, cell_format: Any) -> None:
        # Typed writes through the bodies of xlsxwriter's public methods (rows and columns are numbers here).
        kind = value.__class__
        if value is None or value == "":
            return  # an empty cell is not written: 20,000-row tables stay small
        if kind is str:
            ws._write_string(row, col, value, cell_format)
        elif kind is bool:
            ws._write_string(row, col, "✓" if value else "", cell_format)
        elif kind is int or kind is float:
            ws._write_number(row, col, value, cell_format)
        elif isinstance(value, date):
            ws._write_datetime(row, col, datetime.combine(value, time()), cell_format)
        else:
            ws._write_string(row, col, str(value), cell_format)

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
        ws.set_column(0, 0, 24)
        ws.set_column(1, 4, 16)
        facts = [(self.t("period"), f"{c['start']} – {c['end']}"), (self.t("as_of"), str(c["as_of"]))]
        for offset, (label, value) in enumerate(facts, start=2):
            ws.write_string(offset, 0, label, self.fmt(bold=True))
            ws.write_string(offset, 1, value)
        row = 5
        if c.get("verdicts"):
            verdicts = [[v["goal"], v["achievement"],
                         self.t("no_data") if v["met"] is None else self.t("met" if v["met"] else "not_met")]
                        for v in c["verdicts"]]
            first, last = self.table(ws, row, [self.t("goals"), self.t("achievement"), self.t("verdict")], verdicts,
                                     formats={1: "0.0%"})
            self.verdict_colours(ws, first, last, 2)
            row = last + 1
        row += 1
        headline = [
            ("tasks", o["tasks"], None), ("done", o["done"], None), ("completion_rate", o["completion_rate"], "0.0%"),
            ("on_time_rate", o["on_time_rate"], "0.0%"), ("late_tasks", o["late_tasks"], None),
            ("avg_delay_days", o["avg_delay_days"], None), ("max_delay_days", o["max_delay_days"], None),
            ("expected_progress", o["expected_progress"], "0%"), ("actual_progress", o["actual_progress"], "0%"),
        ]
        self.table(ws, row, [self.t("name"), self.t("value")], [[self.t(k), v] for k, v, _f in headline],
                   formats={1: "General"})
        for offset, (_k, _v, number_format) in enumerate(headline, start=1):
            if number_format:
                ws.write_number(row + offset, 1, _v, self.fmt(border=1, num_format=number_format))
        row += len(headline) + 2
        verdicts = [[k["name"], k["target"], k["actual"], k["achievement"],
                     self.t("no_data") if k["achievement"] is None else self.t("met" if k["met"] else "not_met")]
                    for k in self.f.kpis]
        first, last = self.table(ws, row, [self.t("kpi"), self.t("target"), self.t("actual"), self.t("achievement"),
                                           self.t("verdict")], verdicts, formats={3: "0.0%"})
        if verdicts:
            self.verdict_colours(ws, first, last, 4)
        ws.activate()

    def verdict_colours(self, ws: Any, first: int, last: int, col: int) -> None:
        for word, fill, font in (("met", "#C6EFCE", "#006100"), ("not_met", "#FFC7CE", "#9C0006")):
            ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "==", "value": f'"{self.t(word)}"',
                                                          "format": self.fmt(bg_color=fill, font_color=font)})

    def phases(self) -> None:
        ws = self.sheet("phases")
        headers = [self.t(k) for k in ("phase", "planned_start", "planned_end", "actual_start", "actual_end", "tasks",
                                       "done", "completion_rate", "on_time_rate", "delay_days")]
        rows = [[p["label"], p["planned_start"], p["planned_end"], p["actual_start"], p["actual_end"], p["tasks"],
                 p["done"], p["completion_rate"], p["on_time_rate"], p["delay_days"]] for p in self.f.phases]
        first, last = self.table(ws, 2, headers, rows, [12, 12, 12, 12, 12, 8, 8, 10, 10, 10],
                                 {1: "yyyy-mm-dd", 2: "yyyy-mm-dd", 3: "yyyy-mm-dd", 4: "yyyy-mm-dd", 7: "0%", 8: "0%"})
        if not rows:
            return
        # Gantt helper columns: start, planned days, actual start, actual days (a stacked bar needs offsets)
        helper = 12
        for col, key in enumerate(("planned_start", "planned", "actual_start", "actual"), start=helper):
            ws.write_string(2, col, self.t(key) if key in RECAP_TEXT else key, self.fmt(bold=True, font_color="#808080"))
        for offset, p in enumerate(self.f.phases):
            r = first + offset
            start, end = p["planned_start"], p["planned_end"]
            a_start, a_end = p["actual_start"], p["actual_end"] or self.f.campaign["as_of"]
            self.put(ws, r, helper, start, self.fmt(num_format="yyyy-mm-dd", font_color="#808080"))
            ws.write_number(r, helper + 1, (end - start).days + 1 if start and end else 0, self.fmt(font_color="#808080"))
            self.put(ws, r, helper + 2, a_start, self.fmt(num_format="yyyy-mm-dd", font_color="#808080"))
            ws.write_number(r, helper + 3, (a_end - a_start).days + 1 if a_start and a_end else 0,
                            self.fmt(font_color="#808080"))
        chart = self.book.add_chart({"type": "bar", "subtype": "stacked"})
        categories = self.ref(ws, first, last, 0)
        chart.add_series({"name": "offset", "categories": categories, "values": self.ref(ws, first, last, helper),
                          "fill": {"none": True}, "border": {"none": True}})
        chart.add_series({"name": self.t("planned"), "categories": categories,
                          "values": self.ref(ws, first, last, helper + 1), "fill": {"color": "#9DC3E6"}})
        chart.set_title({"name": self.t("gantt_chart")})
        chart.set_y_axis({"reverse": True})
        start = self.f.campaign.get("start")
        if isinstance(start, date):
            serial = (start - date(1899, 12, 30)).days
            chart.set_x_axis({"min": serial, "date_axis": False, "num_format": "m/d"})
        chart.set_legend({"delete_series": [0]})
        ws.insert_chart(last + 2, 0, chart, {"x_scale": 1.6, "y_scale": 1.1})
        actual = self.book.add_chart({"type": "bar", "subtype": "stacked"})
        actual.add_series({"name": "offset", "categories": categories, "values": self.ref(ws, first, last, helper + 2),
                           "fill": {"none": True}, "border": {"none": True}})
        actual.add_series({"name": self.t("actual"), "categories": categories,
                           "values": self.ref(ws, first, last, helper + 3), "fill": {"color": "#F4B183"}})
        actual.set_title({"name": f"{self.t('gantt_chart')} ({self.t('actual')})"})
        actual.set_y_axis({"reverse": True})
        if isinstance(start, date):
            actual.set_x_axis({"min": serial, "num_format": "m/d"})
        actual.set_legend({"delete_series": [0]})
        ws.insert_chart(last + 2, 7, actual, {"x_scale": 1.6, "y_scale": 1.1})

    def people(self) -> None:
        ws = self.sheet("people")
        keys = ("tasks", "done", "on_time", "late_tasks", "avg_delay_days", "open_issues")
        row = 2
        for title, group in ((self.t("owner"), self.f.owners), (self.t("department"), self.f.departments)):
            rows = [[g["name"], g["tasks"], g["done"], g["on_time"], g["late"], g["avg_delay_days"], g["open_issues"]]
                    for g in group]
            _first, last = self.table(ws, row, [title, *(self.t(k) for k in keys)], rows, [16, 8, 8, 8, 10, 12, 12])
            row = last + 3

    def delays(self) -> None:
        ws = self.sheet("delays")
        headers = [self.t(k) for k in ("id", "name", "phase", "owner", "planned_end", "actual_end", "days", "cause")]
        rows = [[d["id"], d["name"], d["phase_label"], d["owner"], d["planned_end"], d["actual_end"], d["days"],
                 d["cause"]] for d in self.f.delays]
        _first, last = self.table(ws, 2, headers, rows, [8, 26, 10, 10, 12, 12, 8, 30],
                                  {4: "yyyy-mm-dd", 5: "yyyy-mm-dd"})
        row = last + 3
        causes = [[c["cause"], c["days"], c["tasks"], c["share"], c["cumulative_share"]] for c in self.f.delay_causes]
        first, last = self.table(ws, row, [self.t(k) for k in ("cause", "days", "tasks", "share", "cumulative_share")],
                                 causes, formats={3: "0%", 4: "0%"})
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
            ws.insert_chart(last + 2, 0, chart, {"x_scale": 1.4})
        row = last + 20
        pushed = [[p["id"], p["name"], p["days"], ", ".join(p["dependents"])] for p in self.f.pushed]
        _first, last = self.table(ws, row, [self.t(k) for k in ("id", "name", "days", "dependents")], pushed)
        if self.f.baseline.get("replanned"):  # plan slippage: the re-planned tasks against the first plan's dates
            ws.write_string(last + 2, 0, self.t("replanned"), self.fmt(bold=True))
            moved = [[m["id"], m["name"], m["baseline_end"], m["planned_end"], m["end_days"]]
                     for m in self.f.baseline["moved"]]
            self.table(ws, last + 3, [self.t(k) for k in ("id", "name", "baseline_end", "planned_end", "days")], moved,
                       formats={2: "yyyy-mm-dd", 3: "yyyy-mm-dd"})

    def milestones(self) -> None:
        ws = self.sheet("milestones")
        headers = [self.t(k) for k in ("id", "name", "phase", "due", "done_on", "owner", "result", "impact")]
        rows = [[m["id"], m["name"], m["phase"], m["due"], m["done"], m["owner"],
                 self.label("milestone_state", m["result"]), m["impact"]] for m in self.f.milestones["items"]]
        first, last = self.table(ws, 2, headers, rows, [8, 24, 10, 12, 12, 10, 10, 24], {3: "yyyy-mm-dd", 4: "yyyy-mm-dd"})
        for member in MILESTONE_STATES.members:
            ws.conditional_format(first, 6, last, 6, {"type": "cell", "criteria": "==",
                                                      "value": f'"{member.label.get(self.locale)}"',
                                                      "format": self.fmt(bg_color=member.colour, font_color=member.font)})

    def kpis(self) -> None:
        ws = self.sheet("kpis")
        headers = [self.t(k) for k in ("kpi", "unit", "target", "actual", "achievement", "forecast")]
        rows = [[k["name"], k["unit"], k["target"], k["actual"], k["achievement"], k["forecast"]] for k in self.f.kpis]
        first, last = self.table(ws, 2, headers, rows, [16, 8, 14, 14, 10, 14], {4: "0.0%"})
        if not rows:
            return
        # Target against actual on one scale: each KPI's target is 100 %, its actual is its achievement.
        ws.write_string(2, 7, self.t("target"), self.fmt(bold=True, font_color="#808080"))
        for r in range(first, last + 1):
            ws.write_number(r, 7, 1, self.fmt(num_format="0%", font_color="#808080"))
        chart = self.book.add_chart({"type": "bar"})
        chart.add_series({"name": self.t("target"), "categories": self.ref(ws, first, last, 0),
                          "values": self.ref(ws, first, last, 7), "fill": {"color": "#BFBFBF"}})
        chart.add_series({"name": self.t("actual"), "categories": self.ref(ws, first, last, 0),
                          "values": self.ref(ws, first, last, 4), "data_labels": {"value": True, "num_format": "0%"},
                          "fill": {"color": "#2E75B6"}})
        chart.set_title({"name": self.t("kpi_chart")})
        chart.set_x_axis({"num_format": "0%", "min": 0})
        chart.set_legend({"position": "bottom"})
        ws.insert_chart(last + 2, 0, chart)
        row = last + 18
        for kpi in self.f.kpis:
            if kpi["aggregate"] != "sum" or not kpi["series"]:
                continue
            ws.write_string(row, 0, f"{kpi['name']} · {self.t('pace_chart')}", self.fmt(bold=True))
            series_rows = [[s["date"], s["value"], s["cumulative"], s["pace"]] for s in kpi["series"]]
            s_first, s_last = self.table(ws, row + 1, [self.t(k) for k in ("date", "value", "cumulative", "pace")],
                                         series_rows, formats={0: "yyyy-mm-dd"})
            line = self.book.add_chart({"type": "line"})
            line.add_series({"name": self.t("cumulative"), "categories": self.ref(ws, s_first, s_last, 0),
                             "values": self.ref(ws, s_first, s_last, 2), "marker": {"type": "circle"}})
            line.add_series({"name": self.t("pace"), "categories": self.ref(ws, s_first, s_last, 0),
                             "values": self.ref(ws, s_first, s_last, 3), "line": {"dash_type": "dash"}})
            line.set_title({"name": f"{kpi['name']}: {self.t('pace_chart')}"})
            line.set_x_axis({"num_format": "m/d"})
            ws.insert_chart(row + 1, 6, line)
            row = max(s_last + 3, row + 17)

    def budget(self) -> None:
        ws = self.sheet("budget")
        b = self.f.budget
        headers = [self.t(k) for k in ("phase", "budget_planned", "budget_actual", "variance", "share")]
        rows = [[p["label"], p["planned"], p["actual"], p["variance"], p["share"]] for p in b["by_phase"]]
        rows.append([self.t("cumulative"), b["planned"], b["actual"], b["variance"], 1.0 if b["actual"] else 0.0])
        first, last = self.table(ws, 2, headers, rows, [14, 14, 14, 14, 10],
                                 {1: "#,##0", 2: "#,##0", 3: "#,##0", 4: "0%"})
        chart = self.book.add_chart({"type": "column"})
        chart.add_series({"name": self.t("variance"), "categories": self.ref(ws, first, last - 1, 0),
                          "values": self.ref(ws, first, last - 1, 3), "fill": {"color": "#ED7D31"},
                          "invert_if_negative": False})
        chart.set_title({"name": self.t("budget_chart")})
        chart.set_legend({"none": True})
        ws.insert_chart(last + 2, 0, chart, {"x_scale": 1.2})
        row = last + 18
        ws.write_string(row - 1, 0, self.t("largest_variances"), self.fmt(bold=True))
        largest = sorted(b["by_task"], key=lambda t: (-abs(t["variance"]), t["id"]))[:BUDGET_TASKS]
        tasks = [[t["id"], t["name"], t["planned"], t["actual"], t["variance"], t["share"]] for t in largest]
        self.table(ws, row, [self.t(k) for k in ("id", "name", "budget_planned", "budget_actual", "variance", "share")],
                   tasks, formats={2: "#,##0", 3: "#,##0", 4: "#,##0", 5: "0%"})

    def issues(self) -> None:
        ws = self.sheet("issues")
        i = self.f.issues
        facts = [(self.t("open"), i["open"]), (self.t("resolved"), i["resolved"]),
                 (self.t("avg_days_to_resolve"), i["avg_days_to_resolve"])]
        self.table(ws, 2, [self.t("name"), self.t("value")], [[k, v] for k, v in facts], [20, 12])
        headers = [self.t(k) for k in ("id", "name", "impact", "owner", "status", "raised", "resolved")]
        rows = [[it["id"], it["description"], it["impact"], it["owner"], self.label("issue_state", it["status"]),
                 it["raised"], it["resolved"]] for it in i["items"]]
        self.table(ws, 8, headers, rows, [8, 28, 22, 10, 10, 12, 12], {5: "yyyy-mm-dd", 6: "yyyy-mm-dd"})

    def all_tasks(self) -> None:
        ws = self.sheet("tasks")
        headers = [self.t(k) for k in ("id", "name", "phase", "owner", "planned_start", "planned_end", "actual_end",
                                       "progress", "status", "delay_days", "health", "budget_planned", "budget_actual")]
        rows = [[r["id"], r["name"], r["phase"], r["owner"], r["planned_start"], r["planned_end"], r["actual_end"],
                 r["progress"] / 100, self.label("status", r["status"]), r["days_late"], self.label("health", r["health"]),
                 r["budget_planned"] or None, r["budget_actual"] or None] for r in self.f.tasks]
        _first, last = self.table(ws, 2, headers, rows, [8, 26, 10, 10, 12, 12, 12, 8, 10, 8, 8, 12, 12],
                                  {4: "yyyy-mm-dd", 5: "yyyy-mm-dd", 6: "yyyy-mm-dd", 7: "0%", 11: "#,##0", 12: "#,##0"})
        ws.autofilter(2, 0, last, len(headers) - 1)
        ws.freeze_panes(3, 2)

    def quality(self) -> None:
        ws = self.sheet("quality")
        ws.write_string(1, 0, self.t("findings_note"), self.fmt(italic=True))
        rows = [[code, count] for code, count in self.f.findings.items()] or [[self.t("no_findings"), 0]]
        _first, last = self.table(ws, 3, [self.t("code"), self.t("count")], rows, [28, 10])
        if self.f.conflicts:  # several copies merged: where they disagree, cell by cell
            ws.write_string(last + 2, 0, self.t("conflicts"), self.fmt(bold=True))
            self.table(ws, last + 3, [self.t("file"), self.t("sheet"), self.t("cell"), self.t("message")],
                       [[c["file"], c["sheet"], c["cell"], c["message"]] for c in self.f.conflicts],
                       [28, 16, 8, 90])

