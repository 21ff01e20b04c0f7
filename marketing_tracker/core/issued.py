"""What a tracker was issued with, recorded on its hidden identity sheet.

A generated tracker travels: it is split per department, filled in Excel, WPS or
LibreOffice, and comes back. To tell a value a team changed from one it left as it was
issued (and a row a team deleted from one it never had), the generator writes every row
of every table it wrote, in a canonical, locale-free form (enumeration keys, ISO dates,
numbers), onto the hidden ``_mt_meta`` sheet, beside the campaign's identity and the
copy's own identity (``all``, or the group of a split copy).

The record is JSON (each table a list of rows, each row as the generator was given it, made
canonical when read back), compressed with zlib and written as base64 text cut into cells of at
most :data:`CHUNK` characters under the keys ``issued.1``, ``issued.2``, ...: text cells survive
every office program's round trip unchanged (.xlsx, .ods and .xls alike, where numbers and dates
would be re-typed), and a reader that does not know the keys sees ordinary meta rows.

Compressed, because every program that opens the tracker pays for its text: an .xlsx keeps it
in the shared-strings part, which the parser reads whole on open (twice, with the second
handle of the task sheet) and the container check unpacks once more. A 50,000-task record is
19 MB of JSON and 2.4 MB packed (docs/performance.md). Records written as plain JSON (the first
trackers that had one) still read.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from marketing_tracker.core.schema import ENUMERATIONS, RACI, TABLE_SHEETS, Column

#: Characters per meta cell (Excel and .xls take 32,767; well under, whatever the encoding).
CHUNK = 8000
#: The first characters of a packed record (a plain one starts with "{").
PACKED = "zlib:"
#: The most a packed record may unpack to, absolutely and per byte packed: the JSON of tracker rows
#: packs about ten to one, so a record that would grow far more is a bomb, not a record.
MAX_UNPACKED = 256 * 1024 * 1024
MAX_UNPACK_RATIO = 64
ISSUED_KEY = "issued"
COPY_KEY = "copy"
CAMPAIGN_ID_KEY = "campaign_id"
#: The copy identity of a tracker sent out whole.
WHOLE = "all"
#: In an issued row of a split copy: the row's position in the tracker it was split from, so a
#: merge of the copies gives the rows back in their first order.
POSITION = "#"
_COLUMNS = {(sheet.key, column.key): column for sheet in TABLE_SHEETS for column in sheet.columns}
_RACI_COLUMN = Column("person", RACI.title, "choice", choices="raci")
_EXTRA_PREFIX = "extra:"
_DATE, _DATETIME = "$date", "$datetime"  # a date in the JSON (no column key starts with $)
_PERSON_PREFIX = "person:"


@dataclass
class Issued:
    """The rows a tracker was issued with, by table key, each a dict of column key -> canonical value.

    ``rows[table][i]`` is the i-th row as written; :meth:`index` finds a row by its identity.
    """

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    copy: str = WHOLE
    campaign_id: str = ""

    def index(self, table: str, identity: tuple[str, ...]) -> dict[tuple[Any, ...], tuple[int, dict[str, Any]]]:
        """Row identity (the ID column's value, or the KPI-log day, KPI and channel) -> (position, row)."""
        found: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
        for position, row in enumerate(self.rows.get(table, [])):
            key = tuple(row.get(k) for k in identity)
            if any(v not in (None, "") for v in key):
                found.setdefault(key, (int(row.get(POSITION, position)), row))
        return found


def campaign_id(name: str, start: date) -> str:
    """A campaign's identity: fixed when its first tracker is generated and carried through every copy."""
    return hashlib.sha256(f"{name}\n{start.isoformat()}".encode()).hexdigest()[:12]


def canonical(table: str, key: str, value: Any, phase_keys: Mapping[str, str] | None = None) -> Any:
    """A value as the reader gives it back (enumeration key, date, float, list of IDs, stripped text), or None."""
    if value is None or value == "" or value == []:
        return None
    column = _RACI_COLUMN if key.startswith(_PERSON_PREFIX) else _COLUMNS.get((table, key))
    if column is None:  # a column a team inserted: as the cell held it
        if isinstance(value, datetime):
            return value.date() if value.time() == datetime.min.time() else value
        return value.strip() if isinstance(value, str) else value
    if column.kind == "date":
        return value.date() if isinstance(value, datetime) else value
    if column.kind == "ids":
        if isinstance(value, list):
            return [str(v) for v in value]
        return [p.strip() for p in str(value).replace("，", ",").split(",") if p.strip()]
    if column.kind in ("percent", "money", "number"):
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    if column.choices == "phase" and phase_keys is not None:
        return phase_keys.get(str(value), value)
    enumeration = ENUMERATIONS.get(column.choices or "")
    if enumeration is not None and isinstance(value, str):
        member = enumeration.lookup(value)
        return member.key if member else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.strip() if isinstance(value, str) else value


def _to_json(value: Any) -> Any:
    """JSON for what the standard encoder does not know: dates (the only objects in a record)."""
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    return str(value)


def _from_json(value: dict[str, Any]) -> Any:
    if len(value) == 1 and _DATE in value:
        return date.fromisoformat(value[_DATE])
    if len(value) == 1 and _DATETIME in value:
        return datetime.fromisoformat(value[_DATETIME])
    return value


def encode(rows: Mapping[str, list[dict[str, Any]]], phase_keys: Mapping[str, str] | None = None) -> list[str]:
    """The rows as the writer was given them, as JSON text cut into cells (the encoder runs in C: a
    5,000-task tracker costs a few hundredths of a second). Values are made canonical when read back
    (:func:`decode`), not here, so that writing stays cheap."""
    document = {"version": 1, "phases": dict(phase_keys or {}), "tables": dict(rows)}
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=_to_json)
    # Level 3: 10x smaller, at a fifth of the time level 6 takes for a tenth less.
    packed = PACKED + base64.b64encode(zlib.compress(text.encode("utf-8"), 3)).decode("ascii")
    return [packed[i:i + CHUNK] for i in range(0, len(packed), CHUNK)]


def decode(meta: Mapping[str, Any]) -> Issued | None:
    """The issued record of a read tracker's meta sheet, canonical (as the reader gives values back);
    None when it has none (trackers made before it) or it is damaged."""
    chunks: list[str] = []
    index = 1
    while f"{ISSUED_KEY}.{index}" in meta:
        chunks.append(str(meta[f"{ISSUED_KEY}.{index}"]))
        index += 1
    if not chunks:
        return None
    try:
        rows = _decode_text("".join(chunks))
    except (ValueError, KeyError, TypeError, AttributeError, zlib.error):  # edited by hand or cut short: none rather than wrong
        return None
    return Issued(rows, str(meta.get(COPY_KEY) or WHOLE), str(meta.get(CAMPAIGN_ID_KEY) or ""))


@functools.lru_cache(maxsize=4)
def _decode_text(text: str) -> dict[str, list[dict[str, Any]]]:
    """The canonical rows of a record's JSON. Twenty copies of one tracker carry the same record: it is
    decoded once (callers only read the rows)."""
    document = json.loads(_unpacked(text) if text.startswith(PACKED) else text, object_hook=_from_json)
    phase_keys = document.get("phases") or {}
    return {table: _canonical_rows(table, body, phase_keys) for table, body in document["tables"].items()}


def _unpacked(text: str) -> str:
    """A packed record's JSON; ValueError when it is damaged or would unpack beyond :data:`MAX_UNPACKED`."""
    packed = base64.b64decode(text[len(PACKED):], validate=True)  # binascii.Error is a ValueError
    limit = min(MAX_UNPACKED, MAX_UNPACK_RATIO * len(packed) + 1024)
    inflater = zlib.decompressobj()
    data = inflater.decompress(packed, limit)
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("the issued record is cut short or unpacks to more than any tracker holds")
    return data.decode("utf-8")


def _canonical_rows(table: str, rows: list[dict[str, Any]], phase_keys: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each value as the reader gives it; only the columns that need it are converted, blanks dropped."""
    keys: set[str] = set().union(*rows) if rows else set()
    convert = [(key, converter) for key in keys if (converter := _converter(table, key, phase_keys)) is not None]
    result = []
    for found in rows:
        row = {k: v for k, v in found.items() if v is not None and v != ""}
        for key, converter in convert:
            if key in row:
                value = converter(row[key])
                if value is None:
                    del row[key]
                else:
                    row[key] = value
        result.append(row)
    return result


def _converter(table: str, key: str, phase_keys: Mapping[str, str]) -> Callable[[Any], Any] | None:
    """How a column's written values become the reader's (None: they already are); chosen once per column."""
    if not _needs_converting(table, key):
        return None
    column = _RACI_COLUMN if key.startswith(_PERSON_PREFIX) else _COLUMNS.get((table, key))
    if column is not None and column.kind in ("percent", "money", "number"):
        return lambda v: v if isinstance(v, (int, float)) and not isinstance(v, bool) else canonical(table, key, v)
    enumeration = ENUMERATIONS.get(column.choices or "") if column is not None else None
    if column is not None and (enumeration is not None or column.choices == "phase"):
        known: dict[Any, Any] = dict(phase_keys) if column.choices == "phase" else {}
        if enumeration is not None:
            for member in enumeration.members:
                known.update({member.key: member.key, member.label.zh: member.key, member.label.en: member.key})
        return lambda v: known[v] if v in known else canonical(table, key, v, phase_keys)
    return lambda v: canonical(table, key, v, phase_keys)


def _needs_converting(table: str, key: str) -> bool:
    if key == POSITION:
        return False
    column = _RACI_COLUMN if key.startswith(_PERSON_PREFIX) else _COLUMNS.get((table, key))
    return column is None or column.kind not in ("text", "id", "person", "date") or column.choices is not None


def meta_rows(rows: Mapping[str, list[dict[str, Any]]], phase_keys: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """The ``issued.N`` rows of the meta sheet for these rows."""
    return [(f"{ISSUED_KEY}.{i}", chunk) for i, chunk in enumerate(encode(rows, phase_keys), start=1)]


def is_extra(key: str) -> bool:
    """Whether a record key is a column a team inserted (``extra:<header>``)."""
    return key.startswith(_EXTRA_PREFIX)


def extra_key(header: str) -> str:
    """The record key of a column a team inserted, by its header."""
    return _EXTRA_PREFIX + header


def extra_header(key: str) -> str:
    return key.removeprefix(_EXTRA_PREFIX)


__all__ = ["POSITION", "Issued", "campaign_id", "canonical", "decode", "encode", "extra_key", "is_extra", "meta_rows"]
