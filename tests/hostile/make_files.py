"""Make the broken, foreign and hostile files that tests/test_hostile.py feeds the library.

    python tests/hostile/make_files.py [FOLDER]     # default: tests/data/hostile (not committed: large)

Each function writes one file named after what is wrong with it. A zip bomb and a billion-
laughs part are made here rather than kept in the repository.
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from marketing_tracker import load_plan, write_tracker  # noqa: E402
from marketing_tracker.core.resources import sample_plan  # noqa: E402


def tracker(folder: Path) -> Path:
    return write_tracker(load_plan(sample_plan()), folder / "_clean.xlsx")


def rewrite(source: Path, target: Path, replace: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip, replacing (or dropping, with None) some parts and adding others."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename in replace:
                if replace[item.filename] is not None:
                    new.writestr(item.filename, replace[item.filename])  # type: ignore[arg-type]
            else:
                new.writestr(item, old.read(item.filename))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def text_file(folder: Path) -> Path:
    path = folder / "text_renamed.xlsx"
    path.write_text("Task ID,Task name\nM001,Brief\n", encoding="utf-8")
    return path


def image_file(folder: Path) -> Path:
    path = folder / "image_renamed.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def truncated_zip(folder: Path) -> Path:
    data = tracker(folder).read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def missing_workbook_part(folder: Path) -> Path:
    return rewrite(tracker(folder), folder / "missing_workbook_part.xlsx", {"xl/workbook.xml": None})


def malformed_sheet(folder: Path) -> Path:
    return rewrite(tracker(folder), folder / "malformed_sheet.xlsx", {"xl/worksheets/sheet3.xml": b"<worksheet><sheetData><row"})


def corrupt_deflate(folder: Path) -> Path:
    """Bytes garbled inside the compressed workbook part (found by tests/fuzz/fuzz_bytes.py: zlib.error escaped)."""
    source = tracker(folder)
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        entry = archive.getinfo("xl/workbook.xml")
    start = entry.header_offset + 30 + len(entry.filename) + len(entry.extra)
    for offset in range(2, min(entry.compress_size, 40), 3):
        data[start + offset] ^= 0x5A
    path = folder / "corrupt_deflate.xlsx"
    path.write_bytes(bytes(data))
    return path


def zip_bomb(folder: Path) -> Path:
    """A part of 600 MB of zeros, about 0.6 MB compressed."""
    path = folder / "zip_bomb.xlsx"
    source = tracker(folder)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename))
        with new.open("xl/media/padding.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(600):
                part.write(chunk)
    return path


def entity_bomb(folder: Path) -> Path:
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}' .encode() * 1 + b'">' for i in range(1, 10)
    ) + b']><workbook>&lol9;</workbook>'
    return rewrite(tracker(folder), folder / "entity_bomb.xlsx", {"xl/workbook.xml": lol})


def encrypted(folder: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    source = tracker(folder)
    path = folder / "encrypted.xlsx"
    with source.open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    return path


def macro_workbook(folder: Path) -> Path:
    return rewrite(tracker(folder), folder / "macros.xlsm", {}, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512})


def stray_far_cell(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "stray_far_cell.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Tasks")
    sheet.write_row(0, 0, ["Task ID", "Task name", "Phase", "Owner", "Planned start", "Planned end", "Status"])
    sheet.write_string(1_048_575, 16_383, "x")
    book.close()
    return path


def forged_dimension(folder: Path) -> Path:
    """The stray far cell, with a ``<dimension>`` that claims the sheet ends at G2 and the address not first."""
    source = stray_far_cell(folder)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    xml = xml.replace('<dimension ref="A1:XFD1048576"/>', '<dimension ref="A1:G2"/>')
    xml = xml.replace('<c r="XFD1048576" t="s">', '<c t="s" r="XFD1048576">')
    assert 'ref="A1:G2"' in xml and 'r="XFD1048576">' in xml
    return rewrite(source, folder / "forged_dimension.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})


def no_dimension_far_row(folder: Path) -> Path:
    """No ``<dimension>`` at all (it is optional), one value at XFD1 and one in row 1048576 whose cell has no address."""
    source = stray_far_cell(folder)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    start, end = xml.index("<dimension"), xml.index("/>", xml.index("<dimension")) + 2
    xml = xml[:start] + xml[end:]
    far = xml[xml.index('<row r="1048576"'):xml.index("</sheetData>")]
    xml = xml.replace(far, '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>')
    xml = xml.replace("</row>", '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    return rewrite(source, folder / "no_dimension_far_row.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})


def unaddressed_cells(folder: Path) -> Path:
    """No cell has an address (the XML allows it): one row of 16,384 values, then 2,000 rows of one value each.

    The parser places such cells by counting, so 300 KB of XML span 32 million cells.
    """
    source = stray_far_cell(folder)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    start, end = xml.index("<sheetData>") + len("<sheetData>"), xml.index("</sheetData>")
    rows = "<row>" + "<c><v>1</v></c>" * 16_384 + "</row>" + "<row><c><v>2</v></c></row>" * 2_000
    xml = xml[:start] + rows + xml[end:]
    xml = xml.replace('<dimension ref="A1:XFD1048576"/>', '<dimension ref="A1:A1"/>')
    return rewrite(source, folder / "unaddressed_cells.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})


def overlapping_merges(folder: Path) -> Path:
    """The tasks sheet with 20,000 copies of one merged range over all of it (merged ranges never overlap)."""
    source = tracker(folder)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/worksheets/sheet3.xml").decode()
    merges = '<mergeCells count="20000">' + '<mergeCell ref="A1:DH212"/>' * 20_000 + "</mergeCells>"
    xml = xml.replace("</sheetData>", "</sheetData>" + merges, 1)
    return rewrite(source, folder / "overlapping_merges.xlsx", {"xl/worksheets/sheet3.xml": xml.encode()})


LIBREOFFICE_XLS = ROOT / "tests" / "data" / "filled" / "libreoffice_filled.xls"
ERRORS_XLSX = ROOT / "tests" / "data" / "filled" / "libreoffice_errors.xlsx"


def xls_far_cell(folder: Path) -> Path:
    """The LibreOffice .xls fixture with its first text cell moved to row 60,001, column 60,001 (a column an
    .xls cannot have; the parser reads it all the same and asked for 3.6 billion cells, found by fuzz_bytes.py)."""
    data = bytearray(LIBREOFFICE_XLS.read_bytes())
    at = data.find(b"\xfd\x00\x0a\x00")  # a LABELSST record: row, column, format, string index
    data[at + 4:at + 8] = (60_000).to_bytes(2, "little") * 2
    path = folder / "xls_far_cell.xls"
    path.write_bytes(bytes(data))
    return path


def xls_parser_panic(folder: Path) -> Path:
    """The LibreOffice .xls fixture with one byte changed, which makes the parser panic (found by fuzz_bytes.py)."""
    data = bytearray(LIBREOFFICE_XLS.read_bytes())
    data[34_435] = 0x16
    path = folder / "xls_parser_panic.xls"
    path.write_bytes(bytes(data))
    return path


def ods_repeated_values(folder: Path, typed: bool = True, name: str = "ods_repeated_values.ods") -> Path:
    """An OpenDocument sheet whose one value is repeated over a million rows and every column (a few bytes)."""
    value_type = 'office:value-type="float" office:value="1" ' if typed else ""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               '<office:spreadsheet><table:table table:name="Tasks"><table:table-row><table:table-cell '
               'office:value-type="string"><text:p>Task ID</text:p></table:table-cell></table:table-row>'
               f'<table:table-row table:number-rows-repeated="1048575"><table:table-cell {value_type}'
               'table:number-columns-repeated="16384"><text:p>1</text:p></table:table-cell>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def unknown_encoding(folder: Path, source: Path | None = None, name: str = "unknown_encoding.xlsx") -> Path:
    """The workbook part's XML declaration names an encoding that does not exist (found by fuzz_bytes.py --mode xml).

    The parser ignores the declaration and reads the workbook; the library's own XML reading cannot.
    """
    source = source or tracker(folder)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/workbook.xml")
    xml = re.sub(rb"^<\?xml[^>]*\?>", b'<?xml version="1.0" encoding="inlineStr"?>', xml)
    assert b'encoding="inlineStr"' in xml
    return rewrite(source, folder / name, {"xl/workbook.xml": xml})


def unknown_encoding_far_cell(folder: Path) -> Path:
    """The same, in a workbook with a value far beyond its data: the far value must still be refused."""
    return unknown_encoding(folder, forged_dimension(folder), "unknown_encoding_far_cell.xlsx")


def shared_strings_count(folder: Path) -> Path:
    """A shared-string table that claims 99,999,999,999 strings: the parser would reserve room for them and abort."""
    source = tracker(folder)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/sharedStrings.xml").decode()
    xml = re.sub(r'uniqueCount="\d+"', 'uniqueCount="99999999999"', xml, count=1)
    return rewrite(source, folder / "shared_strings_count.xlsx", {"xl/sharedStrings.xml": xml.encode()})


def ods_repeated_text(folder: Path) -> Path:
    """The same with a paragraph and no value type, which the parser reads as text all the same."""
    return ods_repeated_values(folder, typed=False, name="ods_repeated_text.ods")


def formatting_only_extent(folder: Path) -> Path:
    """Two rows of data, then formatting down to the last row (1,048,576) and across 3,000 columns, as Excel keeps it."""
    import xlsxwriter

    small = folder / "_small.xlsx"
    book = xlsxwriter.Workbook(small)
    sheet = book.add_worksheet("Tasks")
    book.add_format({"bg_color": "#FF0000"})
    sheet.write_row(0, 0, ["Task ID", "Task name", "Phase", "Owner", "Planned start", "Planned end", "Status"])
    sheet.write_row(1, 0, ["M001", "Brief", "prep", "Ann", "2025-03-01", "2025-03-02", "Done"])
    book.close()
    with zipfile.ZipFile(small) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    blank_rows = "".join(f'<row r="{r}"><c r="A{r}" s="1"/><c r="DKK{r}" s="1"/></row>' for r in range(3, 1_048_577))
    xml = xml.replace('<dimension ref="A1:G2"/>', '<dimension ref="A1:DKK1048576"/>')
    xml = xml.replace("</sheetData>", blank_rows + "</sheetData>")
    xml = xml.replace("<sheetData>", '<cols><col min="1" max="3001" width="9" style="1"/></cols><sheetData>', 1)
    return rewrite(small, folder / "formatting_only_extent.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})


# --------------------------------------------------------------------------- issue 14: dialects the parser accepts


SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def prefixed(xml: bytes, prefix: str = "x") -> bytes:
    """The same part with every unprefixed element under ``prefix:`` (the namespace declared for it instead of
    as the default): valid SpreadsheetML that the parser reads as it reads the original."""
    xml = re.sub(rb"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", lambda m: b"<" + m.group(1) + prefix.encode() + b":" + m.group(2),
                 xml)
    declaration = f'xmlns:{prefix}="{SPREADSHEETML}"'.encode()
    assert f'xmlns="{SPREADSHEETML}"'.encode() in xml
    return xml.replace(f'xmlns="{SPREADSHEETML}"'.encode(), declaration, 1)


def sheet_names(archive: zipfile.ZipFile) -> list[str]:
    """The sheets a workbook lists, in order (as the scan finds them)."""
    return re.findall(r'<(?:\w+:)?sheet [^>]*?name="([^"]*)"', archive.read("xl/workbook.xml").decode())


def rewrite_parts(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """Copy a zip with every part passed through ``change(name, data)``."""
    with zipfile.ZipFile(source) as old:
        replace: dict[str, bytes | None] = {item.filename: change(item.filename, old.read(item.filename))
                                            for item in old.infolist()}
    return rewrite(source, target, replace)


def _spreadsheetml(name: str) -> bool:
    return name.startswith("xl/") and name.endswith(".xml") and "/drawings/" not in name and "/theme/" not in name


def x_prefixed_errors(folder: Path) -> Path:
    """The LibreOffice fixture with cells showing #REF!, #N/A and #DIV/0!, every SpreadsheetML part under ``x:``."""
    return rewrite_parts(ERRORS_XLSX, folder / "x_prefixed_errors.xlsx",
                         lambda name, data: prefixed(data) if _spreadsheetml(name) and
                         f'xmlns="{SPREADSHEETML}"'.encode() in data else data)


def x_prefixed_far_cell(folder: Path) -> Path:
    """The forged-dimension far cell (XFD1048576), its sheet under ``x:`` (the parser reads it, and aborted)."""
    source = forged_dimension(folder)
    return rewrite_parts(source, folder / "x_prefixed_far_cell.xlsx",
                         lambda name, data: prefixed(data) if name == "xl/worksheets/sheet1.xml" else data)


def _far_cell_sheet(folder: Path, spell: Callable[[str], str], name: str) -> Path:
    """The forged-dimension far cell with its tag rewritten by ``spell``."""
    source = forged_dimension(folder)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    tag = '<c t="s" r="XFD1048576">'
    assert tag in xml
    return rewrite(source, folder / name, {"xl/worksheets/sheet1.xml": xml.replace(tag, spell(tag)).encode()})


def repeated_address(folder: Path) -> Path:
    """A cell carrying two addresses, a near one first: the parser places it by the last."""
    return _far_cell_sheet(folder, lambda _tag: '<c r="A9" t="s" r="XFD1048576">', "repeated_address.xlsx")


def padded_row_number(folder: Path) -> Path:
    """The far cell's row number zero-padded to 4,400 digits (more than Python's int() takes by default)."""
    digits = "1048576".rjust(4_400, "0")
    return _far_cell_sheet(folder, lambda _tag: f'<c t="s" r="XFD{digits}">', "padded_row_number.xlsx")


def bad_crc_far_cell(folder: Path) -> Path:
    """The far cell's sheet stored with a wrong CRC-32, in its local header and in the central directory alike; the
    far cell comes after 3,000 rows of values, so that only reading the part to its end finds the damage."""
    plain = forged_dimension(folder)
    with zipfile.ZipFile(plain) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    filler = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(3, 3_003))
    xml = xml.replace('<row r="1048576"', filler + '<row r="1048576"', 1)
    assert filler in xml
    source = rewrite(plain, folder / "_bad_crc_plain.xlsx", {"xl/worksheets/sheet1.xml": xml.encode()})
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        entry = archive.getinfo("xl/worksheets/sheet1.xml")
    wrong = (entry.CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
    data[entry.header_offset + 14:entry.header_offset + 18] = wrong  # local file header
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(entry.filename)] != entry.filename.encode():
        central = data.find(b"PK\x01\x02", central + 4)  # the entries of the central directory, in turn
        assert central != -1
    data[central + 16:central + 20] = wrong
    path = folder / "bad_crc_far_cell.xlsx"
    path.write_bytes(bytes(data))
    return path


def strict_namespace_far_cell(folder: Path) -> Path:
    """The forged-dimension far cell in a workbook under the Strict OOXML namespaces (another default namespace,
    the relationships' too): the parser reads it by local names; the scan found no sheet in it, so scanned none."""
    source = forged_dimension(folder)
    strict = {SPREADSHEETML.encode(): b"http://purl.oclc.org/ooxml/spreadsheetml/main",
              b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
                  b"http://purl.oclc.org/ooxml/officeDocument/relationships"}

    def change(name: str, data: bytes) -> bytes:
        for transitional, replacement in strict.items():
            data = data.replace(b'"' + transitional + b'"', b'"' + replacement + b'"')
        return data

    return rewrite_parts(source, folder / "strict_namespace_far_cell.xlsx",
                         lambda name, data: change(name, data) if name in ("xl/workbook.xml", "xl/worksheets/sheet1.xml")
                         else data)


# --------------------------------------------------------------------------- issue 14: one budget for the workbook


def many_sheets(folder: Path) -> Path:
    """30 sheets, none a tracker's (so the reader looks at every one for its headers), each with one value at
    CV50000: 5 million cells each, within the budget alone, 150 million together."""
    import xlsxwriter

    path = folder / "many_sheets.xlsx"
    book = xlsxwriter.Workbook(path)
    for number in range(30):
        sheet = book.add_worksheet(f"Extra {number + 1}")
        sheet.write_string(0, 0, "Task ID")
        sheet.write_string(49_999, 99, "x")
    book.close()
    return path


def ods_many_sheets(folder: Path) -> Path:
    """7 OpenDocument sheets, each one value repeated over 5,000 rows and 1,000 columns (the parser reads every
    sheet when it opens the file): 5 million cells each, 35 million together."""
    table = ('<table:table table:name="Sheet{n}"><table:table-row table:number-rows-repeated="5000">'
             '<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000">'
             '<text:p>1</text:p></table:table-cell></table:table-row></table:table>')
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               '<office:spreadsheet>' + "".join(table.format(n=n) for n in range(1, 8)) +
               '</office:spreadsheet></office:body></office:document-content>')
    path = folder / "ods_many_sheets.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def xls_many_sheets(folder: Path) -> Path:
    """40 .xls sheets, each with one value at IV20000 (5 million cells each, 205 million together)."""
    import xlwt

    path = folder / "xls_many_sheets.xls"
    book = xlwt.Workbook()
    for number in range(40):
        sheet = book.add_sheet(f"Extra {number + 1}")
        sheet.write(0, 0, "Task ID")
        sheet.write(19_999, 255, "x")
    book.save(str(path))
    return path


def xls_far_sheets(folder: Path) -> Path:
    """40 .xls sheets with a value at IV65536, the last cell an .xls sheet can have (16.8 million cells each)."""
    import xlwt

    path = folder / "xls_far_sheets.xls"
    book = xlwt.Workbook()
    for number in range(40):
        book.add_sheet(f"Extra {number + 1}").write(65_535, 255, "x")
    book.save(str(path))
    return path


MAKERS: dict[str, Callable[[Path], Path]] = {f.__name__: f for f in (
    text_file, image_file, empty_file, truncated_zip, missing_workbook_part, malformed_sheet, corrupt_deflate, zip_bomb,
    entity_bomb, encrypted, macro_workbook, stray_far_cell, forged_dimension, no_dimension_far_row, unaddressed_cells,
    overlapping_merges, xls_far_cell, xls_parser_panic, ods_repeated_values, ods_repeated_text, unknown_encoding,
    unknown_encoding_far_cell, shared_strings_count, formatting_only_extent, x_prefixed_errors, x_prefixed_far_cell,
    repeated_address, padded_row_number, bad_crc_far_cell, strict_namespace_far_cell, many_sheets, ods_many_sheets,
    xls_many_sheets, xls_far_sheets)}


# --------------------------------------------------------------------------- issue 14, items 4-9
# Content that made the library fail with an internal error, terminal escapes, and plans that
# cost gigabytes. The tests are in tests/test_hostile_run.py.

CONTROL_TEXT = "\x1b]0;owned\x07Ann\x1b[2K\nerror   A1     forged"  # sets the title, clears the line, forges one


def filled(folder: Path, name: str, rows: list[dict[str, object]]) -> Path:
    """The sample tracker with its first tasks filled from ``rows`` (merged over the plan's own fields)."""
    plan = load_plan(sample_plan())
    records = []
    for task, extra in zip(plan.tasks, rows, strict=False):
        records.append({"task_id": task.id, "name": task.name, "phase": task.phase, "owner": task.owner,
                        "planned_start": task.start, "planned_end": task.end, **extra})
    return write_tracker(plan, folder / name, records={"tasks": records})


def nonfinite_numbers(folder: Path) -> Path:
    """Progress "nan", budget "inf" as text, and a progress stored as the number 1E400 (infinity to a parser)."""
    source = filled(folder, "_nonfinite.xlsx", [
        {"progress": "nan", "status": "in_progress"}, {"budget_actual": "inf"}, {"progress": 37.5, "status": "in_progress"}])
    with zipfile.ZipFile(source) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/") and b"<v>37.5</v>" in archive.read(n))
        xml = archive.read(sheet)
    return rewrite(source, folder / "nonfinite_numbers.xlsx", {sheet: xml.replace(b"<v>37.5</v>", b"<v>1E400</v>")})


def meta_start_not_a_date(folder: Path) -> Path:
    """Only the hidden identity sheet, ours by its name, with a start that is not a date."""
    import xlsxwriter

    from marketing_tracker.core.schema import META_SHEET, SCHEMA_VERSION, TEMPLATE_NAME

    path = folder / "meta_start_not_a_date.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet(META_SHEET)
    for row, (key, value) in enumerate([("template", TEMPLATE_NAME), ("schema_version", str(SCHEMA_VERSION)),
                                        ("locale", "en"), ("start", "soon"), ("end", "later")]):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    book.close()
    return path


def no_tasks(folder: Path) -> Path:
    from marketing_tracker import plan_from_dict

    plan = plan_from_dict({"campaign": {"name": "Empty", "start": "2024-05-01", "end": "2024-05-30", "locale": "en"}})
    return write_tracker(plan, folder / "no_tasks.xlsx")


def foreign_workbook(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "foreign_workbook.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Budget").write_row(0, 0, ["Item", "Cost"])
    book.close()
    return path


def _patch_member(source: Path, target: Path, member: str, *, method: int | None = None, flags: int = 0) -> Path:
    """Change a member's compression method and/or set general-purpose flags, in both of its headers."""
    import struct

    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    local, central = info.header_offset, _central_entry(data, member)
    for at, flag_at, method_at in ((local, local + 6, local + 8), (central, central + 8, central + 10)):
        assert data[at:at + 2] == b"PK"
        old = struct.unpack_from("<H", data, flag_at)[0]
        struct.pack_into("<H", data, flag_at, old | flags)
        if method is not None:
            struct.pack_into("<H", data, method_at, method)
    target.write_bytes(bytes(data))
    return target


def _central_entry(data: bytearray, member: str) -> int:
    needle = member.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + name_length] == needle:
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise ValueError(member)


def deflate64_member(folder: Path) -> Path:
    return _patch_member(tracker(folder), folder / "deflate64_member.xlsx", "xl/workbook.xml", method=9)


def unknown_method_member(folder: Path) -> Path:
    return _patch_member(tracker(folder), folder / "unknown_method_member.xlsx", "xl/workbook.xml", method=77)


def encrypted_member(folder: Path) -> Path:
    return _patch_member(tracker(folder), folder / "encrypted_member.xlsx", "xl/styles.xml", flags=0x1)


def vml_entity(folder: Path) -> Path:
    """A macro workbook whose VML drawing (comments' shapes, which openpyxl parses) declares an entity."""
    bomb = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<xml xmlns:v="urn:schemas-microsoft-com:vml">&b;</xml>')
    return rewrite(tracker(folder), folder / "vml_entity.xlsm", {},
                   {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512, "xl/drawings/vmlDrawing1.vml": bomb})


def control_characters(folder: Path) -> Path:
    """An owner and a summary carrying terminal escapes and a newline (stored by xlsxwriter as _x001B_ and so on)."""
    return filled(folder, "control_characters.xlsx", [{"owner": CONTROL_TEXT, "summary": CONTROL_TEXT}])


def control_characters_copy(folder: Path) -> Path:
    """Another team's copy of the same tracker, filling the summary differently: a merge conflict to print."""
    return filled(folder, "control_characters_copy.xlsx", [{"summary": "on track"}])


_PLAN_HEAD = "campaign: {name: X, start: %s, end: %s, locale: en}\npeople: [{name: A}]\n"
_PLAN_TASK = "tasks:\n  - {id: M001, name: T, phase: prep, owner: A, start: %s, end: %s, budget: %s}\n"
_LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))


def _plan(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def plan_alias_bomb_date(folder: Path) -> Path:
    """A "billion laughs" of YAML aliases (9^9 values in 400 bytes) used as the campaign's start."""
    return _plan(folder, "plan_alias_bomb_date.yaml",
                 "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + _LAUGHS
                 + "campaign: {name: X, start: *l8, end: 2024-05-30}\n")


def plan_alias_bomb_number(folder: Path) -> Path:
    return _plan(folder, "plan_alias_bomb_number.yaml",
                 "l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + _LAUGHS + _PLAN_HEAD % ("2024-05-01", "2024-05-30")
                 + _PLAN_TASK % ("2024-05-01", "2024-05-05", "*l8"))


def plan_first_day(folder: Path) -> Path:
    return _plan(folder, "plan_first_day.yaml", _PLAN_HEAD % ("0001-01-01", "0001-01-30")
                 + _PLAN_TASK % ("0001-01-01", "0001-01-05", "10"))


def plan_last_day(folder: Path) -> Path:
    return _plan(folder, "plan_last_day.yaml", _PLAN_HEAD % ("9999-12-01", "9999-12-31")
                 + _PLAN_TASK % ("9999-12-01", "9999-12-31", "10"))


def plan_nan_budget(folder: Path) -> Path:
    return _plan(folder, "plan_nan_budget.yaml", _PLAN_HEAD % ("2024-05-01", "2024-05-30")
                 + _PLAN_TASK % ("2024-05-01", "2024-05-05", "nan"))


def plan_inf_budget(folder: Path) -> Path:
    return _plan(folder, "plan_inf_budget.yaml", _PLAN_HEAD % ("2024-05-01", "2024-05-30")
                 + _PLAN_TASK % ("2024-05-01", "2024-05-05", "inf"))


def plan_long_text(folder: Path) -> Path:
    """A task description longer than an Excel cell holds (32,767 characters)."""
    text = _PLAN_HEAD % ("2024-05-01", "2024-05-30") + _PLAN_TASK % ("2024-05-01", "2024-05-05", "10")
    return _plan(folder, "plan_long_text.yaml", text.rstrip("}\n") + ", description: " + "x" * 40_000 + "}\n")


def plan_named_xlsx(folder: Path) -> Path:
    """A good YAML plan whose name ends in .xlsx: ``new plan.xlsx`` would write the tracker over it."""
    return _plan(folder, "plan_named.xlsx", _PLAN_HEAD % ("2024-05-01", "2024-05-30")
                 + _PLAN_TASK % ("2024-05-01", "2024-05-05", "10"))


ROUND_TWO: dict[str, Callable[[Path], Path]] = {f.__name__: f for f in (
    nonfinite_numbers, meta_start_not_a_date, no_tasks, foreign_workbook, deflate64_member, unknown_method_member,
    encrypted_member, vml_entity, control_characters, control_characters_copy, plan_alias_bomb_date,
    plan_alias_bomb_number, plan_first_day, plan_last_day, plan_nan_budget, plan_inf_budget, plan_long_text,
    plan_named_xlsx)}


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "hostile"
    out.mkdir(parents=True, exist_ok=True)
    for make in [*MAKERS.values(), *ROUND_TWO.values()]:
        print(f"wrote {make(out)}")
