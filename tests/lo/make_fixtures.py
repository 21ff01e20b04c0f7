"""Make the filled-tracker fixtures in tests/data/filled/ the way a person would, in LibreOffice.

    python tests/lo/make_fixtures.py

Generates the 618 sample tracker, then in a real LibreOffice types values into cells as an
owner would (Calc's own type detection applies: some text dates become dates, "60%"
becomes 0.6, "5月5日" stays text), leaves mistakes of the kinds people make, inserts a
column, inserts blank rows, merges two cells, renames the tasks sheet, and saves the
result as .xlsx, .xls and .ods. FILLED describes every edit; tests/test_reader.py holds
the cells where each one must be found after the column and rows moved.

A second copy (libreoffice_errors.*) holds cells that show spreadsheet errors, typed as
formulas that fail the way real ones do (a division by zero, a lookup that finds nothing),
in input cells, in one of the template's computed cells and in the RACI matrix;
tests/test_cell_errors.py expects a finding at each. A third, the blank tracker saved with a
password as .ods and .xls (tests/data/encrypted/), must be refused with the reason.

A fourth (libreoffice_meant.*) holds what people type that a bare value would misread: "100%",
"150%" and "60%" in the progress column (Calc stores 1, 1.5 and 0.6 in a percent-formatted cell),
bare 0.6 and 1, "4.2%" in the KPI log of a KPI whose unit is %, "10.13", "11.11" and "45" in a
date column (Calc stores the numbers), and a status date kept as text ("2024/11/15");
tests/test_numfmt.py expects the values the person meant (and re-saves the copies in Gnumeric).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from marketing_tracker import load_plan, write_tracker  # noqa: E402
from marketing_tracker.core.resources import sample_plan  # noqa: E402
from tests.cells import Header, headers, info_cells  # noqa: E402

OUT = ROOT / "tests" / "data" / "filled"
TASKS, INFO, LOG, ISSUES, MILESTONES = "执行任务跟踪表", "活动基本信息", "指标日报", "问题记录", "里程碑"
RENAMED = "任务跟踪(市场部)"
RACI = "责任矩阵"

# Typed before the column and rows are inserted, by row of the generated layout and column key
# (each column found by its header label, tests/cells.py).
TYPED: dict[int, dict[str, str]] = {
    4: {"actual_start": "2024-05-01", "actual_end": "2024-05-05", "progress": "100", "status": "已完成"},
    5: {"actual_start": "2024/5/3", "actual_end": "2024-05-10", "progress": "100", "status": "完成"},   # synonym status
    6: {"progress": "60%", "status": "进行中", "risk": "延期1天(服务器调试)"},                              # "60%" -> 0.6
    7: {"planned_end": "2024-05-01", "progress": "20", "status": "进行中"},                  # planned end before start
    8: {"progress": "150", "status": "进行中", "owner": "王小二", "risk": "物流延误风险"},  # out of range, unknown owner
    9: {"progress": "40", "status": "Done"},                                                          # done at 40 %
    10: {"task_id": "M001"},                                                                          # duplicate ID
    11: {"depends_on": "X999"},                                                                  # unknown dependency
    12: {"actual_end": "2024-06-24", "progress": "100", "status": "已完成"},                        # end without start
    13: {"task_id": "P003", "name": "新增-紧急 直播预告", "phase": "预热期", "owner": "孙运营",  # a task added mid-campaign
         "planned_start": "2024-05-25", "planned_end": "2024-05-28", "progress": "30", "status": "进行中"},
}
AS_TEXT: dict[int, dict[str, str]] = {
    6: {"actual_start": "5月5日"},       # a short Chinese date: the campaign's year applies
    10: {"actual_start": "下周一"},      # not a date at all
    9: {"actual_start": "2024.5.22"},    # dotted date typed as text
}
#: (sheet key, row, column key, value) on the other sheets
OTHER: list[tuple[str, int, str, str]] = [
    ("kpi_log", 4, "date", "2024-05-21"), ("kpi_log", 4, "kpi", "销售额"), ("kpi_log", 4, "value", "120"),
    ("kpi_log", 5, "date", "2024-05-22"), ("kpi_log", 5, "kpi", "客单价"), ("kpi_log", 5, "value", "88"),
    ("issues", 4, "issue_id", "I001"), ("issues", 4, "raised", "2024-05-26"),
    ("issues", 4, "description", "KOL样品物流延误"), ("issues", 4, "task_id", "P002"),
    ("issues", 4, "owner", "钱媒介"), ("issues", 4, "status", "处理中"),
    ("milestones", 4, "done", "2024-05-21"),
]
SHEETS = {"tasks": TASKS, "kpi_log": LOG, "issues": ISSUES, "milestones": MILESTONES, "raci": RACI}
STATUS_DATE = "2024-05-24"


def cells(at: dict[str, Header], sheet: str, rows: dict[int, dict[str, str]]) -> list[dict[str, str]]:
    return [{"sheet": SHEETS[sheet], "cell": at[sheet].cell(key, row), "value": value}
            for row, values in rows.items() for key, value in values.items()]


def other(at: dict[str, Header], edits: list[tuple[str, int, str, str]]) -> list[dict[str, str]]:
    return [{"sheet": SHEETS[sheet], "cell": at[sheet].cell(key, row), "value": value} for sheet, row, key, value in edits]


def job(tracker: Path, out: Path) -> dict[str, object]:
    at, info = headers(tracker), info_cells(tracker)
    tasks = at["tasks"]
    risk_rows = f"{tasks.cell('risk', 8)}:{tasks.cell('risk', 9)}"
    return {
        "input": str(tracker),
        "unprotect": [TASKS],
        "type": [*cells(at, "tasks", TYPED), {"sheet": INFO, "cell": info["as_of_input"], "value": STATUS_DATE},
                 *other(at, OTHER)],
        "text": cells(at, "tasks", AS_TEXT),
        "merge": [{"sheet": TASKS, "range": risk_rows}],  # one risk for two rows, as people do
        # a column inserted before the description (a team's own 优先级)
        "insert_columns": [{"sheet": TASKS, "index": tasks.number("description") - 1, "header": "优先级", "header_row": 3}],
        "insert_rows": [{"sheet": TASKS, "before": 8, "count": 2}],
        "rename": [{"from": TASKS, "to": RENAMED}],
        "save": [{"path": str(out / "libreoffice_filled.xlsx"), "filter": "Calc MS Excel 2007 XML"},
                 {"path": str(out / "libreoffice_filled.xls"), "filter": "MS Excel 97"},
                 {"path": str(out / "libreoffice_filled.ods"), "filter": "calc8"}],
    }


# Formulas that fail, each in a cell of the generated layout (no column or row is moved in this copy).
ERRORS: list[tuple[str, int, str, str]] = [
    ("tasks", 4, "progress", "=1/0"),                                              # progress: #DIV/0!
    ("tasks", 6, "delay_days", "=1/0"),                                            # a computed cell (days late)
    ("raci", 4, "person:林设计", "=NA()"),                                          # a RACI role
    ("kpi_log", 4, "date", "2024-05-21"), ("kpi_log", 4, "kpi", "销售额"),
    ("kpi_log", 4, "value", "=1/0"),                                               # a daily actual
]


def errors_job(tracker: Path, out: Path) -> dict[str, object]:
    at = headers(tracker)
    ids = f"{at['tasks'].cell('task_id', 4)}:{at['tasks'].cell('task_id', 5)}"
    lookup = {"sheet": TASKS, "cell": at["tasks"].cell("actual_start", 5),             # actual start: #N/A
              "value": f'=VLOOKUP("none";{ids};1;0)'}
    return {
        "input": str(tracker),
        "unprotect": [TASKS, RACI],
        "type": [*other(at, ERRORS[:1]), lookup, *other(at, ERRORS[1:])],
        "save": [{"path": str(out / "libreoffice_errors.xlsx"), "filter": "Calc MS Excel 2007 XML"},
                 {"path": str(out / "libreoffice_errors.xls"), "filter": "MS Excel 97"},
                 {"path": str(out / "libreoffice_errors.ods"), "filter": "calc8"}],
    }


# What a person types, into the generated layout (nothing is moved in this copy).
MEANT: list[tuple[str, int, str, str]] = [
    ("tasks", 4, "actual_start", "2024-05-01"), ("tasks", 4, "actual_end", "2024-05-05"),
    ("tasks", 4, "progress", "100%"), ("tasks", 4, "status", "已完成"),                # 1 -> 100, done
    ("tasks", 5, "actual_start", "2024-05-03"),
    ("tasks", 5, "progress", "150%"), ("tasks", 5, "status", "进行中"),                # 1.5 -> 150
    ("tasks", 6, "progress", "60%"), ("tasks", 6, "status", "进行中"),                 # 0.6 -> 60
    ("tasks", 7, "progress", "0.6"), ("tasks", 7, "status", "进行中"),                 # bare 0.6 -> 60
    ("tasks", 8, "progress", "1"), ("tasks", 8, "status", "进行中"),                   # bare 1 -> 1
    ("tasks", 9, "actual_start", "10.13"),                                            # -> 2024-10-13
    ("tasks", 10, "actual_start", "11.11"),                                           # -> 2024-11-11
    ("tasks", 11, "actual_start", "45"),                                              # no date
    ("kpi_log", 4, "date", "2024-05-21"), ("kpi_log", 4, "kpi", "直播转化率"),
    ("kpi_log", 4, "value", "4.2%"),                                                  # unit %: 4.2
    ("kpi_log", 5, "date", "2024-05-21"), ("kpi_log", 5, "kpi", "销售额"),
    ("kpi_log", 5, "value", "120"),
]
MEANT_STATUS_DATE = "2024/11/15"  # a status date Calc keeps as text


def meant_job(tracker: Path, out: Path) -> dict[str, object]:
    return {
        "input": str(tracker),
        "keys": other(headers(tracker), MEANT),  # as typed into the input line: "100%" gets a percent format
        "text": [{"sheet": INFO, "cell": info_cells(tracker)["as_of_input"], "value": MEANT_STATUS_DATE}],
        "save": [{"path": str(out / "libreoffice_meant.xlsx"), "filter": "Calc MS Excel 2007 XML"},
                 {"path": str(out / "libreoffice_meant.xls"), "filter": "MS Excel 97"},
                 {"path": str(out / "libreoffice_meant.ods"), "filter": "calc8"}],
    }


def encrypted_job(tracker: Path) -> dict[str, object]:
    """The blank tracker saved with a password, as LibreOffice's "Save with password" does.

    As .ods and .xls: through UNO, LibreOffice writes an .xlsx given a password unencrypted. The
    encrypted .xlsx of tests/hostile is made the way Excel encrypts (msoffcrypto-tool).
    """
    folder = OUT.parent / "encrypted"
    folder.mkdir(parents=True, exist_ok=True)
    return {"input": str(tracker),
            "save": [{"path": str(folder / "libreoffice_encrypted.ods"), "filter": "calc8", "password": "secret"},
                     {"path": str(folder / "libreoffice_encrypted.xls"), "filter": "MS Excel 97", "password": "secret"}]}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tracker = write_tracker(load_plan(sample_plan()), Path(tmp) / "618.xlsx")
        driver = ROOT / "tests" / "lo" / "uno_driver.py"
        for work in (job(tracker, OUT), errors_job(tracker, OUT), meant_job(tracker, OUT), encrypted_job(tracker)):
            subprocess.run(["/usr/bin/python3", str(driver)], input=json.dumps(work), text=True, check=True,
                           capture_output=True)
    for path in sorted([*OUT.iterdir(), *(OUT.parent / "encrypted").iterdir()]):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
