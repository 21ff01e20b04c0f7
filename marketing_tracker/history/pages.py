"""The status and archive reports as self-contained pages and a workbook.

Pages: jinja2 templates ``templates/history_status.html.j2`` and ``history_archive.html.j2``, in
the recap page's style (inline CSS and SVG, no script, nothing fetched); every text from a
spreadsheet is escaped. The status workbook has one sheet per list, written with xlsxwriter
(user text always as strings, never formulas), printed as the tracker is (workbook/printing.py).
Every output is written atomically.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketing_tracker import __version__
from marketing_tracker.core.fileio import atomic_output
from marketing_tracker.core.resources import render
from marketing_tracker.workbook.printing import FIT_SHARE, Page, column_points, printable_points, set_up

if TYPE_CHECKING:  # the archive brings pandas (through the recap): status pages must not wait for it
    from marketing_tracker.history.archive import ArchiveReport
    from marketing_tracker.history.status import StatusReport


def status_html(report: StatusReport) -> str:
    data = report.to_dict()
    progress = data["progress"]
    bars = [{"label": "overall", **progress["overall"]}]
    bars += [{"label": phase["label"], "from": phase["from"], "to": phase["to"]} for phase in progress["phases"]]
    bars += [{"label": owner["name"], "from": owner["from"], "to": owner["to"]} for owner in progress["owners"]]
    view = {**data, "then": data["from"], "now": data["to"], "snapshots": report.snapshots}
    return render("history_status.html.j2", r=_Attrs(view), bars=bars, version=__version__)


def archive_html(report: ArchiveReport) -> str:
    return render("history_archive.html.j2", a=_Attrs(report.to_dict()), version=__version__)


def write_html(html: str, path: str | os.PathLike[str]) -> Path:
    with atomic_output(path) as staged:
        staged.write_text(html, encoding="utf-8")
    return Path(path)


class _Attrs(dict[str, Any]):
    """A dict whose keys read as attributes too (``r.issues.opened``), for the templates; ``from`` stays a key."""

    def __getattr__(self, name: str) -> Any:
        try:
            value = self[name]
        except KeyError:
            raise AttributeError(name) from None
        return _Attrs(value) if isinstance(value, dict) else value


_STATUS_SHEETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Done since", "done_since", ("id", "name", "owner", "actual_end")),
    ("Newly late", "newly_late", ("id", "name", "owner", "planned_end", "days_late")),
    ("Slipped", "slipped", ("id", "name", "owner", "field", "from", "to", "days")),
    ("Milestones at risk", "milestones_at_risk", ("id", "name", "owner", "due", "expected_progress", "actual_progress")),
    ("KPIs", "kpis", ("key", "name", "target", "actual_from", "actual_to", "achievement_from", "achievement_to",
                      "expected", "on_pace")),
)


@dataclass
class _StatusTable:
    """One sheet of the status workbook: its title, its column keys (the JSON's), and its rows."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


#: Columns of fractions (progress, achievement) and of days, by JSON key; KPI amounts take theirs from the value.
_RATES = frozenset({"then", "now", "expected_progress", "actual_progress", "achievement_from", "achievement_to",
                    "expected"})
_DAYS = frozenset({"days_late", "days", "days_overdue", "due_in"})
_AMOUNTS = frozenset({"target", "actual_from", "actual_to"})
#: A yes/no cell (a KPI on pace) says TRUE or FALSE in every program (LibreOffice shows a bare one as 1 or 0).
_BOOLEAN = '"TRUE";"TRUE";"FALSE"'
#: The status sheets' layout: the title on row 1, the header on row 3, the rows from row 4 (0-based 3).
FIRST_STATUS_ROW = 3
#: Column widths in characters: no narrower than a short figure, no wider than a line of text (longer wraps).
_NARROWEST, _WIDEST = 8.0, 48.0
#: The title is set in 14 pt, the cells in 11 pt: a title character is this many cell characters wide.
_TITLE_SCALE = 14 / 11


def _status_tables(report: StatusReport) -> list[_StatusTable]:
    data = report.to_dict()
    progress = data["progress"]
    tables = [_StatusTable("Progress", ["group", "name", "then", "now"],
                           [["overall", "", progress["overall"]["from"], progress["overall"]["to"]]]
                           + [["phase", p["label"], p["from"], p["to"]] for p in progress["phases"]]
                           + [["owner", o["name"], o["from"], o["to"]] for o in progress["owners"]])]
    for title, key, columns in _STATUS_SHEETS:
        tables.append(_StatusTable(title, list(columns), [[item.get(c) for c in columns] for item in data[key]]))
    issue_columns = ["change", "id", "description", "owner", "task_id", "raised", "resolved"]
    tables.append(_StatusTable("Issues", issue_columns, [[change, *(i.get(c) for c in issue_columns[1:])]
                                                         for change in ("opened", "closed")
                                                         for i in data["issues"][change]]))
    chase_columns = ["owner", "id", "name", "planned_end", "days_overdue", "due_in", "status"]
    tables.append(_StatusTable("To chase", chase_columns, [[owner, *(i.get(c) for c in chase_columns[1:])]
                                                           for owner, items in data["reminders"].items()
                                                           for i in items]))
    return tables


def _number_format(column: str, value: Any) -> str | None:
    """Rates as percentages, days as whole numbers, KPI amounts with thousands separators (as the recap)."""
    from marketing_tracker.reports.xlsx import DAYS, RATE, amount_format

    if isinstance(value, bool):
        return _BOOLEAN
    if column in _RATES:
        return RATE
    if column in _DAYS:
        return DAYS
    if column in _AMOUNTS:
        return amount_format(value)
    return None


def _widths(table: _StatusTable, title: str) -> list[float]:
    """Each column as wide as its widest value or header; the last one wider if the title needs it."""
    from marketing_tracker.reports.xlsx import shown_width

    widths = []
    for c, column in enumerate(table.columns):
        shown = max([shown_width(row[c], _number_format(column, row[c])) for row in table.rows], default=0.0)
        widths.append(min(_WIDEST, max(_NARROWEST, shown_width(column, None), shown) + 2))
    widths[-1] += max(0.0, shown_width(title, None) * _TITLE_SCALE - sum(widths))
    return widths


def _page(report: StatusReport, table: _StatusTable, widths: list[float]) -> Page:
    """Landscape when the table is wider than a portrait page; the header row on every page."""
    wide = sum(column_points(w) for w in widths) > printable_points(False)[0] * FIT_SHARE
    last_row = FIRST_STATUS_ROW + max(len(table.rows), 1) - 1
    return Page(report.campaign, table.title, report.locale, area=(0, 0, last_row, len(widths) - 1), landscape=wide,
                repeat_rows=(FIRST_STATUS_ROW - 1, FIRST_STATUS_ROW - 1))


def write_status_xlsx(report: StatusReport, path: str | os.PathLike[str]) -> Path:
    """The report as a workbook: progress, each list, issues and the chase list, one sheet each.

    Every sheet prints as the tracker does (:mod:`marketing_tracker.workbook.printing`): its rows in
    use, fitted to the page width, the header row repeated, the campaign, sheet and "Page x of y" on
    each page; every figure has a number format and every column is as wide as its values.
    """
    import xlsxwriter

    from marketing_tracker.workbook.formats import FormatCache

    data = report.to_dict()
    with atomic_output(path) as staged:
        book = xlsxwriter.Workbook(str(staged), {"strings_to_formulas": False, "strings_to_urls": False})
        bold = book.add_format({"bold": True, "bg_color": "#D9D9D9"})
        title_format = book.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E78"})
        wrapped = book.add_format({"text_wrap": True, "valign": "top"})  # a long description wraps in its column
        formats = FormatCache(book)
        for table in _status_tables(report):
            sheet = book.add_worksheet(table.title)
            title = f"{report.campaign}: {table.title} ({data['from']} -> {data['to']})"
            sheet.write_string(0, 0, title, title_format)
            widths = _widths(table, title)
            for c, name in enumerate(table.columns):
                sheet.write_string(FIRST_STATUS_ROW - 1, c, name, bold)
                sheet.set_column(c, c, widths[c])
            for r, row in enumerate(table.rows, start=FIRST_STATUS_ROW):
                for c, value in enumerate(row):
                    number_format = _number_format(table.columns[c], value)
                    shown = formats(num_format=number_format, valign="top") if number_format else wrapped
                    if isinstance(value, bool):
                        sheet.write_boolean(r, c, value, shown)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, c, value, shown)
                    elif value is not None:
                        sheet.write_string(r, c, str(value), wrapped)
            set_up(sheet, _page(report, table, widths))
        book.close()
    return Path(path)


__all__ = ["archive_html", "status_html", "write_html", "write_status_xlsx"]
