"""The status and archive reports as self-contained pages and a workbook.

Pages: jinja2 templates ``templates/history_status.html.j2`` and ``history_archive.html.j2``, in
the recap page's style (inline CSS and SVG, no script, nothing fetched); every text from a
spreadsheet is escaped. The status workbook has one sheet per list, written with xlsxwriter
(user text always as strings, never formulas). Every output is written atomically.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketing_tracker import __version__
from marketing_tracker.core.fileio import atomic_output
from marketing_tracker.core.resources import render

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


def write_status_xlsx(report: StatusReport, path: str | os.PathLike[str]) -> Path:
    """The report as a workbook: progress, each list, issues and the chase list, one sheet each."""
    import xlsxwriter

    data = report.to_dict()
    progress = data["progress"]
    tables: list[tuple[str, list[str], list[list[Any]]]] = [
        ("Progress", ["group", "name", "then", "now"],
         [["overall", "", progress["overall"]["from"], progress["overall"]["to"]]]
         + [["phase", p["label"], p["from"], p["to"]] for p in progress["phases"]]
         + [["owner", o["name"], o["from"], o["to"]] for o in progress["owners"]]),
    ]
    for title, key, columns in _STATUS_SHEETS:
        tables.append((title, list(columns), [[item.get(c) for c in columns] for item in data[key]]))
    issue_columns = ["change", "id", "description", "owner", "task_id", "raised", "resolved"]
    tables.append(("Issues", issue_columns, [[change, *(i.get(c) for c in issue_columns[1:])]
                                             for change in ("opened", "closed") for i in data["issues"][change]]))
    chase_columns = ["owner", "id", "name", "planned_end", "days_overdue", "due_in", "status"]
    tables.append(("To chase", chase_columns, [[owner, *(i.get(c) for c in chase_columns[1:])]
                                               for owner, items in data["reminders"].items() for i in items]))
    with atomic_output(path) as staged:
        book = xlsxwriter.Workbook(str(staged), {"strings_to_formulas": False, "strings_to_urls": False})
        bold = book.add_format({"bold": True, "bg_color": "#D9D9D9"})
        title_format = book.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E78"})
        for title, headers, rows in tables:
            sheet = book.add_worksheet(title)
            sheet.write_string(0, 0, f"{report.campaign}: {title} ({data['from']} -> {data['to']})", title_format)
            for c, name in enumerate(headers):
                sheet.write_string(2, c, name, bold)
                sheet.set_column(c, c, 14 if c else 18)
            for r, row in enumerate(rows, start=3):
                for c, value in enumerate(row):
                    if isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, c, value)
                    elif value is not None:
                        sheet.write_string(r, c, str(value))
        book.close()
    return Path(path)


__all__ = ["archive_html", "status_html", "write_html", "write_status_xlsx"]
