"""Drive a real headless LibreOffice through UNO, the way a person would use Calc.

Run with the system Python that has Debian's ``python3-uno`` (not the project's venv):

    /usr/bin/python3 tests/lo/uno_driver.py < job.json > result.json

The job (JSON on stdin) names a workbook and what to do with it, in this order:
``unprotect`` sheets, ``type`` cells (``setFormula``: Calc's own type detection, as if
typed), ``keys`` cells (as typed into Calc's input line: see :func:`enter`), ``text`` cells
(``setString``: stored as typed), ``merge`` ranges,
``insert_columns`` (with a header), ``insert_rows``, ``delete_rows``, ``rename`` sheets, ``recalc``,
``read`` cells and ``validation`` rules, ``only_sheet`` / ``hide_columns`` /
``print_area`` for a picture, then ``save`` to other formats (with a ``password``: encrypted). Each
LibreOffice gets its own profile so
several can run side by side. The result (JSON on stdout) holds what was read.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def start_office(profile, pipe):
    command = [
        "soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
        f"-env:UserInstallation={url(profile)}", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("LibreOffice did not start") from None
            time.sleep(0.3)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return process, desktop


def cell_of(doc, sheet, ref):
    return doc.Sheets.getByName(sheet).getCellRangeByName(ref)


def enter(doc, cell, value):
    """Type ``value`` as Calc's input line takes it: the value as ``setFormula`` detects it, and a
    General cell given a percent format when a percentage was typed ("100%" shows 100.00%, is 1).

    Calc's input line (``.uno:EnterString``) does that itself, but dispatching it into a hidden
    document takes the office down a few calls later (tried: a crash at the next save or close).
    What it does was measured on this template: "150%" into a General cell gives the format 0.00%
    and 1.5; into a cell formatted 0 or yyyy-mm-dd the format stays; "10.13" into a date cell
    stays the number 10.13 with the date format.
    """
    cell.setFormula(value)
    formats = doc.NumberFormats
    percent = 128  # com.sun.star.util.NumberFormat.PERCENT
    general = formats.getByKey(cell.NumberFormat).FormatString == "General"
    if general and value.strip().endswith("%") and cell.getType().value == "VALUE":
        locale = formats.getByKey(cell.NumberFormat).Locale
        cell.NumberFormat = formats.queryKey("0.00%", locale, False) if formats.queryKey("0.00%", locale, False) != -1 \
            else formats.getStandardFormat(percent, locale)


def describe(cell):
    kind = cell.getType().value  # EMPTY, VALUE, TEXT, FORMULA
    out = {"type": kind, "string": cell.getString(), "value": cell.getValue(), "error": cell.getError()}
    if kind == "FORMULA":
        out["formula"] = cell.getFormula()
    return out


def run(job):
    profile = tempfile.mkdtemp(prefix="mt-lo-profile-")
    pipe = "mt" + uuid.uuid4().hex
    process, desktop = start_office(profile, pipe)
    result = {"read": {}}
    try:
        doc = desktop.loadComponentFromURL(url(job["input"]), "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"LibreOffice could not open {job['input']}")
        for sheet in job.get("unprotect", []):
            doc.Sheets.getByName(sheet).unprotect(job.get("password", ""))
        for edit in job.get("type", []):
            cell_of(doc, edit["sheet"], edit["cell"]).setFormula(edit["value"])
        for edit in job.get("keys", []):
            enter(doc, cell_of(doc, edit["sheet"], edit["cell"]), edit["value"])
        for edit in job.get("text", []):
            cell_of(doc, edit["sheet"], edit["cell"]).setString(edit["value"])
        for edit in job.get("merge", []):
            cell_of(doc, edit["sheet"], edit["range"]).merge(True)
        for edit in job.get("insert_columns", []):
            sheet = doc.Sheets.getByName(edit["sheet"])
            sheet.Columns.insertByIndex(edit["index"], 1)
            sheet.getCellByPosition(edit["index"], edit["header_row"] - 1).setString(edit["header"])
        for edit in job.get("insert_rows", []):
            doc.Sheets.getByName(edit["sheet"]).Rows.insertByIndex(edit["before"] - 1, edit["count"])
        for edit in job.get("delete_rows", []):
            doc.Sheets.getByName(edit["sheet"]).Rows.removeByIndex(edit["row"] - 1, edit.get("count", 1))
        for edit in job.get("rename", []):
            doc.Sheets.getByName(edit["from"]).setName(edit["to"])
        if job.get("recalc"):
            doc.calculateAll()
        for item in job.get("read", []):
            result["read"][f"{item['sheet']}!{item['cell']}"] = describe(cell_of(doc, item["sheet"], item["cell"]))
        for item in job.get("validation", []):
            rule = cell_of(doc, item["sheet"], item["cell"]).Validation
            result["read"][f"validation:{item['sheet']}!{item['cell']}"] = {
                "type": rule.Type.value, "formula1": rule.getFormula1(), "show_error": rule.ShowErrorMessage}
        result["sheets"] = list(doc.Sheets.getElementNames())
        result["charts"] = {name: doc.Sheets.getByName(name).getCharts().getCount() for name in doc.Sheets.getElementNames()}
        result["conditional_formats"] = {
            name: doc.Sheets.getByName(name).ConditionalFormats.getLength() for name in doc.Sheets.getElementNames()}
        if "only_sheet" in job:
            for name in doc.Sheets.getElementNames():
                doc.Sheets.getByName(name).IsVisible = name == job["only_sheet"]
        if "hide_columns" in job:
            columns = doc.Sheets.getByName(job["hide_columns"]["sheet"]).getColumns()
            for letter in job["hide_columns"]["columns"]:
                columns.getByName(letter).IsVisible = False
        if "print_area" in job:
            sheet = doc.Sheets.getByName(job["print_area"]["sheet"])
            sheet.setPrintAreas((sheet.getCellRangeByName(job["print_area"]["range"]).getRangeAddress(),))
            style = doc.StyleFamilies.getByName("PageStyles").getByName(sheet.PageStyle)
            style.ScaleToPagesX, style.ScaleToPagesY = 1, 1
        for target in job.get("save", []):
            options = [prop("FilterName", target["filter"])]
            if target.get("password"):  # saved encrypted, as "Save with password" does (OpenDocument only here)
                options.append(prop("Password", target["password"]))
            doc.storeToURL(url(target["path"]), tuple(options))
        doc.close(True)
    finally:
        with contextlib.suppress(Exception):  # the bridge goes away as the office quits
            desktop.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return result


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout, ensure_ascii=False)
