"""Workbook -> typed tables, with the address of every value as the user saved it.

Values come from python-calamine (a Rust reader, about seven times faster than openpyxl
here, and it reads .xlsx, .xlsm, .xls and .ods alike). Sheets are found by the hidden
identity sheet's locale, by name in either language, or by their header row when a sheet
was renamed; columns by label, in either language, or alias, in any order. Extra columns
are kept and reported, never dropped. Computed columns are not trusted: a workbook written
by a library caches 0 for them, so the reader leaves them to :mod:`derived`.

Example::

    tracker = read_tracker("618-filled.xlsx")
    for record in tracker.tables["tasks"].records:
        print(record.row, record.values["task_id"], record.values.get("progress"))
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from marketing_tracker.core.cells import column_letters as xl_col_to_name
from marketing_tracker.core.dates import parse_date
from marketing_tracker.core.errors import first_line
from marketing_tracker.core.findings import Allowed, ColumnLabel, Finding, Listing, MemberLabel, SheetLabel
from marketing_tracker.core.issued import canonical, extra_key
from marketing_tracker.core.schema import (
    ENUMERATIONS,
    INFO_FIELDS,
    INFO_GOALS,
    INFO_PEOPLE,
    INFO_PHASE_DATES,
    INFO_PHASES,
    INFO_TITLE,
    LOCALES,
    MAX_NUMBER,
    META_SHEET,
    PHASES,
    SCHEMA_VERSION,
    TABLE_SHEETS,
    TEMPLATE_NAME,
    Column,
    Locale,
    Sheet,
    Text,
)
from marketing_tracker.reading import numfmt
from marketing_tracker.reading.coerce import (
    CLEAN_TYPES,
    ODS_EPOCH,
    XLSX_EPOCH,
    Implausible,
    Window,
    coercer_for,
    is_blank,
    make_date,
)
from marketing_tracker.reading.coerce import text as coerce_text
from marketing_tracker.reading.container import UnreadableFile, inspect_container
from marketing_tracker.reading.scan import MAX_CELLS, CellError, Scanner, start_scan

if TYPE_CHECKING:
    import pandas as pd

HEADER_SEARCH_ROWS = 15


#: Sheets a tracker cannot do without; the others are checked when they are there.
REQUIRED_SHEETS = ("tasks",)


@dataclass(slots=True)
class Record:
    """One filled row: its row number (1-based), typed values by column key, and the raw cell
    values that were not already clean (text dates, "60%", synonyms, values that could not be read).

    A cell is filled when its key is in ``values`` or in ``raw``.
    """

    row: int
    values: dict[str, Any]
    raw: dict[str, Any]

    def filled(self, key: str) -> bool:
        return key in self.values or key in self.raw

    def shown(self, key: str) -> Any:
        """The value as the person left it."""
        return self.raw.get(key, self.values.get(key))


@dataclass
class Table:
    """A table sheet as found in the file."""

    key: str
    sheet: str  # the sheet's name in the file
    header_row: int  # 1-based
    columns: dict[str, int]  # schema key -> 0-based column index in the file
    extra: dict[str, int] = field(default_factory=dict)  # header text -> column index, for columns not in the schema
    records: list[Record] = field(default_factory=list)

    def cell(self, key: str, row: int) -> str:
        """The A1 address of a column's cell on a row, where the user has it."""
        return f"{xl_col_to_name(self.columns[key])}{row}"


@dataclass
class CampaignInfo:
    """What the campaign-info sheet says."""

    name: str = ""
    start: date | None = None
    end: date | None = None
    plan_owner: str = ""
    exec_owner: str = ""
    as_of: date | None = None  # the status date, when someone set one
    phases: list[tuple[str, str, date | None, date | None]] = field(default_factory=list)  # key, label, start, end
    people: list[str] = field(default_factory=list)
    departments: dict[str, str] = field(default_factory=dict)  # person -> department
    goals: list[str] = field(default_factory=list)


@dataclass
class Tracker:
    """A filled tracker, read: typed tables, campaign info, and what reading found."""

    path: str
    locale: Locale
    campaign: CampaignInfo
    tables: dict[str, Table]
    findings: list[Finding]
    meta: dict[str, Any]

    def records(self, key: str) -> list[Record]:
        table = self.tables.get(key)
        return table.records if table else []

    def frame(self, name: str) -> pd.DataFrame:
        """One table as a pandas DataFrame: typed columns, keys as categories (see reading/frames.py)."""
        from marketing_tracker.reading.frames import tracker_frame

        return tracker_frame(self, name)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table as a pandas DataFrame, by table key (tasks, milestones, kpis, kpi_log, issues, raci)."""
        from marketing_tracker.reading.frames import tracker_frames

        return tracker_frames(self)


def _normalise_header(text: Any) -> str:
    return re.sub(r"[\s\u3000_]+", "", str(text)).replace("（", "(").replace("）", ")").casefold()


def _header_index(sheet: Sheet) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in sheet.columns:
        for name in (column.label.zh, column.label.en, *column.aliases):
            index.setdefault(_normalise_header(name), column.key)
    return index


_HEADERS = {sheet.key: _header_index(sheet) for sheet in TABLE_SHEETS}
_SHEETS = {sheet.key: sheet for sheet in TABLE_SHEETS}


def read_tracker(path: str | os.PathLike[str]) -> Tracker:
    """Read a filled tracker (.xlsx, .xlsm, .xls, .ods). Raise :class:`UnreadableFile` when it is no workbook.

    Problems with the content are findings on the result, never exceptions.
    """
    source = _open(path)
    try:
        return _read(source, path)
    finally:
        source.close()  # a file given up on half-way leaves no background work behind


def _read(source: _Source, path: str | os.PathLike[str]) -> Tracker:
    findings: list[Finding] = []
    if source.has_macros:
        findings.append(Finding("macros-ignored"))
    names = source.sheet_names
    info_name = next((n for n in names if n in (INFO_TITLE.zh, INFO_TITLE.en)), None)
    # The task sheet, the long parse (outside the GIL), starts on its own handle once its scan is
    # done, beside the others; it is read last, while the smaller tables become records first.
    order = sorted(TABLE_SHEETS, key=lambda s: s.key == "tasks")
    by_title = {sheet.key: n for sheet in order for n in names if n in (sheet.title.zh, sheet.title.en)}
    tasks_name = by_title.pop("tasks", None)
    source.prefetch([n for n in (META_SHEET, info_name) if n in names] + list(by_title.values()), alone=tasks_name)

    meta = _meta(source) if META_SHEET in names else {}
    locale = _locale(meta, names)
    if meta.get("template") != TEMPLATE_NAME:
        findings.append(_foreign(meta))
    elif str(meta.get("schema_version")) != str(SCHEMA_VERSION):
        findings.append(Finding("foreign-workbook", detail="other-version",
                                params={"version": meta.get("schema_version"), "current": SCHEMA_VERSION}))

    campaign = _campaign(source.grid(info_name)) if info_name else CampaignInfo()
    if campaign.start is None and meta.get("start"):
        # the hidden sheet is the file's like any other: a start that is not a date is no start
        campaign.start = parse_date(meta["start"])
        campaign.end = parse_date(meta["end"]) if campaign.start and meta.get("end") else None
    default_year = campaign.start.year if campaign.start else None
    window = (Window(campaign.start, campaign.end or campaign.start, ODS_EPOCH if source.kind == "ods" else XLSX_EPOCH)
              if campaign.start else None)
    if info_name:
        findings += _status_date(source.grid(info_name), info_name, campaign, window)
        findings += _phase_dates(source.grid(info_name), info_name, campaign, window)
    phase_labels = {label: key for key, label, _s, _e in campaign.phases if label}

    read: dict[str, tuple[Table | None, list[Finding]]] = {}
    taken: set[str] = set()
    ours = meta.get("template") == TEMPLATE_NAME
    for sheet in order:
        found = _find_sheet(sheet, names, source.grid, taken)
        if found is None:
            missing: list[Finding] = []
            if sheet.key in REQUIRED_SHEETS or ours:
                sheets = Listing(tuple(n for n in names if n != META_SHEET))
                missing.append(Finding("sheet-missing", table=sheet.key, detail="" if ours else "file-sheets",
                                       params={"expected": SheetLabel(sheet.key), "sheets": sheets}))
            read[sheet.key] = (None, missing)
            continue
        name, header_row = found
        taken.add(name)
        scan = source.scanner.sheet(name)
        errors = scan.errors
        read[sheet.key] = _read_table(sheet, name, header_row, _with_errors(source.grid(name), errors), default_year,
                                      phase_labels, errors, window, scan.percent)
    tables: dict[str, Table] = {}
    for sheet in TABLE_SHEETS:  # tables and findings in the schema's order, whatever the reading order was
        table, table_findings = read[sheet.key]
        if table is not None:
            tables[sheet.key] = table
        findings += table_findings
    _percent_kpis(tables)
    return Tracker(os.fspath(path), locale, campaign, tables, findings, meta)


def _percent_kpis(tables: dict[str, Table]) -> None:
    """A KPI log value shown as a percentage ("4.2%", stored 0.042) of a KPI whose unit is % is 4.2, in
    the unit's terms; of any other KPI it stays the number stored."""
    log, kpis = tables.get("kpi_log"), tables.get("kpis")
    if log is None or kpis is None:
        return
    percent_kpis = {record.values[key] for record in kpis.records if numfmt.is_percent_unit(record.values.get("unit"))
                    for key in ("name", "kpi_key") if record.values.get(key)}
    for record in log.records:
        shown = record.raw.get("value")
        if isinstance(shown, numfmt.Percent) and record.values.get("kpi") in percent_kpis:
            record.values["value"] = float(shown) * 100


# --------------------------------------------------------------------------- opening


class _Source:
    """The workbook through python-calamine, with what it does not report (merges of .ods, error cells) beside it.

    Sheets named in :meth:`prefetch` are parsed one after another in a background thread (the
    parser releases the GIL), so the reader turns one sheet into records while the next is parsed;
    the largest sheet of an .xlsx has a second handle and a thread of its own, so that two cores
    parse at once (bench/bench_validate.py: 1.89-1.94 against 1.97-2.00 with one thread). A
    python-calamine workbook must not be used by two threads at once: each handle has a lock.
    """

    def __init__(self, workbook: Any, scanner: Scanner, has_macros: bool, path: Path | None = None,
                 kind: str = "xlsx") -> None:
        self.handle = _Handle(workbook)
        self.kind = kind  # "xlsx", "ods" or "xls", as safety.inspect_container found it
        self.scanner = scanner
        self.sheet_names: list[str] = list(workbook.sheet_names)
        self.has_macros = has_macros
        self.path = path  # given when the parser reads a sheet only when asked (.xlsx), so a second handle pays
        # (and a sheet the scan cannot vouch for can be parsed in a child process on its own)
        self.budget = _Budget()
        self._grids: dict[str, Future[list[list[Any]]]] = {}
        self._closed = threading.Event()

    def close(self) -> None:
        self._closed.set()
        self.scanner.close()

    def prefetch(self, names: list[str], alone: str | None = None) -> None:
        """Parse ``names`` in turn in the background, and ``alone`` (the largest sheet) beside them."""

        def run(handle: _Handle | Path, futures: list[tuple[str, Future[list[list[Any]]]]]) -> None:
            for name, future in futures:
                if self._closed.is_set():
                    future.cancel()
                    continue
                try:
                    if isinstance(handle, Path):  # a second handle, opened in the thread that uses it
                        import python_calamine

                        handle = _Handle(python_calamine.CalamineWorkbook.from_path(os.fspath(handle)))
                    future.set_result(_grid(self, name, handle))
                except BaseException as exc:  # noqa: BLE001 - handed to the reader, who asked for this sheet
                    future.set_exception(exc)

        def futures(wanted: list[str]) -> list[tuple[str, Future[list[list[Any]]]]]:
            return [(name, self._grids.setdefault(name, Future())) for name in dict.fromkeys(wanted)
                    if name not in self._grids]

        if alone is not None and self.path is not None:
            threading.Thread(target=run, args=(self.path, futures([alone])), name="marketing-tracker-read",
                             daemon=True).start()
        else:
            names = [*names, *([alone] if alone else [])]
        threading.Thread(target=run, args=(self.handle, futures(names)), name="marketing-tracker-read", daemon=True).start()

    def grid(self, name: str) -> list[list[Any]]:
        """All cells of a sheet (see :func:`_grid`), parsed once."""
        if name not in self._grids:
            future: Future[list[list[Any]]] = Future()
            try:
                future.set_result(_grid(self, name, self.handle))
            except UnreadableFile as exc:
                future.set_exception(exc)
            self._grids[name] = future
        return self._grids[name].result()

    def merges(self, name: str, sheet: Any) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        ranges = getattr(sheet, "merged_cell_ranges", None)
        if ranges is not None:
            return list(ranges)
        return (self.scanner.merges or {}).get(name, [])


def _open(path: str | os.PathLike[str]) -> _Source:
    import python_calamine

    location = Path(path)
    if not location.is_file():
        raise UnreadableFile(f"{location}: no such file")
    container = inspect_container(location)
    scanner = start_scan(location, container.kind)  # starts first: for .xlsx it runs beside the parser
    if scanner.refusal:
        raise UnreadableFile(f"{location}: {scanner.refusal}")
    if scanner.isolate:  # the scan could not follow the file: every sheet is parsed in a child process
        from marketing_tracker.reading import isolated  # rare: its subprocess and pickle are not loaded for every read

        try:
            return _Source(isolated.load(location), scanner, container.has_macros, None, container.kind)  # parsed there
        except UnreadableFile as exc:
            raise UnreadableFile(f"{location}: {exc}") from None
    workbook: Any
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(os.fspath(location))
    except BaseException as exc:  # calamine raises several types; all mean "not readable"
        if not _parser_failure(exc):
            scanner.close()
            raise
        workbook = _compacted_ods(location) if container.kind == "ods" else None
        if workbook is None:
            scanner.close()
            raise UnreadableFile(f"{location}: not a readable workbook ({first_line(exc)})") from None
    lazy = container.kind == "xlsx"  # the parser reads an .xlsx sheet when asked, .xls and .ods whole on open
    return _Source(workbook, scanner, container.has_macros, location if lazy else None, container.kind)


#: The largest content.xml that :func:`_compacted_ods` rewrites (it holds the part twice in memory).
_MAX_COMPACTED = 64 * 1024 * 1024


def _compacted_ods(location: Path) -> Any:
    """An .ods whose content.xml is indented (Gnumeric writes it so), read once the indentation is gone.

    The parser stops at the line breaks between a row's cells ("Expecting 'table-cell', found
    Text"); the same workbook without whitespace between tags reads. The copy is made in a
    temporary folder, read (the parser reads an .ods whole on open) and removed; the input file is
    never touched. ``None`` when that does not help either.
    """
    import tempfile
    import zipfile

    import python_calamine

    try:
        with zipfile.ZipFile(location) as archive:
            if archive.getinfo("content.xml").file_size > _MAX_COMPACTED:
                return None
            with tempfile.TemporaryDirectory(prefix="marketing-tracker-") as folder:
                copy = Path(folder) / "compacted.ods"
                with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
                    for info in archive.infolist():
                        data = archive.read(info.filename)
                        if info.filename == "content.xml":
                            data = re.sub(rb">[ \t\r\n]+<", b"><", data)
                        out.writestr(info.filename, data, zipfile.ZIP_STORED if info.filename == "mimetype" else None)
                return python_calamine.CalamineWorkbook.from_path(os.fspath(copy))
    except BaseException as exc:  # the first failure is the one reported
        if not _parser_failure(exc):
            raise
        return None


def _parser_failure(exc: BaseException) -> bool:
    """Whether the parser gave up on the file: its own errors, or a Rust panic, which pyo3 raises as a
    ``PanicException`` deriving from BaseException (found by fuzz_bytes.py on damaged .xls files)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


@dataclass
class _Handle:
    """One open python-calamine workbook and the lock that keeps it to one thread at a time."""

    workbook: Any
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class _Budget:
    """The cells the parser may still allocate for this workbook: one budget for all the sheets it parses,
    taken from, before each parse, by the sheet's extent as the scan measured it (the grids stay in memory)."""

    left: int = MAX_CELLS
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, name: str, cells: int) -> None:
        with self.lock:
            if cells > self.left:
                raise UnreadableFile(f"its sheets together would span more than {MAX_CELLS:,} cells (sheet {name!r} "
                                     f"{cells:,} more); delete stray cells and unused sheets and save again")
            self.left -= cells


def _grid(source: _Source, name: str, handle: _Handle) -> list[list[Any]]:
    """All cells of a sheet from A1, so list indexes are true row and column numbers; merged ranges filled."""
    scan = source.scanner.sheet(name)
    if scan.refusal:
        raise UnreadableFile(scan.refusal)
    source.budget.take(name, scan.extent)
    try:
        if scan.vouched or source.path is None:
            with handle.lock:
                rows, merged = _parsed(source, name, handle.workbook.get_sheet_by_name(name))
        else:  # a dialect the scan does not read exactly as the parser does: an abort costs only a child process
            from marketing_tracker.reading import isolated

            rows, merged = _parsed(source, name, isolated.load(source.path, [name]).get_sheet_by_name(name))
    except UnreadableFile:
        raise
    except BaseException as exc:
        if not _parser_failure(exc):
            raise
        raise UnreadableFile(f"sheet {name!r} cannot be read ({first_line(exc)})") from None
    _fill_merges(rows, merged)
    return rows


def _parsed(source: _Source, name: str, sheet: Any) -> tuple[list[list[Any]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """A parsed sheet's cells and merged ranges (``sheet`` from python-calamine or :mod:`isolated`)."""
    if sheet.height * sheet.width > MAX_CELLS:  # a last net: the scan refuses such sheets before the parse
        last = f"{xl_col_to_name(sheet.width - 1)}{sheet.height}"
        raise UnreadableFile(f"sheet {name!r} reaches cell {last} ({sheet.height} rows x {sheet.width} "
                             "columns); delete the stray cells beyond the data and save again")
    rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    return rows, source.merges(name, sheet)


def _fill_merges(rows: list[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Fill each merged range with its first cell's value.

    Merged ranges never overlap, so together they cover at most the grid; a file whose ranges
    cover more (thousands of copies of one huge range) would cost their sum: stop there.
    """
    budget = len(rows) * max((len(row) for row in rows), default=0)
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        budget -= (min(bottom, len(rows) - 1) - top + 1) * (min(right, len(rows[top]) - 1) - left + 1)
        if budget < 0:
            break
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                if (r, c) != (top, left) and is_blank(row[c]):
                    row[c] = value


def _with_errors(rows: list[list[Any]], errors: Sequence[tuple[int, int, str]]) -> list[list[Any]]:
    """A table's grid with a :class:`CellError` where a cell shows a spreadsheet error (the parser says '')."""
    for r, c, text in errors:
        if r >= len(rows):
            rows.extend([] for _ in range(r + 1 - len(rows)))
        row = rows[r]
        if c >= len(row):
            row.extend([""] * (c + 1 - len(row)))
        row[c] = CellError(text)
    return rows


def _meta(source: _Source) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for row in source.grid(META_SHEET):
        if len(row) >= 2 and isinstance(row[0], str) and row[0]:
            value = row[1]
            meta[row[0]] = int(value) if isinstance(value, float) and value.is_integer() else value
    return meta


def _locale(meta: dict[str, Any], names: list[str]) -> Locale:
    if meta.get("locale") in LOCALES:
        return meta["locale"]  # type: ignore[no-any-return]
    zh = sum(1 for s in TABLE_SHEETS if s.title.zh in names)
    en = sum(1 for s in TABLE_SHEETS if s.title.en in names)
    if en > zh:
        return "en"
    if zh > en:
        return "zh-CN"
    text = "".join(names)
    return "zh-CN" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def _foreign(meta: dict[str, Any]) -> Finding:
    if not meta:
        return Finding("foreign-workbook", detail="not-ours")
    return Finding("foreign-workbook", detail="other-template", params={"template": meta.get("template")})


# --------------------------------------------------------------------------- sheets and headers


def _find_sheet(sheet: Sheet, names: list[str], grid: Any, taken: set[str]) -> tuple[str, int] | None:
    """The sheet's name in the file and its 0-based header row."""
    for name in names:
        if name in (sheet.title.zh, sheet.title.en) and name not in taken:
            row, score = _header_row(sheet, grid(name))
            if score:
                return name, row
    best: tuple[int, str, int] | None = None
    needed = max(3, sum(1 for c in sheet.columns if c.required and not c.computed) // 2 + 1)
    for name in names:
        if name in taken or name == META_SHEET:
            continue
        rows = grid(name)
        row, score = _header_row(sheet, rows)
        if score < needed or any(_header_row(other, rows)[1] > score for other in TABLE_SHEETS if other is not sheet):
            continue  # too few of the columns, or the headers of another table (read later, maybe)
        if best is None or score > best[0]:
            best = (score, name, row)
    return (best[1], best[2]) if best else None


def _header_row(sheet: Sheet, rows: list[list[Any]]) -> tuple[int, int]:
    """The row among the first few that names most of the sheet's columns, and how many it names."""
    index = _HEADERS[sheet.key]
    best_row, best_score = 0, 0
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {index.get(_normalise_header(v)) for v in row if isinstance(v, str) and v.strip()}
        keys.discard(None)
        score = len(keys)
        if score > best_score:
            best_row, best_score = r, score
    return best_row, best_score


class _ColumnReader(NamedTuple):
    """How one schema column of a table is read: chosen once per column, used for every row.

    Named for the reader of the code; the row loop takes them as plain tuples (50,000 rows x 15 columns).
    """

    key: str
    position: int  # the column's 0-based position in the file
    coerce: Any  # reading.coerce coercer: raw cell -> (value, finding code, shown)
    column: Column
    clean_type: type | None  # a cell of this type is taken as it is (a date in a date column)
    exact: dict[str, Any] | None  # a dropdown label as picked -> its key, skipping the coercer
    is_percent: bool
    dates: tuple[date, date] | None  # the dates the campaign can mean, for a clean date


@dataclass
class _Header:
    """What a table's header row says: schema columns and inserted ones by position, and what was odd."""

    columns: dict[str, int]
    extra: dict[str, int]
    findings: list[Finding]


@dataclass
class _People:
    """The RACI matrix's person columns, one block read only where a cell holds something."""

    first: int = 0
    end: int = 0
    by_offset: dict[int, tuple[str, Column]] = field(default_factory=dict)
    offsets: range = field(init=False)  # the block's positions, made once (it is used on every filled row)

    def __post_init__(self) -> None:
        self.offsets = range(self.end - self.first)


def _read_table(sheet: Sheet, name: str, header_row: int, rows: list[list[Any]], default_year: int | None,
                phase_labels: dict[str, str],
                errors: Sequence[tuple[int, int, str]] = (), window: Window | None = None,
                percent: Sequence[tuple[int, int]] = ()) -> tuple[Table, list[Finding]]:
    """One table sheet -> records and findings: the header, then the rows, then the template's broken formulas."""
    header = _read_header(sheet, name, header_row, rows[header_row] if header_row < len(rows) else [])
    findings = header.findings
    table = Table(sheet.key, name, header_row + 1, header.columns, header.extra)
    numfmt.mark_percent(rows, percent, numfmt.percent_columns(sheet.key, header.columns))
    readers = _column_readers(sheet, header.columns, default_year, phase_labels, window)
    people = _people(header.extra) if sheet.key == "raci" else _People()
    # Columns a team inserted are kept as the cells hold them, under ``extra:<header>`` (merge, split
    # and update carry them on); no rule looks at them.
    inserted = [(extra_key(label), i) for label, i in header.extra.items()] if sheet.key != "raci" else []
    _read_rows(sheet, name, header_row, rows, readers, people, inserted, table, findings, default_year)
    findings += _formula_errors(sheet, name, header_row, header.columns, errors)
    return table, findings


def _read_header(sheet: Sheet, name: str, header_row: int, header: list[Any]) -> _Header:
    """Schema columns found by label (first wins), the others kept as inserted columns (RACI: one per person)."""
    index = _HEADERS[sheet.key]
    found = _Header({}, {}, [])
    for c, value in enumerate(header):
        if not isinstance(value, str) or not value.strip():
            continue
        key = index.get(_normalise_header(value))
        if key is not None and key not in found.columns:
            found.columns[key] = c
            continue
        found.extra[value.strip()] = c
        if sheet.key != "raci":
            found.findings.append(Finding("extra-column", name, f"{xl_col_to_name(c)}{header_row + 1}", header_row + 1,
                                          value=value.strip(), table=sheet.key))
    for column in sheet.columns:
        if column.required and not column.computed and column.key not in found.columns:
            found.findings.append(_header_missing(sheet, name, header_row, column, header))
    return found


def _column_readers(sheet: Sheet, columns: dict[str, int], default_year: int | None, phase_labels: dict[str, str],
                    window: Window | None) -> list[_ColumnReader]:
    """A reader per schema column present in the file (computed columns are recomputed, never read)."""
    readers = []
    for column in sheet.columns:
        if column.computed or column.key not in columns:
            continue
        coerce = coercer_for(column, default_year, phase_labels, window)
        readers.append(_ColumnReader(column.key, columns[column.key], coerce, column, CLEAN_TYPES.get(column.kind),
                                     getattr(coerce, "exact", None), column.kind == "percent",
                                     (window.first, window.last) if window and column.kind == "date" else None))
    return readers


def _people(extra: dict[str, int]) -> _People:
    """The RACI matrix has a column per person, nearly all empty: one block, looked at only where filled."""
    if not extra:
        return _People()
    people = sorted((i, f"person:{person}", Column(f"person:{person}", Text(person, person), "choice", choices="raci"))
                    for person, i in extra.items())
    first = people[0][0]
    return _People(first, people[-1][0] + 1, {i - first: (key, column) for i, key, column in people})


def _read_rows(sheet: Sheet, name: str, header_row: int, rows: list[list[Any]], readers: list[_ColumnReader],
               people: _People, inserted: list[tuple[str, int]], table: Table, findings: list[Finding],
               default_year: int | None) -> None:
    """Every row below the header into a record; blank rows are skipped, row numbers stay those of the file.

    Clean values (a date in a date column, a picked dropdown label) skip the coercer: with 50,000
    rows the call per cell was most of the reading time. A clean date is taken as it is only inside
    the dates the campaign can mean.
    """
    width = max([r.position for r in readers] + [i for _k, i in inserted] + [people.end - 1, 0]) + 1
    raci = coercer_for(Column("role", sheet.columns[0].label, "choice", choices="raci"), default_year)
    records = table.records
    none_type, str_type, float_type, top = type(None), str, float, MAX_NUMBER
    # Plain tuples in the loop: unpacking is fast only for an exact tuple, not a NamedTuple.
    fast = [tuple(reader) for reader in readers]
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        for key, i, coerce, column, clean_type, exact, is_percent, dates in fast:
            cell = row[i]
            kind = cell.__class__
            if kind is str_type:
                if not cell:  # the common empty cell
                    continue
                if exact is not None:
                    found = exact.get(cell)
                    if found is not None:  # a dropdown value as it was picked
                        if found != cell:
                            raw[key] = cell
                        values[key] = found
                        continue
                elif kind is clean_type:
                    stripped = values[key] = cell.strip()
                    if stripped is not cell:
                        raw[key] = cell
                    continue
                if cell.isspace():
                    continue
            elif kind is clean_type and not (is_percent and 0 < cell < 1) and (
                    dates is None or dates[0] <= cell <= dates[1]) and (
                    kind is not float_type or -top <= cell <= top):  # nan, inf, 1e400: the coercer refuses them
                values[key] = cell  # clean: the raw value is the value
                continue
            elif kind is none_type:
                continue
            elif kind is CellError:
                raw[key] = cell
                findings.append(_cell_error(sheet.key, name, i, r + 1, column, cell))
                continue
            value, code, shown = coerce(cell)
            raw[key] = cell
            if code is not None:
                findings.append(_coercion_finding(code, sheet.key, name, i, r + 1, column, cell, value, shown))
            if value is not None:
                values[key] = value
        if people.by_offset and any(segment := row[people.first:people.end]):
            _read_roles(sheet, name, r + 1, segment, people, raci, values, raw, findings)
        if values or raw:
            for key, i in inserted:
                cell = row[i]
                if not is_blank(cell) and cell.__class__ is not CellError:
                    values[key] = canonical(sheet.key, key, cell)
            records.append(Record(r + 1, values, raw))


def _read_roles(sheet: Sheet, name: str, row: int, segment: list[Any], people: _People, raci: Any,
                values: dict[str, Any], raw: dict[str, Any], findings: list[Finding]) -> None:
    """The roles in one row of the RACI matrix's person block: only the cells that hold something, found in C."""
    for offset in compress(people.offsets, segment):
        cell = segment[offset]
        if offset not in people.by_offset or (cell.__class__ is str and cell.isspace()):
            continue
        key, column = people.by_offset[offset]
        if cell.__class__ is CellError:
            raw[key] = cell
            findings.append(_cell_error(sheet.key, name, people.first + offset, row, column, cell))
            continue
        value, code, shown = raci(cell)
        raw[key] = cell
        if code is not None:
            findings.append(_coercion_finding(code, sheet.key, name, people.first + offset, row, column, cell, value, shown))
        if value is not None:
            values[key] = value


def _formula_errors(sheet: Sheet, name: str, header_row: int, columns: dict[str, int],
                    errors: Sequence[tuple[int, int, str]]) -> list[Finding]:
    """The template's own formulas, broken (their values are recomputed from the row, never read)."""
    computed = {columns[c.key]: c for c in sheet.columns if c.computed and c.key in columns}
    return [Finding("formula-error", name, f"{xl_col_to_name(c)}{r + 1}", r + 1, computed[c].key, text, table=sheet.key)
            for r, c, text in errors if c in computed and r > header_row]


def _cell_error(table: str, sheet: str, col: int, row: int, column: Column, cell: str) -> Finding:
    return Finding("cell-error", sheet, f"{xl_col_to_name(col)}{row}", row, column.key, str(cell), table=table)


def _coercion_finding(code: str, table: str, sheet: str, col: int, row: int, column: Column, raw: Any, value: Any,
                      shown: Any) -> Finding:
    """A value that was normalised or refused; labels stay keys until the message is rendered."""
    params: dict[str, Any] = {}
    enumeration = ENUMERATIONS.get(column.choices or "")
    detail = ""
    if isinstance(shown, Implausible):
        detail, raw = "outside-campaign", shown.shown
        params.update(first=shown.window.start.isoformat(), last=shown.window.end.isoformat())
    elif isinstance(raw, datetime):
        raw = raw.date().isoformat()  # as the cell shows it, without a time
    elif isinstance(raw, date):
        raw = raw.isoformat()
    if code == "normalized":
        is_member = enumeration is not None and isinstance(value, str) and any(m.key == value for m in enumeration.members)
        # A member is named in the reader's language, unless the plan gave it its own name (a custom phase).
        params["other_value"] = MemberLabel(enumeration.key, value) if is_member and enumeration is not None and \
            shown == enumeration.member(value).label.zh else shown
    elif code == "bad-choice" and enumeration is not None:
        params["allowed"] = Allowed(enumeration.key)
    return Finding(code, sheet, f"{xl_col_to_name(col)}{row}", row, column.key,
                   raw if not isinstance(raw, str) else raw.strip(), params, table=table, detail=detail)


def _header_missing(sheet: Sheet, name: str, header_row: int, column: Column, header: list[Any]) -> Finding:
    seen = tuple(str(v).strip() for v in header if isinstance(v, str) and v.strip())
    return Finding("header-missing", name, "", header_row + 1, column.key, table=sheet.key,
                   detail="headers-are" if seen else "header-empty",
                   params={"expected": ColumnLabel(sheet.key, column.key), "headers": Listing(seen[:12])})


# --------------------------------------------------------------------------- campaign info


def _campaign(rows: list[list[Any]]) -> CampaignInfo:
    info = CampaignInfo()
    labels = {}
    for info_field in INFO_FIELDS:
        labels[_normalise_header(info_field.label.zh)] = info_field
        labels[_normalise_header(info_field.label.en)] = info_field
    as_date = make_date(None)
    block = ""
    for row in rows:
        if not row or is_blank(row[0]):
            block = "" if block and all(is_blank(v) for v in row[:4]) else block
            continue
        first = _normalise_header(row[0])
        if first in (_normalise_header(INFO_GOALS.zh), _normalise_header(INFO_GOALS.en)):
            block = "goals"
            continue
        if block == "goals":
            goal = coerce_text(row[1])[0] if len(row) > 1 and not is_blank(row[1]) else ""
            if goal:
                info.goals.append(goal)
            continue
        if first in (_normalise_header(INFO_PHASES.zh), _normalise_header(INFO_PHASES.en)):
            block = "phases-header"
            continue
        if first in (_normalise_header(INFO_PEOPLE.zh), _normalise_header(INFO_PEOPLE.en)):
            block = "people-header"
            continue
        if block.endswith("-header"):
            block = block.removesuffix("-header")  # the block's own header row
            continue
        cells = list(row) + [""] * 4
        if block == "phases":
            label, _c, _s = coerce_text(cells[0])
            member = PHASES.lookup(label)
            start, _c1, _s1 = as_date(cells[1]) if not is_blank(cells[1]) else (None, None, None)
            end, _c2, _s2 = as_date(cells[2]) if not is_blank(cells[2]) else (None, None, None)
            info.phases.append((member.key if member else label, label, start, end))
            continue
        if block == "people":
            person = coerce_text(cells[0])[0]
            info.people.append(person)
            if not is_blank(cells[1]):
                info.departments[person] = coerce_text(cells[1])[0]
            continue
        found = labels.get(first)
        if found is None or found.computed or len(row) < 2 or is_blank(row[1]):
            continue
        if found.kind == "date":
            value, _code, _shown = as_date(row[1])
        else:
            value = coerce_text(row[1])[0]
        if found.key == "as_of_input":
            info.as_of = value
        elif hasattr(info, found.key):
            setattr(info, found.key, value)
    return info


def _status_date(rows: list[list[Any]], sheet: str, info: CampaignInfo, window: Window | None) -> list[Finding]:
    """The status date as the campaign-info sheet has it: a text date is understood (``normalized``: the
    workbook's own formulas read it with DATEVALUE), one that is no date, or none the campaign can
    mean, is a ``bad-date`` at its cell and is not used (delays are then counted to today)."""
    status = next(f for f in INFO_FIELDS if f.key == "as_of_input")
    labels = {_normalise_header(status.label.zh), _normalise_header(status.label.en)}
    for r, row in enumerate(rows):
        if len(row) < 2 or is_blank(row[0]) or _normalise_header(row[0]) not in labels:
            continue
        raw = row[1]
        if is_blank(raw):
            return []
        value, code, shown = make_date(info.start.year if info.start else None, window)(raw)
        info.as_of = value
        if code is None:
            return []
        column = Column(status.key, status.label, "date")
        return [_coercion_finding(code, "info", sheet, 1, r + 1, column, raw, value, shown)]
    return []


def _phase_dates(rows: list[list[Any]], sheet: str, info: CampaignInfo, window: Window | None) -> list[Finding]:
    """The key dates' start and end (the phase windows the rules use), checked as any date cell is:
    one that is no date the campaign can mean is a ``bad-date`` at its cell and is not used."""
    if window is None:
        return []
    titles = {_normalise_header(INFO_PHASES.zh), _normalise_header(INFO_PHASES.en)}
    first = next((r for r, row in enumerate(rows) if row and not is_blank(row[0])
                  and _normalise_header(row[0]) in titles), None)
    if first is None:
        return []
    findings: list[Finding] = []
    coerce = make_date(window.start.year, window)
    columns = INFO_PHASE_DATES
    index = 0
    for r in range(first + 2, len(rows)):  # the rows _campaign read as phases: from below the block's header
        row = rows[r]
        if not row or is_blank(row[0]):
            if all(is_blank(v) for v in row[:4]):
                break
            continue
        if index >= len(info.phases):
            break
        key, label, *days = info.phases[index]
        for c, column in ((1, columns[0]), (2, columns[1])):
            raw = row[c] if c < len(row) else None
            if days[c - 1] is None or is_blank(raw):
                continue
            value, code, shown = coerce(raw)
            if code == "bad-date":
                findings.append(_coercion_finding(code, "info", sheet, c, r + 1, column, raw, value, shown))
                days[c - 1] = None
        info.phases[index] = (key, label, days[0], days[1])
        index += 1
    return findings


__all__ = ["Record", "Table", "Tracker", "UnreadableFile", "read_tracker"]
